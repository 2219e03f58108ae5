"""The retune loop: refit λ on recent labelled data with the CV it was chosen by, register
the result as a new version, and compare old and new on the same folds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.base import clone

from ridgeway.monitor import metrics
from ridgeway.monitor.registry import design

if TYPE_CHECKING:
    from ridgeway.monitor.monitor import Monitor

__all__ = ["RetuneResult", "retune"]


@dataclass(frozen=True)
class RetuneResult:
    """Old and new version on the recent data. ``*_validation`` are CV scores (``scoring``,
    higher is better) of each λ on the recent data with the same CV; ``*_cv_gap`` the
    training − validation score there; ``old_live_gap`` the old model's generalization gap
    (``gap_metric``) on the recent data against its own training reference."""

    name: str
    old_version: int
    new_version: int
    old_l2: float
    new_l2: float
    chosen_by: str
    scoring: str
    old_validation: float
    new_validation: float
    old_cv_gap: float
    new_cv_gap: float
    gap_metric: str
    old_live_gap: float

    def rows(self) -> list[tuple[str, str, str]]:
        def f(value: float) -> str:
            return f"{value:.4g}"

        return [
            ("version", str(self.old_version), str(self.new_version)),
            ("λ (l2)", f(self.old_l2), f(self.new_l2)),
            (
                f"validation {self.scoring} on the recent data ({self.chosen_by})",
                f(self.old_validation),
                f(self.new_validation),
            ),
            (
                "CV gap on the recent data (train − validation score)",
                f(self.old_cv_gap),
                f(self.new_cv_gap),
            ),
            (
                f"live gap ({self.gap_metric}, reference − recent; positive = worse)",
                f(self.old_live_gap),
                "— (fitted on these rows)",
            ),
        ]


def _curve_at(model: Any) -> tuple[float, float]:
    """(validation score, training − validation score) at the chosen λ."""
    summary = metrics.selection_summary(model)
    return float(summary["validation_score"]), float(summary["cv_gap"])


def retune(monitor: Monitor, name: str, X: Any, y: Any) -> RetuneResult:
    """Refit model ``name``'s λ on (X, y) — raw columns when it has preprocessing — with the
    same estimator, grid and CV; register it as a new version (reference = X, y)."""
    current = monitor.load(name)
    model = current.model
    if not hasattr(model, "cv_results_"):
        raise ValueError(
            f"model {name!r} is a {type(model).__name__} with a fixed l2; retune needs a "
            "model whose λ was chosen by cross-validation (a ...CV estimator)"
        )
    Xd = design(X, current.preprocessor)
    y = np.asarray(y)
    fresh = clone(model).fit(Xd, y)
    old_l2 = float(np.asarray(model.l2_, dtype=np.float64).ravel()[0])
    # the old λ scored by the same CV on the same recent rows: a like-for-like comparison
    at_old = clone(model).set_params(l2=[old_l2]).fit(Xd, y)
    old_validation, old_cv_gap = _curve_at(at_old)
    new_validation, new_cv_gap = _curve_at(fresh)
    recent = metrics.task_scores(model, Xd, y)[current.gap_metric]
    live_gap = metrics.gap(
        current.gap_metric, current.reference["train"][current.gap_metric], recent
    )
    version = monitor.register(
        name, fresh, X, y, preprocessor=current.preprocessor, gap_metric=current.gap_metric
    )
    selection = metrics.selection_summary(fresh)
    return RetuneResult(
        name=name,
        old_version=current.version,
        new_version=version,
        old_l2=old_l2,
        new_l2=float(np.asarray(fresh.l2_, dtype=np.float64).ravel()[0]),
        chosen_by=f"cv={selection['cv']}, rule={selection['rule']}",
        scoring=str(selection["scoring"]),
        old_validation=old_validation,
        new_validation=new_validation,
        old_cv_gap=old_cv_gap,
        new_cv_gap=new_cv_gap,
        gap_metric=current.gap_metric,
        old_live_gap=live_gap,
    )
