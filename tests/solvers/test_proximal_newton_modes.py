"""The two ways a proximal-Newton step solves its weighted lasso agree: residual updates
(every sweep O(n·|W|)) and covariance updates on the working set's Gram (glmnet's covariance
mode, chosen for dense X with n ≫ |W|)."""

import numpy as np
import pytest

from ridgeway.solvers.coordinate import proximal_newton as pn


class _Dense:
    def __init__(self, X: np.ndarray) -> None:
        self.X, self.sparse = np.asfortranarray(X), False
        self.n, self.p = X.shape

    def columns(self, h, ws):
        m, diag = np.zeros(self.p), np.zeros(self.p)
        m[ws] = self.X[:, ws].T @ h / h.sum()
        diag[ws] = ((self.X[:, ws] - m[ws]) ** 2 * h[:, None]).sum(axis=0)
        return m, diag


@pytest.mark.parametrize("positive", [False, True])
def test_covariance_and_residual_sweeps_solve_the_same_weighted_lasso(rng, positive):
    n, p = 3000, 40
    X = rng.normal(size=(n, p)) * rng.uniform(0.5, 3.0, p) + rng.normal(size=p) * 5.0
    h = rng.uniform(0.01, 0.25, n)
    h[:50] = 0.0  # rows of weight zero
    response = rng.normal(size=n)
    ws = np.sort(rng.choice(p, 25, replace=False))
    data = _Dense(X)
    A = np.full(p, 30.0)
    A[ws[0]] = 0.0  # an unpenalized feature
    pen = pn._Penalty(A, np.full(p, 2.0), grouped=False, positive=positive)
    m, diag = data.columns(h, ws)
    start = np.zeros(p)
    start[ws[:5]] = 0.1  # a warm start off the optimum
    residual = response - X @ start  # the working response minus X·β, as _column_step forms it
    a, b = start.copy(), start.copy()
    moved_a = pn._residual_sweeps(data, h, m, diag, residual, a, pen, ws, 1e-30)
    G, q = pn._working_gram(data.X, ws, m[ws], h, residual + m @ start)
    moved_b = pn._covariance_sweeps(data.X, G, q, m, b, pen, ws, 1e-30)
    assert np.any(a != start) and np.count_nonzero(a) < p
    np.testing.assert_allclose(b, a, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(moved_b, moved_a, rtol=1e-9, atol=1e-10)
    if positive:
        assert np.all(a[ws[1:]] >= 0)
