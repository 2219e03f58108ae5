"""The grouped elastic-net penalty of a multinomial model: one group per feature, across classes."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ridgeway.penalties.base import Penalty
from ridgeway.penalties.elastic_net import factor_weights

__all__ = ["GroupElasticNetPenalty"]


@dataclass(frozen=True)
class GroupElasticNetPenalty(Penalty):
    """l1·Σ_j a_j ‖β_j‖₂ + (l2/2)·Σ_j b_j ‖β_j‖₂², β_j the row of feature j across classes.

    β is (p, k): one coefficient per feature and class (multinomial). A feature enters or
    leaves the model in every class at once — glmnet's ``type.multinomial = "grouped"``.
    a_j = f_j σ_j and b_j = f_j σ_j² (:meth:`coordinate_weights`) as in
    :class:`~ridgeway.penalties.elastic_net.ElasticNetPenalty`: ``factors`` f (None: all ones;
    0 leaves a feature unpenalized), ``scale`` σ (None: all ones; the feature standard
    deviations when the penalty acts on standardized features). A 1-D β is k = 1: every group
    has one member and the penalty is the elastic net.
    """

    l1: float
    l2: float = 0.0
    factors: np.ndarray | None = None
    scale: np.ndarray | None = None

    smooth = False
    separable = False  # separable by feature groups, not by coordinates
    grouped = True

    @property
    def identity(self) -> bool:  # type: ignore[override]
        return self.scale is None and (self.factors is None or bool(np.all(self.factors == 1)))

    def coordinate_weights(self, p: int) -> tuple[np.ndarray, np.ndarray]:
        """(a, b) per feature group: the penalty is l1·Σ a_j‖β_j‖ + (l2/2)·Σ b_j‖β_j‖²."""
        return factor_weights(self.factors, self.scale, p)

    def with_strengths(self, l1: float, l2: float) -> GroupElasticNetPenalty:
        """The same penalty (factors, scale) at other strengths: a path point."""
        return replace(self, l1=float(l1), l2=float(l2))

    def value(self, coef: np.ndarray) -> float:
        rows = coef.reshape(coef.shape[0], -1)
        a, b = self.coordinate_weights(rows.shape[0])
        norms = np.sqrt(np.sum(rows * rows, axis=1))
        return self.l1 * float(a @ norms) + 0.5 * self.l2 * float(b @ (norms * norms))

    def prox(self, coef: np.ndarray, step: float) -> np.ndarray:
        """Group soft-thresholding of each feature's row, then shrinkage."""
        rows = coef.reshape(coef.shape[0], -1)
        a, b = self.coordinate_weights(rows.shape[0])
        norms = np.sqrt(np.sum(rows * rows, axis=1))
        keep = np.maximum(1.0 - step * self.l1 * a / np.where(norms > 0, norms, 1.0), 0.0)
        keep = np.where(norms > 0, keep, 0.0)
        out = rows * (keep / (1.0 + step * self.l2 * b))[:, None]
        return out.reshape(coef.shape)
