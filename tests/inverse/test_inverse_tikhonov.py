"""Direct Tikhonov: SVD / standard form against stacked least squares, norms, GCV, TSVD."""

import numpy as np
import pandas as pd
import pytest

import ridgeway.inverse as inv
from ridgeway import operators
from ridgeway.inverse import parameter_choice as pc
from ridgeway.inverse import problems as P
from ridgeway.inverse.decomposition import Decomposition as StandardForm


def stacked(A, b, L, lam, x0):
    """Reference: least squares on [A; λL] x = [b; λ L x0]."""
    L = L.toarray() if hasattr(L, "toarray") else np.asarray(L)
    M = np.vstack([A, lam * L])
    rhs = np.concatenate([b, lam * L @ x0])
    return np.linalg.lstsq(M, rhs, rcond=None)[0]


def penalties(n, rng):
    tall = rng.standard_normal((n + 5, n))
    deficient = rng.standard_normal((n - 3, n)) @ np.diag(rng.uniform(0.5, 2, n))
    return {
        "identity": np.eye(n),
        "diff1": operators.difference(n, 1),
        "diff2": operators.difference(n, 2),
        "tall": tall,
        "rank_deficient": np.vstack([deficient, deficient[:2]]),  # p > rank, rank n − 3
    }


@pytest.mark.parametrize("name", ["identity", "diff1", "diff2", "tall", "rank_deficient"])
@pytest.mark.parametrize("lam", [1e-3, 0.1, 3.0])
def test_standard_form_agrees_with_stacked_least_squares(rng, name, lam):
    A, b, _ = P.shaw(24)
    A = np.vstack([A, 0.1 * rng.standard_normal((6, 24))])  # m > n: a residual floor exists
    b = np.concatenate([b, rng.standard_normal(6)]) + 1e-3 * rng.standard_normal(30)
    L = penalties(24, rng)[name]
    x0 = rng.standard_normal(24)
    res = inv.tikhonov(A, b, L=L, lam=lam, x0=x0)
    ref = stacked(A, b, L, lam, x0)
    np.testing.assert_allclose(res.x, ref, rtol=1e-7, atol=1e-9 * np.linalg.norm(ref))
    Ld = L.toarray() if hasattr(L, "toarray") else L
    assert res.residual_norm == pytest.approx(np.linalg.norm(A @ res.x - b), rel=1e-8)
    assert res.solution_norm == pytest.approx(np.linalg.norm(Ld @ (res.x - x0)), rel=1e-7)
    # certificate: the gradient of ½‖Ax − b‖² + (l2/2)‖L(x − x0)‖² vanishes, with l2 = λ²
    grad = A.T @ (A @ res.x - b) + res.l2 * Ld.T @ (Ld @ (res.x - x0))
    assert np.linalg.norm(grad) <= 1e-8 * np.linalg.norm(A.T @ b)
    assert res.l2 == pytest.approx(lam**2)


