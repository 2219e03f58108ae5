"""The coefficient path a fitted CV model draws (its validation curve: evaluation.curves)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.base import clone

from ridgeway.evaluation.curves import (
    ValidationCurve,
    chosen_strength,
    penalty_grid,
    validation_curve_of,
)

__all__ = ["CoefficientPath", "ValidationCurve", "coefficient_path", "validation_curve_of"]


@dataclass(frozen=True)
class CoefficientPath:
    strength: np.ndarray  # (L,) ascending penalty strength
    coef: np.ndarray  # (L, p); per-feature norm over classes for multiclass
    chosen: float | None
    label: str
    #: per grid point, for glmnet's top axis: non-zero coefficients where the model counts
    #: them (lasso, elastic net), else the effective df (intercept included); None: unknown
    top: np.ndarray | None = None
    top_label: str = "effective df"
    multiclass: bool = False  # coef holds ‖β_j‖₂ over classes


def coefficient_path(model: Any, X: Any = None, y: Any = None) -> CoefficientPath:
    """The path from ``coef_path_`` where the model keeps one, else refits on ``X, y`` at
    every λ of its grid (classifiers; a few Newton solves with the same settings)."""
    if not hasattr(model, "cv_results_"):
        raise ValueError(f"{type(model).__name__} has no λ grid (cv_results_); fit a CV model")
    strength, label = penalty_grid(model)
    multiclass = False
    if hasattr(model, "coef_path_"):
        path = np.asarray(model.coef_path_, dtype=np.float64)
        multiclass = path.ndim == 3
        if path.ndim == 3:  # several targets/classes: one magnitude per feature
            path = np.linalg.norm(path, axis=1)
    else:
        if X is None or y is None:
            raise ValueError("X and y are needed to draw the path of a classifier")
        path = np.array([_refit_coef(model, float(l2), X, y) for l2 in strength])
    order = np.argsort(strength)
    results = model.cv_results_
    key = "n_nonzero" if "n_nonzero" in results else "df"
    top = results.get(key)
    top = None if top is None or np.ndim(top) != 1 else np.asarray(top, dtype=np.float64)
    if top is not None and not np.isfinite(top).any():
        top = None
    return CoefficientPath(
        strength[order], path[order], chosen_strength(model), label,
        None if top is None else top[order],
        "non-zero coefficients" if key == "n_nonzero" else "effective df",
        multiclass,
    )  # fmt: skip


def _refit_coef(model: Any, l2: float, X: Any, y: Any) -> np.ndarray:
    params = {k: v for k, v in model.get_params().items() if k in _single_params(model)}
    single = type(model).__mro__[1](**params, l2=l2).fit(X, y)
    coef = np.atleast_2d(single.coef_)
    return coef[0] if coef.shape[0] == 1 else np.linalg.norm(coef, axis=0)


def _single_params(model: Any) -> set[str]:
    """Parameters of the non-CV parent class (LogisticRegression for LogisticRegressionCV)."""
    parent = type(model).__mro__[1]
    return set(clone(parent()).get_params()) - {"l2"}
