"""The first pass of a classifier at scale: its classes, their weights and the feature scales.

One pass gives, per class label: the row count, the weight Σ s, the weight in each hash fold,
and per feature the weighted mean and centred second moment (Chan's update over partitions,
diagonal only: O(classes·p) numbers) and the range over rows of positive weight. From them the
driver forms, exactly as the in-memory fit does from X: the class weights (scikit-learn's
``compute_class_weight`` on the per-class weights), every training fold's weight with the
class weights applied (its λ·n_train/n), the weighted feature means and standard deviations
(``standardize``, the default λ grid) and the columns constant to rounding (their coefficient
is exactly 0 with an intercept, as ``statistics.prepare_design`` makes it in memory).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ridgeway.scale.engine import map_reduce
from ridgeway.scale.folds import HashFolds
from ridgeway.scale.layout import Layout
from ridgeway.scale.ridge_pass import check_key, fold_keys
from ridgeway.scale.sources import Partition, Source, load
from ridgeway.statistics import CONSTANT_ULPS, check_scale

__all__ = ["ClassStats", "FeatureScales", "class_index", "class_stats", "feature_scales"]

#: distinct target values a partition may hold before the target is refused as no class label
MAX_LABELS = 1000


@dataclass
class ClassStats:
    """Per class c (sorted labels): rows, Σ s, Σ s per fold (C, F), and per feature the
    weighted mean, centred Σ s (x − mean)² and the range over rows with s > 0 (C, p)."""

    labels: np.ndarray
    count: np.ndarray
    weight: np.ndarray
    fold_weight: np.ndarray
    mean: np.ndarray
    m2: np.ndarray
    low: np.ndarray
    high: np.ndarray

    @classmethod
    def empty(cls, p: int, n_folds: int) -> ClassStats:
        zeros = np.zeros
        return cls(zeros(0), zeros(0, dtype=np.int64), zeros(0), zeros((0, n_folds)),
                   zeros((0, p)), zeros((0, p)), zeros((0, p)), zeros((0, p)))  # fmt: skip

    def _placed(self, labels: np.ndarray) -> ClassStats:
        """The same statistics on a superset of labels (empty classes where absent)."""
        at = np.searchsorted(labels, self.labels)
        C, p, F = labels.size, self.mean.shape[1], self.fold_weight.shape[1]
        out = ClassStats(labels, np.zeros(C, dtype=np.int64), np.zeros(C), np.zeros((C, F)),
                         np.zeros((C, p)), np.zeros((C, p)), np.full((C, p), np.inf),
                         np.full((C, p), -np.inf))  # fmt: skip
        for name in ("count", "weight", "fold_weight", "mean", "m2", "low", "high"):
            getattr(out, name)[at] = getattr(self, name)
        return out

    def __add__(self, other: ClassStats) -> ClassStats:
        labels = np.union1d(self.labels, other.labels)
        a, b = self._placed(labels), other._placed(labels)
        W, mean, m2 = chan(a.weight, a.mean, a.m2, b.weight, b.mean, b.m2)
        return ClassStats(labels, a.count + b.count, W, a.fold_weight + b.fold_weight, mean,
                          m2, np.minimum(a.low, b.low), np.maximum(a.high, b.high))  # fmt: skip


def chan(w1, mean1, m2_1, w2, mean2, m2_2):
    """Chan's pairwise update of (weight, mean, centred second moment), row-wise."""
    w = w1 + w2
    share = np.divide(w2, w, out=np.zeros_like(w), where=w > 0)[:, None]
    d = mean2 - mean1
    mean = mean1 + d * share
    m2 = m2_1 + m2_2 + d * d * (w1[:, None] * share)
    return w, mean, m2


