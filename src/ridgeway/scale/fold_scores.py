"""Fold scores from one pass after the Newton paths: every λ and fold at once.

Where the scores cannot come with the Newton passes — one-vs-rest heads, which are scored
together (normalized sigmoids or decision values of every head, as ``Family.scores`` in
memory), and F1, which is no mean over samples but a function of weighted confusion sums —
one more pass predicts every fold model at every λ on its held-out and training rows and
sums Σ s·metric per sample, or the confusion sums (true positives, predicted and actual
weight per class) from which F1 follows as scikit-learn's ``f1_score(zero_division=0)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ridgeway.scale.classes import class_index
from ridgeway.scale.engine import map_reduce
from ridgeway.scale.layout import Layout
from ridgeway.scale.newton import Design
from ridgeway.scale.ridge_pass import fold_keys
from ridgeway.scale.sources import Partition, Source, load

__all__ = ["ScoreSums", "f1_from_counts", "score_pass"]


@dataclass
class ScoreSums:
    """Per λ and fold: Σ s·metric on the held-out and on the training rows, per fold the
    weights of both; for F1 the weighted confusion sums instead (true positives, predicted,
    actual per class: (3, L, F, C) on each side)."""

    held_score: np.ndarray
    held_weight: np.ndarray
    train_score: np.ndarray
    train_weight: np.ndarray
    held_counts: np.ndarray
    train_counts: np.ndarray

    def __add__(self, other: ScoreSums) -> ScoreSums:
        return ScoreSums(self.held_score + other.held_score,
                         self.held_weight + other.held_weight,
                         self.train_score + other.train_score,
                         self.train_weight + other.train_weight,
                         self.held_counts + other.held_counts,
                         self.train_counts + other.train_counts)  # fmt: skip


def _confusion(idx: np.ndarray, predicted: np.ndarray, w: np.ndarray, C: int) -> np.ndarray:
    """(3, L, C): Σ w over true positives, predicted and actual rows of each class."""
    out = np.empty((3, predicted.shape[1], C))
    for c in range(C):
        hit = predicted == c  # (n, L)
        actual = idx == c
        out[0, :, c] = (w * actual) @ hit
        out[1, :, c] = w @ hit
        out[2, :, c] = (w * actual).sum()
    return out


def f1_from_counts(counts: np.ndarray) -> np.ndarray:
    """F1 as scikit-learn's ``f1_score(zero_division=0)`` from confusion sums (3, …, C): of
    class 1 for two classes, else the macro average over every class."""
    tp, predicted, actual = counts
    denominator = predicted + actual
    f1 = np.divide(2.0 * tp, denominator, out=np.zeros_like(tp), where=denominator > 0)
    return f1[..., 1] if f1.shape[-1] == 2 else f1.mean(axis=-1)


def score_block(data: Any, layout: Layout, part: Partition, design: Design,
                coefs: np.ndarray) -> ScoreSums:  # fmt: skip
    """One partition's score sums for the fold models ``coefs`` (L, F, H, q): H predictors
    per fold and λ (the K outputs of one model, or one-vs-rest heads), scored together."""
    block = load(data, layout, part)
    L, F, H, q = coefs.shape
    C = design.classes.size
    counts = np.zeros((3, L, F, C))
    out = ScoreSums(np.zeros((L, F)), np.zeros(F), np.zeros((L, F)), np.zeros(F), counts,
                    counts.copy())  # fmt: skip
    n = block.n_rows
    if n == 0:
        return out
    assert design.folds is not None and design.metric is not None
    idx = class_index(design.classes, block.y, part.where)
    s = np.ones(n) if block.sample_weight is None else block.sample_weight
    s = s * design.class_weight[idx]
    ids = design.folds.assign(fold_keys(block, part, design.folds))
    flat = coefs.reshape(-1, q)
    Z = (block.X @ flat[:, :-1].T + flat[:, -1]).reshape(n, L, F, H)
    for f in range(F):
        scores = design.family.scores(Z[:, :, f, :], C)  # (n, L, C)
        held, train = s * (ids == f), s * (ids != f)
        out.held_weight[f], out.train_weight[f] = held.sum(), train.sum()
        if design.metric.pointwise is not None:
            per = design.metric.per_sample(idx, scores)  # (n, L)
            out.held_score[:, f], out.train_score[:, f] = held @ per, train @ per
        else:  # F1: confusion sums (the metric is no mean over samples)
            predicted = scores.argmax(axis=2)
            out.held_counts[:, :, f] = _confusion(idx, predicted, held, C)
            out.train_counts[:, :, f] = _confusion(idx, predicted, train, C)
    return out


def score_pass(source: Source, design: Design, coefs: np.ndarray) -> ScoreSums:
    """The fold scores of every λ and fold from one pass over the data."""
    return map_reduce(source, score_block, ScoreSums.__add__, design, coefs,
                      what="fold scores")  # fmt: skip
