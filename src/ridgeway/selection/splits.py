"""Cross-validation splitters: an int, a scikit-learn splitter, or an iterable of splits."""

from __future__ import annotations

from collections.abc import Iterable
from numbers import Integral
from typing import Any

import numpy as np
from sklearn.model_selection import KFold, StratifiedKFold

_EXPECTED = "an int >= 2, a splitter (with split and get_n_splits) or an iterable of splits"


def resolve_cv(cv: Any, *, classifier: bool = False) -> Any:
    """A splitter with ``split(X, y, groups)``: k-fold (stratified for classifiers) for an int.

    Like scikit-learn, an int gives unshuffled folds, so results are reproducible; pass
    ``KFold(k, shuffle=True, random_state=…)`` for shuffled folds. A splitter must have both
    ``split`` and ``get_n_splits`` (scikit-learn's protocol): ``str.split`` alone is not one.
    """
    if isinstance(cv, (bool, str, bytes)):
        raise TypeError(f"cv must be {_EXPECTED}; got {cv!r}")
    if isinstance(cv, Integral):
        if cv < 2:
            raise ValueError(f"cv must be >= 2 folds; got {cv}")
        return StratifiedKFold(int(cv)) if classifier else KFold(int(cv))
    if callable(getattr(cv, "split", None)) and callable(getattr(cv, "get_n_splits", None)):
        return cv
    if isinstance(cv, Iterable) and not hasattr(cv, "split"):
        return _FixedSplits(list(cv))
    raise TypeError(f"cv must be {_EXPECTED}; got {cv!r}")


class _FixedSplits:
    def __init__(self, splits: list) -> None:
        self.splits = [(np.asarray(a), np.asarray(b)) for a, b in splits]

    def split(self, X: Any = None, y: Any = None, groups: Any = None):
        yield from self.splits

    def get_n_splits(self, *args: Any, **kwargs: Any) -> int:
        return len(self.splits)


def fold_indices(
    splitter: Any, X: Any, y: Any, groups: Any = None, sample_weight: np.ndarray | None = None
) -> list:
    """Materialize (train, test) index pairs; every test fold must be non-empty and, with
    ``sample_weight``, every training and test fold must carry positive weight (a fold
    without it has no fit, or a 0/0 score)."""
    folds = []
    for train, test in splitter.split(X, y, groups):
        train, test = np.asarray(train), np.asarray(test)
        if train.dtype == bool:
            train = np.flatnonzero(train)
        if test.dtype == bool:
            test = np.flatnonzero(test)
        if test.size == 0 or train.size == 0:
            raise ValueError("cv produced an empty training or test fold")
        folds.append((train, test))
    if not folds:
        raise ValueError("cv produced no folds")
    if sample_weight is not None:
        check_fold_weights(folds, sample_weight)
    return folds


def check_fold_weights(folds: list, sample_weight: np.ndarray) -> None:
    """Refuse folds whose training or test rows all have zero ``sample_weight``."""
    positive = int(np.count_nonzero(sample_weight > 0))
    for k, (train, test) in enumerate(folds):
        for part, rows in (("training", train), ("test", test)):
            if not np.any(sample_weight[rows] > 0):
                raise ValueError(
                    f"sample_weight is zero on all {part} rows of fold {k} "
                    f"({positive} of {len(sample_weight)} weights are positive); "
                    "cross-validation needs positive weight in every training and test fold"
                )


def check_loo_weights(sample_weight: np.ndarray | None) -> None:
    """Leave-one-out needs two rows of positive ``sample_weight``: leaving out the only one
    leaves no data to fit."""
    if sample_weight is None:
        return
    positive = int(np.count_nonzero(sample_weight > 0))
    if positive < 2:
        raise ValueError(
            f"sample_weight must be positive on at least 2 rows for leave-one-out (cv='alo'); "
            f"got {positive} of {len(sample_weight)}"
        )
