"""The penalty contract (DESIGN §1, §2): a function of the coefficients β alone.

The intercept is never penalized, so a penalty never sees it. A penalty states what it is
through capability flags that solver requirements read (``smooth``, ``separable``,
``identity``) and its strengths ``l2`` and ``l1``; it offers its value, gradient (smooth
penalties), Hessian or Hessian-vector product, and a proximal step where it has one.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np

__all__ = ["Penalty"]


class Penalty(ABC):
    """A penalty P(β). Subclasses state their formula once, in their docstring."""

    #: twice differentiable everywhere (gradient and Hessian exist)
    smooth: bool = True
    #: a sum of one-coordinate terms (diagonal Γ, no prior centre): coordinate descent applies
    separable: bool = False
    #: exactly (l2/2)‖β‖² plus an optional l1 part: Γ = I and no prior
    identity: bool = False
    #: (λ/2)‖Γ(β − prior)‖² exactly, with ``gamma`` and ``prior`` attributes (L2Penalty):
    #: what the squared-loss spectral routes need
    tikhonov: bool = False
    #: one group per feature across the k columns of a (p, k) β (multinomial), penalized by
    #: the row norms ‖β_j‖₂ (GroupElasticNetPenalty); its weights come from coordinate_weights
    grouped: bool = False

    l2: float = 0.0
    l1: float = 0.0

    @abstractmethod
    def value(self, coef: np.ndarray) -> float:
        """P(β)."""

    def gradient(self, coef: np.ndarray) -> np.ndarray:
        """∇P(β) (smooth penalties)."""
        raise TypeError(f"{type(self).__name__} is not differentiable; use its proximal step")

    def hessian(self, p: int) -> np.ndarray:
        """∇²P as a dense p × p matrix (smooth penalties with a constant Hessian)."""
        raise TypeError(f"{type(self).__name__} has no Hessian")

    def hessp(self, v: np.ndarray) -> np.ndarray:
        """∇²P·v without forming the Hessian."""
        return self.hessian(v.shape[0]) @ v

    def prox(self, coef: np.ndarray, step: float) -> np.ndarray:
        """argmin_b ½‖b − β‖² + step·P(b), where the penalty has a closed form."""
        raise TypeError(f"{type(self).__name__} has no closed-form proximal step")

    #: the coefficients are constrained to β >= 0 (coordinate descent projects its steps)
    positive: bool = False

    def coordinate_weights(self, p: int) -> tuple[np.ndarray, np.ndarray]:
        """(a, b) with P(β) = l1·Σ_j a_j|β_j| + (l2/2)·Σ_j b_j β_j² (separable penalties).

        What coordinate descent needs. This default serves a separable penalty with no l1
        part: its Hessian is the diagonal l2·diag(b), read off one Hessian-vector product.
        """
        if not self.separable or self.l1 != 0:
            raise TypeError(f"{type(self).__name__} states no per-coordinate weights")
        b = self.hessp(np.ones(p)) / self.l2 if self.l2 > 0 else np.ones(p)
        return np.zeros(p), np.asarray(b, dtype=np.float64)
