"""Penalty operators Γ (k × p) for the Tikhonov penalty (λ/2)·‖Γ(β − β_prior)‖².

Each constructor returns a scipy.sparse CSR matrix (or the dense array it was given), so that
ΓᵀΓ is cheap to form. Rank-deficient Γ is allowed: its null space is left unpenalized.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

__all__ = ["diagonal", "difference", "from_matrix", "graph_laplacian", "identity", "resolve"]


def identity(p: int) -> sp.csr_matrix:
    """Γ = I_p: the ordinary ridge penalty."""
    return sp.identity(p, format="csr", dtype=np.float64)


def diagonal(d: Any) -> sp.csr_matrix:
    """Γ = diag(d); per-feature penalty factors f correspond to d = sqrt(f)."""
    d = np.asarray(d, dtype=np.float64)
    if d.ndim != 1 or not np.all(np.isfinite(d)) or np.any(d < 0):
        raise ValueError("d must be a 1-D array of finite numbers >= 0")
    return sp.diags(d, format="csr")


def difference(p: int, order: int = 1) -> sp.csr_matrix:
    """The (p − order) × p forward-difference matrix: order 1 rows [−1, 1], order 2 [1, −2, 1]."""
    if order < 0 or int(order) != order:
        raise ValueError(f"order must be an integer >= 0; got {order!r}")
    if p <= order:
        raise ValueError(f"difference of order {order} needs p > {order} features; got p={p}")
    D = sp.identity(p, format="csr", dtype=np.float64)
    for _ in range(order):
        m = D.shape[0]
        step = sp.diags([-np.ones(m - 1), np.ones(m - 1)], [0, 1], shape=(m - 1, m), format="csr")
        D = step @ D
    return D.tocsr()


def graph_laplacian(edges: Any, p: int, weights: Any = None) -> sp.csr_matrix:
    """Γ = the weighted incidence matrix of a graph, so ΓᵀΓ is its Laplacian (smooth over edges)."""
    edges = np.asarray(edges, dtype=np.int64)
    if edges.ndim != 2 or edges.shape[1] != 2:
        raise ValueError(f"edges must have shape (n_edges, 2); got {edges.shape}")
    if edges.size and (edges.min() < 0 or edges.max() >= p):
        raise ValueError(f"edges must index features 0..{p - 1}")
    m = edges.shape[0]
    w = np.ones(m) if weights is None else np.sqrt(np.asarray(weights, dtype=np.float64))
    rows = np.repeat(np.arange(m), 2)
    cols = edges.ravel()
    vals = np.column_stack([w, -w]).ravel()
    return sp.csr_matrix((vals, (rows, cols)), shape=(m, p))


def from_matrix(M: Any, p: int) -> np.ndarray | sp.csr_matrix:
    """Check a user-given Γ: 2-D with p columns, finite."""
    if sp.issparse(M):
        M = sp.csr_matrix(M, dtype=np.float64)
        values = M.data
    else:
        M = np.asarray(M, dtype=np.float64)
        values = M
    if M.ndim != 2 or M.shape[1] != p:
        raise ValueError(
            f"tikhonov must be a matrix with {p} columns (one per feature); got shape {M.shape}"
        )
    if not np.all(np.isfinite(values)):
        raise ValueError("tikhonov must be finite")
    return M


_NAMED = {
    "identity": identity,
    "diff1": lambda p: difference(p, 1),
    "diff2": lambda p: difference(p, 2),
}


def resolve(spec: Any, p: int) -> np.ndarray | sp.csr_matrix:
    """Γ from a name ("identity", "diff1", "diff2") or a matrix."""
    if isinstance(spec, str):
        if spec not in _NAMED:
            raise ValueError(f"tikhonov must be one of {sorted(_NAMED)} or a matrix; got {spec!r}")
        return _NAMED[spec](p)
    return from_matrix(spec, p)
