"""Multinomial (softmax) loss on k linear predictors per sample."""

from __future__ import annotations

import numpy as np
from scipy.special import softmax

from ridgeway.losses.base import Loss

__all__ = ["MultinomialLoss"]


class MultinomialLoss(Loss):
    """ℓ(y, z) = log Σ_c e^{z_c} − Σ_c y_c z_c for one-hot rows y and predictors z (n, k).

    ∂ℓ/∂z = softmax(z) − y; the curvature is the k × k matrix diag(π) − ππᵀ per sample
    (π = softmax(z)), returned as an (n, k, k) array. The loss is unchanged when the same
    constant is added to every z_c, so its curvature is singular along (1, …, 1).
    """

    probabilistic = True
    joint_outputs = True

    def pointwise(self, y: np.ndarray, z: np.ndarray) -> np.ndarray:
        # log Σ e^{z_c} shifted by the row maximum, in plain numpy: scipy's logsumexp costs
        # ~0.3 ms of array-API overhead per call, most of an L-BFGS step on small data
        top = z.max(axis=1)
        return top + np.log(np.exp(z - top[:, None]).sum(axis=1)) - np.einsum("ij,ij->i", y, z)

    def gradient(self, y: np.ndarray, z: np.ndarray) -> np.ndarray:
        e = np.exp(z - z.max(axis=1, keepdims=True))
        e /= e.sum(axis=1, keepdims=True)
        return e - y

    def curvature(self, y: np.ndarray, z: np.ndarray) -> np.ndarray:
        prob = softmax(z, axis=1)
        hess = -prob[:, :, None] * prob[:, None, :]
        idx = np.arange(prob.shape[1])
        hess[:, idx, idx] += prob
        return hess

    def curvature_diagonal(self, y: np.ndarray, z: np.ndarray) -> np.ndarray:
        """π_c(1 − π_c) per sample and class, without the (n, k, k) array."""
        prob = softmax(z, axis=1)
        return prob * (1.0 - prob)

    def zero_gradient_intercept(
        self, y: np.ndarray, sample_weight: np.ndarray | None
    ) -> np.ndarray:
        """Intercepts of the intercept-only model: centred log class frequencies."""
        freq = np.clip(np.average(y, axis=0, weights=sample_weight), 1e-12, None)
        logs = np.log(freq)
        return logs - logs.mean()
