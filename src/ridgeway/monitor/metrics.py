"""KPIs of a fitted model on one set of rows: the evaluation layer's task metrics, the gap.

The generalization gap is always stated so that **positive means the batch is worse than the
reference training data**: for a higher-is-better metric (accuracy, F1, R², AUC) it is
training − batch, for an error (MSE, RMSE, MAE, log-loss) it is batch − training.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import is_classifier

from ridgeway.evaluation.kpis import classification_scores as evaluation_classification_scores
from ridgeway.evaluation.kpis import regression_scores

__all__ = [
    "ERRORS",
    "coefficient_kpis",
    "default_gap_metric",
    "error_metric",
    "gap",
    "model_task",
    "task_scores",
]

REGRESSION = ("mse", "rmse", "mae", "r2")
CLASSIFICATION = ("accuracy", "f1", "precision", "recall", "roc_auc", "log_loss")
#: metrics where lower is better
ERRORS = frozenset({"mse", "rmse", "mae", "log_loss", "error_rate"})


def model_task(model: Any) -> str:
    return "classification" if is_classifier(model) else "regression"


def task_metrics(task: str) -> tuple[str, ...]:
    return CLASSIFICATION if task == "classification" else REGRESSION


def default_gap_metric(task: str) -> str:
    """MSE for regression, accuracy for classification (the report layer's choice)."""
    return "accuracy" if task == "classification" else "mse"


def error_metric(model: Any) -> str:
    """The error whose change against the reference is reported: MSE, log-loss, or the
    error rate (1 − accuracy) for a classifier without probabilities."""
    if model_task(model) == "regression":
        return "mse"
    return "log_loss" if hasattr(model, "predict_proba") else "error_rate"


def classification_scores(model: Any, X: Any, y: np.ndarray) -> dict[str, float]:
    """The evaluation layer's classification KPIs plus the error rate (1 − accuracy)."""
    out = evaluation_classification_scores(model, X, y)
    out["error_rate"] = 1.0 - out["accuracy"]
    return out


def task_scores(model: Any, X: Any, y: Any) -> dict[str, float]:
    """The task's metrics of ``model`` on (X, y)."""
    y = np.asarray(y)
    if model_task(model) == "classification":
        return classification_scores(model, X, y)
    return regression_scores(y.astype(np.float64), np.asarray(model.predict(X), np.float64))


def gap(metric: str, reference: float, batch: float) -> float:
    """Generalization gap in ``metric``: positive when the batch is worse than the reference."""
    return batch - reference if metric in ERRORS else reference - batch


def coefficient_kpis(model: Any) -> dict[str, float]:
    """‖β‖₂, max |β_j|, the number of non-zero coefficients, λ and the effective degrees of
    freedom at the chosen λ (from ``cv_results_`` when the model chose λ by CV)."""
    coef = np.atleast_2d(np.asarray(model.coef_, dtype=np.float64))
    out = {
        "coef_norm2": float(np.linalg.norm(coef)),
        "coef_max_abs": float(np.abs(coef).max()) if coef.size else 0.0,
        "n_nonzero": float(np.count_nonzero(coef)),
    }
    l2 = getattr(model, "l2_", getattr(model, "l2", None))
    l2_array = np.asarray(l2, dtype=np.float64) if l2 is not None else np.array([np.nan])
    out["l2"] = float(l2_array.ravel()[0]) if l2_array.size == 1 else float("nan")
    results = getattr(model, "cv_results_", None)
    if results is not None and "df" in results:
        best = best_index(model, results)
        out["effective_df"] = float(np.asarray(results["df"])[best])
    return out


def selection_summary(model: Any) -> dict[str, Any]:
    """How λ was chosen: estimator, cv, rule, scoring, the validation score and the CV gap
    (training − validation score) at the chosen λ; ``{"cv": None}`` for a fixed λ."""
    params = model.get_params(deep=False)
    results = getattr(model, "cv_results_", None)
    out: dict[str, Any] = {
        "estimator": type(model).__name__,
        "cv": _plain(params.get("cv")) if results is not None else None,
        "rule": params.get("rule"),
        "scoring": params.get("scoring") or ("neg_mean_squared_error" if results else None),
    }
    if results is not None:
        best = best_index(model, results)
        mean = np.asarray(results["mean_score"], dtype=np.float64)
        out["validation_score"] = float(mean[best])
        gaps = results.get("gap")
        if gaps is None:  # not every family lists it (yet): training − validation score
            gaps = np.asarray(results["train_score"], dtype=np.float64) - mean
        out["cv_gap"] = float(np.asarray(gaps)[best])
        out["n_grid"] = int(np.asarray(results["l2"]).size)
    return out


def best_index(model: Any, results: dict[str, Any]) -> int:
    """The chosen grid index: ``cv_results_["best_index"]``, ``best_index_``, or the grid
    point nearest the chosen λ."""
    if "best_index" in results:
        return int(np.asarray(results["best_index"]).ravel()[0])
    if isinstance(getattr(model, "best_index_", None), (int, np.integer)):
        return int(model.best_index_)
    grid = np.asarray(results["l2"], dtype=np.float64)
    chosen = float(np.asarray(model.l2_, dtype=np.float64).ravel()[0])
    return int(np.argmin(np.abs(grid - chosen)))


def _plain(value: Any) -> Any:
    return value if isinstance(value, (int, str, float)) or value is None else repr(value)
