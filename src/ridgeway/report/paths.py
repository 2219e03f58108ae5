"""Curves a fitted CV model can draw: its coefficient path and its validation curve."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.base import clone

from ridgeway.evaluation.baseline import penalty_strength
from ridgeway.selection.rules import select_index

__all__ = ["CoefficientPath", "ValidationCurve", "coefficient_path", "validation_curve_of"]


@dataclass(frozen=True)
class CoefficientPath:
    strength: np.ndarray  # (L,) ascending penalty strength
    coef: np.ndarray  # (L, p); per-feature norm over classes for multiclass
    chosen: float | None
    label: str


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


def _strength(model: Any) -> tuple[np.ndarray, str]:
    results = model.cv_results_
    if "l1" in results:  # elastic net: the total strength l1 + l2 runs down the path
        return np.asarray(results["l1"]) + np.asarray(results["l2"]), "l1 + l2"
    return np.asarray(results["l2"], dtype=np.float64), "l2 (λ)"


def _chosen(model: Any) -> float | None:
    l2, l1 = penalty_strength(model)
    return (l2 or 0.0) + (l1 or 0.0) if l1 is not None else l2


def coefficient_path(model: Any, X: Any = None, y: Any = None) -> CoefficientPath:
    """The path from ``coef_path_`` where the model keeps one, else refits on ``X, y`` at
    every λ of its grid (classifiers; a few Newton solves with the same settings)."""
    if not hasattr(model, "cv_results_"):
        raise ValueError(f"{type(model).__name__} has no λ grid (cv_results_); fit a CV model")
    strength, label = _strength(model)
    if hasattr(model, "coef_path_"):
        path = np.asarray(model.coef_path_, dtype=np.float64)
        if path.ndim == 3:  # several targets/classes: one magnitude per feature
            path = np.linalg.norm(path, axis=1)
    else:
        if X is None or y is None:
            raise ValueError("X and y are needed to draw the path of a classifier")
        path = np.array([_refit_coef(model, float(l2), X, y) for l2 in strength])
    order = np.argsort(strength)
    return CoefficientPath(strength[order], path[order], _chosen(model), label)


def _refit_coef(model: Any, l2: float, X: Any, y: Any) -> np.ndarray:
    params = {k: v for k, v in model.get_params().items() if k in _single_params(model)}
    single = type(model).__mro__[1](**params, l2=l2).fit(X, y)
    coef = np.atleast_2d(single.coef_)
    return coef[0] if coef.shape[0] == 1 else np.linalg.norm(coef, axis=0)


def _single_params(model: Any) -> set[str]:
    """Parameters of the non-CV parent class (LogisticRegression for LogisticRegressionCV)."""
    parent = type(model).__mro__[1]
    return set(clone(parent()).get_params()) - {"l2"}


def validation_curve_of(model: Any) -> ValidationCurve:
    """Mean validation score ± standard error over the grid, and the min / 1se choices."""
    results = model.cv_results_
    strength, label = _strength(model)
    mean = np.asarray(results["mean_score"], dtype=np.float64)
    se = np.asarray(results["std_error"], dtype=np.float64)
    if mean.ndim > 1:
        raise ValueError("validation curves of several elastic-net mixes are not drawn")
    i_min = select_index(strength, mean, se, "min")
    try:
        i_1se = select_index(strength, mean, se, "1se")
    except ValueError:
        i_1se = None  # a metric without a standard error
    train = results.get("train_score")
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
        _chosen(model),
        label,
    )
