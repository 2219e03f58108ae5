"""The validation curve a fitted CV model holds in ``cv_results_``, and its min / 1se choices."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ridgeway.evaluation.baseline import penalty_strength
from ridgeway.selection.rules import select_index

__all__ = ["ValidationCurve", "chosen_strength", "penalty_grid", "validation_curve_of"]


@dataclass(frozen=True)
class ValidationCurve:
    strength: np.ndarray
    mean: np.ndarray
    std_error: np.ndarray
    train: np.ndarray | None
    index_min: int
    index_1se: int | None
    chosen: float | None
    label: str
    #: effective df per grid point (intercept included), for a top axis; None where unknown
    df: np.ndarray | None = None


def penalty_grid(model: Any) -> tuple[np.ndarray, str]:
    """The grid's penalty strength and its label: l2, or l1 + l2 down an elastic-net path."""
    results = model.cv_results_
    if "l1" in results:  # elastic net: the total strength l1 + l2 runs down the path
        return np.asarray(results["l1"]) + np.asarray(results["l2"]), "l1 + l2"
    return np.asarray(results["l2"], dtype=np.float64), "l2 (λ)"


def chosen_strength(model: Any) -> float | None:
    """The strength the fitted model chose, on the scale of :func:`penalty_grid`."""
    l2, l1 = penalty_strength(model)
    return (l2 or 0.0) + (l1 or 0.0) if l1 is not None else l2


def _choices(results: dict, strength, mean, se) -> tuple[int, int | None]:
    """Both rules' indices: the selection layer's (``index_min``/``index_1se`` in
    ``cv_results_``) where the model records them, else the same rules applied here."""
    if "index_min" in results and "index_1se" in results:
        i_1se = int(np.ravel(results["index_1se"])[0])
        return int(np.ravel(results["index_min"])[0]), (None if i_1se < 0 else i_1se)
    i_min = select_index(strength, mean, se, "min")
    try:
        return i_min, select_index(strength, mean, se, "1se")
    except ValueError:
        return i_min, None  # a metric without a standard error


def validation_curve_of(model: Any) -> ValidationCurve:
    """Mean validation score ± standard error over the grid, and the min / 1se choices."""
    results = model.cv_results_
    strength, label = penalty_grid(model)
    mean = np.asarray(results["mean_score"], dtype=np.float64)
    se = np.asarray(results["std_error"], dtype=np.float64)
    if mean.ndim > 1:
        raise ValueError("validation curves of several elastic-net mixes are not drawn")
    i_min, i_1se = _choices(results, strength, mean, se)
    train = results.get("train_score")
    df = results.get("df")
    df = None if df is None or np.ndim(df) != 1 else np.asarray(df, dtype=np.float64)
    order = np.argsort(strength)
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    return ValidationCurve(
        strength[order],
        mean[order],
        se[order],
        None if train is None else np.asarray(train, dtype=np.float64)[order],
        int(rank[i_min]),
        None if i_1se is None else int(rank[i_1se]),
        chosen_strength(model),
        label,
        None if df is None or not np.isfinite(df).any() else df[order],
    )
