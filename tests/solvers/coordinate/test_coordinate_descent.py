"""Coordinate descent for the elastic net: against scikit-learn, closed forms and KKT conditions."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import ElasticNet as SkElasticNet
from sklearn.linear_model import Lasso as SkLasso

from ridgeway.conventions import to_sklearn_elastic_net
from ridgeway.selection.paths import l1_max, log_grid
from ridgeway.solvers.coordinate.descent import null_gradient, solve_path
from ridgeway.solvers.coordinate.designs import GramDesign
from ridgeway.solvers.coordinate.solvers import make_design
from ridgeway.statistics import moments

FORMS = [("gram", False), ("gram", True), ("naive", False), ("naive", True)]


def make_data(rng, n, p, sparse=False, offset=2.0):
    X = rng.normal(size=(n, p)) + offset * rng.normal(size=p)
    if sparse:
        X = np.where(rng.uniform(size=(n, p)) < 0.4, X, 0.0)
    coef = np.where(rng.uniform(size=p) < 0.4, rng.normal(size=p) * 2, 0.0)
    y = X @ coef + 0.5 * rng.normal(size=n) + 1.0
    return (sp.csr_matrix(X) if sparse else X), y


def design_for(X, y, s, form, fit_intercept=True):
    return make_design(X, y, s, fit_intercept, gram=(form == "gram"))


def centred(X, y, s):
    """Explicitly centred dense copies: an independent reference for gradients."""
    X = X.toarray() if sp.issparse(X) else X
    W = s.sum()
    return X - s @ X / W, y - s @ y / W, X


def assert_kkt(X, y, s, coef, intercept, A, C, *, positive=False, atol=1e-6):
    """Stationarity of the objective: g_j = A_j sign β_j + C_j β_j on the support, |g_j| <= A_j
    off it, with g = X_cᵀS r computed directly; tolerance relative to the scale of g."""
    Xd = X.toarray() if sp.issparse(X) else X
    r = y - Xd @ coef - intercept
    g = Xd.T @ (s * r)
    scale = np.abs(Xd.T @ (s * (y - s @ y / s.sum()))).max()
    on = coef != 0
    np.testing.assert_allclose(
        g[on], A[on] * np.sign(coef[on]) + C[on] * coef[on], atol=atol * scale
    )
    if positive:
        assert np.all(g[~on] <= A[~on] + atol * scale)
    else:
        assert np.all(np.abs(g[~on]) <= A[~on] + atol * scale)
    assert abs(s @ r) <= atol * scale  # the intercept's own condition


@pytest.mark.parametrize(("form", "sparse"), FORMS)
@pytest.mark.parametrize("shape", [(80, 12), (40, 90)])
def test_matches_sklearn_elastic_net_with_weights(rng, form, sparse, shape, atol=1e-6):
    X, y = make_data(rng, *shape, sparse=sparse)
    s = rng.uniform(0.3, 2.0, shape[0])
    l1, l2 = 3.0, 20.0  # l2 makes the problem 20-strongly convex: coef error <= sqrt(gap / 10)
    d = design_for(X, y, s, form)
    res = solve_path(d, [l1], [l2], np.ones(shape[1]), np.ones(shape[1]), tol=1e-14)
    alpha, ratio = to_sklearn_elastic_net(l1, l2, s.sum())
    ref = SkElasticNet(alpha=alpha, l1_ratio=ratio, tol=1e-14, max_iter=200_000)
    ref.fit(X, y, sample_weight=s)
    np.testing.assert_allclose(res.coef[0], ref.coef_, atol=atol)
    np.testing.assert_allclose(res.intercept[0], ref.intercept_, atol=10 * atol)
    assert res.gap[0] <= 1e-14


@pytest.mark.parametrize(("form", "sparse"), FORMS)
def test_path_certified_and_kkt(rng, form, sparse, tol=1e-13):
    X, y = make_data(rng, 60, 30, sparse=sparse)
    s = rng.uniform(0.5, 1.5, 60)
    a = rng.uniform(0.5, 2.0, 30)
    b = rng.uniform(0.5, 2.0, 30)
    d = design_for(X, y, s, form)
    top = l1_max(null_gradient(d, a), a)
    grid = log_grid(top, 20, 1e-3)
    res = solve_path(d, 0.7 * grid, 0.3 * grid, a, b, tol=tol)
    assert np.all(res.converged) and np.all(res.gap <= tol) and np.all(res.gap >= 0)
    for k in (0, 7, 19):
        assert_kkt(X, y, s, res.coef[k], res.intercept[k], 0.7 * grid[k] * a, 0.3 * grid[k] * b)
        Xd = X.toarray() if sp.issparse(X) else X
        r = y - Xd @ res.coef[k] - res.intercept[k]
        direct = 0.5 * s @ r**2 + 0.7 * grid[k] * a @ np.abs(res.coef[k])
        direct += 0.15 * grid[k] * b @ res.coef[k] ** 2
        np.testing.assert_allclose(res.objective[k], direct, rtol=1e-9)


def test_forms_agree_along_a_path(rng, atol=1e-7):
    X, y = make_data(rng, 70, 25)
    s = rng.uniform(0.5, 1.5, 70)
    ones = np.ones(25)
    grid = log_grid(l1_max(null_gradient(make_design(X, y, s, True), ones), ones), 15, 1e-2)
    paths = [
        solve_path(design_for(Xf, y, s, form), grid, 0.5 * grid, ones, ones, tol=1e-13).coef
        for form in ("gram", "naive")
        for Xf in (X, sp.csc_matrix(X))
    ]
    for other in paths[1:]:
        np.testing.assert_allclose(other, paths[0], atol=atol)


@pytest.mark.parametrize(("form", "sparse"), FORMS)
def test_l1_max_zeroes_everything_and_just_below_does_not(rng, form, sparse):
    X, y = make_data(rng, 50, 20, sparse=sparse)
    s = rng.uniform(0.5, 1.5, 50)
    a = np.ones(20)
    a[3] = 0.0  # one unpenalized feature: fitted at λ_max, never zeroed
    d = design_for(X, y, s, form)
    top = l1_max(null_gradient(d, a), a)
    res = solve_path(d, [top, 0.99 * top], [0.5, 0.5], a, a, tol=1e-12)
    penalized = a > 0
    assert np.all(res.coef[0][penalized] == 0) and res.coef[0][3] != 0
    assert np.count_nonzero(res.coef[1][penalized]) >= 1


@pytest.mark.parametrize(("form", "sparse"), FORMS)
def test_l1_zero_is_the_ridge_closed_form(rng, form, sparse, atol=1e-6):
    X, y = make_data(rng, 60, 15, sparse=sparse)
    s = rng.uniform(0.5, 1.5, 60)
    l2 = 4.0
    res = solve_path(design_for(X, y, s, form), [0.0], [l2], np.ones(15), np.ones(15), tol=1e-14)
    Xc, yc, _ = centred(X, y, s)
    expected = np.linalg.solve(Xc.T @ (s[:, None] * Xc) + l2 * np.eye(15), Xc.T @ (s * yc))
    np.testing.assert_allclose(res.coef[0], expected, atol=atol)


@pytest.mark.parametrize(("form", "sparse"), FORMS)
def test_positive_matches_sklearn(rng, form, sparse, atol=1e-6):
    X, y = make_data(rng, 60, 15, sparse=sparse)
    s = np.ones(60)
    l1 = 5.0
    res = solve_path(
        design_for(X, y, s, form), [l1], [0.0], np.ones(15), np.ones(15), positive=True, tol=1e-13
    )
    ref = SkLasso(alpha=l1 / 60, positive=True, tol=1e-14, max_iter=200_000).fit(X, y)
    np.testing.assert_allclose(res.coef[0], ref.coef_, atol=atol)
    assert np.all(res.coef[0] >= 0)


@pytest.mark.parametrize(("form", "sparse"), FORMS)
def test_lasso_penalty_factors_by_column_rescaling(rng, form, sparse, atol=1e-6):
    """l1 Σ f_j|β_j| on X is the plain lasso on columns x_j / f_j, with β_j = γ_j / f_j."""
    X, y = make_data(rng, 60, 12, sparse=sparse)
    f = rng.uniform(0.3, 3.0, 12)
    l1 = 4.0
    res = solve_path(design_for(X, y, np.ones(60), form), [l1], [0.0], f, f, tol=1e-13)
    scaled = X @ sp.diags(1 / f) if sparse else X / f
    ref = SkLasso(alpha=l1 / 60, tol=1e-14, max_iter=200_000).fit(scaled, y)
    np.testing.assert_allclose(res.coef[0], ref.coef_ / f, atol=atol)


def test_elastic_net_penalty_factors_and_unpenalized_feature_kkt(rng):
    X, y = make_data(rng, 50, 10)
    s = rng.uniform(0.5, 1.5, 50)
    f = rng.uniform(0.2, 3.0, 10)
    f[[2, 5]] = 0.0
    res = solve_path(make_design(X, y, s, True), [6.0], [2.0], f, f, tol=1e-12)
    assert_kkt(X, y, s, res.coef[0], res.intercept[0], 6.0 * f, 2.0 * f, atol=1e-7)


def test_without_intercept_matches_sklearn(rng, atol=1e-6):
    X, y = make_data(rng, 60, 10)
    for form in ("gram", "naive"):
        res = solve_path(
            design_for(X, y, np.ones(60), form, False), [3.0], [1.0], np.ones(10), np.ones(10),
            tol=1e-13,
        )  # fmt: skip
        alpha, ratio = to_sklearn_elastic_net(3.0, 1.0, 60)
        ref = SkElasticNet(alpha=alpha, l1_ratio=ratio, fit_intercept=False, tol=1e-14)
        ref.set_params(max_iter=200_000).fit(X, y)
        np.testing.assert_allclose(res.coef[0], ref.coef_, atol=atol)
        assert res.intercept[0] == 0.0


def test_gram_downdating_equals_the_training_rows(rng):
    X, y = make_data(rng, 90, 8)
    s = rng.uniform(0.5, 2.0, 90)
    test = np.arange(30, 60)
    train = np.setdiff1d(np.arange(90), test)
    total = moments(X, y[:, None], s)
    down = GramDesign(total.remove(moments(X, y[:, None], s, rows=test)), True)
    direct = make_design(X[train], y[train], s[train], True, gram=True)
    np.testing.assert_allclose(down.G, direct.G, rtol=1e-10, atol=1e-9)
    np.testing.assert_allclose(down.c, direct.c, rtol=1e-10, atol=1e-9)
    np.testing.assert_allclose(down.yy, direct.yy, rtol=1e-10)
    np.testing.assert_allclose(down.x_mean, direct.x_mean, rtol=1e-12)


def test_gram_keeps_precision_for_large_means(rng):
    """A mean 1e7 times the spread: the rank-one centring would cancel every digit."""
    X = 1e7 + rng.normal(size=(200, 4))
    y = rng.normal(size=200)
    s = np.ones(200)
    d = make_design(X, y, s, True, gram=True)
    Xc = X - X.mean(axis=0)
    np.testing.assert_allclose(d.G, Xc.T @ Xc, rtol=1e-6)


def test_constant_target_and_constant_column(rng):
    X, _ = make_data(rng, 30, 5)
    X[:, 2] = 4.0
    for form in ("gram", "naive"):
        res = solve_path(design_for(X, np.full(30, 2.0), np.ones(30), form), [1.0], [1.0],
                         np.ones(5), np.ones(5))  # fmt: skip
        assert np.all(res.coef == 0) and res.intercept[0] == pytest.approx(2.0)
        y = X[:, 0] * 2
        res = solve_path(design_for(X, y, np.ones(30), form), [0.1], [0.0], np.ones(5), np.ones(5))
        assert res.coef[0, 2] == 0.0 and res.converged[0]


def test_max_iter_reached_is_not_converged(rng):
    X, y = make_data(rng, 60, 30)
    X[:, 1] = X[:, 0] + 1e-3 * rng.normal(size=60)  # nearly collinear: slow coordinate descent
    res = solve_path(make_design(X, y, np.ones(60), True), [1e-3], [0.0], np.ones(30),
                     np.ones(30), max_iter=2, tol=1e-12)  # fmt: skip
    assert not res.converged[0] and res.n_iter[0] <= 2 and res.gap[0] > 1e-12


def test_grid_and_l1_max_checks():
    with pytest.raises(ValueError, match="n_grid"):
        log_grid(1.0, 0)
    with pytest.raises(ValueError, match="eps"):
        log_grid(1.0, 10, eps=2.0)
    with pytest.raises(ValueError, match="unpenalized"):
        l1_max(np.ones(3), np.zeros(3))
    grid = log_grid(5.0, 4, 1e-3)
    np.testing.assert_allclose(grid, [5.0, 0.5, 0.05, 0.005])
    np.testing.assert_array_equal(log_grid(0.0, 4), [0.0])
