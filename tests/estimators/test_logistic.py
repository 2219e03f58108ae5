"""LogisticRegression(CV): parity with scikit-learn, CV by hand, ALO, edge cases, contract."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.model_selection import KFold
from sklearn.utils.estimator_checks import check_estimator

from ridgeway.conventions import fold_l2, to_sklearn_C
from ridgeway.estimators.logistic import LogisticRegression, LogisticRegressionCV
from ridgeway.selection.classification_scoring import CLASSIFICATION_METRICS


def _data(n=300, p=6, k=2, seed=0):
    return make_classification(
        n,
        p,
        n_informative=min(4, p),
        n_redundant=0,
        n_classes=k,
        n_clusters_per_class=1,
        random_state=seed,
    )


def _sklearn(l2, **kw):
    return SkLogisticRegression(
        C=to_sklearn_C(l2), solver="newton-cholesky", tol=1e-13, max_iter=1000, **kw
    )


@pytest.mark.parametrize("k", [2, 3])
@pytest.mark.parametrize("weighted", [False, True])
def test_matches_sklearn(k, weighted, rng, atol=1e-6):
    X, y = _data(k=k)
    w = rng.uniform(0.2, 3.0, len(y)) if weighted else None
    cw = "balanced" if weighted else None
    ours = LogisticRegression(l2=2.5, class_weight=cw, tol=1e-12).fit(X, y, sample_weight=w)
    ref = _sklearn(2.5, class_weight=cw).fit(X, y, sample_weight=w)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=atol)
    centred = ref.intercept_ - (ref.intercept_.mean() if k > 2 else 0.0)
    np.testing.assert_allclose(ours.intercept_, centred, atol=atol)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=atol)
    assert ours.solution_.converged


def test_class_weight_dict_and_string_labels(rng):
    X, y = _data()
    labels = np.array(["no", "yes"])[y]
    ours = LogisticRegression(l2=1.0, class_weight={"no": 1.0, "yes": 3.0}).fit(X, labels)
    ref = _sklearn(1.0, class_weight={"no": 1.0, "yes": 3.0}).fit(X, labels)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-6)
    assert set(ours.predict(X)) <= {"no", "yes"}
    assert list(ours.classes_) == ["no", "yes"]


def test_ovr_matches_binary_fits():
    X, y = _data(k=3)
    ovr = LogisticRegression(l2=1.0, multiclass="ovr").fit(X, y)
    for c in range(3):
        binary = LogisticRegression(l2=1.0).fit(X, (y == c).astype(int))
        np.testing.assert_allclose(ovr.coef_[c], binary.coef_[0], atol=1e-8)
    np.testing.assert_allclose(ovr.predict_proba(X).sum(axis=1), 1.0)


def test_sparse_equals_dense():
    X, y = _data()
    dense = LogisticRegression(l2=1.0).fit(X, y)
    sparse = LogisticRegression(l2=1.0).fit(sp.csr_matrix(X), y)
    np.testing.assert_allclose(sparse.coef_, dense.coef_, atol=1e-10)


def test_standardize_penalizes_standardized_coefficients():
    X, y = _data()
    X = X * np.array([1, 10, 100, 1, 1, 1])
    sd = X.std(axis=0)
    ours = LogisticRegression(l2=5.0, standardize=True, tol=1e-12).fit(X, y)
    on_z = _sklearn(5.0).fit((X - X.mean(0)) / sd, y)
    np.testing.assert_allclose(ours.coef_ * sd, on_z.coef_, atol=1e-6)


def test_penalty_factor_zero_leaves_feature_free():
    X, y = _data(seed=2)
    huge = LogisticRegression(l2=1e8, penalty_factor=[0, 1, 1, 1, 1, 1]).fit(X, y)
    assert abs(huge.coef_[0, 0]) > 1e-2
    np.testing.assert_allclose(huge.coef_[0, 1:], 0.0, atol=1e-5)


def test_separable_data_gives_finite_coefficients():
    X = np.array([[-2.0], [-1.0], [1.0], [2.0]])
    y = np.array([0, 0, 1, 1])
    model = LogisticRegression(l2=1e-3).fit(X, y)
    assert np.all(np.isfinite(model.coef_)) and model.solution_.converged


def test_huge_l2_tends_to_intercept_only():
    X, y = _data()
    y = np.r_[y[:200], np.ones(100, int)]
    model = LogisticRegression(l2=1e12).fit(X, y)
    np.testing.assert_allclose(model.coef_, 0.0, atol=1e-8)
    np.testing.assert_allclose(model.predict_proba(X)[:, 1], y.mean(), atol=1e-8)


def test_one_class_and_bad_labels_raise():
    X, y = _data()
    with pytest.raises(ValueError, match="at least 2 classes"):
        LogisticRegression().fit(X, np.zeros(len(y)))
    with pytest.raises(ValueError, match="Unknown label type"):
        LogisticRegression().fit(X, np.linspace(0, 1, len(y)))
    with pytest.raises(ValueError, match="l2 must be a finite number >= 0"):
        LogisticRegression(l2=-1.0).fit(X, y)
    with pytest.raises(ValueError, match="multiclass must be one of"):
        LogisticRegression(multiclass="bogus").fit(X, y)


def test_non_convergence_warns_with_numbers():
    X, y = _data()
    with pytest.warns(ConvergenceWarning, match="relative gradient norm = "):
        LogisticRegression(max_iter=1).fit(X, y)


def _log_loss_by_hand(X, y, train, test, l2):
    model = LogisticRegression(l2=l2, tol=1e-10).fit(X[train], y[train])
    proba = model.predict_proba(X[test])[np.arange(len(test)), y[test]]
    return np.mean(np.log(proba))


def test_kfold_cv_matches_refitting_by_hand():
    X, y = _data(n=120)
    grid = np.array([0.1, 1.0, 10.0])
    folds = list(KFold(4).split(X))
    model = LogisticRegressionCV(l2=grid, cv=folds, tol=1e-10, cv_tol=1e-10).fit(X, y)
    expected = np.array(
        [
            [
                _log_loss_by_hand(X, y, tr, te, float(fold_l2(l2, len(tr), len(y))))
                for tr, te in folds
            ]
            for l2 in grid
        ]
    )
    np.testing.assert_allclose(model.cv_results_["fold_scores"], expected, atol=1e-8)
    np.testing.assert_allclose(model.cv_results_["mean_score"], expected.mean(axis=1), atol=1e-8)
    assert model.l2_ == grid[np.argmax(expected.mean(axis=1))]
    assert set(model.cv_results_) >= {"l2", "mean_score", "std_error", "train_score", "df",
                                      "fold_scores"}  # fmt: skip


@pytest.mark.parametrize("scoring", sorted(CLASSIFICATION_METRICS))
def test_cv_scorings_and_rules(scoring):
    X, y = _data(n=150, k=3)
    best = LogisticRegressionCV(n_grid=6, cv=3, scoring=scoring).fit(X, y)
    simple = LogisticRegressionCV(n_grid=6, cv=3, scoring=scoring, rule="1se").fit(X, y)
    assert simple.l2_ >= best.l2_
    assert np.all(np.isfinite(best.cv_results_["mean_score"]))


def test_classes_absent_from_a_training_fold():
    X, y = _data(n=90, k=3)
    order = np.argsort(y, kind="stable")
    X, y = X[order], y[order]
    folds = [
        (np.flatnonzero(y != 2), np.flatnonzero(y == 2)),
        (np.arange(0, 90, 2), np.arange(1, 90, 2)),
    ]
    model = LogisticRegressionCV(n_grid=4, cv=folds).fit(X, y)
    assert np.all(np.isfinite(model.cv_results_["fold_scores"][:, 1]))
    # a class never seen in training gets probability 0, clipped in the log-loss
    assert np.all(model.cv_results_["fold_scores"][:, 0] < -30)


def test_alo_matches_brute_force_loo():
    X, y = _data(n=80, p=3, seed=4)
    grid = np.array([0.3, 3.0, 30.0])
    alo = LogisticRegressionCV(l2=grid, cv="alo", cv_tol=1e-10).fit(X, y)
    loo = [
        np.mean(
            [
                _log_loss_by_hand(X, y, np.delete(np.arange(80), i), np.array([i]), l2)
                for i in range(80)
            ]
        )
        for l2 in grid
    ]
    np.testing.assert_allclose(alo.cv_results_["mean_score"], loo, rtol=2e-2)
    df = alo.cv_results_["df"]
    assert np.all(np.diff(df) < 0) and df[0] <= 4 + 1e-9


def test_alo_multinomial_runs_and_chooses_in_grid():
    X, y = _data(n=150, k=3)
    model = LogisticRegressionCV(n_grid=5, cv="alo").fit(X, y)
    assert model.l2_ in model.cv_results_["l2"]
    assert np.all(np.isfinite(model.cv_results_["std_error"]))


@pytest.mark.slow
@pytest.mark.parametrize(
    "estimator", [LogisticRegression(), LogisticRegressionCV(n_grid=3, cv=3)], ids=repr
)
def test_check_estimator(estimator):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        check_estimator(estimator, on_skip=None)


def test_folds_solved_together_equal_fold_by_fold(rng):
    from ridgeway.losses.logistic import LogisticLoss
    from ridgeway.selection.classification_scoring import get_classification_metric
    from ridgeway.selection.classifier_cv import fold_path_scores, folds_together
    from ridgeway.selection.classifier_task import ClassifierTask, Family
    from ridgeway.selection.path_cv import fold_grids, kfold_result

    X, y = _data(n=200, p=5, seed=2)
    s = rng.uniform(0.5, 2.0, len(y))
    grid = np.geomspace(0.01, 100.0, 6)
    folds = list(KFold(4, shuffle=True, random_state=0).split(X))
    task = ClassifierTask(X, y, 2, s, None, Family(LogisticLoss(), True), True, "auto", 1e-11)
    metric = get_classification_metric("neg_log_loss", "neg_log_loss")
    grids = fold_grids(grid[::-1], folds, s)
    firsts, scores = None, []
    for (train, test), fold_grid in zip(folds, grids):
        out, firsts = fold_path_scores(task, train, test, fold_grid, firsts)
        scores.append(out)
    one_by_one = kfold_result(grid, folds, scores, metric, y, s, "min").cv_results()
    together = folds_together(task, folds, grids, grid[::-1])
    assert together is not None  # the batched path applies
    batched = kfold_result(grid, folds, together[0], metric, y, s, "min").cv_results()
    for key in ("mean_score", "train_score", "fold_scores"):
        np.testing.assert_allclose(batched[key], one_by_one[key], atol=1e-9)
