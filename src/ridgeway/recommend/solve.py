"""Batched small ridge solves: one half-step of alternating least squares.

Every row u (a user, or an item on the other half-step) solves the same kind of system

    (G + s_u·D + Σ_p w_p z_p z_pᵀ) θ_u = Σ_p c_p z_p            (p over row u's entries)

with z_p the fixed other side's vector for entry p, G a shared Gram (zero for explicit
feedback; YᵀY for implicit feedback, Hu et al.'s trick), D the diagonal penalty and s_u the
row's scale (1, or its count for ALS-WR). Explicit feedback is w = 1, c = the target; implicit
is w = c − 1, c = the confidence. This is ridge: θ_u = (ZᵀWZ + s_u·D)⁻¹ZᵀWt.

The loop over rows runs compiled (numba, parallel over rows); each row is a d×d Cholesky
(d = factors, +1 with a bias) written here so no LAPACK call sits in the parallel loop, or
conjugate gradients warm-started from the current θ_u, whose products cost O(d² + n_u·d).
CG never raises the row's quadratic (it minimizes it over a Krylov space around the start),
so inexact interior sweeps keep the ALS objective monotone. Where a tolerance is given, a row
whose CG has not reached it is solved again by Cholesky.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numba
import numpy as np
from numba import njit, prange
from threadpoolctl import threadpool_limits


@contextmanager
def compute_threads(n_threads: int | None) -> Iterator[None]:
    """Run the compiled loops on ``n_threads`` threads (None: numba's default, every core)
    with BLAS on one thread, so the two never oversubscribe the cores."""
    if n_threads is not None and (
        isinstance(n_threads, bool) or not isinstance(n_threads, int) or n_threads < 1
    ):
        raise ValueError(f"n_threads must be None or an integer >= 1; got {n_threads!r}")
    before = numba.get_num_threads()
    if n_threads is not None:
        limit = numba.config.NUMBA_NUM_THREADS  # type: ignore[attr-defined]
        numba.set_num_threads(max(1, min(int(n_threads), limit)))
    try:
        with threadpool_limits(limits=1, user_api="blas"):
            yield
    finally:
        numba.set_num_threads(before)


@njit(cache=True, nogil=True, fastmath=True)
def _cholesky_solve(a: np.ndarray, b: np.ndarray) -> bool:
    """Overwrite a's lower triangle with its Cholesky factor and b with a⁻¹b; False if a is
    not numerically positive definite."""
    d = a.shape[0]
    for j in range(d):
        s = a[j, j]
        for m in range(j):
            s -= a[j, m] * a[j, m]
        if not s > 0.0:
            return False
        s = np.sqrt(s)
        a[j, j] = s
        for i in range(j + 1, d):
            t = a[i, j]
            for m in range(j):
                t -= a[i, m] * a[j, m]
            a[i, j] = t / s
    for i in range(d):
        t = b[i]
        for m in range(i):
            t -= a[i, m] * b[m]
        b[i] = t / a[i, i]
    for i in range(d - 1, -1, -1):
        t = b[i]
        for m in range(i + 1, d):
            t -= a[m, i] * b[m]
        b[i] = t / a[i, i]
    return True


@njit(cache=True, nogil=True, fastmath=True)
def _matvec(
    lo: int,
    hi: int,
    indices: np.ndarray,
    weight: np.ndarray,
    gram: np.ndarray,
    other: np.ndarray,
    shift: np.ndarray,
    x: np.ndarray,
    out: np.ndarray,
) -> None:
    """out = (G + diag(shift) + Σ w z zᵀ) x for one row's entries lo:hi."""
    d = x.shape[0]
    for j in range(d):
        t = shift[j] * x[j]
        for m in range(d):
            t += gram[j, m] * x[m]
        out[j] = t
    for p in range(lo, hi):
        i = indices[p]
        t = 0.0
        for j in range(d):
            t += other[i, j] * x[j]
        t *= weight[p]
        for j in range(d):
            out[j] += t * other[i, j]


@njit(cache=True, nogil=True, fastmath=True)
def _rhs(
    lo: int, hi: int, indices: np.ndarray, target: np.ndarray, other: np.ndarray, out: np.ndarray
) -> None:
    out[:] = 0.0
    for p in range(lo, hi):
        i = indices[p]
        c = target[p]
        for j in range(other.shape[1]):
            out[j] += c * other[i, j]


@njit(cache=True, nogil=True, fastmath=True)
def _cholesky_row(
    lo: int,
    hi: int,
    indices: np.ndarray,
    weight: np.ndarray,
    target: np.ndarray,
    gram: np.ndarray,
    other: np.ndarray,
    shift: np.ndarray,
    x: np.ndarray,
) -> bool:
    d = x.shape[0]
    a = gram.copy()
    for j in range(d):
        a[j, j] += shift[j]
    for p in range(lo, hi):
        i = indices[p]
        w = weight[p]
        for j in range(d):
            t = w * other[i, j]
            for m in range(j + 1):
                a[j, m] += t * other[i, m]
    b = np.empty(d, dtype=x.dtype)
    _rhs(lo, hi, indices, target, other, b)
    ok = _cholesky_solve(a, b)
    if ok:
        x[:] = b
    return ok


@njit(cache=True, nogil=True, fastmath=True)
def _cg_row(
    lo: int,
    hi: int,
    indices: np.ndarray,
    weight: np.ndarray,
    target: np.ndarray,
    gram: np.ndarray,
    other: np.ndarray,
    shift: np.ndarray,
    x: np.ndarray,
    steps: int,
    tol: float,
) -> float:
    """Warm-started CG on one row; returns ‖r‖/‖b‖ at the end. Loops, not array
    expressions: no allocation inside the steps."""
    d = x.shape[0]
    r = np.empty(d, dtype=x.dtype)
    ax = np.empty(d, dtype=x.dtype)
    direction = np.empty(d, dtype=x.dtype)
    # b − Ax in one pass over the entries: r = Σ (c − w·zᵀx) z − (G + S)x
    _matvec(lo, hi, indices, weight, gram, other, shift, x, ax)
    _rhs(lo, hi, indices, target, other, r)
    bb = 0.0
    rr = 0.0
    for j in range(d):
        bb += r[j] * r[j]
        r[j] -= ax[j]
        direction[j] = r[j]
        rr += r[j] * r[j]
    bnorm = np.sqrt(bb)
    if bnorm == 0.0:
        x[:] = 0.0
        return 0.0
    for _ in range(steps):
        if np.sqrt(rr) <= tol * bnorm:
            break
        _matvec(lo, hi, indices, weight, gram, other, shift, direction, ax)
        curvature = 0.0
        for j in range(d):
            curvature += direction[j] * ax[j]
        if not curvature > 0.0:
            break
        step = rr / curvature
        rr_new = 0.0
        for j in range(d):
            x[j] += step * direction[j]
            r[j] -= step * ax[j]
            rr_new += r[j] * r[j]
        ratio = rr_new / rr
        for j in range(d):
            direction[j] = r[j] + ratio * direction[j]
        rr = rr_new
    return np.sqrt(rr) / bnorm


@njit(cache=True, nogil=True, fastmath=True)
def _relative_residual(
    lo: int,
    hi: int,
    indices: np.ndarray,
    weight: np.ndarray,
    target: np.ndarray,
    gram: np.ndarray,
    other: np.ndarray,
    shift: np.ndarray,
    x: np.ndarray,
) -> float:
    d = x.shape[0]
    b = np.empty(d, dtype=x.dtype)
    _rhs(lo, hi, indices, target, other, b)
    ax = np.empty(d, dtype=x.dtype)
    _matvec(lo, hi, indices, weight, gram, other, shift, x, ax)
    bnorm = np.sqrt(np.sum(b * b))
    rnorm = np.sqrt(np.sum((b - ax) ** 2))
    return rnorm / bnorm if bnorm > 0.0 else rnorm


@njit(cache=True, parallel=True, fastmath=True)
def ridge_half_step(
    indptr: np.ndarray,
    indices: np.ndarray,
    weight: np.ndarray,
    target: np.ndarray,
    gram: np.ndarray,
    other: np.ndarray,
    row_scale: np.ndarray,
    penalty: np.ndarray,
    theta: np.ndarray,
    cg_steps: int,
    tol: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Solve every row's ridge system in place in ``theta`` (n × d).

    cg_steps = 0: Cholesky. cg_steps > 0: that many CG steps at most; with tol > 0 a row whose
    relative residual is still above tol is solved by Cholesky. Returns (relative residual per
    row, 1 where Cholesky failed — the system is not positive definite —, CG fallbacks).
    Rows with no entries get θ = 0 (their right-hand side is zero).
    """
    n = indptr.shape[0] - 1
    residual = np.zeros(n, dtype=np.float64)
    failed = np.zeros(n, dtype=np.int8)
    fallback = np.zeros(n, dtype=np.int8)
    for u in prange(n):
        lo = indptr[u]
        hi = indptr[u + 1]
        x = theta[u]
        if hi == lo:
            x[:] = 0.0
            continue
        shift = row_scale[u] * penalty
        if cg_steps > 0:
            residual[u] = _cg_row(
                lo, hi, indices, weight, target, gram, other, shift, x, cg_steps, tol
            )
            if tol <= 0.0 or residual[u] <= tol:
                continue
            fallback[u] = 1
        if not _cholesky_row(lo, hi, indices, weight, target, gram, other, shift, x):
            failed[u] = 1
            continue
        residual[u] = _relative_residual(lo, hi, indices, weight, target, gram, other, shift, x)
    return residual, failed, fallback


@njit(cache=True, parallel=True, fastmath=True)
def entry_scores(
    indptr: np.ndarray, indices: np.ndarray, rows: np.ndarray, cols: np.ndarray
) -> np.ndarray:
    """x_uᵀy_i for every stored entry (u, i) of a CSR pattern."""
    n = indptr.shape[0] - 1
    out = np.empty(indices.shape[0], dtype=np.float64)
    for u in prange(n):
        for p in range(indptr[u], indptr[u + 1]):
            i = indices[p]
            t = 0.0
            for j in range(rows.shape[1]):
                t += rows[u, j] * cols[i, j]
            out[p] = t
    return out
