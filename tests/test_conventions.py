"""Parity of every converter in ridgeway.conventions with the real library it names.

Each test fits the other library with converted parameters and checks the result against
*our* objective Σ s_i ℓ(y_i, x_iᵀβ + β₀) + (l2/2)‖β‖² + l1‖β‖₁ (intercept unpenalized):
a closed form for ridge, a direct minimization for logistic regression, and the KKT
(subgradient) conditions for elastic net, so that a wrong factor n or 2 fails.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize
from scipy.special import expit, log_expit
from sklearn.linear_model import ElasticNet, LogisticRegression, Ridge

from ridgeway import conventions as cv


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20240611)


def regression_data(rng: np.random.Generator, n: int = 60, p: int = 6):
    X = rng.standard_normal((n, p)) * np.linspace(0.5, 3.0, p)
    beta = rng.standard_normal(p)
    y = X @ beta + 1.5 + rng.standard_normal(n)
    return X, y


def ridge_closed_form(X, y, l2: float, s=None):
    """Our ridge: weighted centring (unpenalized intercept), then (XᵀSX + l2 I)⁻¹XᵀSy."""
    s = np.ones(len(y)) if s is None else s
    x_mean = s @ X / s.sum()
    y_mean = s @ y / s.sum()
    Xc, yc = X - x_mean, y - y_mean
    coef = np.linalg.solve(Xc.T @ (s[:, None] * Xc) + l2 * np.eye(X.shape[1]), Xc.T @ (s * yc))
    return coef, y_mean - x_mean @ coef


def elastic_net_kkt(X, y, coef, intercept, l1: float, l2: float, s=None) -> float:
    """Largest violation of our objective's optimality conditions, relative to max(l1, 1).

    Smooth part gradient g = −XᵀS r + l2 β and Σ s_i r_i = 0 (intercept); then
    g_j + l1·sign(β_j) = 0 where β_j ≠ 0 and |g_j| ≤ l1 where β_j = 0.
    """
    s = np.ones(len(y)) if s is None else s
    r = y - X @ coef - intercept
    g = -X.T @ (s * r) + l2 * coef
    active = coef != 0
    violation = np.where(active, np.abs(g + l1 * np.sign(coef)), np.maximum(np.abs(g) - l1, 0))
    return max(violation.max(), abs(s @ r)) / max(l1, 1.0)


# --- scikit-learn Ridge ------------------------------------------------------------------


@pytest.mark.parametrize("l2", [1e-3, 0.7, 25.0, 1e4])
@pytest.mark.parametrize("weighted", [False, True])
def test_sklearn_ridge_alpha_solves_our_objective(rng, l2, weighted):
    X, y = regression_data(rng)
    s = rng.uniform(0.2, 3.0, len(y)) if weighted else None
    coef, intercept = ridge_closed_form(X, y, l2, s)
    fit = Ridge(alpha=cv.to_sklearn_ridge(l2), solver="cholesky").fit(X, y, sample_weight=s)
    np.testing.assert_allclose(fit.coef_, coef, rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(fit.intercept_, intercept, rtol=1e-9, atol=1e-11)


# --- scikit-learn LogisticRegression C ---------------------------------------------------


def logistic_objective(theta, X, y01, l2: float):
    """Σ log-loss + (l2/2)‖β‖², intercept theta[0] unpenalized; value and gradient."""
    z = theta[0] + X @ theta[1:]
    value = (
        -np.sum(y01 * log_expit(z) + (1 - y01) * log_expit(-z)) + 0.5 * l2 * theta[1:] @ theta[1:]
    )
    residual = expit(z) - y01
    grad = np.concatenate([[residual.sum()], X.T @ residual + l2 * theta[1:]])
    return value, grad


@pytest.mark.parametrize("l2", [0.05, 1.0, 30.0])
def test_sklearn_C_solves_our_logistic_objective(rng, l2):
    n, p = 120, 5
    X = rng.standard_normal((n, p))
    y01 = (rng.uniform(size=n) < expit(X @ rng.standard_normal(p) + 0.3)).astype(float)
    res = minimize(
        logistic_objective,
        np.zeros(p + 1),
        args=(X, y01, l2),
        jac=True,
        method="BFGS",
        options={"gtol": 1e-11, "maxiter": 10_000},
    )
    theta = res.x
    for _ in range(3):  # Newton polish: BFGS alone stops near 1e-8 on some scipy versions
        Z = np.column_stack([np.ones(n), X])
        prob = expit(Z @ theta)
        H = Z.T @ (Z * (prob * (1 - prob))[:, None]) + np.diag([0.0] + [l2] * p)
        theta = theta - np.linalg.solve(H, logistic_objective(theta, X, y01, l2)[1])
    res.x = theta
    assert np.max(np.abs(logistic_objective(theta, X, y01, l2)[1])) < 1e-10
    fit = LogisticRegression(C=cv.to_sklearn_C(l2), tol=1e-12, solver="newton-cholesky")
    fit.fit(X, y01)
    np.testing.assert_allclose(fit.coef_.ravel(), res.x[1:], atol=1e-5)
    np.testing.assert_allclose(fit.intercept_[0], res.x[0], atol=1e-5)


# --- scikit-learn ElasticNet -------------------------------------------------------------


@pytest.mark.parametrize(("l1", "l2"), [(5.0, 2.0), (20.0, 0.0), (1.0, 40.0)])
@pytest.mark.parametrize("weighted", [False, True])
def test_sklearn_elastic_net_satisfies_our_kkt(rng, l1, l2, weighted):
    X, y = regression_data(rng, n=80, p=8)
    s = rng.uniform(0.1, 2.0, len(y)) if weighted else None
    n = len(y) if s is None else s.sum()  # weights need not sum to the number of rows
    alpha, l1_ratio = cv.to_sklearn_elastic_net(l1, l2, n)
    fit = ElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=1e-14, max_iter=100_000)
    fit.fit(X, y, sample_weight=s)
    assert np.any(fit.coef_ != 0)
    assert elastic_net_kkt(X, y, fit.coef_, fit.intercept_, l1, l2, s) < 1e-6


def test_sklearn_elastic_net_wrong_n_breaks_kkt(rng):
    """The check above can fail: a converter off by the factor n is detected."""
    X, y = regression_data(rng, n=80, p=8)
    alpha, l1_ratio = cv.to_sklearn_elastic_net(5.0, 2.0, 1.0)
    fit = ElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=1e-14, max_iter=100_000).fit(X, y)
    assert elastic_net_kkt(X, y, fit.coef_, fit.intercept_, 5.0, 2.0) > 1e-2


# --- statsmodels -------------------------------------------------------------------------


@pytest.mark.parametrize(("l1", "l2"), [(4.0, 3.0), (15.0, 0.0), (0.0, 12.0)])
def test_statsmodels_fit_regularized_satisfies_our_kkt(rng, l1, l2):
    import statsmodels.api as sm  # a dev dependency: a missing one must fail, not skip

    X, y = regression_data(rng, n=70, p=5)
    # statsmodels penalizes every column, a constant included: centre and fit no constant,
    # which is our objective with its (then zero) unpenalized intercept.
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    alpha, l1_wt = cv.to_statsmodels(l1, l2, len(y))
    fit = sm.OLS(yc, Xc).fit_regularized(
        method="elastic_net", alpha=alpha, L1_wt=l1_wt, maxiter=10_000, cnvrg_tol=1e-14
    )
    coef = np.asarray(fit.params)
    assert np.any(coef != 0)
    assert elastic_net_kkt(Xc, yc, coef, 0.0, l1, l2) < 1e-5
    if l1 == 0:
        np.testing.assert_allclose(coef, ridge_closed_form(X, y, l2)[0], rtol=1e-9)


# --- glmnet (cannot run here: the documented objective) ----------------------------------


def glmnet_objective(beta, b0, X, y, w, lambda_, alpha):
    """glmnet (gaussian): 1/(2N)Σ w_i r_i² + λ[(1−α)/2‖β‖² + α‖β‖₁], w rescaled to sum N."""
    N = len(y)
    w = w * N / w.sum()
    r = y - X @ beta - b0
    penalty = lambda_ * ((1 - alpha) / 2 * beta @ beta + alpha * np.abs(beta).sum())
    return w @ r**2 / (2 * N) + penalty


def our_objective(beta, b0, X, y, s, l1, l2):
    r = y - X @ beta - b0
    return 0.5 * s @ r**2 + 0.5 * l2 * beta @ beta + l1 * np.abs(beta).sum()


@pytest.mark.parametrize(("l1", "l2"), [(3.0, 1.0), (0.0, 2.5), (7.0, 0.0)])
def test_glmnet_documented_objective_is_ours_over_n(rng, l1, l2):
    X, y = regression_data(rng, n=40, p=4)
    s = rng.uniform(0.3, 2.0, len(y))
    n = s.sum()
    lambda_, alpha = cv.to_glmnet(l1, l2, n)
    assert (lambda_, alpha) == cv.to_sklearn_elastic_net(l1, l2, n)
    for _ in range(5):  # equal objectives everywhere, so equal minimizers
        beta, b0 = rng.standard_normal(4), rng.standard_normal()
        ours = our_objective(beta, b0, X, y, s, l1, l2)
        theirs = glmnet_objective(beta, b0, X, y, s, lambda_, alpha)
        assert theirs * n == pytest.approx(ours, rel=1e-12)


def test_glmnet_formula():
    assert cv.to_glmnet(3.0, 1.0, 8.0) == pytest.approx((0.5, 0.75), rel=1e-15)
    assert cv.from_glmnet(0.5, 0.75, 8.0) == pytest.approx((3.0, 1.0), rel=1e-15)


# --- PyTorch weight_decay ----------------------------------------------------------------


@pytest.mark.parametrize("l2", [0.5, 20.0])
def test_torch_sgd_weight_decay_converges_to_our_ridge(rng, l2):
    torch = pytest.importorskip("torch")
    X, y = regression_data(rng, n=100, p=4)
    X = (X - X.mean(axis=0)) / X.std(axis=0)  # well conditioned: full-batch GD converges fast
    n = len(y)
    model = torch.nn.Linear(4, 1, dtype=torch.float64)
    optimizer = torch.optim.SGD(
        [
            {"params": [model.weight], "weight_decay": cv.to_torch_weight_decay(l2, n)},
            {"params": [model.bias], "weight_decay": 0.0},  # intercept never penalized
        ],
        lr=0.5,
    )
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    for _ in range(500):
        optimizer.zero_grad()
        # mean of our loss ℓ = ½(y − ŷ)², i.e. ½·MSE
        loss = 0.5 * torch.nn.functional.mse_loss(model(Xt).squeeze(1), yt)
        loss.backward()
        optimizer.step()
    coef, intercept = ridge_closed_form(X, y, l2)
    np.testing.assert_allclose(model.weight.detach().numpy().ravel(), coef, atol=1e-8)
    assert model.bias.item() == pytest.approx(intercept, abs=1e-8)


def test_torch_weight_decay_formula():
    assert cv.to_torch_weight_decay(6.0, 12.0) == pytest.approx(0.5, rel=1e-15)
    assert cv.to_torch_weight_decay(6.0, 12.0, reduction="sum") == 6.0
    assert cv.from_torch_weight_decay(0.5, 12.0) == pytest.approx(6.0, rel=1e-15)


# --- round trips -------------------------------------------------------------------------


@pytest.mark.parametrize("l2", [0.0, 1e-8, 0.3, 7.0, 1e9])
def test_round_trip_single_parameter(l2):
    assert cv.from_sklearn_ridge(cv.to_sklearn_ridge(l2)) == pytest.approx(l2, rel=1e-14)
    for reduction in ("mean", "sum"):
        wd = cv.to_torch_weight_decay(l2, 37.0, reduction=reduction)
        back = cv.from_torch_weight_decay(wd, 37.0, reduction=reduction)
        assert back == pytest.approx(l2, rel=1e-14)
    if l2 > 0:
        assert cv.from_sklearn_C(cv.to_sklearn_C(l2)) == pytest.approx(l2, rel=1e-14)


@pytest.mark.parametrize(
    ("l1", "l2"), [(0.0, 0.0), (2.0, 0.0), (0.0, 3.0), (1.5, 4.5), (1e6, 1e-6)]
)
@pytest.mark.parametrize("n", [1.0, 50.0, 123.4])
def test_round_trip_elastic_net_forms(l1, l2, n):
    pairs = [
        (cv.to_sklearn_elastic_net, cv.from_sklearn_elastic_net),
        (cv.to_glmnet, cv.from_glmnet),
        (cv.to_statsmodels, cv.from_statsmodels),
    ]
    for to, back in pairs:
        a, b = to(l1, l2, n)
        assert 0 <= b <= 1
        # exact up to rounding relative to l1 + l2: 1 − l1_ratio cancels when l2 ≪ l1
        scale = max(l1 + l2, 1.0)
        assert back(a, b, n) == pytest.approx((l1, l2), rel=1e-12, abs=1e-14 * scale)


# --- bad inputs --------------------------------------------------------------------------

BAD = [-1.0, np.nan, np.inf, -np.inf]


@pytest.mark.parametrize("bad", BAD)
def test_bad_values_name_the_argument(bad):
    cases = [
        (lambda: cv.to_sklearn_ridge(bad), "l2"),
        (lambda: cv.from_sklearn_ridge(bad), "alpha"),
        (lambda: cv.to_sklearn_C(bad), "l2"),
        (lambda: cv.from_sklearn_C(bad), "C"),
        (lambda: cv.to_sklearn_elastic_net(bad, 1.0, 10), "l1"),
        (lambda: cv.to_sklearn_elastic_net(1.0, bad, 10), "l2"),
        (lambda: cv.to_sklearn_elastic_net(1.0, 1.0, bad), "n"),
        (lambda: cv.from_sklearn_elastic_net(bad, 0.5, 10), "alpha"),
        (lambda: cv.from_sklearn_elastic_net(1.0, bad, 10), "l1_ratio"),
        (lambda: cv.to_glmnet(bad, 1.0, 10), "l1"),
        (lambda: cv.from_glmnet(bad, 0.5, 10), "alpha"),
        (lambda: cv.to_statsmodels(1.0, bad, 10), "l2"),
        (lambda: cv.from_statsmodels(1.0, 0.5, bad), "n"),
        (lambda: cv.to_torch_weight_decay(bad, 10), "l2"),
        (lambda: cv.to_torch_weight_decay(1.0, bad), "n"),
        (lambda: cv.from_torch_weight_decay(bad, 10), "weight_decay"),
    ]
    for call, name in cases:
        with pytest.raises(ValueError, match=rf"^{name} must be"):
            call()


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: cv.to_sklearn_C(0.0), "l2"),
        (lambda: cv.from_sklearn_C(0.0), "C"),
        (lambda: cv.to_sklearn_elastic_net(1.0, 1.0, 0.0), "n"),
        (lambda: cv.from_sklearn_elastic_net(1.0, 1.5, 10), "l1_ratio"),
        (lambda: cv.to_torch_weight_decay(1.0, 0.0), "n"),
        (lambda: cv.to_torch_weight_decay(1.0, 10, reduction="median"), "reduction"),
        (lambda: cv.from_torch_weight_decay(1.0, 10, reduction="none"), "reduction"),
    ],
)
def test_zero_and_out_of_range_values_name_the_argument(call, name):
    with pytest.raises(ValueError, match=rf"^{name} must be"):
        call()


# --- fold_l2 -----------------------------------------------------------------------------


def test_fold_l2_scales_by_training_fraction():
    np.testing.assert_allclose(cv.fold_l2(10.0, 80, 100), 8.0, rtol=1e-15)
    grid = np.array([0.1, 1.0, 10.0])
    np.testing.assert_allclose(cv.fold_l2(grid, 3, 4), grid * 0.75, rtol=1e-15)
    assert cv.fold_l2(grid, 3, 4).dtype == np.float64


def test_fold_l2_transfers_to_the_full_refit(rng):
    """Full data = a fold's data twice: ridge at λ on it is ridge at fold_l2(λ) on the fold."""
    X, y = regression_data(rng, n=30, p=4)
    X2, y2 = np.vstack([X, X]), np.concatenate([y, y])
    l2 = 6.0
    full = Ridge(alpha=cv.to_sklearn_ridge(l2)).fit(X2, y2)
    fold = Ridge(alpha=cv.to_sklearn_ridge(float(cv.fold_l2(l2, len(y), len(y2))))).fit(X, y)
    np.testing.assert_allclose(fold.coef_, full.coef_, rtol=1e-10)
    unscaled = Ridge(alpha=l2).fit(X, y)
    assert np.max(np.abs(unscaled.coef_ - full.coef_)) > 1e-3
