"""Losses on the linear predictor z = Xβ + β₀: value, gradient and curvature in z.

``LOSSES`` is the registry: every loss is listed once, and the shared test battery
(tests/test_registry.py) checks each entry's derivatives automatically.
"""

from ridgeway.losses.base import Loss
from ridgeway.losses.hinge import HingeLoss
from ridgeway.losses.logistic import LogisticLoss
from ridgeway.losses.multinomial import MultinomialLoss
from ridgeway.losses.squared import SquaredLoss
from ridgeway.losses.squared_hinge import SquaredHingeLoss

LOSSES: dict[str, type[Loss]] = {
    "squared": SquaredLoss,
    "logistic": LogisticLoss,
    "multinomial": MultinomialLoss,
    "squared_hinge": SquaredHingeLoss,
    "hinge": HingeLoss,
}

__all__ = [
    "LOSSES",
    "HingeLoss",
    "LogisticLoss",
    "Loss",
    "MultinomialLoss",
    "SquaredHingeLoss",
    "SquaredLoss",
]
