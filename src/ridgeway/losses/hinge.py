"""Hinge loss ℓ(y, z) = max(0, 1 − y·z) for y ∈ {−1, +1} (the L1-loss SVM)."""

from __future__ import annotations

import numpy as np

from ridgeway.losses.base import Loss

__all__ = ["HingeLoss"]


class HingeLoss(Loss):
    """ℓ(y, z) = max(0, 1 − yz); a subgradient is −y·[yz < 1].

    Not differentiable at yz = 1 and without curvature: gradient- and Newton-type solvers
    refuse it; the dual coordinate-descent solver handles it exactly.
    """

    margin = True
    twice_differentiable = False
    differentiable = False

    def pointwise(self, y: np.ndarray, z: np.ndarray) -> np.ndarray:
        return np.maximum(0.0, 1.0 - y * z)

    def gradient(self, y: np.ndarray, z: np.ndarray) -> np.ndarray:
        """A subgradient (the one that is 0 on the kink)."""
        return -y * (y * z < 1.0).astype(z.dtype)

    def binary_target(self, positive: np.ndarray) -> np.ndarray:
        """±1 labels (+1: the positive class)."""
        return np.where(positive, 1.0, -1.0)
