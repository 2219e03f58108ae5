"""Losses on the linear predictor z = Xβ + β₀: value, gradient and curvature in z."""

from ridgeway.losses.base import Loss
from ridgeway.losses.hinge import HingeLoss
from ridgeway.losses.logistic import LogisticLoss
from ridgeway.losses.multinomial import MultinomialLoss
from ridgeway.losses.squared import SquaredLoss
from ridgeway.losses.squared_hinge import SquaredHingeLoss

__all__ = [
    "HingeLoss",
    "LogisticLoss",
    "Loss",
    "MultinomialLoss",
    "SquaredHingeLoss",
    "SquaredLoss",
]
