"""The Spectrum of one ridge problem: an SVD of its penalized design, valid for every λ.

After the standard form (β = Tθ + Nη) and the removal of the unpenalized part (intercept and
the null space of Γ), the weighted, centred, penalized design Z̃ has an SVD Z̃ = R diag(σ) Vᵀ.
Every quantity on the whole λ grid then costs O(p) to O(p²) per λ:

    coef(λ)      = coef_base + coef_basis · (σ ∘ uty / (σ² + λ))
    leverage_i   = h_unpenalized_i + Σ_k R_ik² σ_k²/(σ_k² + λ)
    RSS(λ)       = rss_perp + Σ_k uty_k² (λ/(σ_k² + λ))²
    df(λ)        = n_unpenalized + Σ_k σ_k²/(σ_k² + λ)          tr(H²): the same, squared terms
    ‖Γ(β − β_prior)‖(λ) = ‖g(λ)‖,  g_k = σ_k uty_k/(σ_k² + λ)    (‖Γβ‖ = ‖θ‖ in standard form)

where uty = Rᵀ ŷ (weighted, projected targets). Two classes implement the one ``Spectrum``
protocol: ``PrimalSpectrum`` (gram-eigh, svd: V and the coefficient basis are p × r) and
``KernelSpectrum`` (kernel.py, kernel-eigh: R lives on the n rows, coefficients go through
Xᵀ). A fitted ridge model keeps the one it used as ``est.solution_.state``, so that outer
layers (KPIs: the unregularized baseline at λ → 0, conditioning, df) reuse it instead of
refitting: ``state.coef_path(l2)``, ``state.df(l2)``, ``state.eigenvalues``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np

from ridgeway.solvers.spectral.limits import accurate

__all__ = ["PrimalSpectrum", "Spectrum", "SpectrumBase", "low_rank_filters"]


@runtime_checkable
class Spectrum(Protocol):
    """What every spectrum offers, whatever route produced it (read-only)."""

    @property
    def method(self) -> str: ...

    @property
    def sigma(self) -> np.ndarray: ...

    @property
    def uty(self) -> np.ndarray: ...

    @property
    def rss_perp(self) -> np.ndarray: ...

    @property
    def n_samples(self) -> int: ...

    @property
    def weight_sum(self) -> float: ...

    @property
    def moments(self) -> Any:
        """The moments a Gram route was built from (None for the other routes)."""

    @property
    def eigenvalues(self) -> np.ndarray: ...

    def accurate_at(self, l2_min: float) -> bool: ...

    def coef_path(self, l2: np.ndarray) -> tuple[np.ndarray, np.ndarray]: ...

    def df(self, l2: np.ndarray) -> np.ndarray: ...

    def rss(self, l2: np.ndarray) -> np.ndarray: ...

    def trace_hat_squared(self, l2: np.ndarray) -> np.ndarray: ...

    def penalty_norm(self, l2: np.ndarray) -> np.ndarray: ...

    def fitted_blocks(
        self, X: Any, sample_weight: np.ndarray | None, l2: np.ndarray, rows_per_block: int,
        leverage: bool = True,
    ) -> Iterator[tuple]: ...  # fmt: skip


@dataclass(frozen=True)
class SpectrumBase:
    """The λ filters shared by both spectra: eigenvalues σ², df(λ), RSS(λ)."""

    method: str
    sigma: np.ndarray
    uty: np.ndarray
    rss_perp: np.ndarray
    n_unpenalized: int
    n_samples: int
    weight_sum: float
    fit_intercept: bool

    @property
    def eigenvalues(self) -> np.ndarray:
        return self.sigma**2

    def weights(self, l2: np.ndarray) -> np.ndarray:
        """Spectral weights g = σ ∘ uty/(σ² + λ): (L, r, k) for λ of shape (L,) or (L, k)."""
        l2 = np.asarray(l2, dtype=np.float64)
        e = self.eigenvalues
        if l2.ndim == 1:
            f = 1.0 / (e[None, :] + l2[:, None])
            return f[:, :, None] * (self.sigma[:, None] * self.uty)[None]
        f = 1.0 / (e[None, :, None] + l2[:, None, :])
        return f * (self.sigma[:, None] * self.uty)[None]

    def df(self, l2: np.ndarray) -> np.ndarray:
        """Effective degrees of freedom tr(H(λ)), intercept and unpenalized columns included."""
        e = self.eigenvalues
        l2 = np.asarray(l2, dtype=np.float64)
        shrink = e[None, :] / (e[None, :] + l2.reshape(-1, 1))
        return self.n_unpenalized + shrink.sum(axis=1)

    def rss(self, l2: np.ndarray) -> np.ndarray:
        """Weighted residual sum of squares Σ s_i r_i(λ)², shape (L, k)."""
        e = self.eigenvalues
        l2 = np.asarray(l2, dtype=np.float64).reshape(-1, 1)
        shrink = (l2 / (e[None, :] + l2)) ** 2  # (L, r)
        return self.rss_perp[None, :] + shrink @ (self.uty**2)

    def trace_hat_squared(self, l2: np.ndarray) -> np.ndarray:
        """tr(H(λ)²) (robust GCV, UPRE): the unpenalized part counts fully, shape (L,)."""
        e = self.eigenvalues
        l2 = np.asarray(l2, dtype=np.float64)
        shrink = e[None, :] / (e[None, :] + l2.reshape(-1, 1))
        return self.n_unpenalized + (shrink**2).sum(axis=1)

    def penalty_norm(self, l2: np.ndarray) -> np.ndarray:
        """‖Γ(β(λ) − β_prior)‖ per target, shape (L, k): the L-curve's solution norm."""
        l2 = np.asarray(l2, dtype=np.float64).reshape(-1, 1)
        g2 = (self.sigma / (self.eigenvalues[None, :] + l2)) ** 2  # (L, r)
        return np.sqrt(g2 @ (self.uty**2))

    def filter_factors(self, l2: np.ndarray):
        """left (L, q), right (q, r) and σ·uty/e ∘ right (r, k, q): the fitted-value factors."""
        e = self.eigenvalues
        left, right = low_rank_filters(e, l2)
        weights = (self.sigma / np.where(e > 0, e, 1.0))[:, None] * self.uty  # σ·uty/e (r, k)
        return left, right, right.T[:, None, :] * weights[:, :, None]


