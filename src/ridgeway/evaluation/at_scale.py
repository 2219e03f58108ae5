"""The KPIs of a model fitted at scale: the in-memory KPIs' numbers, no design matrix in memory.

What :func:`~ridgeway.evaluation.kpis.compute_kpis` reads off the rows in memory is read here
from sums that merge over partitions, and handed to the same
:func:`~ridgeway.evaluation.kpis.assemble_kpis`:

1. one moments pass over the training rows: the features' scales, the Gram on the penalty's
   space (cond(XᵀX), its exact dependencies) and, for ridge-type models, the least-squares
   baseline (``Ridge(l2=0).fit_moments``; a RidgeCV's own spectrum gives it at λ = 0, as in
   memory);
2. a classifier's baseline (the same classifier with l2 = 1e-8·n) fitted on the training rows
   by ridgeway.scale's distributed Newton — its own passes;
3. one prediction pass over the whole data that scores the model and the baseline on the
   training and the test rows at once (:class:`~ridgeway.evaluation.score_sums.RegressionSums`
   / :class:`~ridgeway.evaluation.score_sums.ClassifierSums` per side: label-pair counts,
   Σ log-loss, the exact ROC AUC's distinct-score counts) and sums the data Hessian of a
   two-class classifier at its solution (the effective degrees of freedom).

With the "dask" engine every pass runs on the workers (one task per partition, the sums
merged in a tree of tasks) and only the merged sums reach this process.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import is_classifier

from ridgeway.evaluation.baseline import data_hessian
from ridgeway.evaluation.kpis import Design, KPIs, SplitScores, assemble_kpis
from ridgeway.evaluation.reference import INTERPOLATION, degeneracy_text, reference_of_moments
from ridgeway.evaluation.score_sums import ClassifierSums, RegressionSums
from ridgeway.scale.engine import map_reduce
from ridgeway.scale.layout import Layout
from ridgeway.scale.ridge_pass import total_moments
from ridgeway.scale.sources import Partition, load
from ridgeway.scale.split import HashSplit, held_out

__all__ = ["KPISums", "kpis_at_scale"]

Sums = RegressionSums | ClassifierSums


def _add(a: np.ndarray | None, b: np.ndarray | None) -> np.ndarray | None:
    """A sum over partitions; None (a partition without training rows, or a model without a
    Hessian) adds nothing."""
    if a is None or b is None:
        return b if a is None else a
    return a + b


@dataclass(frozen=True)
class KPISums:
    """The scores' sums of the model and of the baseline on each side of the split, and the
    model's data Hessian on the training rows (None where the model has none)."""

    train: Sums
    test: Sums
    baseline_train: Sums
    baseline_test: Sums
    hessian: np.ndarray | None

    def merge(self, other: KPISums) -> KPISums:
        return KPISums(self.train.merge(other.train), self.test.merge(other.test),
                       self.baseline_train.merge(other.baseline_train),
                       self.baseline_test.merge(other.baseline_test),
                       _add(self.hessian, other.hessian))  # fmt: skip


def _sums(model: Any, X: pd.DataFrame, y: np.ndarray, positive: Any, ranks: bool = True) -> Sums:
    if not is_classifier(model):
        if y.size == 0:
            return RegressionSums.of(y, y)
        return RegressionSums.of(y, model.predict(X))
    if y.size == 0:
        return ClassifierSums.empty(model, positive)
    return ClassifierSums.of(model, X, y, positive, ranks=ranks)


def _score_block(data: Any, layout: Layout, part: Partition, test_size: float, seed: int,
                 model: Any, baseline: Any, positive: Any) -> KPISums:  # fmt: skip
    """One partition of the whole data: its rows split by the hash of their positions, the
    model and the baseline scored on each side, the model's Hessian on the training rows."""
    block = load(data, layout, part)
    X = pd.DataFrame(block.X, columns=list(layout.feature_names))
    test = held_out(np.arange(part.offset, part.offset + block.n_rows), test_size, seed)
    train = ~test
    X_train, y_train = X.loc[train].reset_index(drop=True), block.y[train]
    X_test, y_test = X.loc[test].reset_index(drop=True), block.y[test]
    hessian = data_hessian(model, X_train, y_train) if y_train.size else None
    return KPISums(
        _sums(model, X_train, y_train, positive),
        _sums(model, X_test, y_test, positive),
        _sums(baseline, X_train, y_train, positive, ranks=False),  # only: all correct?
        _sums(baseline, X_test, y_test, positive),
        hessian,
    )


def _degenerate(baseline: Any, sums: Sums, n: int, p: int) -> str | None:
    if isinstance(sums, ClassifierSums):
        return degeneracy_text(baseline, n, p, sums.all_correct)
    return degeneracy_text(baseline, n, p, sums.interpolates(INTERPOLATION))


def kpis_at_scale(model: Any, train: HashSplit, *, positive_class: Any = None) -> KPIs:
    """The KPIs of ``model`` fitted on ``train`` (the training side of a hashed split of a
    file source): the numbers :func:`~ridgeway.evaluation.kpis.compute_kpis` gives on the
    same rows in memory, from passes over the partitions (see the module docstring)."""
    if train.side != "train":
        raise ValueError(f"train must be the training side of a HashSplit; got {train!r}")
    total = total_moments(train)
    reference = reference_of_moments(model, total, train)
    sums: KPISums = map_reduce(train.source, _score_block, KPISums.merge, train.test_size,
                               train.seed, model, reference.baseline, positive_class,
                               what="KPI predictions")  # fmt: skip
    n, p = int(total.n_positive), int(total.xx.shape[0])
    reference = replace(reference, degenerate=_degenerate(reference.baseline,
                                                          sums.baseline_train, n, p))  # fmt: skip
    scores = SplitScores(sums.train.scores(), sums.test.scores(), sums.baseline_test.scores())
    design = Design.of_moments(model, reference, total, sums.hessian)
    return assemble_kpis(model, type(model).__name__, reference, scores, design, sums.test.n,
                         positive_class=positive_class)  # fmt: skip
