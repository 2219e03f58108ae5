"""Classification metrics over a λ grid, on per-class scores (scikit-learn sign: higher is better).

Scores come as an (n, L, k) array — L grid values, k classes — of probabilities (logistic)
or decision values (SVM); labels are class indices 0..k−1. The predicted class is the
argmax over k. Metrics that are means of per-sample values (log-loss, accuracy) also give
per-sample scores, from which leave-one-out standard errors are computed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sklearn.metrics import f1_score, roc_auc_score

__all__ = ["CLASSIFICATION_METRICS", "ClassificationMetric", "get_classification_metric"]


def proba_clip(dtype: np.dtype) -> float:
    """scikit-learn 1.9's log_loss clips probabilities to [eps, 1 − eps], eps the machine
    epsilon of their dtype (it was 1e-15 before 1.5); matching it keeps fold scores equal."""
    return float(np.finfo(dtype if np.issubdtype(dtype, np.floating) else np.float64).eps)


@dataclass(frozen=True)
class ClassificationMetric:
    """A score to maximize; ``needs_proba`` says whether decision values will not do."""

    name: str
    needs_proba: bool
    pointwise: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None
    aggregate: Callable[[np.ndarray, np.ndarray, np.ndarray | None], float] | None = None

    def per_sample(self, labels: np.ndarray, scores: np.ndarray) -> np.ndarray:
        """(n, L) per-sample scores."""
        if self.pointwise is None:
            raise ValueError(f"scoring {self.name!r} is not a mean of per-sample scores")
        return self.pointwise(labels, scores)

    def score(
        self, labels: np.ndarray, scores: np.ndarray, sample_weight: np.ndarray | None = None
    ) -> np.ndarray:
        """(L,) scores for (n, L, k) per-class scores."""
        if self.pointwise is not None:
            values = self.pointwise(labels, scores)
            if sample_weight is None:
                return values.mean(axis=0)
            return sample_weight @ values / sample_weight.sum()
        aggregate = self.aggregate
        if aggregate is None:
            raise ValueError(f"scoring {self.name!r} has neither per-sample nor aggregate form")
        return np.array(
            [aggregate(labels, scores[:, j, :], sample_weight) for j in range(scores.shape[1])]
        )


def _neg_log_loss(labels: np.ndarray, proba: np.ndarray) -> np.ndarray:
    picked = np.take_along_axis(proba, labels[:, None, None], axis=2)[:, :, 0]
    eps = proba_clip(picked.dtype)
    return np.log(np.clip(picked, eps, 1.0 - eps))


def _accuracy(labels: np.ndarray, scores: np.ndarray) -> np.ndarray:
    return (scores.argmax(axis=2) == labels[:, None]).astype(np.float64)


def _f1(labels: np.ndarray, scores: np.ndarray, w: np.ndarray | None) -> float:
    k = scores.shape[1]
    predicted = scores.argmax(axis=1)
    if k == 2:
        return float(f1_score(labels, predicted, sample_weight=w, zero_division=0.0))
    return float(
        f1_score(
            labels,
            predicted,
            labels=np.arange(k),
            average="macro",
            sample_weight=w,
            zero_division=0.0,
        )
    )


def _roc_auc(labels: np.ndarray, scores: np.ndarray, w: np.ndarray | None) -> float:
    k = scores.shape[1]
    present = np.unique(labels)
    if present.size < 2:
        return np.nan  # AUC is undefined on a fold with one class
    if k == 2:
        return float(roc_auc_score(labels, scores[:, 1] - scores[:, 0], sample_weight=w))
    # one-vs-rest macro AUC over the classes present in this fold
    aucs = [roc_auc_score(labels == c, scores[:, c], sample_weight=w) for c in present if c < k]
    return float(np.mean(aucs))


CLASSIFICATION_METRICS = {
    "neg_log_loss": ClassificationMetric("neg_log_loss", True, pointwise=_neg_log_loss),
    "accuracy": ClassificationMetric("accuracy", False, pointwise=_accuracy),
    "f1": ClassificationMetric("f1", False, aggregate=_f1),
    "roc_auc": ClassificationMetric("roc_auc", False, aggregate=_roc_auc),
}


def get_classification_metric(scoring: str | None, default: str) -> ClassificationMetric:
    """A metric by name; None gives ``default``."""
    name = default if scoring is None else scoring
    if isinstance(name, ClassificationMetric):
        return name
    if not isinstance(name, str) or name not in CLASSIFICATION_METRICS:
        raise ValueError(
            f"scoring must be None or one of {sorted(CLASSIFICATION_METRICS)}; got {scoring!r}"
        )
    return CLASSIFICATION_METRICS[name]