@dataclass(frozen=True)
class PrimalSpectrum(SpectrumBase):
    """gram-eigh and svd: coefficients β(λ) = coef_base + coef_basis·g(λ), basis p × r."""

    coef_base: np.ndarray
    intercept_base: np.ndarray
    coef_basis: np.ndarray
    intercept_basis: np.ndarray
    x_mean: np.ndarray
    null_basis: np.ndarray | None = None
    null_gram_pinv: np.ndarray | None = None
    #: the moments the gram route was built from (centred, or about zero without intercept)
    moments: Any = None
    #: built from the Gram (cond squared): valid for a smaller λ only if :meth:`accurate_at`
    squares_condition: bool = False

    def accurate_at(self, l2_min: float) -> bool:
        """Does this spectrum stay accurate down to λ = l2_min (the one conditioning test)?"""
        e = self.eigenvalues
        if not self.squares_condition or e.size == 0:
            return True
        return accurate(e.max() / (e.min() + l2_min))

    def coef_path(self, l2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Coefficients (L, p, k) and intercepts (L, k) for λ of shape (L,) or (L, k)."""
        g = self.weights(l2)
        coef = self.coef_base[None] + np.einsum("pr,lrk->lpk", self.coef_basis, g)
        intercept = self.intercept_base[None] + np.einsum("r,lrk->lk", self.intercept_basis, g)
        return coef, intercept

    def fitted_blocks(
        self,
        X,
        sample_weight: np.ndarray | None,
        l2: np.ndarray,
        rows_per_block: int,
        leverage: bool = True,
    ) -> Iterator[tuple]:
        """Yield (rows, fitted (b, L, k), leverage (b, L) or None) over positive-weight rows.

        Fitted values at every λ of ``l2`` go through the low-rank filter factorization
        (:func:`low_rank_filters`): X_b·P (p × kq) then ·leftᵀ, never a p × L product per
        target. Leverages need R = √s·(X_b − x̄)·V/σ, one n × p × r product: the cost of exact
        leave-one-out beyond the Gram.
        """
        e = self.eigenvalues
        L, k = l2.size, self.uty.shape[1]
        left, right, combined = self.filter_factors(l2)
        q = right.shape[0]
        P = self.coef_basis @ combined.reshape(e.size, k * q)  # (p, k q)
        # one product per block serves fitted values, the unpenalized part and leverages
        parts = [P]
        has_base = bool(np.any(self.coef_base))
        if has_base:
            parts.append(self.coef_base)
        if leverage:
            parts.append(self.coef_basis / np.where(self.sigma > 0, self.sigma, 1.0))
        fused = np.hstack(parts) if len(parts) > 1 else P
        shift = self.x_mean @ fused
        n = X.shape[0]
        for start in range(0, n, rows_per_block):
            stop = min(n, start + rows_per_block)
            rows = np.arange(start, stop)
            s = None if sample_weight is None else sample_weight[rows]
            Xb = X[start:stop]
            if s is not None and not np.all(s > 0):
                keep = s > 0
                rows, s, Xb = rows[keep], s[keep], Xb[keep]
                if rows.size == 0:
                    continue
            product = np.asarray(Xb @ fused)
            product -= shift  # centred rows: (x_i − x̄)·fused
            projected = product[:, : k * q].reshape(rows.size * k, q)
            fitted = (projected @ left.T).reshape(rows.size, k, L).transpose(0, 2, 1)
            base = self.intercept_base + self.x_mean @ self.coef_base
            if has_base:
                base = base + product[:, k * q : k * q + k]
            fitted = fitted + np.broadcast_to(base, (rows.size, k))[:, None, :]
            h = None
            if leverage:
                R = product[:, k * q + (k if has_base else 0) :]
                if s is not None:
                    R *= np.sqrt(s)[:, None]
                h = ((R * R) @ right.T) @ left.T
                h += self._unpenalized_leverage(Xb, s, rows.size)[:, None]
            yield rows, fitted, h

    def _unpenalized_leverage(self, Xb, s: np.ndarray | None, b: int) -> np.ndarray:
        """Leverage of the intercept and null-space columns for a block of rows."""
        s = np.ones(b) if s is None else s
        h = s / self.weight_sum if self.fit_intercept else np.zeros(b)
        if self.null_basis is not None:
            U = np.asarray(Xb @ self.null_basis) - self.x_mean @ self.null_basis
            NN_pinv = self.null_gram_pinv
            assert NN_pinv is not None  # set with null_basis
            h = h + s * np.einsum("iq,qr,ir->i", U, NN_pinv, U)
        return h


def low_rank_filters(e: np.ndarray, l2: np.ndarray, rtol: float = 1e-13):
    """Factor the filter matrix S_lk = e_k/(e_k + λ_l) as left (L, q) @ right (q, r).

    S is Cauchy-like and numerically of low rank (q ≈ 10–40 for 100 × 100 grids), so products
    with n × r factors cost O(n·r·q) instead of O(n·r·L). The rank is raised until every
    column is reproduced to ``rtol`` of its own largest entry, so small eigenvalues (whose
    coefficients are amplified by 1/e) stay exact to rounding; at full rank it is exact.
    """
    S = e[None, :] / (e[None, :] + l2[:, None])
    if S.size == 0:
        return np.zeros((l2.size, 0)), np.zeros((0, e.size))
    U, sv, Vt = np.linalg.svd(S, full_matrices=False)
    column_scale = np.max(np.abs(S), axis=0)
    column_scale[column_scale == 0] = 1.0
    q = max(1, int(np.count_nonzero(sv > 1e-15 * sv[0])))
    while q < sv.size:
        error = np.abs(S - (U[:, :q] * sv[:q]) @ Vt[:q]).max(axis=0)
        if np.all(error <= rtol * column_scale):
            break
        q = min(sv.size, q + max(2, q // 4))
    return U[:, :q] * sv[:q], Vt[:q]
