"""Small dense linear-algebra pieces shared by the gram, kernel and svd routes."""

from __future__ import annotations

import numpy as np

from ridgeway.solvers.spectral.limits import EPS

__all__ = ["eigh_live", "live_columns", "orthonormal_basis", "pinv_sym", "weighted_rows"]


def orthonormal_basis(A: np.ndarray, scale: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Orthonormal basis Q of range(A) and the pseudo-inverse map A⁺ = pinv(A) (q × n).

    Directions below rounding level of ``scale`` (default: A's own largest singular value)
    are dropped: pass the norm of the whole design when A is a part of it, so that a
    column combination the design cannot see is not taken for a determined one.
    """
    if A.shape[1] == 0:
        return np.zeros((A.shape[0], 0)), np.zeros((0, A.shape[0]))
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    keep = s > (s.max() if scale is None else scale) * max(A.shape) * EPS
    U, s, Vt = U[:, keep], s[keep], Vt[keep]
    return U, (Vt.T / s) @ U.T


def weighted_rows(X, Y, sample_weight):
    """Rows with positive weight, their √s, and X restricted to them (no copy if all)."""
    n = X.shape[0]
    if sample_weight is None:
        return np.arange(n), np.ones(n), X, Y
    rows = np.flatnonzero(sample_weight > 0)
    Xr = X if rows.size == n else X[rows]
    return rows, np.sqrt(sample_weight[rows]), Xr, Y[rows]


def pinv_sym(A: np.ndarray) -> tuple[np.ndarray, int]:
    """Pseudo-inverse and rank of a symmetric PSD matrix."""
    if A.size == 0:
        return A.copy(), 0
    h, U = np.linalg.eigh(A)
    keep = h > max(h.max(), 0.0) * A.shape[0] * EPS * 10
    return (U[:, keep] / h[keep]) @ U[:, keep].T, int(keep.sum())


def live_columns(A: np.ndarray) -> np.ndarray | None:
    """Columns of A that are not exactly zero; None when all are (nothing to restrict)."""
    live = np.any(A != 0, axis=0)
    return None if live.all() else live


def eigh_live(M: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """eigh of a symmetric M whose exactly-zero rows/columns (a zeroed constant column, a
    column the data never touch) stay exactly zero in every eigenvector: LAPACK would mix
    rounding into them, and a coefficient the data cannot see must be exactly 0."""
    live = live_columns(M)
    if live is None:
        return np.linalg.eigh(M)
    e, V_live = np.linalg.eigh(M[np.ix_(live, live)])
    V = np.zeros((M.shape[0], e.size))
    V[live] = V_live
    return e, V
