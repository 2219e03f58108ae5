"""Squared loss with an L2/Tikhonov penalty: one decomposition serves every λ (DESIGN §3).

standard_form (Γ → identity), gram (n ≥ p), kernel (n < p), svd (ill-conditioned),
spectrum (the decomposition valid for every λ), krylov (conjugate gradients for huge sparse X),
decompose (the routes to a spectrum).
"""

from ridgeway.solvers.spectral.decompose import *  # noqa: F403
from ridgeway.solvers.spectral.decompose import __all__  # noqa: F401
