"""Compiled block coordinate descent for a grouped penalty on a (p, k) coefficient matrix.

Each kernel minimizes, one feature group (a row β_j of k coefficients) at a time over a
working set ``ws``,

    ½ Σ_i t_i ‖r_i‖² + Σ_j [A_j ‖β_j‖₂ + ½ C_j ‖β_j‖₂²],   r_i = y_ci − (x_ci)ᵀB  (k-vectors),

with one weight t_i per sample shared by the k columns (the isotropic bound on the
multinomial curvature, :mod:`~ridgeway.solvers.coordinate.proximal_newton`), X and Y centred
implicitly by the t-weighted means. The exact group minimizer is
β_j = S(u_j, A_j)/(d_j + C_j) with u_j = d_j β_j + Σ_i t_i (x_ij − m_j) r_i, d_j =
Σ_i t_i (x_ij − m_j)², and S(u, a) = max(0, 1 − a/‖u‖)·u the group soft threshold.
Sweeps follow :mod:`~ridgeway.solvers.coordinate.kernels` (whole set, then the non-zero
groups until they settle); a pass stops when no group moves by more than ``thresh``
(measured as (d_j + C_j)‖δ_j‖², an objective scale). ``total`` is Σ_i t_i.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["dense_group_cd", "sparse_group_cd"]


@njit(cache=True)
def _group_update(u, d, a, c, old, new):
    """new = S(u, a)/(d + c); returns (d + c)·‖new − old‖²."""
    norm = 0.0
    for q in range(u.shape[0]):
        norm += u[q] * u[q]
    norm = np.sqrt(norm)
    keep = 0.0 if norm <= a else (1.0 - a / norm) / (d + c)
    change = 0.0
    for q in range(u.shape[0]):
        new[q] = keep * u[q]
        diff = new[q] - old[q]
        change += diff * diff
    return (d + c) * change


@njit(cache=True)
def _dense_group_step(j, X, t, m, R, B, diag, A, C, u, new):
    d = diag[j]
    if d + C[j] <= 0.0:
        return 0.0
    k = B.shape[1]
    mj = m[j]
    for q in range(k):
        u[q] = d * B[j, q]
    for i in range(X.shape[0]):
        w = t[i] * (X[i, j] - mj)
        for q in range(k):
            u[q] += w * R[i, q]
    change = _group_update(u, d, A[j], C[j], B[j], new)
    if change == 0.0:
        return 0.0
    for q in range(k):
        new[q] -= B[j, q]  # now the step δ_j
    for i in range(X.shape[0]):
        x = X[i, j] - mj
        for q in range(k):
            R[i, q] -= x * new[q]
    for q in range(k):
        B[j, q] += new[q]
    return change


@njit(cache=True)
def _sparse_group_step(j, indptr, indices, data, t, total, m, rho, state, shift, B, diag, A, C,
                      u, new):  # fmt: skip
    """CSC column j; r_i = ρ_i + shift (a constant k-vector keeps the update sparse);
    state[q] = Σ_i t_i ρ_iq, so Σ_i t_i (x_ij − m_j) r_iq = Σ_{nz} t_i x_ij ρ_iq − m_j state[q]
    (the shift term vanishes: Σ_i t_i (x_ij − m_j) = 0)."""
    d = diag[j]
    if d + C[j] <= 0.0:
        return 0.0
    k = B.shape[1]
    for q in range(k):
        u[q] = d * B[j, q] - m[j] * state[q]
    for p in range(indptr[j], indptr[j + 1]):
        i = indices[p]
        w = t[i] * data[p]
        for q in range(k):
            u[q] += w * rho[i, q]
    change = _group_update(u, d, A[j], C[j], B[j], new)
    if change == 0.0:
        return 0.0
    for q in range(k):
        delta = new[q] - B[j, q]
        B[j, q] = new[q]
        new[q] = delta
        state[q] -= delta * m[j] * total
        shift[q] += delta * m[j]
    for p in range(indptr[j], indptr[j + 1]):
        i = indices[p]
        for q in range(k):
            rho[i, q] -= data[p] * new[q]
    return change


@njit(cache=True)
def _active_groups(ws, B):
    out = np.empty(ws.shape[0], np.int64)
    count = 0
    for s in range(ws.shape[0]):
        j = ws[s]
        for q in range(B.shape[1]):
            if B[j, q] != 0.0:
                out[count] = j
                count += 1
                break
    return out[:count]


@njit(cache=True)
def dense_group_cd(X, t, m, R, B, diag, A, C, ws, max_passes, thresh):
    """Group updates on dense Fortran-ordered X, R (n, k) the centred residual. Returns passes."""
    k = B.shape[1]
    u = np.empty(k)
    new = np.empty(k)
    passes = 0
    while passes < max_passes:
        change = 0.0
        for s in range(ws.shape[0]):
            change = max(change, _dense_group_step(ws[s], X, t, m, R, B, diag, A, C, u, new))
        passes += 1
        if change < thresh:
            return passes
        act = _active_groups(ws, B)
        while passes < max_passes:
            change = 0.0
            for s in range(act.shape[0]):
                change = max(change, _dense_group_step(act[s], X, t, m, R, B, diag, A, C, u, new))
            passes += 1
            if change < thresh:
                break
    return passes


@njit(cache=True)
def sparse_group_cd(indptr, indices, data, t, total, m, rho, state, shift, B, diag, A, C, ws,
                    max_passes, thresh):  # fmt: skip
    """Group updates on a CSC matrix; r = ρ + shift. Returns passes."""
    k = B.shape[1]
    u = np.empty(k)
    new = np.empty(k)
    passes = 0
    while passes < max_passes:
        change = 0.0
        for s in range(ws.shape[0]):
            step = _sparse_group_step(ws[s], indptr, indices, data, t, total, m, rho, state,
                                      shift, B, diag, A, C, u, new)  # fmt: skip
            change = max(change, step)
        passes += 1
        if change < thresh:
            return passes
        act = _active_groups(ws, B)
        while passes < max_passes:
            change = 0.0
            for s in range(act.shape[0]):
                step = _sparse_group_step(act[s], indptr, indices, data, t, total, m, rho, state,
                                          shift, B, diag, A, C, u, new)  # fmt: skip
                change = max(change, step)
            passes += 1
            if change < thresh:
                break
    return passes
