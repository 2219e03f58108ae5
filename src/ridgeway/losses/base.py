"""The loss contract: everything is a function of the linear predictor z.

X, the intercept and the sample weights are handled once by the solvers; a loss only says
what ℓ(y, z), ∂ℓ/∂z and ∂²ℓ/∂z² are per sample.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np


class Loss(ABC):
    """Per-sample loss ℓ(y, z). Subclasses state their formula in the docstring."""

    #: solvers that need ∂ℓ/∂z or ∂²ℓ/∂z² check these flags (DESIGN §2: solvers declare needs)
    differentiable: bool = True
    twice_differentiable: bool = True
    #: ℓ = ½(y − z)²: the normal equations are linear (spectral and Cholesky solvers)
    quadratic: bool = False
    #: a margin loss of y·z on ±1 labels (hinge family: the SVM dual applies)
    margin: bool = False
    #: the linear predictor is a log-odds (or softmax logits): scores map to probabilities
    probabilistic: bool = False
    #: the k columns of z are one joint prediction per sample (multinomial: ℓ couples them and
    #: the curvature is k × k); other losses take a 1-D z
    joint_outputs: bool = False

    @abstractmethod
    def pointwise(self, y: np.ndarray, z: np.ndarray) -> np.ndarray:
        """ℓ(y_i, z_i) for every sample."""

    @abstractmethod
    def gradient(self, y: np.ndarray, z: np.ndarray) -> np.ndarray:
        """∂ℓ/∂z for every sample."""

    def curvature(self, y: np.ndarray, z: np.ndarray) -> np.ndarray:
        """∂²ℓ/∂z² for every sample (only for twice-differentiable losses)."""
        raise TypeError(f"{type(self).__name__} is not twice differentiable")

    def curvature_diagonal(self, y: np.ndarray, z: np.ndarray) -> np.ndarray:
        """The diagonal of the curvature: ∂²ℓ/∂z_c² per sample and output, shaped as z."""
        hess = self.curvature(y, z)
        return hess if z.ndim == 1 else np.einsum("ikk->ik", hess)

    def value(self, y: np.ndarray, z: np.ndarray, sample_weight: np.ndarray | None) -> float:
        """Σ_i s_i ℓ(y_i, z_i)."""
        per_sample = self.pointwise(y, z)
        if per_sample.ndim > 1:
            per_sample = per_sample.sum(axis=tuple(range(1, per_sample.ndim)))
        if sample_weight is None:
            return float(per_sample.sum())
        return float(per_sample @ sample_weight)

    def zero_gradient_intercept(
        self, y: np.ndarray, sample_weight: np.ndarray | None
    ) -> float | np.ndarray | None:
        """The intercept(s) of the intercept-only model, None where there is no closed form
        (the solvers then start from zero)."""
        return None

    def binary_target(self, positive: np.ndarray) -> np.ndarray:
        """Loss targets for a two-class problem from a boolean "is the positive class" array."""
        raise TypeError(f"{type(self).__name__} is not a two-class loss")
