"""The typed state a Newton solve leaves for the next λ of a path."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

__all__ = ["NewtonState"]


@dataclass(frozen=True)
class NewtonState:
    """What a Newton solve leaves for the next λ of a path (``solve(..., start=solution)``).

    ``theta`` is the packed iterate; ``data_hessian`` the (possibly BFGS-updated) X̃ᵀDX̃ last
    used as the Newton matrix — valid as a chord matrix for any nearby problem. The predictor
    z = X̃θ, the loss part of the gradient at θ and the certificate's yardstick depend on the
    data: they are reused only when the next problem has the same X, y and weights (a path
    over λ), and dropped by :meth:`for_other_data` (another fold of the same data).
    """

    theta: np.ndarray
    data_hessian: np.ndarray | None
    linear_predictor: np.ndarray | None = None
    loss_gradient: np.ndarray | None = None
    gradient_scale: float | None = None
    gradient_unit: np.ndarray | None = None

    def for_other_data(self) -> NewtonState:
        """The part that stays valid on other rows: the iterate and the Newton matrix."""
        return NewtonState(self.theta, self.data_hessian)

    def with_hessian(self, data_hessian: np.ndarray) -> NewtonState:
        """The same state with the exact data Hessian at θ (e.g. computed for ALO)."""
        return replace(self, data_hessian=data_hessian)
