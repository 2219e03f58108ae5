"""Squared hinge loss ℓ(y, z) = max(0, 1 − y·z)² for y ∈ {−1, +1} (the L2-loss SVM)."""

from __future__ import annotations

import numpy as np

from ridgeway.losses.base import Loss

__all__ = ["SquaredHingeLoss"]


class SquaredHingeLoss(Loss):
    """ℓ(y, z) = max(0, 1 − yz)²,  ∂ℓ/∂z = −2y·max(0, 1 − yz),  ∂²ℓ/∂z² = 2·[yz < 1].

    The gradient is Lipschitz but has a kink at yz = 1; the curvature returned is the
    generalized Hessian, with which Newton's method with a line search converges
    (semismooth Newton; Mangasarian 2002, Keerthi & DeCoste 2005). Solvers that need a
    second derivative may therefore use it.
    """

    margin = True
    twice_differentiable = True

    def pointwise(self, y: np.ndarray, z: np.ndarray) -> np.ndarray:
        return np.maximum(0.0, 1.0 - y * z) ** 2

    def gradient(self, y: np.ndarray, z: np.ndarray) -> np.ndarray:
        return -2.0 * y * np.maximum(0.0, 1.0 - y * z)

    def curvature(self, y: np.ndarray, z: np.ndarray) -> np.ndarray:
        return 2.0 * (y * z < 1.0).astype(z.dtype)

    def binary_target(self, positive: np.ndarray) -> np.ndarray:
        """±1 labels (+1: the positive class)."""
        return np.where(positive, 1.0, -1.0)
