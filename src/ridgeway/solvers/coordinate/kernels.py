"""Compiled coordinate-descent sweeps for the elastic net (numba; fastmath off, except
reassociation of the dense column dot product and contraction to FMA, so they vectorize).

Each kernel minimizes, one coordinate at a time over a working set ``ws``,

    ½ Σ_i s_i (r_i)² + Σ_j [A_j |β_j| + ½ C_j β_j²],   r = y_c − X_c β,

where X_c, y_c are centred implicitly (never a centred copy of X) and A, C already hold the
per-coordinate l1 and l2 strengths. The exact coordinate minimizer is
β_j = S(g_j + d_j β_j, A_j) / (d_j + C_j) with g_j = x_cjᵀ S r, d_j = x_cjᵀ S x_cj and S the
soft threshold (one-sided when ``positive``).

Sweeps follow glmnet: one pass over the whole working set, then passes over its non-zero
coordinates only until they settle, then a pass over the whole set again, until a whole pass
moves no coordinate by more than ``thresh`` (measured as d_j δ_j², an objective scale).
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["dense_cd", "gap_and_kkt", "gram_cd", "gram_point", "sparse_cd"]


@njit(cache=True)
def _threshold(z: float, a: float, positive: bool) -> float:
    if z > a:
        return z - a
    if z < -a and not positive:
        return z + a
    return 0.0


@njit(cache=True)
def _gram_step(j, G, q, beta, A, C, positive):
    """q = c − Gβ is kept current for every coordinate: an update costs one row of G."""
    d = G[j, j]
    if d + C[j] <= 0.0:
        return 0.0
    old = beta[j]
    new = _threshold(q[j] + d * old, A[j], positive) / (d + C[j])
    delta = new - old
    if delta == 0.0:
        return 0.0
    beta[j] = new
    row = G[j]
    for i in range(q.shape[0]):
        q[i] -= row[i] * delta
    return (d + C[j]) * delta * delta


@njit(cache=True, fastmath={"reassoc", "contract"})
def _dense_dot(X, j, mj, s, r):
    """Σ_i s_i (x_ij − m_j) r_i. Reassociation only (no nnan/ninf): the sum is vectorized as
    BLAS would, i.e. a different but equally accurate rounding order."""
    acc = 0.0
    for i in range(X.shape[0]):
        acc += (X[i, j] - mj) * s[i] * r[i]
    return acc


@njit(cache=True, fastmath={"contract"})
def _dense_axpy(X, j, mj, delta, r):
    for i in range(X.shape[0]):
        r[i] -= delta * (X[i, j] - mj)


@njit(cache=True)
def _dense_step(j, X, s, m, rho, state, beta, diag, A, C, positive):
    """Dense Fortran-ordered column j; ρ is the centred residual r itself (state[1] stays 0).

    Centring inside the dot and the axpy costs one subtraction per element of a column that
    is read anyway; the uncentred form r = ρ + shift (the sparse kernel's, which must not fill
    in a column) carries ρ ≈ −x̄ᵀβ, whose rounding floors the KKT residual near 1e-12.
    """
    d = diag[j]
    if d + C[j] <= 0.0:
        return 0.0
    g = _dense_dot(X, j, m[j], s, rho)
    old = beta[j]
    new = _threshold(g + d * old, A[j], positive) / (d + C[j])
    delta = new - old
    if delta == 0.0:
        return 0.0
    beta[j] = new
    _dense_axpy(X, j, m[j], delta, rho)
    return (d + C[j]) * delta * delta


@njit(cache=True)
def _sparse_step(j, indptr, indices, data, s, m, rho, state, beta, diag, A, C, positive):
    """CSC column j; r = ρ + state[1] (a constant shift keeps the update sparse).

    state = [Σ s_i ρ_i, shift, Σ s_i]; with m the s-weighted means,
    x_cjᵀ S r = Σ_{i ∈ nz(j)} s_i x_ij ρ_i − m_j Σ s_i ρ_i.
    """
    d = diag[j]
    if d + C[j] <= 0.0:
        return 0.0
    g = 0.0
    for k in range(indptr[j], indptr[j + 1]):
        i = indices[k]
        g += s[i] * data[k] * rho[i]
    g -= m[j] * state[0]
    old = beta[j]
    new = _threshold(g + d * old, A[j], positive) / (d + C[j])
    delta = new - old
    if delta == 0.0:
        return 0.0
    beta[j] = new
    for k in range(indptr[j], indptr[j + 1]):
        rho[indices[k]] -= delta * data[k]
    state[0] -= delta * m[j] * state[2]
    state[1] += delta * m[j]
    return (d + C[j]) * delta * delta


@njit(cache=True)
def _active(ws, beta):
    out = np.empty(ws.shape[0], np.int64)
    count = 0
    for t in range(ws.shape[0]):
        if beta[ws[t]] != 0.0:
            out[count] = ws[t]
            count += 1
    return out[:count]


@njit(cache=True)
def gram_cd(G, q, beta, A, C, ws, positive, max_passes, thresh):
    """Covariance updates (n ≫ p): G = X_cᵀSX_c, q = X_cᵀS y_c − Gβ. Returns passes made."""
    passes = 0
    while passes < max_passes:
        change = 0.0
        for t in range(ws.shape[0]):
            change = max(change, _gram_step(ws[t], G, q, beta, A, C, positive))
        passes += 1
        if change < thresh:
            return passes
        act = _active(ws, beta)
        while passes < max_passes:
            change = 0.0
            for t in range(act.shape[0]):
                change = max(change, _gram_step(act[t], G, q, beta, A, C, positive))
            passes += 1
            if change < thresh:
                break
    return passes


@njit(cache=True)
def dense_cd(X, s, m, rho, state, beta, diag, A, C, ws, positive, max_passes, thresh):
    """Naive (residual) updates on dense Fortran-ordered X, ρ = r centred. Returns passes."""
    passes = 0
    while passes < max_passes:
        change = 0.0
        for t in range(ws.shape[0]):
            change = max(
                change, _dense_step(ws[t], X, s, m, rho, state, beta, diag, A, C, positive)
            )
        passes += 1
        if change < thresh:
            return passes
        act = _active(ws, beta)
        while passes < max_passes:
            change = 0.0
            for t in range(act.shape[0]):
                change = max(
                    change, _dense_step(act[t], X, s, m, rho, state, beta, diag, A, C, positive)
                )
            passes += 1
            if change < thresh:
                break
    return passes


@njit(cache=True)
def sparse_cd(indptr, indices, data, s, m, rho, state, beta, diag, A, C, ws, positive,
              max_passes, thresh):  # fmt: skip
    """Naive (residual) updates on a CSC matrix. Returns passes made."""
    passes = 0
    while passes < max_passes:
        change = 0.0
        for t in range(ws.shape[0]):
            step = _sparse_step(
                ws[t], indptr, indices, data, s, m, rho, state, beta, diag, A, C, positive
            )
            change = max(change, step)
        passes += 1
        if change < thresh:
            return passes
        act = _active(ws, beta)
        while passes < max_passes:
            change = 0.0
            for t in range(act.shape[0]):
                step = _sparse_step(
                    act[t], indptr, indices, data, s, m, rho, state, beta, diag, A, C, positive
                )
                change = max(change, step)
            passes += 1
            if change < thresh:
                break
    return passes


@njit(cache=True)
def gap_and_kkt(g_dual, g, beta, A, C, positive, rss, rss_dual, ycr):
    """(primal, duality gap, KKT violation) in one pass over the coordinates, absolute.

    The primal uses ``rss`` = Σ s r². The gap's dual point is θ = κ·r' with x_jᵀSθ =
    κ·g_dual_j, ‖r'‖² = ``rss_dual``, ⟨y_c, r'⟩ = ``ycr`` (r' is r, or r projected off the
    unpenalized columns, whose g_dual entries are then 0): κ <= 1 makes
    the pure-l1 constraints feasible, the l2 coordinates enter by their conjugate. The KKT
    violation uses the plain gradient ``g``: |g_j − A_j sign β_j − C_j β_j| on the support,
    (|g_j| − A_j)₊ off it (g_j only, under β >= 0).
    """
    kappa = 1.0
    penalty = 0.0
    worst = 0.0
    for j in range(g.shape[0]):
        penalty += A[j] * abs(beta[j]) + 0.5 * C[j] * beta[j] * beta[j]
        push = max(g_dual[j], 0.0) if positive else abs(g_dual[j])
        if C[j] == 0.0 and A[j] > 0.0 and push > A[j]:
            kappa = min(kappa, A[j] / push)
        if beta[j] != 0.0:
            sign = 1.0 if beta[j] > 0.0 else -1.0
            v = abs(g[j] - A[j] * sign - C[j] * beta[j])
        else:
            v = max((max(g[j], 0.0) if positive else abs(g[j])) - A[j], 0.0)
        worst = max(worst, v)
    conjugate = 0.0
    for j in range(g.shape[0]):
        if C[j] > 0.0:
            v = kappa * (max(g_dual[j], 0.0) if positive else abs(g_dual[j])) - A[j]
            if v > 0.0:
                conjugate += v * v / (2.0 * C[j])
    primal = 0.5 * rss + penalty
    dual = kappa * ycr - 0.5 * kappa * kappa * rss_dual - conjugate
    return primal, max(primal - dual, 0.0), worst


@njit(cache=True)
def _gram_terms(yy, c, q, beta):
    ycr = yy - np.dot(c, beta)
    return max(ycr - np.dot(q, beta), 0.0), ycr


@njit(cache=True)
def _refresh(G, c, q, beta):
    """q = c − Gβ from scratch (G symmetric: row j is column j)."""
    for j in range(q.shape[0]):
        acc = c[j]
        row = G[j]
        for k in range(beta.shape[0]):
            acc -= row[k] * beta[k]
        q[j] = acc


@njit(cache=True)
def gram_point(G, c, yy, q, beta, A, C, ws, positive, tol, kkt_tol, max_iter, null, scale):
    """One path point in covariance form, compiled end to end (no free coordinates): sweeps
    on the working set ``ws`` (a mask, grown in place by KKT violators), both certificates,
    the step threshold tightened until they hold, then confirmed on q = c − Gβ recomputed.

    Returns (passes, primal, gap, KKT violation), the last two absolute.
    """
    thresh = tol * null
    passes = 0
    while True:
        passes += gram_cd(G, q, beta, A, C, np.flatnonzero(ws), positive, max_iter - passes,
                          thresh)  # fmt: skip
        added = False
        if passes < max_iter:
            for j in range(q.shape[0]):
                push = max(q[j], 0.0) if positive else abs(q[j])
                if not ws[j] and push > A[j]:
                    ws[j] = True
                    added = True
        if added:
            continue
        rss, ycr = _gram_terms(yy, c, q, beta)
        primal, gap, kkt = gap_and_kkt(q, q, beta, A, C, positive, rss, rss, ycr)
        holds = gap <= tol * null and kkt <= kkt_tol * scale
        if holds:  # confirm without the drift of the incremental updates
            _refresh(G, c, q, beta)
            rss, ycr = _gram_terms(yy, c, q, beta)
            primal, gap, kkt = gap_and_kkt(q, q, beta, A, C, positive, rss, rss, ycr)
            holds = gap <= tol * null and kkt <= kkt_tol * scale
        if holds or passes >= max_iter:
            return passes, primal, gap, kkt
        thresh *= 0.1
