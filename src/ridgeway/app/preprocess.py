"""A small, serializable preprocessing spec: impute, standardize numeric, one-hot categorical.

Everything it learned is plain data (column lists, means, scales, categories, fill values), so
it saves as JSON beside the model and loads without pickle (see :mod:`ridgeway.app.persist`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["IMPUTE", "DataError", "Preprocessor", "fit_preprocessor"]

IMPUTE = ("mean", "median", "most_frequent")


class DataError(ValueError):
    """The data cannot be used as given (missing values, unknown columns, ...)."""


def _is_numeric(column: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)


def _fill_value(column: pd.Series, impute: str) -> Any:
    """Training fill value; a categorical column always takes its most frequent value."""
    present = column.dropna()
    if present.empty:
        raise DataError(f"column {column.name!r} has no values at all; drop it")
    if impute == "most_frequent" or not _is_numeric(column):
        value = present.value_counts().index[0]
        return value.item() if isinstance(value, np.generic) else value
    return float(present.mean() if impute == "mean" else present.median())


@dataclass(frozen=True)
class Preprocessor:
    """Learned preprocessing: ``transform(frame)`` gives the model's design matrix.

    Numeric columns are centred and scaled by their training mean and standard deviation (a
    constant column gets scale 1: it becomes 0, and ridge leaves it at 0); categorical columns
    are one-hot encoded with every training category (an unseen category is an all-zero row);
    with ``impute`` set, missing values take the training fill value first.
    """

    numeric: tuple[str, ...]
    categorical: tuple[str, ...]
    means: tuple[float, ...]
    scales: tuple[float, ...]
    categories: dict[str, tuple[str, ...]]
    impute: str | None = None
    fill: dict[str, Any] = field(default_factory=dict)

    @property
    def columns(self) -> tuple[str, ...]:
        return self.numeric + self.categorical

    @property
    def feature_names(self) -> list[str]:
        names = list(self.numeric)
        for col in self.categorical:
            names += [f"{col}={cat}" for cat in self.categories[col]]
        return names

    def transform(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The encoded design matrix (float64 DataFrame with ``feature_names`` columns)."""
        absent = [c for c in self.columns if c not in frame.columns]
        if absent:
            raise DataError(f"data lacks the model's column(s): {', '.join(map(repr, absent))}")
        frame = frame[list(self.columns)]
        if self.impute is not None:
            frame = frame.fillna({c: v for c, v in self.fill.items() if c in frame.columns})
        check_missing(frame)
        parts = []
        if self.numeric:
            try:
                values = frame[list(self.numeric)].to_numpy(dtype=np.float64)
            except (TypeError, ValueError) as err:
                raise DataError(f"numeric columns hold non-numeric values: {err}") from None
            parts.append((values - np.array(self.means)) / np.array(self.scales))
        for col in self.categorical:
            values = frame[col].astype(str).to_numpy()
            cats = np.array(self.categories[col], dtype=object)
            parts.append((values[:, None] == cats[None, :]).astype(np.float64))
        matrix = np.hstack(parts) if parts else np.empty((len(frame), 0))
        return pd.DataFrame(matrix, columns=self.feature_names, index=frame.index)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["categories"] = {k: list(v) for k, v in self.categories.items()}
        return out

    @classmethod
    def from_dict(cls, spec: dict[str, Any]) -> Preprocessor:
        try:
            return cls(
                numeric=tuple(spec["numeric"]),
                categorical=tuple(spec["categorical"]),
                means=tuple(float(v) for v in spec["means"]),
                scales=tuple(float(v) for v in spec["scales"]),
                categories={k: tuple(v) for k, v in spec["categories"].items()},
                impute=spec.get("impute"),
                fill=dict(spec.get("fill", {})),
            )
        except (KeyError, TypeError, AttributeError) as err:
            raise DataError(f"preprocessing spec is malformed: {err!r}") from None


def check_missing(frame: pd.DataFrame) -> None:
    """A clear error naming every column with missing values."""
    counts = frame.isna().sum()
    bad = counts[counts > 0]
    if len(bad):
        listing = ", ".join(f"{name!r} ({n})" for name, n in bad.items())
        raise DataError(
            f"missing values in column(s) {listing}; drop them or pass --impute {'|'.join(IMPUTE)}"
        )


def fit_preprocessor(
    frame: pd.DataFrame,
    *,
    categorical: list[str] | tuple[str, ...] = (),
    impute: str | None = None,
    standardize: bool = True,
) -> Preprocessor:
    """Learn the spec from training features. Non-numeric columns (and ``categorical``) are
    one-hot encoded; ``standardize`` False keeps numeric columns on their own scale."""
    if impute is not None and impute not in IMPUTE:
        raise DataError(f"impute must be one of {IMPUTE}; got {impute!r}")
    unknown = [c for c in categorical if c not in frame.columns]
    if unknown:
        raise DataError(f"categorical column(s) not in the data: {', '.join(map(repr, unknown))}")
    if frame.shape[1] == 0:
        raise DataError("no feature columns left besides the target")
    cat = tuple(c for c in frame.columns if c in categorical or not _is_numeric(frame[c]))
    num = tuple(c for c in frame.columns if c not in cat)
    fill = {c: _fill_value(frame[c], impute) for c in frame.columns} if impute else {}
    if not impute:
        check_missing(frame)
    filled = frame.fillna(fill) if fill else frame
    values = filled[list(num)].to_numpy(dtype=np.float64) if num else np.empty((len(frame), 0))
    means = values.mean(axis=0) if standardize else np.zeros(len(num))
    sd = values.std(axis=0) if standardize else np.ones(len(num))
    scales = np.where(sd > 0, sd, 1.0)  # a constant column maps to 0, not to 0/0
    categories = {c: tuple(sorted(filled[c].astype(str).unique())) for c in cat}
    return Preprocessor(
        numeric=num,
        categorical=cat,
        means=tuple(float(v) for v in means),
        scales=tuple(float(v) for v in scales),
        categories=categories,
        impute=impute,
        fill=fill,
    )