def test_solutions_on_a_grid_match_single_solves(rng):
    A, b, _ = P.phillips(32)
    sf = StandardForm(A, b, operators.difference(32, 2), rng.standard_normal(32))
    grid = np.array([1e-3, 1e-1, 1.0])
    many = sf.solutions(grid)
    for j, lam in enumerate(grid):
        np.testing.assert_allclose(many[:, j], sf.solution(lam), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("L", [None, "diff1", "diff2"])
def test_gcv_and_dof_against_the_influence_matrix(rng, L):
    A, b, _ = P.gravity(20)
    b = b + 1e-2 * rng.standard_normal(20)
    Lm = np.eye(20) if L is None else operators.difference(20, int(L[-1])).toarray()
    spec = StandardForm(A, b, None if L is None else Lm).spectrum
    for lam in (1e-2, 0.3):
        H = A @ np.linalg.solve(A.T @ A + lam**2 * Lm.T @ Lm, A.T)
        resid = b - H @ b
        trace = np.trace(np.eye(20) - H)
        one = np.array([lam])
        assert pc.dof(spec, one)[0] == pytest.approx(np.trace(H), rel=1e-8)
        assert pc.gcv(spec, one)[0] == pytest.approx(resid @ resid / trace**2, rel=1e-6)
        assert pc.residual_norm(spec, one)[0] == pytest.approx(np.linalg.norm(resid), rel=1e-8)
        s2 = 1e-4  # UPRE, classical and robust (γ = 0.25 adds 3·s²·tr(H²))
        upre = resid @ resid + 2 * s2 * np.trace(H) - 20 * s2
        assert pc.upre(spec, one, s2)[0] == pytest.approx(upre, rel=1e-6)
        robust = upre + 3 * s2 * np.trace(H @ H)
        assert pc.upre(spec, one, s2, 0.25)[0] == pytest.approx(robust, rel=1e-6)


def test_curvature_matches_finite_differences(rng):
    A, b, _ = P.shaw(32)
    spec = StandardForm(A, P.add_noise(b, 1e-2, rng)).spectrum
    t = np.linspace(np.log(1e-4), np.log(1.0), 4001)
    X = np.log(pc.residual_norm(spec, np.exp(t)))
    Y = np.log(pc.solution_norm(spec, np.exp(t)))
    X1, Y1 = np.gradient(X, t), np.gradient(Y, t)
    X2, Y2 = np.gradient(X1, t), np.gradient(Y1, t)
    fd = (X1 * Y2 - X2 * Y1) / (X1**2 + Y1**2) ** 1.5
    exact = pc.curvature(spec, np.exp(t))
    assert np.max(np.abs(fd - exact)[10:-10]) <= 1e-3 * np.max(np.abs(exact))
    assert exact.max() > 10  # a real corner


def test_speed_matches_finite_differences(rng):
    A, b, _ = P.phillips(32)
    spec = StandardForm(A, P.add_noise(b, 1e-2, rng)).spectrum
    t = np.linspace(np.log(1e-4), np.log(1.0), 4001)
    X = np.log(pc.residual_norm(spec, np.exp(t)))
    Y = np.log(pc.solution_norm(spec, np.exp(t)))
    fd = np.hypot(np.gradient(X, t), np.gradient(Y, t))
    exact = pc.speed(spec, np.exp(t))
    np.testing.assert_allclose(fd[10:-10], exact[10:-10], rtol=1e-4, atol=1e-6)


def test_discrepancy_hits_the_noise_norm(rng):
    A, b, _ = P.deriv2(64, 2)
    bn = P.add_noise(b, 1e-2, rng)
    delta = np.linalg.norm(bn - b)
    res = inv.tikhonov(A, bn, lam="discrepancy", noise_norm=delta)
    assert res.residual_norm == pytest.approx(delta, rel=1e-6)
    by_level = inv.tikhonov(A, bn, lam="discrepancy", noise_level=0.01)
    assert by_level.residual_norm == pytest.approx(0.01 * np.linalg.norm(bn), rel=1e-6)


def test_discrepancy_unattainable_is_reported(rng):
    A, b, _ = P.shaw(32)
    res = inv.tikhonov(A, b, lam="discrepancy", noise_norm=1e3)
    assert res.lam == pytest.approx(res.curve.lam[-1])
    assert any("above the residual" in note for note in res.notes)


def test_tsvd_matches_explicit_truncation(rng):
    A, b, _ = P.shaw(32)
    bn = P.add_noise(b, 1e-3, rng)
    U, s, Vt = np.linalg.svd(A)
    for k in (3, 8):
        expected = Vt[:k].T @ ((U[:, :k].T @ bn) / s[:k])
        np.testing.assert_allclose(inv.tsvd(A, bn, k=k).x, expected, rtol=1e-10)
    chosen = inv.tsvd(A, bn, k="gcv")
    assert 4 <= chosen.dof <= 12 and chosen.method == "tsvd-gcv"
    disc = inv.tsvd(A, bn, k="discrepancy", noise_level=1e-3)
    assert disc.residual_norm <= 1e-3 * np.linalg.norm(bn) * (1 + 1e-12)


def test_result_fields_and_curve(rng):
    A, b, _ = P.baart(32)
    res = inv.tikhonov(A, P.add_noise(b, 1e-3, rng))
    assert res.method == "gcv" and res.curve.criterion == "gcv"
    assert res.curve.lam.shape == res.curve.values.shape == res.curve.residual_norm.shape
    assert res.curve.lam[0] <= res.lam <= res.curve.lam[-1]
    assert np.all(np.diff(res.curve.residual_norm) >= -1e-12)  # ρ increases with λ
    assert np.all(np.diff(res.curve.solution_norm) <= 1e-12)  # η decreases with λ
    with pytest.raises(AttributeError):
        res.x = None  # frozen


def test_classical_gcv_available_with_gamma_one(rng):
    A, b, _ = P.shaw(32)
    bn = P.add_noise(b, 1e-3, rng)
    classic = inv.tikhonov(A, bn, gcv_gamma=1.0)
    spec = classic.spectrum
    grid = classic.curve.lam
    np.testing.assert_allclose(classic.curve.values, pc.gcv(spec, grid))


def test_compare_returns_a_table(rng):
    A, b, x = P.deriv2(32, 1)
    bn = P.add_noise(b, 1e-3, rng)
    table = inv.compare(A, bn, noise_level=1e-3, x_true=x)
    assert isinstance(table, pd.DataFrame)
    assert list(table.index) == ["gcv", "lcurve", "discrepancy", "quasi", "upre", "best"]
    assert {"lam", "l2", "residual_norm", "solution_norm", "dof", "rel_error"} <= set(table)
    assert table.rel_error.min() == pytest.approx(table.rel_error["best"], rel=0.3)
    assert "discrepancy" not in inv.compare(A, bn).index


def test_sparse_and_operator_input(rng):
    import scipy.sparse as sp
    import scipy.sparse.linalg as spla

    A, b, _ = P.gravity(40)
    bn = P.add_noise(b, 1e-3, rng)
    dense = inv.tikhonov(A, bn, lam=0.05, L="diff1")
    sparse = inv.tikhonov(sp.csr_matrix(A), bn, lam=0.05, L="diff1")
    np.testing.assert_allclose(sparse.x, dense.x, rtol=1e-6, atol=1e-8)
    op = spla.aslinearoperator(A)
    direct = inv.tikhonov(op, bn, lam=0.05, solver="direct")
    np.testing.assert_allclose(direct.x, inv.tikhonov(A, bn, lam=0.05).x, rtol=1e-10)
    chosen = inv.tikhonov(sp.csr_matrix(A), bn, lam="gcv")
    assert chosen.method == "hybrid-gcv"
    np.testing.assert_allclose(chosen.lam, inv.tikhonov(A, bn).lam, rtol=1e-3)
