"""Iterative Tikhonov for large A (sparse or a LinearOperator): damped LSQR, CGLS, hybrid.

- :func:`lsqr` solves min ‖Ax − b‖² + λ²‖L(x − x₀)‖² for a given λ: scipy's LSQR with
  ``damp=λ`` for L = I, LSQR on the stacked operator [A; λL] otherwise. Nothing is densified.
- :func:`cgls` lets the iteration count regularize (CG on the normal equations, without
  forming AᵀA): early iterates are smooth, late ones fit the noise (semi-convergence). It
  stops by the discrepancy principle when the noise is known.
- :func:`hybrid` is the projected method: Golub–Kahan bidiagonalization A V_k = U_{k+1} B_k
  (with full reorthogonalization), and at every step the small projected Tikhonov problem
  min ‖B_k y − ‖b‖e₁‖² + λ²‖y‖² is solved through the SVD of B_k, λ chosen on it by the same
  rules as the direct solver (the projected residual and solution norms equal the true ones,
  and its filter factors give the trace of the influence matrix restricted to the Krylov
  space, so GCV/UPRE use the full m). It stops when the chosen λ and the solution settle.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from ridgeway.inverse import parameter_choice as pc
from ridgeway.inverse._input import (
    check_lam,
    check_noise,
    check_operator,
    check_penalty,
    check_rhs,
    check_x0,
)
from ridgeway.inverse.result import Curve, Spectrum, TikhonovResult

__all__ = ["cgls", "hybrid", "lsqr"]


def _check_maxiter(maxiter: Any, default: int) -> int:
    if maxiter is None:
        return default
    if isinstance(maxiter, bool) or int(maxiter) != maxiter or maxiter < 1:
        raise ValueError(f"maxiter must be an integer >= 1; got {maxiter!r}")
    return int(maxiter)


def lsqr(
    A: Any,
    b: Any,
    lam: float,
    L: Any = None,
    x0: Any = None,
    *,
    atol: float = 1e-12,
    btol: float = 1e-12,
    maxiter: int | None = None,
) -> TikhonovResult:
    """Damped LSQR for a given λ: min ‖Ax − b‖² + λ²‖L(x − x₀)‖²."""
    A = check_operator(A)
    m, n = A.shape
    b = check_rhs(b, m)
    L = check_penalty(L, n)
    lam = check_lam(lam)
    if isinstance(lam, str):
        raise ValueError("lsqr needs a numeric lam; use hybrid() to choose λ iteratively")
    x0 = check_x0(x0, n)
    Aop = spla.aslinearoperator(A)
    r = b if x0 is None else b - Aop.matvec(x0)
    maxiter = _check_maxiter(maxiter, 10 * n)
    if L is None:
        out = spla.lsqr(Aop, r, damp=lam, atol=atol, btol=btol, iter_lim=maxiter)
    else:
        Lop = spla.aslinearoperator(sp.csr_matrix(L) if sp.issparse(L) else np.asarray(L))
        p = L.shape[0]
        stacked = spla.LinearOperator(
            (m + p, n),
            matvec=lambda v: np.concatenate([Aop.matvec(v), lam * Lop.matvec(v)]),
            rmatvec=lambda w: Aop.rmatvec(w[:m]) + lam * Lop.rmatvec(w[m:]),
            dtype=np.float64,
        )
        out = spla.lsqr(
            stacked, np.concatenate([r, np.zeros(p)]), atol=atol, btol=btol, iter_lim=maxiter
        )
    y, n_iter = out[0], int(out[2])
    x = y if x0 is None else x0 + y
    semi = np.linalg.norm(y) if L is None else np.linalg.norm(L @ y)
    notes = () if out[1] in (1, 2, 4, 5) or out[1] == 0 else (f"lsqr: istop={out[1]}",)
    return TikhonovResult(
        x=x,
        lam=float(lam),
        method="lsqr",
        curve=None,
        residual_norm=float(np.linalg.norm(Aop.matvec(x) - b)),
        solution_norm=float(semi),
        dof=float("nan"),
        n_iter=n_iter,
        notes=notes,
    )


def cgls(
    A: Any,
    b: Any,
    n_iter: int | None = None,
    noise_norm: float | None = None,
    noise_level: float | None = None,
    *,
    maxiter: int | None = None,
) -> TikhonovResult:
    """CGLS with the iteration count as the regularization parameter.

    Give ``n_iter`` (run exactly that many steps), or the noise (stop at the first k with
    ‖Ax_k − b‖ <= δ: the discrepancy principle), or neither (run ``maxiter`` steps and return
    the last; the curve shows all). ``curve`` holds the residual and solution norms per step.
    """
    A = check_operator(A)
    m, n = A.shape
    b = check_rhs(b, m)
    delta = check_noise(noise_norm, noise_level, b)
    maxiter = _check_maxiter(maxiter, min(m, n))
    if n_iter is not None:
        maxiter = _check_maxiter(n_iter, maxiter)
    Aop = spla.aslinearoperator(A)
    x = np.zeros(n)
    r = b.copy()
    s = Aop.rmatvec(r)
    p = s.copy()
    gamma = s @ s
    res, sol = [np.linalg.norm(r)], [0.0]
    k = 0
    while k < maxiter and gamma > 0:
        if n_iter is None and delta is not None and res[-1] <= delta:
            break
        q = Aop.matvec(p)
        alpha = gamma / (q @ q)
        x += alpha * p
        r -= alpha * q
        s = Aop.rmatvec(r)
        gamma, gamma_old = s @ s, gamma
        p = s + (gamma / gamma_old) * p
        k += 1
        res.append(np.linalg.norm(r))
        sol.append(np.linalg.norm(x))
    notes: tuple[str, ...] = ()
    if n_iter is None and delta is not None and res[-1] > delta:
        notes = (f"cgls: residual {res[-1]:.3g} did not reach the noise norm {delta:.3g}",)
    res_a, sol_a = np.array(res), np.array(sol)
    curve = Curve(
        param=np.arange(k + 1),
        values=res_a,
        criterion="residual_norm",
        residual_norm=res_a,
        solution_norm=sol_a,
        param_name="iteration",
        target=delta,
    )
    return TikhonovResult(
        x=x,
        lam=0.0,
        method="cgls",
        curve=curve,
        residual_norm=float(res_a[-1]),
        solution_norm=float(sol_a[-1]),
        dof=float(k),
        n_iter=k,
        notes=notes,
    )


def _expand(Aop: spla.LinearOperator, U: list, V: list, B: list, tol: float) -> bool:
    """One Golub–Kahan step with full reorthogonalization; False on breakdown."""
    u = U[-1]
    v = Aop.rmatvec(u) - (B[-1][1] * V[-1] if V else 0.0)
    for _ in range(2):  # twice is enough (Kahan–Parlett)
        for w in V:
            v -= (w @ v) * w
    alpha = np.linalg.norm(v)
    if alpha <= tol:
        return False
    V.append(v / alpha)
    u = Aop.matvec(V[-1]) - alpha * u
    for _ in range(2):
        for w in U:
            u -= (w @ u) * w
    beta = np.linalg.norm(u)
    B.append((alpha, beta))
    if beta <= tol:
        return False
    U.append(u / beta)
    return True


def _bidiagonal(B: list) -> np.ndarray:
    k = len(B)
    M = np.zeros((k + 1, k))
    for j, (alpha, beta) in enumerate(B):
        M[j, j], M[j + 1, j] = alpha, beta
    return M


def hybrid(
    A: Any,
    b: Any,
    lam: str = "gcv",
    noise_norm: float | None = None,
    noise_level: float | None = None,
    *,
    maxiter: int | None = None,
    tol: float = 1e-4,
    gcv_gamma: float = 0.1,
) -> TikhonovResult:
    """Hybrid LSQR–Tikhonov (L = I): λ chosen on the projected problem at every step.

    Stops after ``maxiter`` steps (default min(m, n, 200)) or when, for 3 steps in a row,
    both the chosen λ and the solution change by less than ``tol`` (relative).
    """
    A = check_operator(A)
    m, n = A.shape
    b = check_rhs(b, m)
    lam = check_lam(lam)
    if not isinstance(lam, str):
        return lsqr(A, b, lam)
    delta = check_noise(noise_norm, noise_level, b)
    maxiter = _check_maxiter(maxiter, min(m, n, 200))
    Aop = spla.aslinearoperator(A)
    beta0 = float(np.linalg.norm(b))
    if beta0 == 0:
        raise ValueError("b must not be zero")
    U, V, B = [b / beta0], [], []
    tiny = 1e-14 * beta0
    x_old, lam_old, calm = None, None, 0
    while len(B) < maxiter:
        if not _expand(Aop, U, V, B, tiny):
            break
        P, s, Qt = np.linalg.svd(_bidiagonal(B), full_matrices=False)
        c = beta0 * P[0]  # projected data coefficients uᵢᵀ(‖b‖e₁)
        spec = Spectrum(sigma=s, beta=c, floor=max(beta0**2 - c @ c, 0.0), n_rows=m)
        lam_k, curve, notes = pc.choose(spec, lam, delta, gcv_gamma=gcv_gamma)
        x = np.column_stack(V) @ (Qt.T @ spec.coefficients(lam_k))
        if x_old is not None:
            dx = np.linalg.norm(x - x_old) / max(np.linalg.norm(x), 1e-300)
            dl = abs(lam_k - lam_old) / max(lam_k, 1e-300)
            calm = calm + 1 if max(dx, dl) < tol else 0
        x_old, lam_old = x, lam_k
        if calm >= 3:
            break
    if not B or x_old is None:
        raise ValueError("A must not be zero (A.T @ b vanishes)")
    one = np.array([lam_old])
    return TikhonovResult(
        x=x_old,
        lam=float(lam_old),
        method=f"hybrid-{lam}",
        curve=curve,
        residual_norm=float(pc.residual_norm(spec, one)[0]),
        solution_norm=float(pc.solution_norm(spec, one)[0]),
        dof=float(pc.dof(spec, one)[0]),
        spectrum=spec,
        n_iter=len(B),
        notes=notes,
    )
