"""The metrics of one batch scored by a registered version: task metrics, the generalization
gap, the prediction-error change against the reference, and input drift per feature."""

from __future__ import annotations

from typing import Any

import numpy as np

from ridgeway.monitor import drift, metrics
from ridgeway.monitor.registry import Version, design, feature_names, prediction_mean

__all__ = ["Row", "batch_metrics"]

#: (metric, feature or None, value or None)
Row = tuple[str, "str | None", "float | None"]


def batch_metrics(version: Version, X: Any, y: Any = None) -> tuple[list[Row], int]:
    """Rows to store for a batch, and its number of rows. Without ``y``: drift and the mean
    prediction only."""
    X = design(X, version.preprocessor)
    n = int(np.shape(X)[0])
    if n == 0:
        raise ValueError("X must have at least one row; got an empty batch")
    model = version.model
    names = feature_names(model, X)
    expected = version.reference["features"]
    if names != expected:
        raise ValueError(
            f"X must have the registered features {expected[:5]}...; got {names[:5]}..."
        )
    rows: list[Row] = [
        ("n_rows", None, float(n)),
        ("prediction_mean", None, prediction_mean(model, X)),
    ]
    if y is not None:
        if len(y) != n:
            raise ValueError(f"y must have one label per row of X ({n}); got {len(y)}")
        rows += _labelled(version, metrics.task_scores(model, X, y))
    rows += _drift(np.asarray(X, dtype=np.float64), names, version.feature_stats)
    return rows, n


def _labelled(version: Version, scores: dict[str, float]) -> list[Row]:
    train = version.reference["train"]
    rows: list[Row] = [(name, None, value) for name, value in scores.items()]
    reference = train.get(version.gap_metric)
    if reference is not None:
        rows.append(
            ("gap", None, metrics.gap(version.gap_metric, reference, scores[version.gap_metric]))
        )
    error = version.reference["error_metric"]
    ref_error = train.get(error)
    if ref_error:
        rows.append(("error_change_pct", None, 100.0 * (scores[error] - ref_error) / ref_error))
    return rows


def _drift(X: np.ndarray, names: list[str], stats: dict) -> list[Row]:
    per_feature = drift.drift(X, names, stats)
    rows: list[Row] = []
    for name, values in per_feature.items():
        rows += [("mean_shift", name, values["mean_shift"]), ("psi", name, values["psi"])]
    if per_feature:
        rows.append(("psi_max", None, max(v["psi"] for v in per_feature.values())))
        rows.append(
            ("mean_shift_max", None, max(abs(v["mean_shift"]) for v in per_feature.values()))
        )
    return rows
