"""A regularized fitting problem: data, loss, penalty, weights, intercept."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ridgeway.losses.base import Loss
from ridgeway.penalties.base import Penalty


@dataclass(frozen=True)
class Problem:
    """minimize Σ s_i ℓ(y_i, x_iᵀβ + β₀) + penalty(β)  (DESIGN §1): every model is one.

    ``sample_weight`` None means all ones (kept None so solvers can skip the products).
    """

    X: np.ndarray | sp.spmatrix
    y: np.ndarray
    loss: Loss
    penalty: Penalty
    sample_weight: np.ndarray | None = None
    fit_intercept: bool = True

    @property
    def n_samples(self) -> int:
        return self.X.shape[0]

    @property
    def n_features(self) -> int:
        return self.X.shape[1]

    def linear_predictor(self, coef: np.ndarray, intercept: float | np.ndarray) -> np.ndarray:
        return self.X @ coef + intercept

    def objective(self, coef: np.ndarray, intercept: float | np.ndarray = 0.0) -> float:
        z = self.linear_predictor(coef, intercept)
        return self.loss.value(self.y, z, self.sample_weight) + self.penalty.value(coef)
