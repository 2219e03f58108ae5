"""Working sets with gap-safe screening (p ≫ n): against plain coordinate descent, scikit-learn,
the KKT conditions over every feature, and the safety of the screening rule."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import ElasticNet as SkElasticNet

from ridgeway.conventions import to_sklearn_elastic_net
from ridgeway.selection.paths import l1_max, log_grid
from ridgeway.solvers.coordinate.descent import null_gradient, solve_path
from ridgeway.solvers.coordinate.duality import duality_gap
from ridgeway.solvers.coordinate.solvers import make_design
from ridgeway.solvers.coordinate.working_set import gap_safe_screen, solve_point_working_set


def wide_data(rng, n=40, p=300, sparse=False):
    X = rng.normal(size=(n, p)) + rng.normal(size=p)
    if sparse:
        X = np.where(rng.uniform(size=(n, p)) < 0.3, X, 0.0)
    coef = np.where(rng.uniform(size=p) < 0.05, rng.normal(size=p) * 3, 0.0)
    y = X @ coef + 0.5 * rng.normal(size=n) + 1.0
    return (sp.csc_matrix(X) if sparse else X), y


def kkt_violation(X, y, s, coef, intercept, A, C):
    """Largest violation of the stationarity conditions over *all* features, relative to
    max |x_cjᵀ S y_c| (g computed directly from an explicit residual)."""
    Xd = X.toarray() if sp.issparse(X) else X
    r = y - Xd @ coef - intercept
    g = Xd.T @ (s * r)
    scale = np.abs(Xd.T @ (s * (y - s @ y / s.sum()))).max()
    on = coef != 0
    err_on = np.abs(g[on] - A[on] * np.sign(coef[on]) - C[on] * coef[on])
    err_off = np.maximum(np.abs(g[~on]) - A[~on], 0.0)
    return max(err_on.max(initial=0.0), err_off.max(initial=0.0), abs(s @ r)) / scale


def grid_for(design, a, share, n_grid=30, eps=1e-2):
    top = l1_max(null_gradient(design, a), a) / share
    grid = log_grid(top, n_grid, eps)
    return share * grid, (1 - share) * grid


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("share", [1.0, 0.5])
def test_working_set_path_matches_plain_cd_and_kkt(rng, sparse, share, atol=1e-6):
    X, y = wide_data(rng, sparse=sparse)
    s = rng.uniform(0.5, 1.5, X.shape[0])
    a = rng.uniform(0.5, 2.0, X.shape[1])
    d = make_design(X, y, s, True, gram=False)
    l1, l2 = grid_for(d, a, share, eps=0.05)  # not down to interpolation: CD stays fast
    ws = solve_path(d, l1, l2, a, a, tol=1e-12, max_iter=5000, working_set=True)
    plain = solve_path(make_design(X, y, s, True, gram=False), l1, l2, a, a, tol=1e-12,
                       max_iter=5000, screening=False)  # fmt: skip
    assert ws.converged.all() and ws.gap.max() <= 1e-12
    np.testing.assert_allclose(ws.coef, plain.coef, atol=atol)
    np.testing.assert_allclose(ws.objective, plain.objective, rtol=1e-9)
    for k in range(0, len(l1), 5):
        viol = kkt_violation(X, y, s, ws.coef[k], ws.intercept[k], l1[k] * a, l2[k] * a)
        assert viol <= 1e-6, (k, viol)


@pytest.mark.parametrize("l2", [20.0, 200.0])
def test_working_set_matches_sklearn_on_wide_data(rng, l2, atol=1e-6):
    X, y = wide_data(rng, n=80, p=400)
    s = np.ones(80)
    ones = np.ones(400)
    d = make_design(X, y, s, True, gram=False)
    # l2 makes the problem l2-strongly convex: coef error <= sqrt(2·gap/l2), hence tol 1e-14
    grid = log_grid(l1_max(null_gradient(d, ones), ones), 20, 0.1)
    res = solve_path(d, grid, np.full(20, l2), ones, ones, tol=1e-14, max_iter=100_000,
                     working_set=True)  # fmt: skip
    assert res.converged.all()
    l1 = grid[-1]
    alpha, ratio = to_sklearn_elastic_net(l1, l2, 80.0)
    ref = SkElasticNet(alpha=alpha, l1_ratio=ratio, tol=1e-14, max_iter=500_000).fit(X, y)
    assert np.count_nonzero(res.coef[-1]) > 5  # a non-trivial support
    np.testing.assert_allclose(res.coef[-1], ref.coef_, atol=atol)
    np.testing.assert_allclose(res.intercept[-1], ref.intercept_, atol=10 * atol)


def test_screening_never_drops_a_feature_of_the_optimum(rng):
    """At warm starts of increasing quality, the features screened out are zero at the
    (tightly solved) optimum; near the optimum the rule discards most of the zeros."""
    X, y = wide_data(rng, n=40, p=300)
    s = rng.uniform(0.5, 1.5, 40)
    a = rng.uniform(0.5, 2.0, 300)
    d = make_design(X, y, s, True, gram=False)
    l1, l2 = grid_for(d, a, 0.5, n_grid=10, eps=0.05)
    exact = solve_path(d, l1, l2, a, a, tol=1e-14, screening=False).coef
    for k in range(1, len(l1)):
        A, C = l1[k] * a, l2[k] * a
        on = exact[k] != 0
        for start in (exact[k - 1], np.zeros(300), exact[k] + 1e-3 * rng.normal(size=300)):
            beta = np.array(start, dtype=float)
            d.start(beta)
            g = d.gradient().copy()
            primal, _ = duality_gap(d, beta, g, A, C, False)
            dead = gap_safe_screen(d, beta, g, A, C, False, primal)
            assert not np.any(dead & on), k
        beta = exact[k].copy()
        d.start(beta)
        g = d.gradient().copy()
        primal, _ = duality_gap(d, beta, g, A, C, False)
        near = gap_safe_screen(d, beta, g, A, C, False, primal)
        assert np.count_nonzero(near) >= 0.5 * np.count_nonzero(~on)  # the ball is tiny there


def test_warm_start_from_a_smaller_penalty_is_repaired(rng):
    """A warm start from a smaller penalty (more non-zeros than the optimum): the result is
    certified and agrees with plain CD."""
    X, y = wide_data(rng, n=30, p=200)
    s = np.ones(30)
    a = np.ones(200)
    d = make_design(X, y, s, True, gram=False)
    top = l1_max(null_gradient(d, a), a)
    A, C = 0.3 * top * a, 0.1 * top * a
    start = solve_path(d, [0.1 * A[0]], [C[0]], a, a, tol=1e-12).coef[0]
    beta = start.copy()
    d.start(beta)
    _, cert, _, _, _ = solve_point_working_set(d, beta, A, C, False, 1e-12, 10_000)
    gap = cert.gap
    ref = solve_path(make_design(X, y, s, True, gram=False), [A[0]], [C[0]], a, a, tol=1e-14,
                     screening=False)  # fmt: skip
    assert gap <= 1e-12 and np.count_nonzero(beta) < np.count_nonzero(start)
    np.testing.assert_allclose(beta, ref.coef[0], atol=1e-6)


def test_working_set_positive_and_unpenalized(rng):
    """β ≥ 0 and a feature with penalty factor 0 (screening is then off; working sets stay)."""
    X, y = wide_data(rng, n=40, p=250)
    s = rng.uniform(0.5, 1.5, 40)
    a = np.ones(250)
    a[7] = 0.0
    d = make_design(X, y, s, True, gram=False)
    for positive in (False, True):
        top = l1_max(null_gradient(d, a), a, positive=positive)
        grid = log_grid(top, 15, 0.1)
        res = solve_path(d, grid, grid, a, a, positive=positive, tol=1e-12,
                         max_iter=10_000, working_set=True)  # fmt: skip
        ref = solve_path(d, grid, grid, a, a, positive=positive, tol=1e-12,
                         max_iter=10_000, screening=False)  # fmt: skip
        assert res.converged.all() and ref.converged.all()
        assert positive or res.coef[:, 7].all()  # unpenalized: never zeroed unless at β ≥ 0
        if positive:
            assert res.coef.min() >= 0
        np.testing.assert_allclose(res.objective, ref.objective, rtol=1e-10)
        np.testing.assert_allclose(res.coef, ref.coef, atol=1e-5)  # flat near the end
        for k in (5, 10, 14):
            viol = kkt_violation(X, y, s, res.coef[k], res.intercept[k], grid[k] * a,
                                 grid[k] * a)  # fmt: skip
            assert viol <= 1e-6 or positive
