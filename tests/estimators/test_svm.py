"""LinearSVC(CV): liblinear parity without intercept, a free intercept, CV, ALO, contract."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import KFold
from sklearn.svm import LinearSVC as SkLinearSVC
from sklearn.utils.estimator_checks import check_estimator

from ridgeway.conventions import fold_l2, to_sklearn_C
from ridgeway.estimators.svm import LinearSVC, LinearSVCCV


def _data(n=200, k=2, seed=1):
    return make_classification(n, 5, n_informative=3, n_redundant=0, n_classes=k,
                               n_clusters_per_class=1, flip_y=0.05, random_state=seed)  # fmt: skip


@pytest.mark.parametrize("loss", ["squared_hinge", "hinge"])
def test_matches_liblinear_without_intercept(loss):
    X, y = _data()
    ours = LinearSVC(l2=2.0, loss=loss, fit_intercept=False, tol=1e-10).fit(X, y)
    ref = SkLinearSVC(C=to_sklearn_C(2.0), loss=loss, fit_intercept=False, tol=1e-10,
                      max_iter=1_000_000).fit(X, y)  # fmt: skip
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-3 if loss == "hinge" else 1e-7)
    assert ours.solution_.converged


def test_hinge_and_squared_hinge_solvers_agree_on_free_intercept():
    X, y = _data()
    newton = LinearSVC(l2=1.0).fit(X, y)
    dual = LinearSVC(l2=1.0, solver="dual-cd", tol=1e-10).fit(X, y)
    np.testing.assert_allclose(dual.intercept_, newton.intercept_, atol=1e-5)
    np.testing.assert_allclose(dual.coef_, newton.coef_, atol=1e-5)


def test_intercept_is_not_penalized():
    X, y = _data()
    X = X + 20.0
    model = LinearSVC(l2=1.0).fit(X, y)
    shifted = LinearSVC(l2=1.0).fit(X - 20.0, y)
    # translation invariance holds only with a free intercept
    np.testing.assert_allclose(model.coef_, shifted.coef_, atol=1e-7)


def test_multiclass_one_vs_rest_and_labels():
    X, y = _data(k=3)
    labels = np.array(["a", "b", "c"])[y]
    model = LinearSVC(l2=1.0).fit(X, labels)
    assert model.coef_.shape == (3, 5)
    assert model.decision_function(X).shape == (len(y), 3)
    assert model.score(X, labels) > 0.6


def test_one_class_and_zero_l2_raise():
    X, y = _data()
    with pytest.raises(ValueError, match="at least 2 classes"):
        LinearSVC().fit(X, np.ones(len(y)))
    with pytest.raises(ValueError, match="l2 must be a finite number > 0"):
        LinearSVC(l2=0.0).fit(X, y)
    with pytest.raises(ValueError, match="loss must be one of"):
        LinearSVC(loss="log").fit(X, y)


def test_kfold_cv_matches_refitting_by_hand():
    X, y = _data(n=120)
    grid = np.array([0.1, 1.0, 10.0])
    folds = list(KFold(3).split(X))
    model = LinearSVCCV(l2=grid, cv=folds).fit(X, y)
    expected = [
        [
            LinearSVC(l2=float(fold_l2(l2, len(tr), len(y)))).fit(X[tr], y[tr]).score(X[te], y[te])
            for tr, te in folds
        ]
        for l2 in grid
    ]
    np.testing.assert_allclose(model.cv_results_["fold_scores"], expected, atol=1e-12)


def test_alo_for_squared_hinge_and_refused_for_hinge():
    X, y = _data()
    model = LinearSVCCV(n_grid=5, cv="alo").fit(X, y)
    assert model.l2_ in model.cv_results_["l2"]
    with pytest.raises(ValueError, match="squared_hinge"):
        LinearSVCCV(cv="alo", loss="hinge").fit(X, y)
    with pytest.raises(ValueError, match="needs probabilities"):
        LinearSVCCV(scoring="neg_log_loss").fit(X, y)


@pytest.mark.slow
@pytest.mark.parametrize(
    "estimator",
    [LinearSVC(), LinearSVC(loss="hinge", tol=1e-12), LinearSVCCV(n_grid=3, cv=3)],
    ids=repr,
)
def test_check_estimator(estimator):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        check_estimator(estimator, on_skip=None)
