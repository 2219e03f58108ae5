"""The elastic-net penalty l1·Σ f_j|β_j| + (l2/2)·Σ f_j β_j² (lasso: l2 = 0; ridge: l1 = 0)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ridgeway._validation import check_vector
from ridgeway.penalties.base import Penalty

__all__ = ["ElasticNetPenalty", "check_l1", "check_l1_share", "check_penalty_factor"]


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


@dataclass(frozen=True)
class ElasticNetPenalty(Penalty):
    """l1·Σ_j f_j |β_j| + (l2/2)·Σ_j f_j β_j², with β ≥ 0 when ``positive``.

    ``factors`` None means f = 1. With standardized features, the penalty acts on σ_j β_j:
    :meth:`coordinate_weights` then returns the weights of |β_j| and β_j² on the original
    scale (f_j σ_j and f_j σ_j²), which is what the solvers use.
    """

    l1: float
    l2: float = 0.0
    factors: np.ndarray | None = None
    positive: bool = False

    smooth = False
    separable = True

    @property
    def identity(self) -> bool:  # type: ignore[override]
        return self.factors is None or bool(np.all(self.factors == 1))

    def prox(self, coef: np.ndarray, step: float) -> np.ndarray:
        """Soft-thresholding then shrinkage, coordinate by coordinate (β ≥ 0 if positive)."""
        f = self._factors(coef.shape[0])
        z = np.sign(coef) * np.maximum(np.abs(coef) - step * self.l1 * f, 0.0)
        if self.positive:
            z = np.maximum(z, 0.0)
        return z / (1.0 + step * self.l2 * f)

    def _factors(self, p: int) -> np.ndarray:
        return np.ones(p) if self.factors is None else self.factors

    def coordinate_weights(self, p: int, scale: np.ndarray | None = None):
        """(a, b): the penalty is l1·Σ a_j|β_j| + (l2/2)·Σ b_j β_j²."""
        f = self._factors(p)
        if scale is None:
            return f.copy(), f.copy()
        return f * scale, f * scale * scale

    def value(self, coef: np.ndarray, scale: np.ndarray | None = None) -> float:
        a, b = self.coordinate_weights(coef.shape[0], scale)
        return self.l1 * float(a @ np.abs(coef)) + 0.5 * self.l2 * float(b @ (coef * coef))
