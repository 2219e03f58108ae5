"""The one GCV: brute force on the weighted hat matrix, shared by RidgeCV and inverse."""

import numpy as np
import pytest

import ridgeway as rw
import ridgeway.inverse as inv
from ridgeway import operators
from ridgeway.inverse import parameter_choice as pc
from ridgeway.inverse import problems
from ridgeway.inverse.decomposition import Decomposition
from ridgeway.selection.gcv import gcv, gcv_shrink


def brute_gcv(X, y, s, l2, gamma=1.0):
    """(RSS_w/W)/(1 − tr H/n)² · (γ + (1 − γ) tr(H²)/n), H the weighted hat matrix."""
    n, p = X.shape
    Xa = np.hstack([np.ones((n, 1)), X])
    D = np.diag([0.0] + [1.0] * p)
    H = Xa @ np.linalg.solve(Xa.T @ (s[:, None] * Xa) + l2 * D, Xa.T * s)
    r = y - H @ y
    df = np.trace(H)
    robust = gamma + (1 - gamma) * np.trace(H @ H) / n
    return (s @ r**2 / s.sum()) / (1 - df / n) ** 2 * robust


@pytest.mark.parametrize("shape", [(40, 6), (12, 30)])
def test_ridge_cv_gcv_is_the_brute_force_formula(rng, shape):
    X = rng.standard_normal(shape)
    y = X @ rng.standard_normal(shape[1]) + rng.standard_normal(shape[0])
    s = rng.uniform(0.5, 2.0, shape[0])
    grid = np.array([0.1, 1.0, 10.0])
    est = rw.RidgeCV(l2=grid, cv="gcv").fit(X, y, sample_weight=s)
    expected = [brute_gcv(X, y, s, value) for value in grid]
    np.testing.assert_allclose(-est.cv_results_["mean_score"], expected, rtol=1e-9)
    spec = est.solution_.state
    np.testing.assert_allclose(gcv(spec, grid)[:, 0], expected, rtol=1e-9)
    robust = [brute_gcv(X, y, s, value, gamma=0.3) for value in grid]
    np.testing.assert_allclose(gcv(spec, grid, gamma=0.3)[:, 0], robust, rtol=1e-9)


def test_fit_moments_gcv_matches_the_data_fit(rng):
    X = rng.standard_normal((50, 5))
    y = X @ rng.standard_normal(5) + rng.standard_normal(50)
    grid = np.geomspace(1e-2, 1e2, 7)
    data = rw.RidgeCV(l2=grid, cv="gcv").fit(X, y)
    stats = rw.RidgeCV(l2=grid, cv="gcv").fit_moments(rw.Moments.from_data(X, y))
    np.testing.assert_allclose(stats.cv_results_["mean_score"], data.cv_results_["mean_score"],
                               rtol=1e-9)  # fmt: skip


def test_inverse_gcv_is_the_same_function_in_the_texts_normalisation(rng):
    A, b, _ = problems.phillips(40)
    bn = problems.add_noise(b, 1e-2, rng)
    sf = Decomposition(A, bn, operators.difference(40, 2))
    lams = np.geomspace(1e-3, 1.0, 9)
    m = A.shape[0]
    one = gcv(sf.core, lams**2, gamma=0.1)[:, 0]
    np.testing.assert_allclose(pc.gcv(sf.spectrum, lams, 0.1), one / m, rtol=1e-12)
    res = inv.tikhonov(A, bn, L="diff2")
    np.testing.assert_allclose(res.curve.values, pc.gcv(res.spectrum, res.curve.lam, 0.1))


def test_gcv_is_undefined_where_the_fit_interpolates(rng):
    X = rng.standard_normal((8, 20))
    y = rng.standard_normal(8)
    spec = rw.RidgeCV(l2=[1.0], cv="gcv").fit(X, y).solution_.state
    tiny = np.array([1e-300])
    assert np.isnan(gcv_shrink(spec, tiny)).all() and np.isnan(gcv(spec, tiny)).all()
