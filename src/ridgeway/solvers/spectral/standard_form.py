"""Standard form of a Tikhonov penalty: β = T θ + N η, with ‖Γβ‖² = ‖θ‖² and η unpenalized.

For Γ (m × p) with SVD Γ = U diag(s) Vᵀ and k = rank Γ, T = V_k diag(s_k⁻¹) spans the
penalized directions and N = V_{k+1:p} the null space of Γ (left unpenalized, like the
intercept). The identity and diagonal operators (penalty factors, standardization) never
form p × p matrices.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

__all__ = ["StandardForm", "standard_form"]


@dataclass(frozen=True)
class StandardForm:
    """The maps between penalized coordinates θ (r of them), null coordinates η (q) and β (p).

    ``kind`` is "identity", "diagonal" (``index``: penalized columns, ``inverse``: 1/d there,
    ``null_index``: columns with d = 0) or "general" (dense ``T`` and ``N``).
    """

    p: int
    kind: str
    # Any: each is set exactly for its kind (None otherwise), which the methods branch on
    index: Any = None
    inverse: Any = None
    null_index: Any = None
    T: Any = None
    N: Any = None

    @property
    def n_penalized(self) -> int:
        if self.kind == "identity":
            return self.p
        return self.index.size if self.kind == "diagonal" else self.T.shape[1]

    @property
    def n_null(self) -> int:
        if self.kind == "identity":
            return 0
        return self.null_index.size if self.kind == "diagonal" else self.N.shape[1]

    def right(self, A):
        """A @ T for A with p columns (dense or sparse)."""
        if self.kind == "identity":
            return A
        if self.kind == "diagonal":
            sub = A[:, self.index]
            return sub @ sp.diags(self.inverse) if sp.issparse(sub) else sub * self.inverse
        return A @ self.T

    def left(self, A: np.ndarray) -> np.ndarray:
        """Tᵀ @ A for A with p rows."""
        if self.kind == "identity":
            return A
        if self.kind == "diagonal":
            return A[self.index] * self.inverse.reshape((-1,) + (1,) * (A.ndim - 1))
        return self.T.T @ A

    def null_right(self, A):
        """A @ N for A with p columns."""
        if self.kind == "identity":
            return np.zeros((A.shape[0], 0))
        if self.kind == "diagonal":
            sub = A[:, self.null_index]
            return sub.toarray() if sp.issparse(sub) else np.asarray(sub)
        return A @ self.N

    def null_left(self, A: np.ndarray) -> np.ndarray:
        """Nᵀ @ A for A with p rows."""
        if self.kind == "identity":
            return np.zeros((0,) + A.shape[1:])
        if self.kind == "diagonal":
            return A[self.null_index]
        return self.N.T @ A

    def to_coef(self, theta: np.ndarray) -> np.ndarray:
        """T @ θ: penalized coordinates back to β (θ has r rows)."""
        if self.kind == "identity":
            return theta
        if self.kind == "diagonal":
            out = np.zeros((self.p,) + theta.shape[1:], dtype=theta.dtype)
            out[self.index] = theta * self.inverse.reshape((-1,) + (1,) * (theta.ndim - 1))
            return out
        return self.T @ theta

    def null_to_coef(self, eta: np.ndarray) -> np.ndarray:
        """N @ η: null-space coordinates back to β (η has q rows)."""
        if self.kind == "identity":
            return np.zeros((self.p,) + eta.shape[1:])
        if self.kind == "diagonal":
            out = np.zeros((self.p,) + eta.shape[1:], dtype=eta.dtype)
            out[self.null_index] = eta
            return out
        return self.N @ eta


def _diagonal_of(gamma, p: int) -> np.ndarray | None:
    """The diagonal of Γ when Γ is a square diagonal matrix, else None."""
    if gamma.shape != (p, p):
        return None
    if sp.issparse(gamma):
        coo = sp.coo_matrix(gamma)
        if np.any(coo.row[coo.data != 0] != coo.col[coo.data != 0]):
            return None
        return np.asarray(gamma.diagonal(), dtype=np.float64)
    gamma = np.asarray(gamma)
    d = np.diag(gamma).copy()
    return d if np.count_nonzero(gamma - np.diag(d)) == 0 else None


def standard_form(gamma, p: int) -> StandardForm:
    """Standard form of Γ (None is the identity)."""
    if gamma is None:
        return StandardForm(p, "identity")
    d = _diagonal_of(gamma, p)
    if d is not None:
        d = np.abs(d)
        penalized = d > 0
        if np.all(penalized) and np.all(d == 1.0):
            return StandardForm(p, "identity")
        return StandardForm(
            p,
            "diagonal",
            index=np.flatnonzero(penalized),
            inverse=1.0 / d[penalized],
            null_index=np.flatnonzero(~penalized),
        )
    # the SVD of Γ itself, not an eigh of ΓᵀΓ: squaring would hide directions penalized by
    # less than √ε·‖Γ‖ (diff2 of size 2048 has singular values down to 2e-6·‖Γ‖)
    G = gamma.toarray() if sp.issparse(gamma) else np.asarray(gamma, dtype=np.float64)
    _, s, Vt = np.linalg.svd(G, full_matrices=G.shape[0] < p)
    tol = max(G.shape) * np.finfo(np.float64).eps * (s[0] if s.size else 0.0)
    k = int(np.count_nonzero(s > tol))
    return StandardForm(p, "general", T=Vt[:k].T / s[:k], N=Vt[k:].T)
