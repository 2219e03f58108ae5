"""Cross-validation splitters: an int, a scikit-learn splitter, or an iterable of splits."""

from __future__ import annotations

from collections.abc import Iterable
from numbers import Integral
from typing import Any

import numpy as np
from sklearn.model_selection import KFold, StratifiedKFold


def resolve_cv(cv: Any, *, classifier: bool = False) -> Any:
    """A splitter with ``split(X, y, groups)``: k-fold (stratified for classifiers) for an int.

    Like scikit-learn, an int gives unshuffled folds, so results are reproducible; pass
    ``KFold(k, shuffle=True, random_state=…)`` for shuffled folds.
    """
    if isinstance(cv, bool):
        raise TypeError(f"cv must be an int >= 2, a splitter or an iterable of splits; got {cv!r}")
    if isinstance(cv, Integral):
        if cv < 2:
            raise ValueError(f"cv must be >= 2 folds; got {cv}")
        return StratifiedKFold(int(cv)) if classifier else KFold(int(cv))
    if hasattr(cv, "split"):
        return cv
    if isinstance(cv, Iterable) and not isinstance(cv, str):
        return _FixedSplits(list(cv))
    raise TypeError(f"cv must be an int >= 2, a splitter or an iterable of splits; got {cv!r}")


class _FixedSplits:
    def __init__(self, splits: list) -> None:
        self.splits = [(np.asarray(a), np.asarray(b)) for a, b in splits]

    def split(self, X: Any = None, y: Any = None, groups: Any = None):
        yield from self.splits

    def get_n_splits(self, *args: Any, **kwargs: Any) -> int:
        return len(self.splits)


def fold_indices(splitter: Any, X: Any, y: Any, groups: Any = None) -> list:
    """Materialize (train, test) index pairs; every test fold must be non-empty."""
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
    return folds
