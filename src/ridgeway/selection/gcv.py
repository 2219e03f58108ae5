"""Generalized cross-validation on a spectrum: the one GCV formula in the codebase.

    GCV(λ) = (RSS_w(λ)/W) / (1 − df(λ)/n)²                 (Golub, Heath & Wahba 1979)

with n the samples of positive weight, W their weight sum and df = tr H(λ). Lukas' robust
GCV multiplies it by γ + (1 − γ)·tr(H²)/n (M. A. Lukas, Inverse Problems 22 (2006) 1883–1902;
γ = 1 is classical GCV). RidgeCV scores λ by it (``cv="gcv"``), ``inverse`` chooses λ by it
(``lam="gcv"``, where the texts' normalisation ρ²/(m − dof)² is this value divided by m).
Where the fit interpolates (df → n) GCV is undefined: NaN.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

__all__ = ["FilterSpectrum", "gcv", "gcv_shrink"]


class FilterSpectrum(Protocol):
    """What GCV reads: df, RSS and tr(H²) along λ (every SpectrumBase, the inverse's too)."""

    @property
    def n_samples(self) -> int: ...

    @property
    def weight_sum(self) -> float: ...

    def df(self, l2: np.ndarray) -> np.ndarray: ...

    def rss(self, l2: np.ndarray) -> np.ndarray: ...

    def trace_hat_squared(self, l2: np.ndarray) -> np.ndarray: ...


def gcv_shrink(spec: FilterSpectrum, l2: np.ndarray) -> np.ndarray:
    """1 − df(λ)/n, shape (L,): GCV's stand-in for every 1 − h_ii (NaN where df ≥ n)."""
    factor = 1.0 - spec.df(l2) / spec.n_samples
    return np.where(factor > 1e-12, factor, np.nan)


def gcv(
    spec: FilterSpectrum, l2: np.ndarray, gamma: float = 1.0, mse: np.ndarray | None = None
) -> np.ndarray:
    """GCV(λ) per target, shape (L, k); robust for γ < 1.

    ``mse`` is RSS_w/W (L, k) when summed over the rows already (more accurate than the
    spectrum's RSS for a nearly exact fit); by default it is read off the spectrum. GCV is
    linear in it, so the same call scales a standard error of the mean squared error.
    """
    mse = spec.rss(l2) / spec.weight_sum if mse is None else mse
    values = mse / gcv_shrink(spec, l2)[:, None] ** 2
    if gamma < 1:
        robust = gamma + (1 - gamma) * spec.trace_hat_squared(l2) / spec.n_samples
        values = values * robust[:, None]
    return values
