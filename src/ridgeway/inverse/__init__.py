"""Tikhonov regularization for ill-posed inverse problems A x ≈ b.

Solve min ‖Ax − b‖² + λ²‖L(x − x₀)‖² (λ in the λ² form of the field; ridgeway's ``l2`` = λ²)
with λ given or chosen by GCV, the L-curve, the discrepancy principle, quasi-optimality or
UPRE; directly (one SVD / standard-form SVD serves every λ) or iteratively (LSQR, CGLS,
hybrid Krylov). The standard test problems live in :mod:`ridgeway.inverse.problems`, plots
in :mod:`ridgeway.inverse.plots`.
"""

from ridgeway.inverse import problems
from ridgeway.inverse.iterative import cgls, hybrid, lsqr
from ridgeway.inverse.result import Curve, Spectrum, TikhonovResult
from ridgeway.inverse.tikhonov import compare, tikhonov, tsvd

__all__ = [
    "Curve",
    "Spectrum",
    "TikhonovResult",
    "cgls",
    "compare",
    "hybrid",
    "lsqr",
    "problems",
    "tikhonov",
    "tsvd",
]
