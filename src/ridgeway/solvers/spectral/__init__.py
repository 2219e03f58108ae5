"""Squared loss with an L2/Tikhonov penalty: one decomposition serves every λ (DESIGN §3).

standard_form (Γ → identity), squared (the Problem read once: RidgeProblem), gram (n ≥ p),
kernel (n < p), svd (ill-conditioned), spectrum (the Spectrum protocol; PrimalSpectrum and
KernelSpectrum), krylov (conjugate gradients for huge sparse X), routes (the Solver objects
that solvers/choose.py chooses among), limits (the thresholds of that choice), certificate.
"""

from ridgeway.solvers.spectral.kernel import KernelSpectrum
from ridgeway.solvers.spectral.limits import LIMITS, RouteLimits
from ridgeway.solvers.spectral.routes import (
    ROUTES,
    Decomposer,
    GramCholesky,
    GramEigh,
    KernelCholesky,
    KernelEigh,
    KrylovCG,
    RidgeRoute,
    SVDRoute,
)
from ridgeway.solvers.spectral.spectrum import PrimalSpectrum, Spectrum
from ridgeway.solvers.spectral.squared import RidgeProblem

__all__ = [
    "LIMITS",
    "ROUTES",
    "Decomposer",
    "GramCholesky",
    "GramEigh",
    "KernelCholesky",
    "KernelEigh",
    "KernelSpectrum",
    "KrylovCG",
    "PrimalSpectrum",
    "RidgeProblem",
    "RidgeRoute",
    "RouteLimits",
    "SVDRoute",
    "Spectrum",
]
