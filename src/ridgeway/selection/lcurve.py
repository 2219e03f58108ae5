"""The L-curve (log ‖r(λ)‖, log ‖Γ(β(λ) − β_prior)‖) of a spectrum: curvature and speed.

Closed forms in the filter factors fᵢ = σᵢ²/(σᵢ² + l2) of one spectrum (O(r) per λ, every
target at once). Derivatives are taken in t = log √l2 (the inverse texts' log λ, l2 = λ²);
the curvature does not depend on that choice, the speed only by a constant factor. With
X = ½log ρ², Y = ½log η²: κ = (X'Y'' − X''Y')/(X'² + Y'²)^{3/2}, positive where the curve
bends like an L (Hansen & O'Leary 1993); v = (X'² + Y'²)^{1/2}. ``inverse.lcurve`` chooses
its corner from these; RidgeCV's ``cv="lcurve"`` takes the point of largest curvature.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

__all__ = ["curvature", "speed"]


class CurveSpectrum(Protocol):
    """σ, the data coefficients uᵀy (r, k) and the residual outside the range (k,)."""

    @property
    def sigma(self) -> np.ndarray: ...

    @property
    def uty(self) -> np.ndarray: ...

    @property
    def rss_perp(self) -> np.ndarray: ...


def _derivatives(spec: CurveSpectrum, l2: np.ndarray):
    """X', Y', X'', Y'' (each (L, k)) of X = ½log ρ², Y = ½log η² in t = log √l2."""
    s2 = spec.sigma[:, None] ** 2
    f = (s2 / (s2 + np.asarray(l2, dtype=np.float64)[None, :])).T  # (L, r)
    d1 = -2 * f * (1 - f)  # df/dt
    d2 = 4 * f * (1 - f) * (1 - 2 * f)  # d²f/dt²
    b2 = spec.uty**2  # (r, k)
    c2 = b2 / s2
    rho = ((1 - f) ** 2) @ b2 + spec.rss_perp[None, :]
    rho1 = (-2 * (1 - f) * d1) @ b2
    rho2 = (2 * (d1**2 - (1 - f) * d2)) @ b2
    eta = (f**2) @ c2
    eta1 = (2 * f * d1) @ c2
    eta2 = (2 * (d1**2 + f * d2)) @ c2
    with np.errstate(divide="ignore", invalid="ignore"):
        x1, y1 = rho1 / (2 * rho), eta1 / (2 * eta)
        # (ρ''ρ − ρ'²)/(2ρ²) as ratios: ρ² and η² overflow (or underflow) for A at extreme
        # scales (η ~ ‖x‖² ~ 1/|A|²) long before ρ and η do
        x2 = rho2 / (2 * rho) - 2 * x1**2
        y2 = eta2 / (2 * eta) - 2 * y1**2
    return x1, y1, x2, y2


def curvature(spec: CurveSpectrum, l2: np.ndarray) -> np.ndarray:
    """Signed curvature of the L-curve at each λ, shape (L, k); −inf where undefined."""
    x1, y1, x2, y2 = _derivatives(spec, l2)
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa = (x1 * y2 - x2 * y1) / (x1**2 + y1**2) ** 1.5
    return np.where(np.isfinite(kappa), kappa, -np.inf)


def speed(spec: CurveSpectrum, l2: np.ndarray) -> np.ndarray:
    """‖d(log ρ, log η)/dt‖ at each λ, shape (L, k); inf where undefined."""
    x1, y1, _, _ = _derivatives(spec, l2)
    v = np.hypot(x1, y1)
    return np.where(np.isfinite(v), v, np.inf)
