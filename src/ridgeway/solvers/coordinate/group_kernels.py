"""Compiled block coordinate descent on the exact quadratic model of a joint-output loss
(multinomial): one block per feature, the row β_j of its k coefficients, penalized as a group
(‖β_j‖₂, ``grouped``) or entry by entry (‖β_j‖₁, the k entries then solved by exact
coordinate steps within the block).

The model at the current point, in the step δz_i = (B' − B)ᵀx_i + δb of the predictors, is

    Σ_i [g_iᵀ δz_i + ½ δz_iᵀ H_i δz_i] + Σ_j [A_j ‖β'_j‖₂ + ½ C_j ‖β'_j‖₂²]

(g_i, H_i the weighted gradient and k × k curvature of sample i). The kernels keep
V_i = g_i + H_i δz_i, the model's gradient in z_i. A group's subproblem, in b = β'_j,

    uᵀ(b − β'_j) + ½ (b − β'_j)ᵀ M_j (b − β'_j) + A_j‖b‖ + ½ C_j‖b‖²,
    u = Σ_i x_ij V_i,  M_j = Σ_i x_ij² H_i,

costs one pass over column j for (u, M_j) and is then solved in k dimensions by proximal
gradient steps (group soft-thresholding, step 1/(Gershgorin bound of M_j + C_j)); b = 0 is
recognised at once from ‖u − M_j β'_j‖ <= A_j. The intercepts are one more, unpenalized,
group with x = 1. Sweeps follow :mod:`~ridgeway.solvers.coordinate.kernels`: the whole
working set, then its non-zero groups until they settle; a pass ends the loop when no group
moved by more than ``thresh`` (measured as L_j‖δ_j‖², an objective scale).
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["dense_group_newton", "sparse_group_newton"]

#: proximal-gradient steps of one k-dimensional group subproblem, and its relative accuracy
GROUP_STEPS = 500
GROUP_TOL = 1e-15


@njit(cache=True)
def _solve_coordinates(u, M, a, c, current, out):
    """The ungrouped subproblem (a‖b‖₁): coordinate descent over the k entries, exact per
    entry, until no entry moves. Returns the largest M_qq + c."""
    k = u.shape[0]
    b = current.copy()
    top = 0.0
    for q in range(k):
        top = max(top, M[q, q] + c)
    for _ in range(GROUP_STEPS):
        move, size = 0.0, 0.0
        for q in range(k):
            d = M[q, q] + c
            if d <= 0.0:
                continue
            acc = u[q] - M[q, q] * current[q]
            for r in range(k):
                if r != q:
                    acc += M[q, r] * (b[r] - current[r])
            z = -acc
            new = (z - a if z > a else (z + a if z < -a else 0.0)) / d
            move = max(move, abs(new - b[q]))
            size = max(size, abs(new))
            b[q] = new
        if move <= GROUP_TOL * max(size, 1e-300):
            break
    for q in range(k):
        out[q] = b[q]
    return top


@njit(cache=True)
def _solve_group(u, M, a, c, current, out, grouped=True):
    """argmin_b uᵀ(b − β) + ½(b − β)ᵀM(b − β) + a‖b‖ + ½c‖b‖², β = ``current``, into ``out``
    (‖·‖₂ when ``grouped``, else ‖·‖₁). Returns the curvature bound L used (0 when the group
    has no curvature)."""
    if not grouped:
        return _solve_coordinates(u, M, a, c, current, out)
    k = u.shape[0]
    lip = 0.0
    for q in range(k):
        row = 0.0
        for r in range(k):
            row += abs(M[q, r])
        lip = max(lip, row)
    lip += c
    if lip <= 0.0:
        for q in range(k):
            out[q] = current[q]
        return 0.0
    # b = 0 is optimal iff ‖∇smooth(0)‖ = ‖u − Mβ‖ <= a
    norm0 = 0.0
    for q in range(k):
        acc = u[q]
        for r in range(k):
            acc -= M[q, r] * current[r]
        norm0 += acc * acc
    if np.sqrt(norm0) <= a:
        for q in range(k):
            out[q] = 0.0
        return lip
    b = current.copy()
    grad = np.empty(k)
    for _ in range(GROUP_STEPS):
        for q in range(k):
            acc = u[q] + c * b[q]
            for r in range(k):
                acc += M[q, r] * (b[r] - current[r])
            grad[q] = b[q] - acc / lip
        norm = 0.0
        for q in range(k):
            norm += grad[q] * grad[q]
        norm = np.sqrt(norm)
        keep = 0.0 if norm <= a / lip else 1.0 - (a / lip) / norm
        move, size = 0.0, 0.0
        for q in range(k):
            new = keep * grad[q]
            move += (new - b[q]) * (new - b[q])
            size += new * new
            b[q] = new
        if move <= GROUP_TOL * GROUP_TOL * max(size, 1e-300):
            break
    for q in range(k):
        out[q] = b[q]
    return lip


@njit(cache=True)
def _intercept_step(H, V, b0, out):
    """The intercepts: an unpenalized group with x = 1. Returns L‖δ‖²."""
    n, k = V.shape
    u = np.zeros(k)
    M = np.zeros((k, k))
    for i in range(n):
        for q in range(k):
            u[q] += V[i, q]
            for r in range(k):
                M[q, r] += H[i, q, r]
    lip = _solve_group(u, M, 0.0, 0.0, b0, out)
    change = 0.0
    for q in range(k):
        out[q] -= b0[q]
        change += out[q] * out[q]
    if change == 0.0:
        return 0.0
    for i in range(n):
        for q in range(k):
            acc = 0.0
            for r in range(k):
                acc += H[i, q, r] * out[r]
            V[i, q] += acc
    for q in range(k):
        b0[q] += out[q]
    return lip * change


@njit(cache=True)
def _dense_step(j, X, H, V, B, A, C, u, M, new, grouped):
    n, k = V.shape
    u[:] = 0.0
    M[:, :] = 0.0
    for i in range(n):
        x = X[i, j]
        if x == 0.0:
            continue
        for q in range(k):
            u[q] += x * V[i, q]
        xx = x * x
        for q in range(k):
            for r in range(k):
                M[q, r] += xx * H[i, q, r]
    lip = _solve_group(u, M, A[j], C[j], B[j], new, grouped)
    change = 0.0
    for q in range(k):
        new[q] -= B[j, q]
        change += new[q] * new[q]
    if change == 0.0:
        return 0.0
    for i in range(n):
        x = X[i, j]
        if x == 0.0:
            continue
        for q in range(k):
            acc = 0.0
            for r in range(k):
                acc += H[i, q, r] * new[r]
            V[i, q] += x * acc
    for q in range(k):
        B[j, q] += new[q]
    return lip * change


@njit(cache=True)
def _sparse_step(j, indptr, indices, data, H, V, B, A, C, u, M, new, grouped):
    k = V.shape[1]
    u[:] = 0.0
    M[:, :] = 0.0
    for p in range(indptr[j], indptr[j + 1]):
        i, x = indices[p], data[p]
        for q in range(k):
            u[q] += x * V[i, q]
        xx = x * x
        for q in range(k):
            for r in range(k):
                M[q, r] += xx * H[i, q, r]
    lip = _solve_group(u, M, A[j], C[j], B[j], new, grouped)
    change = 0.0
    for q in range(k):
        new[q] -= B[j, q]
        change += new[q] * new[q]
    if change == 0.0:
        return 0.0
    for p in range(indptr[j], indptr[j + 1]):
        i, x = indices[p], data[p]
        for q in range(k):
            acc = 0.0
            for r in range(k):
                acc += H[i, q, r] * new[r]
            V[i, q] += x * acc
    for q in range(k):
        B[j, q] += new[q]
    return lip * change


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
def _pass(X, indptr, indices, data, sparse, H, V, B, b0, A, C, groups, fit_intercept, u, M, new,
          grouped):  # fmt: skip
    change = 0.0
    if fit_intercept:
        change = _intercept_step(H, V, b0, new)
    for s in range(groups.shape[0]):
        if sparse:
            step = _sparse_step(groups[s], indptr, indices, data, H, V, B, A, C, u, M, new,
                                grouped)  # fmt: skip
        else:
            step = _dense_step(groups[s], X, H, V, B, A, C, u, M, new, grouped)
        change = max(change, step)
    return change


@njit(cache=True)
def _sweeps(X, indptr, indices, data, sparse, H, V, B, b0, A, C, ws, fit_intercept,
            max_passes, thresh, grouped):  # fmt: skip
    k = B.shape[1]
    u, M, new = np.empty(k), np.empty((k, k)), np.empty(k)
    passes = 0
    while passes < max_passes:
        change = _pass(X, indptr, indices, data, sparse, H, V, B, b0, A, C, ws, fit_intercept,
                       u, M, new, grouped)  # fmt: skip
        passes += 1
        if change < thresh:
            return passes
        act = _active_groups(ws, B)
        while passes < max_passes:
            change = _pass(X, indptr, indices, data, sparse, H, V, B, b0, A, C, act,
                           fit_intercept, u, M, new, grouped)  # fmt: skip
            passes += 1
            if change < thresh:
                break
    return passes


@njit(cache=True)
def dense_group_newton(X, H, V, B, b0, A, C, ws, fit_intercept, max_passes, thresh, grouped):
    """Group sweeps on dense X (Fortran order), in place on B (p, k), b0 (k,), V (n, k)."""
    none = np.empty(0, np.int64)
    return _sweeps(X, none, none, np.empty(0), False, H, V, B, b0, A, C, ws, fit_intercept,
                   max_passes, thresh, grouped)  # fmt: skip


@njit(cache=True)
def sparse_group_newton(indptr, indices, data, H, V, B, b0, A, C, ws, fit_intercept,
                        max_passes, thresh, grouped):  # fmt: skip
    """Group sweeps on a CSC matrix, in place on B (p, k), b0 (k,), V (n, k)."""
    return _sweeps(np.empty((0, 0)), indptr, indices, data, True, H, V, B, b0, A, C, ws,
                   fit_intercept, max_passes, thresh, grouped)  # fmt: skip
