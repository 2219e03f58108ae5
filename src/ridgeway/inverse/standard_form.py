"""One decomposition for every λ: the SVD (L = I) or the standard-form transformation (general L).

For a general L the problem min ‖Ax − b‖² + λ²‖L(x − x₀)‖² is brought to standard form
min ‖Ā z − b̄‖² + λ²‖z‖² (Eldén 1982; Hansen, *Rank-Deficient and Discrete Ill-Posed
Problems*, §2.3), whose SVD carries the generalized singular values of (A, L):

1. L = U_L S Vᵀ (SVD of L, once): with k = rank L, L̃ = S_k V_kᵀ has ‖L̃y‖ = ‖Ly‖ and full
   row rank, L̃† = V_k S_k⁻¹, and W = V_{k+1:n} spans the null space of L.
2. The null-space part is fitted without penalty: A W = H T (QR), x_N = W T⁻¹ Hᵀ (b − A x₀).
3. Ā = (I − H Hᵀ) A L̃†, b̄ = (I − H Hᵀ)(b − A x₀); the A-weighted pseudo-inverse
   L_A† = (I − W T⁻¹ Hᵀ A) L̃† maps z back: x = x₀ + x_N + L_A† z, and ‖L(x − x₀)‖ = ‖z‖.

The SVD of Ā then serves every λ: x(λ) costs one n × k product, its norms O(k). Using the SVD
of L (not a QR of Lᵀ) makes rank-deficient and tall L (p > n) work the same way.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp

from ridgeway.inverse.result import Spectrum

__all__ = ["StandardForm"]


class StandardForm:
    """The SVD-based standard form of a Tikhonov problem; ``solution(lam)`` for any λ."""

    def __init__(self, A: np.ndarray, b: np.ndarray, L: Any = None, x0: np.ndarray | None = None):
        A = np.asarray(A, dtype=np.float64)
        m, n = A.shape
        self.x0 = np.zeros(n) if x0 is None else x0
        r = b - A @ self.x0
        if L is None:
            U, sigma, Vt = sla.svd(A, full_matrices=False, lapack_driver="gesdd")
            self._back = Vt.T  # x = x₀ + V c
            self._offset = self.x0
            beta = U.T @ r
            n_free = 0
            rbar = r
        else:
            Abar, rbar, self._offset, n_free, to_x = _transform(A, r, L, self.x0)
            U, sigma, Vt = sla.svd(Abar, full_matrices=False, lapack_driver="gesdd")
            beta = U.T @ rbar
            self._back = to_x(Vt.T)
        floor = max(float(rbar @ rbar - beta @ beta), 0.0)
        self.spectrum = Spectrum(sigma=sigma, beta=beta, floor=floor, n_rows=m, n_free=n_free)

    def solution(self, lam: float) -> np.ndarray:
        """x(λ) = x₀ + x_N + L_A† V c(λ) (or x₀ + V c(λ) for L = I): O(n·k)."""
        return self._offset + self._back @ self.spectrum.coefficients(lam)

    def solutions(self, lams: np.ndarray) -> np.ndarray:
        """x(λ) for a grid of λ at once: an (n, len(lams)) array."""
        s, beta = self.spectrum.sigma, self.spectrum.beta
        coef = (s * beta)[:, None] / (s[:, None] ** 2 + np.asarray(lams)[None, :] ** 2)
        return self._offset[:, None] + self._back @ coef


def _transform(A: np.ndarray, r: np.ndarray, L: Any, x0: np.ndarray):
    """Ā, b̄, x₀ + x_N, dim null(L), and the map from standard-form vectors to x-space."""
    m = A.shape[0]
    L = L.toarray() if sp.issparse(L) else np.asarray(L, dtype=np.float64)
    _, s, Vt = sla.svd(L, full_matrices=True)
    tol = max(L.shape) * np.finfo(np.float64).eps * (s[0] if s.size else 0.0)
    k = int(np.sum(s > tol))
    if k == 0:
        raise ValueError("L must not be zero: it would leave every unknown unpenalized")
    L_pinv = Vt[:k].T / s[:k]  # L̃† = V_k S_k⁻¹
    W = Vt[k:].T
    AL = A @ L_pinv
    if W.shape[1] == 0:
        return AL, r, x0.copy(), 0, lambda V: L_pinv @ V
    H, T = sla.qr(A @ W, mode="economic")
    diag = np.abs(np.diag(T))
    scale = np.linalg.norm(A)  # Frobenius ≥ ‖A‖₂: the size a direction of A W is judged by
    if W.shape[1] > m or diag.min() <= max(m, W.shape[1]) * np.finfo(np.float64).eps * scale:
        raise ValueError(
            "L and A must not share a null-space direction: the unpenalized part "
            f"(null space of L, dimension {W.shape[1]}) is not determined by A"
        )
    Tinv_Ht = sla.solve_triangular(T, H.T)  # T⁻¹Hᵀ
    offset = x0 + W @ (Tinv_Ht @ r)
    Abar = AL - H @ (H.T @ AL)
    rbar = r - H @ (H.T @ r)

    def to_x(V: np.ndarray) -> np.ndarray:
        LV = L_pinv @ V
        return LV - W @ (Tinv_Ht @ (A @ LV))

    return Abar, rbar, offset, W.shape[1], to_x
