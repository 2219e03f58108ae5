"""The elastic-net penalty l1·Σ f_j|β_j| + (l2/2)·Σ f_j β_j² (lasso: l2 = 0; ridge: l1 = 0)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ridgeway import operators
from ridgeway._validation import check_vector
from ridgeway.penalties.base import Penalty
from ridgeway.penalties.l2 import L2Penalty

__all__ = [
    "ElasticNetPenalty",
    "check_l1",
    "check_l1_share",
    "check_penalty_factor",
    "factor_weights",
]


def check_l1(value: Any, name: str = "l1") -> float:
    """A finite number >= 0 (booleans and strings refused)."""
    if isinstance(value, (bool, str, bytes)) or value is None:
        raise TypeError(f"{name} must be a finite number >= 0; got {value!r}")
    try:
        value = float(value)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a finite number >= 0; got {value!r}") from exc
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0; got {value!r}")
    return value


def check_l1_share(value: Any) -> np.ndarray:
    """One or more mixes l1/(l1 + l2) in (0, 1]; returned as a 1-D array."""
    try:
        arr = np.atleast_1d(np.asarray(value, dtype=np.float64))
    except (TypeError, ValueError) as exc:
        raise TypeError(f"l1_share must be a number or numbers in (0, 1]; got {value!r}") from exc
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"l1_share must be a number or a 1-D list; got shape {arr.shape}")
    if not np.all(np.isfinite(arr)) or np.any(arr <= 0) or np.any(arr > 1):
        raise ValueError(
            f"l1_share must be in (0, 1] (l1/(l1 + l2); for 0, pure L2, use RidgeCV); got {value!r}"
        )
    return arr


def check_penalty_factor(penalty_factor: Any, p: int) -> np.ndarray:
    """Per-feature factors f_j >= 0 (0 leaves a feature unpenalized); None means all ones."""
    if penalty_factor is None:
        return np.ones(p)
    factors = check_vector(penalty_factor, p, name="penalty_factor")
    if np.any(factors < 0):
        raise ValueError("penalty_factor must be >= 0 (0 leaves a feature unpenalized)")
    return factors


def factor_weights(
    factors: np.ndarray | None, scale: np.ndarray | None, p: int
) -> tuple[np.ndarray, np.ndarray]:
    """The L1 and L2 weights (a, b) per feature from penalty factors f and feature scales σ
    (``standardize``): a = f·σ, b = f·σ² (f = 1, σ = 1 where None)."""
    f = np.ones(p) if factors is None else np.asarray(factors, dtype=np.float64)
    if scale is None:
        return f.copy(), f.copy()
    return f * scale, f * scale * scale


@dataclass(frozen=True)
class ElasticNetPenalty(Penalty):
    """l1·Σ_j a_j |β_j| + (l2/2)·Σ_j b_j β_j², with β ≥ 0 when ``positive``.

    a_j = f_j σ_j and b_j = f_j σ_j² (:meth:`coordinate_weights`): ``factors`` f (None: all
    ones, 0 leaves a feature unpenalized, glmnet's penalty.factor) and ``scale`` σ (None: all
    ones; the feature standard deviations when the penalty acts on standardized features
    σ_j β_j while β stays on the original scale). Lasso: l2 = 0; ridge: l1 = 0.
    """

    l1: float
    l2: float = 0.0
    factors: np.ndarray | None = None
    positive: bool = False
    scale: np.ndarray | None = None

    smooth = False
    separable = True

    @property
    def identity(self) -> bool:  # type: ignore[override]
        return self.scale is None and (self.factors is None or bool(np.all(self.factors == 1)))

    def coordinate_weights(self, p: int) -> tuple[np.ndarray, np.ndarray]:
        """(a, b): the penalty is l1·Σ a_j|β_j| + (l2/2)·Σ b_j β_j² on the original scale."""
        return factor_weights(self.factors, self.scale, p)

    def ridge_equivalent(self, p: int) -> L2Penalty | None:
        """With l1 = 0 and no sign constraint this is a ridge penalty: the same one as an
        L2Penalty with Γ = diag(√b) (identity when plain), which the solver table sends to
        an exact ridge route; None when there is an l1 part or β >= 0."""
        if self.l1 != 0 or self.positive:
            return None
        if self.identity:
            return L2Penalty(self.l2)
        _, b = self.coordinate_weights(p)
        return L2Penalty(self.l2, gamma=operators.diagonal(np.sqrt(b)))

    def with_strengths(self, l1: float, l2: float) -> ElasticNetPenalty:
        """The same penalty (factors, scale, sign constraint) at other strengths: a path point."""
        return replace(self, l1=float(l1), l2=float(l2))

    def value(self, coef: np.ndarray) -> float:
        """P(β); a 2-D β (p, k) (one column per class) sums the penalty over its columns."""
        a, b = self.coordinate_weights(coef.shape[0])
        l1_part = float(np.sum(a @ np.abs(coef)))
        return self.l1 * l1_part + 0.5 * self.l2 * float(np.sum(b @ (coef * coef)))

    def prox(self, coef: np.ndarray, step: float) -> np.ndarray:
        """Soft-thresholding then shrinkage, coordinate by coordinate (β ≥ 0 if positive)."""
        a, b = self.coordinate_weights(coef.shape[0])
        z = np.sign(coef) * np.maximum(np.abs(coef) - step * self.l1 * a, 0.0)
        if self.positive:
            z = np.maximum(z, 0.0)
        return z / (1.0 + step * self.l2 * b)