def _class_block(data: Any, layout: Layout, part: Partition, folds: HashFolds | None,
                 target: str) -> ClassStats:  # fmt: skip
    block = load(data, layout, part)
    n_folds = 1 if folds is None else folds.n_splits
    out = ClassStats.empty(block.X.shape[1], n_folds)
    if block.n_rows == 0:
        return out
    y = block.y
    if y.ndim != 1:
        raise ValueError(f"a classifier takes one target column; got {y.shape[1]}")
    if np.any(y != np.round(y)):
        bad = y[y != np.round(y)][:3].tolist()
        raise ValueError(
            f"the target {target!r} of a classifier must hold class labels (integers); got "
            f"{bad} in {part.where}"
        )
    labels, inverse = np.unique(y, return_inverse=True)
    if labels.size > MAX_LABELS:
        raise ValueError(
            f"the target {target!r} has more than {MAX_LABELS} distinct values in "
            f"{part.where}: no class labels for a classifier"
        )
    s = np.ones(block.n_rows) if block.sample_weight is None else block.sample_weight
    ids = np.zeros(block.n_rows, dtype=np.int64)
    if folds is not None:
        ids = folds.assign(fold_keys(block, part, folds))
    C, p = labels.size, block.X.shape[1]
    out = ClassStats(labels, np.bincount(inverse, minlength=C), np.zeros(C),
                     np.zeros((C, n_folds)), np.zeros((C, p)), np.zeros((C, p)),
                     np.full((C, p), np.inf), np.full((C, p), -np.inf))  # fmt: skip
    for c in range(C):
        rows = inverse == c
        X, w = block.X[rows], s[rows]
        out.weight[c] = total = w.sum()
        out.fold_weight[c] = np.bincount(ids[rows], weights=w, minlength=n_folds)
        if total > 0:
            out.mean[c] = w @ X / total
            centred = X - out.mean[c]
            out.m2[c] = w @ (centred * centred)
            positive = X[w > 0]
            out.low[c], out.high[c] = positive.min(axis=0), positive.max(axis=0)
    return out


def class_stats(source: Source, folds: HashFolds | None) -> ClassStats:
    """The classes, their (fold) weights and the per-class feature moments: one pass."""
    check_key(source, folds)
    target = source.layout.target
    if not isinstance(target, str):
        raise ValueError(f"a classifier takes one target column; got {target!r}")
    stats = map_reduce(source, _class_block, ClassStats.__add__, folds, target,
                       what="classes and feature scales")  # fmt: skip
    return stats


@dataclass(frozen=True)
class FeatureScales:
    """What the classes' statistics give under the class weights: the total weight, each
    feature's weighted mean and standard deviation, and the columns constant to rounding."""

    weight: float
    mean: np.ndarray
    sd: np.ndarray
    constant: np.ndarray


def feature_scales(stats: ClassStats, class_weight: np.ndarray) -> FeatureScales:
    """Means, standard deviations and constant columns of the rows weighted s·class_weight."""
    p = stats.mean.shape[1]
    W, mean, m2 = np.zeros(1), np.zeros((1, p)), np.zeros((1, p))
    low, high = np.full(p, np.inf), np.full(p, -np.inf)
    for c, factor in enumerate(class_weight):
        if factor <= 0 or stats.weight[c] <= 0:
            continue
        W, mean, m2 = chan(W, mean, m2, np.array([factor * stats.weight[c]]),
                           stats.mean[c][None], factor * stats.m2[c][None])  # fmt: skip
        low, high = np.minimum(low, stats.low[c]), np.maximum(high, stats.high[c])
    total = float(W[0])
    size = np.maximum(np.abs(low), np.abs(high))
    size = np.where(np.isfinite(size), size, 0.0)
    check_scale(size, total)
    constant = (high - low) <= CONSTANT_ULPS * float(np.finfo(np.float64).eps) * size
    var = m2[0] / total if total > 0 else np.zeros(p)
    return FeatureScales(total, mean[0], np.sqrt(np.maximum(var, 0.0)), constant)


def class_index(classes: np.ndarray, y: np.ndarray, where: str) -> np.ndarray:
    """Each row's class index in the sorted labels of the first pass."""
    idx = np.minimum(np.searchsorted(classes, y), classes.size - 1)
    if not np.array_equal(classes[idx], y):
        bad = y[classes[idx] != y][:3].tolist()
        raise ValueError(f"labels {bad} in {where} were not there in the first pass")
    return idx
