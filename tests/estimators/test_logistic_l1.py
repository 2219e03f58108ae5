"""L1 / elastic-net / grouped logistic regression: scikit-learn parity, KKT, λ_max, invariants,
cross-validation along the path, bad input and the estimator contract."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.special import softmax
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.utils.estimator_checks import check_estimator

from helpers import scaled_classification
from ridgeway.conventions import from_sklearn_logistic, to_sklearn_logistic
from ridgeway.estimators.logistic import LogisticRegression, LogisticRegressionCV
from ridgeway.losses.logistic import LogisticLoss
from ridgeway.selection.classifier_task import ClassifierTask, Family
from ridgeway.selection.l1_classifier_cv import L1Penalty, l1_max


def _data(n=240, p=8, k=2, seed=0):
    return scaled_classification(n, p, k, seed)


def _saga(rho, c, **kw):
    """scikit-learn's elastic net: l1 = ρ/c, l2 = (1 − ρ)/c in our convention."""
    l1, l2 = from_sklearn_logistic(c, rho)
    assert to_sklearn_logistic(l1, l2) == pytest.approx((c, rho))
    assert (l1, l2) == pytest.approx((rho / c, (1 - rho) / c))
    return SkLogisticRegression(l1_ratio=rho, C=c, solver="saga", tol=1e-15, max_iter=500_000,
                                **kw)  # fmt: skip


def _fit_saga(model, X, y, **fit):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X, y, **fit)


def _loss_gradient(model, X, y, sample_weight=None):
    """∂(Σ s ℓ)/∂β and /∂β₀ of the fitted model, by hand: (k, p) and (k,)."""
    s = np.ones(len(y)) if sample_weight is None else sample_weight
    z = X @ model.coef_.T + model.intercept_
    if len(model.classes_) == 2:
        resid = 1 / (1 + np.exp(-z[:, 0])) - (y == model.classes_[1])
        resid = resid[:, None]
    else:
        resid = softmax(z, axis=1) - (y[:, None] == model.classes_[None, :])
    resid = resid * s[:, None]
    return resid.T @ X, resid.sum(axis=0)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize(("rho", "c"), [(1.0, 0.05), (0.5, 0.02)])
def test_binary_matches_sklearn_saga(weighted, rho, c, rng, atol=1e-6):
    X, y = _data()
    w = rng.uniform(0.5, 2.0, len(y)) if weighted else None
    ours = LogisticRegression(l1=rho / c, l2=(1 - rho) / c, tol=1e-12).fit(X, y, w)
    ref = _fit_saga(_saga(rho, c), X, y, sample_weight=w)
    assert ours.solution_.converged
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=atol)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=atol)
    assert 0 < np.count_nonzero(ours.coef_) < X.shape[1]  # the l1 part selects


def test_multinomial_matches_sklearn_saga(atol=1e-6):
    """scikit-learn's multinomial is symmetric (k coefficient rows) like ours; its
    intercepts are free up to a constant, ours sum to zero."""
    X, y = _data(k=3)
    rho, c = 0.7, 0.03
    ours = LogisticRegression(l1=rho / c, l2=(1 - rho) / c, tol=1e-12).fit(X, y)
    ref = _fit_saga(_saga(rho, c), X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=atol)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_ - ref.intercept_.mean(), atol=atol)


def test_class_weight_matches_sklearn(atol=1e-6):
    X, y = _data(seed=3)
    rho, c = 0.8, 0.05
    weights = {0: 1.0, 1: 3.0}
    ours = LogisticRegression(l1=rho / c, l2=(1 - rho) / c, class_weight=weights, tol=1e-12)
    ref = _fit_saga(_saga(rho, c, class_weight=weights), X, y)
    np.testing.assert_allclose(ours.fit(X, y).coef_, ref.coef_, atol=atol)


@pytest.mark.parametrize(("k", "groups"), [(2, "ungrouped"), (3, "ungrouped"), (3, "grouped")])
def test_kkt_conditions_hold_at_the_solution(k, groups, rng):
    X, y = _data(k=k, seed=1)
    w = rng.uniform(0.5, 2.0, len(y))
    factors = np.r_[0.0, np.linspace(0.5, 2.0, X.shape[1] - 1)]
    l1, l2 = 6.0, 2.0
    model = LogisticRegression(l1=l1, l2=l2, penalty_factor=factors, multinomial_groups=groups,
                               tol=1e-11).fit(X, y, w)  # fmt: skip
    G, g0 = _loss_gradient(model, X, y, w)
    B = model.coef_
    scale = np.abs(_null_gradient(X, y, w, k)).max()
    np.testing.assert_allclose(g0, 0.0, atol=1e-9 * scale)
    if groups == "grouped":
        for j in range(X.shape[1]):
            norm = np.linalg.norm(B[:, j])
            if norm == 0:  # a zero group: ‖g_j‖ <= l1·f_j
                assert np.linalg.norm(G[:, j]) <= l1 * factors[j] * (1 + 1e-9) + 1e-9 * scale
            else:  # stationarity: g_j + l1 f_j β_j/‖β_j‖ + l2 f_j β_j = 0
                resid = G[:, j] + l1 * factors[j] * B[:, j] / norm + l2 * factors[j] * B[:, j]
                np.testing.assert_allclose(resid, 0.0, atol=1e-9 * scale)
        assert np.any(np.all(B == 0, axis=0))  # whole features dropped in every class
        return
    on = B != 0
    resid = G + l1 * factors * np.sign(B) + l2 * factors * B
    np.testing.assert_allclose(resid[on], 0.0, atol=1e-9 * scale)
    assert np.all(np.abs(G[~on]) <= (l1 * factors + 1e-9 * scale)[None, :].repeat(len(B), 0)[~on])
    assert np.all(B[:, 0] != 0)  # the unpenalized feature is always in


