"""Squared loss ℓ(y, z) = ½(y − z)²: ridge, Tikhonov, elastic net."""

from __future__ import annotations

import numpy as np

from ridgeway.losses.base import Loss


class SquaredLoss(Loss):
    """ℓ(y, z) = ½(y − z)², ∂ℓ/∂z = z − y, ∂²ℓ/∂z² = 1."""

    quadratic = True

    def pointwise(self, y: np.ndarray, z: np.ndarray) -> np.ndarray:
        return 0.5 * (y - z) ** 2

    def gradient(self, y: np.ndarray, z: np.ndarray) -> np.ndarray:
        return z - y

    def curvature(self, y: np.ndarray, z: np.ndarray) -> np.ndarray:
        return np.ones_like(z)
