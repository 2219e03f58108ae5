"""KPIs of a fitted model on one set of rows, from its public API and ``sklearn.metrics``.

The generalization gap is always stated so that **positive means the batch is worse than the
reference training data**: for a higher-is-better metric (accuracy, F1, R², AUC) it is
training − batch, for an error (MSE, RMSE, MAE, log-loss) it is batch − training. (Until the
evaluation layer settles after issue 9, this module keeps its own copy of the few formulas.)
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from sklearn import metrics as skm
from sklearn.base import is_classifier

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


def regression_scores(y: np.ndarray, pred: np.ndarray) -> dict[str, float]:
    """MSE, RMSE, MAE and R² (NaN for fewer than two rows or a constant target); plain
    numpy: these run on every logged batch, where sklearn's input validation dominates."""
    residual = y - pred
    mse = float(np.mean(residual * residual))
    spread = float(np.sum((y - y.mean()) ** 2)) if y.size > 1 else 0.0
    return {
        "mse": mse,
        "rmse": math.sqrt(mse),
        "mae": float(np.mean(np.abs(residual))),
        "r2": 1.0 - mse * y.size / spread if spread > 0 else float("nan"),
    }


def classification_scores(model: Any, X: Any, y: np.ndarray) -> dict[str, float]:
    """Binary F1/precision/recall on ``classes_[1]`` (macro average for several classes),
    accuracy, ROC AUC (NaN on a one-class batch) and log-loss (NaN without probabilities)."""
    classes = np.asarray(model.classes_)
    pred = model.predict(X)
    binary = len(classes) == 2
    kw: dict[str, Any] = (
        {"average": "binary", "pos_label": classes[1]} if binary else {"average": "macro"}
    )
    proba = model.predict_proba(X) if hasattr(model, "predict_proba") else None
    out = {
        "accuracy": float(skm.accuracy_score(y, pred)),
        "f1": float(skm.f1_score(y, pred, zero_division=0, **kw)),
        "precision": float(skm.precision_score(y, pred, zero_division=0, **kw)),
        "recall": float(skm.recall_score(y, pred, zero_division=0, **kw)),
        "roc_auc": float("nan"),
        "log_loss": float("nan"),
    }
    if np.unique(y).size >= 2:
        if binary:
            score = proba[:, 1] if proba is not None else model.decision_function(X)
            out["roc_auc"] = float(skm.roc_auc_score(y, score))
        elif proba is not None and np.unique(y).size == len(classes):
            out["roc_auc"] = float(
                skm.roc_auc_score(y, proba, multi_class="ovr", average="macro", labels=classes)
            )
    if proba is not None:
        out["log_loss"] = float(skm.log_loss(y, proba, labels=classes))
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