def _null_gradient(X, y, w, k):
    """∇loss at the intercept-only model, by hand (the KKT scale)."""
    Y = np.eye(k)[y] if k > 2 else y[:, None].astype(float)
    freq = (w @ Y) / w.sum()
    resid = (freq - Y) * w[:, None]
    return resid.T @ X


@pytest.mark.parametrize(("k", "groups"), [(2, "ungrouped"), (3, "ungrouped"), (3, "grouped")])
def test_l1_max_zeroes_every_coefficient_and_just_below_does_not(k, groups):
    X, y = _data(k=k, seed=2)
    task = ClassifierTask(X, y, k, None, None, Family(LogisticLoss(), True), True, "auto", 1e-10)
    top = l1_max(task, L1Penalty(grouped=groups == "grouped"))
    at = LogisticRegression(l1=top, l2=0.5, multinomial_groups=groups, tol=1e-10).fit(X, y)
    below = LogisticRegression(l1=0.99 * top, l2=0.5, multinomial_groups=groups,
                               tol=1e-10).fit(X, y)  # fmt: skip
    assert np.all(at.coef_ == 0)
    assert np.count_nonzero(below.coef_) > 0
    # the intercept-only model there: log class frequencies (centred)
    freq = np.bincount(y) / len(y)
    logs = np.log(freq)
    want = [logs[1] - logs[0]] if k == 2 else logs - logs.mean()
    np.testing.assert_allclose(at.intercept_, want, atol=1e-8)


@pytest.mark.parametrize(("k", "groups"), [(2, "ungrouped"), (3, "grouped")])
def test_sample_weight_two_equals_a_repeated_row(k, groups, rng):
    X, y = _data(n=120, k=k, seed=4)
    w = rng.integers(1, 3, len(y)).astype(float)
    rows = np.repeat(np.arange(len(y)), w.astype(int))
    options = {"l1": 3.0, "l2": 1.0, "multinomial_groups": groups, "tol": 1e-11}
    weighted = LogisticRegression(**options).fit(X, y, w)
    repeated = LogisticRegression(**options).fit(X[rows], y[rows])
    np.testing.assert_allclose(weighted.coef_, repeated.coef_, atol=1e-8)
    np.testing.assert_allclose(weighted.intercept_, repeated.intercept_, atol=1e-8)


@pytest.mark.parametrize(("k", "groups"), [(2, "ungrouped"), (3, "ungrouped"), (3, "grouped")])
def test_sparse_equals_dense(k, groups):
    X, y = _data(k=k, seed=5)
    X = np.where(np.abs(X) > 1.0, X, 0.0)
    options = {"l1": 4.0, "l2": 0.5, "multinomial_groups": groups, "standardize": True,
               "tol": 1e-11}  # fmt: skip
    dense = LogisticRegression(**options).fit(X, y)
    sparse = LogisticRegression(**options).fit(sp.csr_matrix(X), y)
    np.testing.assert_allclose(sparse.coef_, dense.coef_, atol=1e-8)
    np.testing.assert_allclose(sparse.intercept_, dense.intercept_, atol=1e-8)


def test_standardize_equals_fitting_standardized_features():
    X, y = _data(seed=6)
    sd = X.std(axis=0)
    ours = LogisticRegression(l1=5.0, l2=1.0, standardize=True, tol=1e-12).fit(X, y)
    plain = LogisticRegression(l1=5.0, l2=1.0, tol=1e-12).fit(X / sd, y)
    np.testing.assert_allclose(ours.coef_ * sd, plain.coef_, atol=1e-8)
    np.testing.assert_allclose(ours.intercept_, plain.intercept_, atol=1e-8)


def test_penalty_factor_is_a_column_scaling_for_the_lasso():
    """l1·f_j|β_j| on x_j equals l1|β'_j| on x_j/f_j with β'_j = f_j β_j."""
    X, y = _data(seed=7)
    f = np.linspace(0.5, 2.0, X.shape[1])
    ours = LogisticRegression(l1=4.0, l2=0.0, penalty_factor=f, tol=1e-12).fit(X, y)
    scaled = LogisticRegression(l1=4.0, l2=0.0, tol=1e-12).fit(X / f, y)
    np.testing.assert_allclose(ours.coef_ * f, scaled.coef_, atol=1e-8)


