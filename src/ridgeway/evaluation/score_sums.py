"""The KPIs' scores as mergeable sums: what a pass over partitions accumulates, merges, reads.

One implementation for in memory and at scale: ``regression_scores(y, pred)`` is
``RegressionSums.of(y, pred).scores()`` and ``classification_scores`` is
``ClassifierSums.of(model, X, y).scores()``; a streamed or Dask pass builds the same sums per
partition and merges them (``a.merge(b)``), so the numbers are the in-memory ones up to the
order of summation.

- regression: rows, Σr², Σ|r| and the target's mean and centred sum of squares (Chan's
  update, so a billion rows lose no digits);
- classification: the (true, predicted) label counts, Σ log-loss per row (scikit-learn's
  ``log_loss`` of each block, unnormalized), and for ROC AUC the exact sorted merge of the
  distinct scores with their positive and negative row counts. The metrics are scikit-learn's,
  evaluated on those counts as sample weights (a weighted pseudo-row per (true, predicted)
  pair, per distinct score), which is exactly their value on the rows themselves. The AUC's
  memory is O(distinct scores): exact, at 24 bytes per distinct score at the final merge.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn import metrics

__all__ = ["ClassifierSums", "RegressionSums", "ScoreCounts", "positive_label"]


@dataclass(frozen=True)
class RegressionSums:
    """Rows n, Σr², Σ|r| and the target's mean and Σ(y − ȳ)² (all targets flattened)."""

    n: int
    sse: float
    sae: float
    y_mean: float
    y_m2: float

    @classmethod
    def of(cls, y: Any, pred: Any) -> RegressionSums:
        y = np.asarray(y, dtype=np.float64).ravel()
        residual = y - np.asarray(pred, dtype=np.float64).ravel()
        if y.size == 0:
            return cls(0, 0.0, 0.0, 0.0, 0.0)
        mean = float(y.mean())
        return cls(int(y.size), float(np.sum(residual * residual)),
                   float(np.sum(np.abs(residual))), mean,
                   float(np.sum((y - mean) ** 2)))  # fmt: skip

    def merge(self, other: RegressionSums) -> RegressionSums:
        if other.n == 0:
            return self
        if self.n == 0:
            return other
        n = self.n + other.n
        delta = other.y_mean - self.y_mean
        return RegressionSums(
            n, self.sse + other.sse, self.sae + other.sae,
            self.y_mean + delta * other.n / n,
            self.y_m2 + other.y_m2 + delta * delta * self.n * other.n / n,
        )  # fmt: skip

    def interpolates(self, share: float) -> bool:
        """Residuals below ``share`` of the target's spread (and a target that varies)."""
        return self.y_m2 > 0 and self.sse <= share * self.y_m2

    def scores(self) -> dict[str, float]:
        """MSE, RMSE, MAE and R² as scikit-learn's metrics define them (R² of a constant
        target: 1 for an exact fit, else 0; NaN for fewer than two rows)."""
        if self.n == 0:
            nan = float("nan")
            return {"mse": nan, "rmse": nan, "mae": nan, "r2": nan}
        mse = self.sse / self.n
        if self.n < 2:
            r2 = float("nan")
        elif self.y_m2 > 0:
            r2 = 1.0 - mse * self.n / self.y_m2
        else:
            r2 = 1.0 if mse == 0 else 0.0
        return {"mse": mse, "rmse": math.sqrt(mse), "mae": self.sae / self.n, "r2": r2}


@dataclass(frozen=True)
class ScoreCounts:
    """Distinct scores (ascending) with the positive and negative rows at each: exact ROC AUC."""

    score: np.ndarray
    positive: np.ndarray
    negative: np.ndarray

    @classmethod
    def of(cls, score: Any, is_positive: Any, count: Any = None) -> ScoreCounts:
        score = np.asarray(score, dtype=np.float64).ravel()
        is_positive = np.asarray(is_positive, dtype=bool).ravel()
        count = np.ones(score.size) if count is None else np.asarray(count, dtype=np.float64)
        values, where = np.unique(score, return_inverse=True)
        positive = np.bincount(where, weights=count * is_positive, minlength=values.size)
        negative = np.bincount(where, weights=count * ~is_positive, minlength=values.size)
        return cls(values, positive, negative)

    def merge(self, other: ScoreCounts) -> ScoreCounts:
        score = np.concatenate([self.score, other.score])
        values, where = np.unique(score, return_inverse=True)
        positive = np.bincount(where, np.concatenate([self.positive, other.positive]),
                               minlength=values.size)  # fmt: skip
        negative = np.bincount(where, np.concatenate([self.negative, other.negative]),
                               minlength=values.size)  # fmt: skip
        return ScoreCounts(values, positive, negative)

    def auc(self) -> float:
        """scikit-learn's ROC AUC on these rows (ties counted as in its trapezoids)."""
        labels = np.r_[np.ones(self.score.size), np.zeros(self.score.size)]
        return float(
            metrics.roc_auc_score(
                labels,
                np.r_[self.score, self.score],
                sample_weight=np.r_[self.positive, self.negative],
            )
        )


def positive_label(classes: Any, positive_class: Any = None) -> Any:
    """The class F1/precision/recall count as positive: ``positive_class`` matched against
    ``classes`` (by value, or by its text: a command line passes "1" for the class 1),
    else ``classes[1]`` (scikit-learn's convention)."""
    classes = list(classes)
    if positive_class is None:
        return classes[1]
    for c in classes:
        if c == positive_class or str(c) == str(positive_class):
            return c
    raise ValueError(
        f"positive_class must be one of the classes {[str(c) for c in classes]}; "
        f"got {positive_class!r}"
    )


