"""Iterative solvers against the direct one."""

import numpy as np
import pytest
import scipy.sparse as sp
import scipy.sparse.linalg as spla

import ridgeway.inverse as inv
from ridgeway.inverse import problems as P


@pytest.fixture
def noisy(rng):
    A, b, x = P.shaw(64)
    bn = P.add_noise(b, 1e-3, rng)
    return A, bn, x, np.linalg.norm(bn - b)


@pytest.mark.parametrize("L", [None, "diff1", "diff2"])
def test_lsqr_matches_direct(noisy, L):
    A, b, _, _ = noisy
    x0 = np.full(64, 0.3)
    direct = inv.tikhonov(A, b, L=L, lam=0.02, x0=x0)
    it = inv.lsqr(sp.csr_matrix(A), b, 0.02, L=L, x0=x0)
    np.testing.assert_allclose(it.x, direct.x, rtol=1e-6, atol=1e-7)
    assert it.residual_norm == pytest.approx(direct.residual_norm, rel=1e-6)
    assert it.l2 == pytest.approx(0.02**2)


def _krylov_least_squares(A, b, k):
    """argmin ‖Ax − b‖ over the Krylov space K_k(AᵀA, Aᵀb), with a fully reorthogonalized
    basis: the exact-arithmetic iterate of CGLS and LSQR (both drift from it in floating
    point on a problem as ill-conditioned as shaw)."""
    V = np.zeros((A.shape[1], k))
    v = A.T @ b
    for j in range(k):
        for _ in range(2):
            v = v - V[:, :j] @ (V[:, :j].T @ v)
        V[:, j] = v / np.linalg.norm(v)
        v = A.T @ (A @ V[:, j])
    return V @ np.linalg.lstsq(A @ V, b, rcond=None)[0]


def test_cgls_iterates_are_krylov_least_squares(noisy):
    # CGLS and LSQR produce the same iterates in exact arithmetic; early ones agree closely.
    A, b, _, _ = noisy
    for k in (2, 4, 6):
        cg = inv.cgls(A, b, n_iter=k)
        exact = _krylov_least_squares(A, b, k)
        ls = spla.lsqr(A, b, iter_lim=k, atol=0, btol=0)[0]
        for x in (cg.x, ls):  # norm-wise: entries near zero carry no relative accuracy
            assert np.linalg.norm(x - exact) <= 1e-5 * np.linalg.norm(exact)
        assert np.linalg.norm(A @ cg.x - b) == pytest.approx(np.linalg.norm(A @ exact - b), 1e-5)
        assert cg.n_iter == k


def test_cgls_discrepancy_stop_and_semiconvergence(noisy):
    A, b, x, delta = noisy
    stop = inv.cgls(A, b, noise_norm=delta)
    assert stop.residual_norm <= delta < stop.curve.residual_norm[-2]
    assert np.linalg.norm(stop.x - x) / np.linalg.norm(x) < 0.1
    late = inv.cgls(A, b, n_iter=40)
    assert np.linalg.norm(late.x - x) > 10 * np.linalg.norm(stop.x - x)  # noise takes over
    assert np.all(np.diff(late.curve.residual_norm) <= 1e-12)


@pytest.mark.parametrize("method", ["gcv", "discrepancy", "lcurve", "quasi", "upre"])
def test_hybrid_agrees_with_direct(noisy, method):
    A, b, _, delta = noisy
    op = spla.aslinearoperator(A)
    hy = inv.hybrid(op, b, lam=method, noise_norm=delta)
    direct = inv.tikhonov(A, b, lam=method, noise_norm=delta)
    assert hy.n_iter < 40  # a small Krylov space carries the regularized solution
    np.testing.assert_allclose(hy.lam, direct.lam, rtol=1e-3)
    np.testing.assert_allclose(hy.x, direct.x, rtol=1e-3, atol=1e-3 * np.linalg.norm(direct.x))


def test_hybrid_rejects_unsupported(noisy):
    A, b, _, _ = noisy
    with pytest.raises(ValueError, match="supports L=None"):
        inv.tikhonov(sp.csr_matrix(A), b, L="diff1")
    with pytest.raises(ValueError, match="maxiter must be"):
        inv.hybrid(A, b, maxiter=0)
