"""Validation metrics, vectorized over a grid of λ (scikit-learn sign: higher is better).

Predictions come as ``(n, L)`` or ``(n, L, k)`` arrays (L grid values, k targets) against
targets ``(n,)`` or ``(n, k)``; a metric returns one score per grid value (targets averaged).
Metrics that are means of per-sample values (squared/absolute error, accuracy) also give
per-sample scores, from which leave-one-out standard errors are computed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


def _weighted_mean(values: np.ndarray, w: np.ndarray | None) -> np.ndarray:
    """Mean over axis 0 of (n, ...) values, with optional weights."""
    if w is None:
        return values.mean(axis=0)
    return np.tensordot(w, values, axes=(0, 0)) / w.sum()


def _broadcast(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    """y_true reshaped to broadcast against (n, L[, k]) predictions."""
    if y_pred.ndim == 3:
        return y_true.reshape(y_true.shape[0], 1, -1)
    return y_true.reshape(-1, 1)


@dataclass(frozen=True)
class Metric:
    """A score to maximize. ``pointwise`` is set when the score is a mean over samples."""

    name: str
    pointwise: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None
    #: (y, pred, sample_weight, per_target=False) -> scores, for metrics that are not means
    aggregate: Callable[..., np.ndarray] | None = None

    def per_sample(self, y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
        """(n, L) per-sample scores, averaged over targets."""
        if self.pointwise is None:
            raise ValueError(f"scoring {self.name!r} is not a mean of per-sample scores")
        values = self.pointwise(_broadcast(y_true, y_pred), y_pred)
        return values.mean(axis=2) if values.ndim == 3 else values

    def score(
        self, y_true: np.ndarray, y_pred: np.ndarray, sample_weight: np.ndarray | None = None
    ) -> np.ndarray:
        """(L,) scores, or (L, k) with ``y_pred`` (n, L, k) when ``per_target`` is wanted."""
        if self.aggregate is not None:
            return self.aggregate(_broadcast(y_true, y_pred), y_pred, sample_weight)
        return _weighted_mean(self.per_sample(y_true, y_pred), sample_weight)

    def score_per_target(
        self, y_true: np.ndarray, y_pred: np.ndarray, sample_weight: np.ndarray | None = None
    ) -> np.ndarray:
        """(L, k) scores for (n, L, k) predictions."""
        yt = _broadcast(y_true, y_pred)
        if self.aggregate is not None:
            return self.aggregate(yt, y_pred, sample_weight, per_target=True)
        assert self.pointwise is not None  # a metric has one or the other
        return _weighted_mean(self.pointwise(yt, y_pred), sample_weight)


def _r2(yt: np.ndarray, yp: np.ndarray, w: np.ndarray | None, per_target: bool = False):
    resid = _weighted_mean((yt - yp) ** 2, w)
    centre = _weighted_mean(yt, w)
    total = _weighted_mean((yt - centre) ** 2, w)
    total = np.where(total > 0, total, np.nan)
    r2 = 1.0 - resid / total
    if r2.ndim == 2 and not per_target:
        return np.nanmean(r2, axis=1) if np.any(np.isfinite(r2)) else r2.mean(axis=1)
    return r2


def _rmse(yt: np.ndarray, yp: np.ndarray, w: np.ndarray | None, per_target: bool = False):
    rmse = np.sqrt(_weighted_mean((yt - yp) ** 2, w))
    if rmse.ndim == 2 and not per_target:
        rmse = rmse.mean(axis=1)
    return -rmse


REGRESSION_METRICS = {
    "neg_mean_squared_error": Metric("neg_mean_squared_error", lambda t, p: -((t - p) ** 2)),
    "neg_mean_absolute_error": Metric("neg_mean_absolute_error", lambda t, p: -np.abs(t - p)),
    "neg_root_mean_squared_error": Metric("neg_root_mean_squared_error", aggregate=_rmse),
    "r2": Metric("r2", aggregate=_r2),
}


def get_metric(scoring: str | None, table: dict[str, Metric] | None = None) -> Metric:
    """Look a metric up by name; None is the table's first entry (the default)."""
    table = REGRESSION_METRICS if table is None else table
    if scoring is None:
        return next(iter(table.values()))
    if isinstance(scoring, Metric):
        return scoring
    if not isinstance(scoring, str) or scoring not in table:
        raise ValueError(f"scoring must be None or one of {sorted(table)}; got {scoring!r}")
    return table[scoring]


def predicted_class(scores: np.ndarray) -> np.ndarray:
    """Class index from ±1-coded decision values on the last axis (1 column: sign)."""
    if scores.shape[-1] == 1:
        return (scores[..., 0] > 0).astype(np.int64)
    return np.argmax(scores, axis=-1)


def _accuracy(y: np.ndarray, pred: np.ndarray) -> np.ndarray:
    correct = predicted_class(y) == predicted_class(pred)
    return correct[..., None].astype(np.float64)


#: metrics of a ridge classifier on its ±1-coded class columns
SIGN_CODE_METRICS = {
    "accuracy": Metric("accuracy", _accuracy),
    "neg_mean_squared_error": REGRESSION_METRICS["neg_mean_squared_error"],
}