def _pairs(y: np.ndarray, pred: np.ndarray) -> dict[tuple[Any, Any], float]:
    true_values, true_at = np.unique(y, return_inverse=True)
    pred_values, pred_at = np.unique(pred, return_inverse=True)
    codes, counts = np.unique(true_at * pred_values.size + pred_at, return_counts=True)
    t, p = true_values.tolist(), pred_values.tolist()
    return {(t[c // len(p)], p[c % len(p)]): float(k) for c, k in zip(codes, counts)}


@dataclass(frozen=True)
class ClassifierSums:
    """Label-pair counts, Σ log-loss (NaN without probabilities) and the AUC's score counts
    (binary: the positive class's score; several classes: one per class, one-vs-rest)."""

    classes: tuple
    positive: Any
    pairs: dict[tuple[Any, Any], float]
    log_loss: float
    ranks: tuple[ScoreCounts, ...] | None
    n: int
    has_proba: bool = field(default=True)

    @classmethod
    def empty(cls, model: Any, positive_class: Any = None) -> ClassifierSums:
        """The sums of no rows (a partition with none on one side of a split)."""
        classes = tuple(model.classes_)
        binary = len(classes) == 2
        positive = positive_label(classes, positive_class) if binary else None
        proba = hasattr(model, "predict_proba")
        nothing = ScoreCounts.of(np.zeros(0), np.zeros(0, dtype=bool))
        ranks = (nothing,) if binary else (tuple(nothing for _ in classes) if proba else None)
        return cls(classes, positive, {}, 0.0 if proba else float("nan"), ranks, 0, proba)

    @classmethod
    def of(
        cls, model: Any, X: Any, y: Any, positive_class: Any = None, *, ranks: bool = True
    ) -> ClassifierSums:
        """The sums of the rows (X, y) scored by ``model``; ``ranks=False``: without the AUC's
        score counts (then ``scores`` has no ROC AUC), for counts alone."""
        classes = tuple(model.classes_)
        binary = len(classes) == 2
        positive = positive_label(classes, positive_class) if binary else None
        y = np.asarray(y)
        pred = np.asarray(model.predict(X))
        proba = np.asarray(model.predict_proba(X)) if hasattr(model, "predict_proba") else None
        counts: tuple[ScoreCounts, ...] | None = None
        if ranks and binary:
            column = classes.index(positive)
            if proba is not None:
                score = proba[:, column]
            else:  # decision > 0 means classes_[1]
                decision = np.asarray(model.decision_function(X))
                score = decision if column == 1 else -decision
            counts = (ScoreCounts.of(score, y == positive),)
        elif ranks and proba is not None:
            counts = tuple(ScoreCounts.of(proba[:, k], y == c) for k, c in enumerate(classes))
        log_loss = float("nan") if proba is None else 0.0
        if proba is not None and y.size:
            log_loss = float(metrics.log_loss(y, proba, labels=list(classes), normalize=False))
        return cls(classes, positive, _pairs(y, pred), log_loss, counts, int(y.size),
                   proba is not None)  # fmt: skip

    def merge(self, other: ClassifierSums) -> ClassifierSums:
        pairs = dict(self.pairs)
        for key, count in other.pairs.items():
            pairs[key] = pairs.get(key, 0.0) + count
        ranks = None
        if self.ranks is not None and other.ranks is not None:
            ranks = tuple(a.merge(b) for a, b in zip(self.ranks, other.ranks))
        log_loss = self.log_loss + other.log_loss
        return ClassifierSums(self.classes, self.positive, pairs, log_loss, ranks,
                              self.n + other.n, self.has_proba)  # fmt: skip

    @property
    def all_correct(self) -> bool:
        """Every row classified correctly."""
        return all(t == p for (t, p), count in self.pairs.items() if count > 0)

    def scores(self) -> dict[str, float]:
        """Accuracy, F1/precision/recall (binary of the positive class; macro otherwise), ROC
        AUC (binary, or one-vs-rest macro with probabilities and every class present; NaN on
        a one-class sample) and log-loss (NaN without probabilities)."""
        keys = list(self.pairs)
        y_true = np.array([t for t, _ in keys])
        y_pred = np.array([p for _, p in keys])
        w = np.array([self.pairs[k] for k in keys], dtype=np.float64)
        binary = len(self.classes) == 2
        kw = {"average": "binary", "pos_label": self.positive} if binary else {"average": "macro"}
        out = {
            "accuracy": float(metrics.accuracy_score(y_true, y_pred, sample_weight=w)),
            "f1": float(metrics.f1_score(y_true, y_pred, zero_division=0, sample_weight=w, **kw)),
            "precision": float(
                metrics.precision_score(y_true, y_pred, zero_division=0, sample_weight=w, **kw)
            ),
            "recall": float(
                metrics.recall_score(y_true, y_pred, zero_division=0, sample_weight=w, **kw)
            ),
        }
        present = {t for t, _ in keys}
        if len(present) < 2 or self.ranks is None:
            out["roc_auc"] = float("nan")  # undefined on a one-class sample
        elif binary:
            out["roc_auc"] = self.ranks[0].auc()
        elif len(present) == len(self.classes) and present == set(self.classes):
            out["roc_auc"] = float(np.mean([r.auc() for r in self.ranks]))
        else:
            out["roc_auc"] = float("nan")
        out["log_loss"] = self.log_loss / self.n if self.has_proba else float("nan")
        return out
