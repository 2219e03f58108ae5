"""The column layout every partition is encoded with: features, one-hot categories, target.

Categories are learnt in a cheap first pass over the categorical columns alone (their
sorted union over all partitions), so that every partition one-hot encodes to the same
columns. A numeric column is a feature as it is; a string, categorical or boolean-as-text
column is one-hot encoded (all categories kept; an unseen or missing value is an error).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["Block", "Layout", "categorical_columns", "check_finite"]


def categorical_columns(frame: pd.DataFrame, columns: list[str]) -> list[str]:
    """Those of ``columns`` that are not numeric (strings, categoricals, objects)."""
    return [c for c in columns if not pd.api.types.is_numeric_dtype(frame[c].dtype)]


@dataclass(frozen=True)
class Block:
    """One partition's rows as arrays: X (n, p), y (n,) or (n, k), weights, fold keys."""

    X: np.ndarray
    y: np.ndarray
    sample_weight: np.ndarray | None
    keys: np.ndarray | None

    @property
    def n_rows(self) -> int:
        return self.X.shape[0]


def check_finite(name: str, values: np.ndarray, where: str) -> None:
    """A clear error for NaN/inf in a column of a partition (naming both)."""
    if not np.all(np.isfinite(values)):
        bad = int(np.count_nonzero(~np.isfinite(values)))
        raise ValueError(
            f"column {name!r} has {bad} NaN or infinite value{'s' if bad > 1 else ''} in "
            f"{where}; clean or impute the data before fitting"
        )


@dataclass(frozen=True)
class Layout:
    """Which input columns make X (in order), the categories of the categorical ones."""

    features: tuple[str, ...]
    target: str | tuple[str, ...] | None
    weight: str | None = None
    key: str | None = None
    categories: dict[str, tuple[Any, ...]] = field(default_factory=dict)

    @property
    def feature_names(self) -> np.ndarray:
        names: list[str] = []
        for column in self.features:
            if column in self.categories:
                names.extend(f"{column}={value}" for value in self.categories[column])
            else:
                names.append(column)
        return np.asarray(names, dtype=object)

    @property
    def n_features(self) -> int:
        return len(self.feature_names)

    @property
    def read_columns(self) -> list[str]:
        """The input columns a partition must be read with."""
        extra = [self.weight, self.key]
        targets = [] if self.target is None else (
            [self.target] if isinstance(self.target, str) else list(self.target)
        )  # fmt: skip
        wanted = [*self.features, *targets, *(c for c in extra if c is not None)]
        return list(dict.fromkeys(wanted))

    def encode(self, frame: pd.DataFrame, where: str, *, need_target: bool = True) -> Block:
        """The partition's Block; NaN in a used column, or an unseen category, is an error.
        ``need_target=False``: X alone (target, weight and key columns are not read)."""
        n = len(frame)
        # one Fortran-ordered array filled a column at a time (a column is one contiguous
        # write; stacking (n, 1) pieces into C order cost more than reading the file), and one
        # finiteness check over all of it; the column is named only when the check fails
        X = np.empty((n, self.n_features), order="F")
        start = 0
        for column in self.features:
            values = frame[column]
            if column in self.categories:
                width = len(self.categories[column])
                X[:, start : start + width] = self._one_hot(column, values, where)
            else:
                width = 1
                X[:, start] = values.to_numpy(dtype=np.float64, na_value=np.nan)
            start += width
        if not np.isfinite(X).all():
            names = self.feature_names
            bad = int(np.flatnonzero(~np.isfinite(X).all(axis=0))[0])
            check_finite(str(names[bad]), X[:, bad], where)
        y = np.zeros(n)
        if self.target is not None and need_target:
            targets = [self.target] if isinstance(self.target, str) else list(self.target)
            # an integer target column stays integer: class labels as the user wrote them
            # (1, not 1.0) in classes_, predictions and the KPIs, as an in-memory fit gives
            y = np.column_stack([self._numeric(frame, t, where, integers=True) for t in targets])
            y = y[:, 0] if isinstance(self.target, str) else y
        if not need_target:  # prediction: the features alone
            return Block(X, y, None, None)
        w = None if self.weight is None else self._numeric(frame, self.weight, where)
        if w is not None and np.any(w < 0):
            raise ValueError(f"column {self.weight!r} (the sample weight) is negative in {where}")
        keys = None if self.key is None else frame[self.key].to_numpy()
        return Block(X, y, w, keys)

    @staticmethod
    def _numeric(frame: pd.DataFrame, column: str, where: str, *,
                 integers: bool = False) -> np.ndarray:  # fmt: skip
        values = frame[column]
        if not pd.api.types.is_numeric_dtype(values.dtype):
            raise TypeError(f"column {column!r} must be numeric; got {values.dtype} in {where}")
        dtype = values.dtype
        whole = pd.api.types.is_integer_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
        if integers and whole and not values.hasnans:
            return values.to_numpy(dtype=np.int64)
        array = values.to_numpy(dtype=np.float64, na_value=np.nan)
        check_finite(column, array, where)
        return array

    def _one_hot(self, column: str, values: pd.Series, where: str) -> np.ndarray:
        known = self.categories[column]
        codes = pd.Categorical(values, categories=list(known)).codes
        if np.any(codes < 0):
            bad = values[codes < 0]
            what = "missing values" if bad.isna().all() else f"unseen values {bad.unique()[:3]!r}"
            raise ValueError(f"categorical column {column!r} has {what} in {where}")
        out = np.zeros((len(values), len(known)))
        out[np.arange(len(values)), codes] = 1.0
        return out
