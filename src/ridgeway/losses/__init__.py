"""Losses on the linear predictor z = Xβ + β₀: value, gradient and curvature in z."""

from ridgeway.losses.base import Loss
from ridgeway.losses.squared import SquaredLoss

__all__ = ["Loss", "SquaredLoss"]