def test_l1_zero_is_the_l2_model():
    X, y = _data(seed=8)
    a = LogisticRegression(l1=0.0, l2=2.0).fit(X, y)
    assert a.solution_.solver.startswith("newton")
    b = LogisticRegression(l1=1e-300, l2=2.0, tol=1e-12).fit(X, y)
    assert b.solution_.solver == "proximal-newton"
    np.testing.assert_allclose(a.coef_, b.coef_, atol=1e-7)


# cross-validation ------------------------------------------------------------------------------
@pytest.mark.parametrize(("k", "groups"), [(2, "ungrouped"), (3, "grouped")])
def test_cv_results_and_refit(k, groups):
    X, y = _data(k=k, seed=9)
    l2_keys = set(LogisticRegressionCV(n_grid=4, cv=3).fit(X, y).cv_results_)
    model = LogisticRegressionCV(l1_share=0.8, n_grid=12, cv=3, multinomial_groups=groups,
                                 l2_min_ratio=1e-2).fit(X, y)  # fmt: skip
    results = model.cv_results_
    assert l2_keys | {"l1", "l1_share", "n_nonzero"} == set(results)
    np.testing.assert_allclose(results["l1"] + results["l2"], model.selection_.l2)
    np.testing.assert_allclose(results["l1"] / model.selection_.l2, 0.8)
    assert results["n_nonzero"][-1] == 0  # λ_max: nothing kept
    assert results["n_nonzero"][0] > 0
    assert np.all(np.diff(results["n_nonzero"]) <= 1 + X.shape[1])  # a count per λ
    refit = LogisticRegression(l1=model.l1_, l2=model.l2_, multinomial_groups=groups,
                               tol=1e-10).fit(X, y)  # fmt: skip
    np.testing.assert_allclose(model.coef_, refit.coef_, atol=1e-6)
    assert model.coef_path_.shape[0] == 12
    one_se = LogisticRegressionCV(l1_share=0.8, n_grid=12, cv=3, multinomial_groups=groups,
                                  l2_min_ratio=1e-2, rule="1se").fit(X, y)  # fmt: skip
    assert one_se.best_index_ >= model.best_index_  # a larger (or the same) strength


def test_cv_fold_scores_match_fits_by_hand():
    """Each fold's score at a grid point is the log-loss of a fit on its training rows at
    the strength scaled by n_train/n."""
    from sklearn.metrics import log_loss
    from sklearn.model_selection import StratifiedKFold

    X, y = _data(seed=10)
    folds = list(StratifiedKFold(3).split(X, y))
    model = LogisticRegressionCV(l1_share=0.5, n_grid=6, cv=folds, l2_min_ratio=1e-2,
                                 cv_tol=1e-10).fit(X, y)  # fmt: skip
    j = 2
    lam = model.selection_.l2[j]
    for f, (train, test) in enumerate(folds):
        frac = len(train) / len(y)
        fit = LogisticRegression(l1=0.5 * lam * frac, l2=0.5 * lam * frac, tol=1e-10)
        fit.fit(X[train], y[train])
        want = -log_loss(y[test], fit.predict_proba(X[test]))
        assert model.cv_results_["fold_scores"][j, f] == pytest.approx(want, rel=1e-6)


# bad input and the contract ------------------------------------------------------------------
def test_bad_input_is_refused_with_the_argument_named():
    X, y = _data(n=60)
    with pytest.raises(ValueError, match="l1 must be a finite number >= 0"):
        LogisticRegression(l1=-1.0).fit(X, y)
    with pytest.raises(ValueError, match="multinomial_groups must be one of"):
        LogisticRegression(l1=1.0, multinomial_groups="both").fit(X, y)
    with pytest.raises(ValueError, match="tikhonov applies to the L2 penalty only"):
        LogisticRegression(l1=1.0, tikhonov="diff1").fit(X, y)
    with pytest.raises(ValueError, match="l1_share must be in"):
        LogisticRegressionCV(l1_share=1.5).fit(X, y)
    with pytest.raises(TypeError, match="needs a smooth penalty"):
        LogisticRegression(l1=1.0, solver="newton-cholesky").fit(X, y)


def test_float32_in_float32_out():
    X, y = _data(n=80)
    model = LogisticRegression(l1=2.0).fit(X.astype(np.float32), y)
    assert model.coef_.dtype == np.float32


@pytest.mark.slow
@pytest.mark.parametrize(
    "estimator",
    # tight certificates: the sample-weight check compares two fits to rtol 1e-7
    [
        LogisticRegression(l1=0.5, l2=0.1, tol=1e-12),
        LogisticRegressionCV(l1_share=0.5, n_grid=3, cv=3, tol=1e-12),
        LogisticRegressionCV(l1_share=0.5, n_grid=3, cv="alo", tol=1e-12),
    ],
    ids=repr,
)
def test_check_estimator(estimator):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        check_estimator(estimator, on_skip=None)
