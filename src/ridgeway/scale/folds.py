"""Fold membership from a hash of a row key, so that it never depends on partitioning.

A row's fold is ``splitmix64(key ⊕ seed) mod k``. The key is a named id column (integers are
hashed as themselves, anything else through pandas' stable ``hash_array``) or, with
``key=None``, the row's global position (its partition's offset, from the partition
lengths, plus its place inside the partition). The same data cut into 3 or 300 partitions,
read from files or held in memory, gives every row the same fold.
"""

from __future__ import annotations

from numbers import Integral
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["HashFolds", "fold_ids"]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def _splitmix64(z: np.ndarray) -> np.ndarray:
    """Vigna's splitmix64 finalizer: a bijection on uint64 that mixes every bit."""
    with np.errstate(over="ignore"):
        z = z + _GOLDEN
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def _key_bits(values: Any) -> np.ndarray:
    """uint64 per key: integers (and positions) as they are, other values hashed stably."""
    array = np.asarray(values)
    if array.dtype.kind in "iu" or array.dtype == bool:
        return array.astype(np.int64).astype(np.uint64)
    if array.dtype.kind == "f":
        if np.any(~np.isfinite(array)):
            raise ValueError("a fold key must be finite; got NaN or inf in the key column")
        return pd.util.hash_array(array.astype(np.float64))
    return pd.util.hash_array(array.astype(object))


def fold_ids(values: Any, n_splits: int, seed: int = 0) -> np.ndarray:
    """The fold (0 … n_splits − 1) of each key value (or global row position)."""
    with np.errstate(over="ignore"):
        mixed = _key_bits(values) ^ _splitmix64(np.asarray([seed], dtype=np.uint64))
    return (_splitmix64(mixed) % np.uint64(n_splits)).astype(np.int64)


class HashFolds:
    """k folds from a hash of each row's key: a scikit-learn splitter and a scale fold rule.

    Parameters
    ----------
    n_splits : int >= 2
        The number of folds k.
    key : str or None
        The id column whose value decides a row's fold; None: the row's global position.
        In memory (as a scikit-learn splitter) pass the key values as ``groups``.
    seed : int
        Another seed gives another, independent assignment.

    Fold sizes are random (binomial around n/k), not equal; every fold must get a row.
    """

    n_splits: int
    key: str | None
    seed: int

    def __init__(self, n_splits: int = 5, *, key: str | None = None, seed: int = 0) -> None:
        if isinstance(n_splits, bool) or not isinstance(n_splits, Integral) or n_splits < 2:
            raise ValueError(f"n_splits must be an integer >= 2; got {n_splits!r}")
        if key is not None and not isinstance(key, str):
            raise TypeError(f"key must be a column name (str) or None; got {key!r}")
        if isinstance(seed, bool) or not isinstance(seed, Integral) or seed < 0:
            raise ValueError(f"seed must be an integer >= 0; got {seed!r}")
        self.n_splits = int(n_splits)
        self.key = key
        self.seed = int(seed)

    def __repr__(self) -> str:
        return f"HashFolds({self.n_splits}, key={self.key!r}, seed={self.seed})"

    def assign(self, keys: Any) -> np.ndarray:
        """Fold ids of rows with these key values (or global positions when key is None)."""
        return fold_ids(keys, self.n_splits, self.seed)

    def get_n_splits(self, X: Any = None, y: Any = None, groups: Any = None) -> int:
        return self.n_splits

    def split(self, X: Any, y: Any = None, groups: Any = None):
        """(train, test) index pairs, fold 0 first; ``groups`` holds the key values."""
        n = len(X) if not hasattr(X, "shape") else X.shape[0]
        if self.key is not None and groups is None:
            raise ValueError(
                f"HashFolds(key={self.key!r}) in memory needs the key values as groups=; "
                "got groups=None"
            )
        keys = np.arange(n) if self.key is None else np.asarray(groups)
        if keys.shape[0] != n:
            raise ValueError(f"groups must have one key per row ({n}); got {keys.shape[0]}")
        ids = self.assign(keys)
        for fold in range(self.n_splits):
            test = np.flatnonzero(ids == fold)
            if test.size == 0:
                raise ValueError(
                    f"HashFolds({self.n_splits}) left fold {fold} empty on {n} rows; use "
                    "fewer folds or more data"
                )
            yield np.flatnonzero(ids != fold), test
