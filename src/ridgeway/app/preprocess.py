"""A small, serializable preprocessing spec: read each column for what it is, then impute,
standardize numbers, expand dates into calendar features and one-hot encode categories.

What each column is (checked on the whole table, so that counts and rows are the file's):

- numbers (or text that is all numbers) → standardized;
- dates (``datetime64`` columns, or text that is all ISO dates such as ``2024-03-31`` or
  ``2024-03-31T08:00``) → calendar features (year, month, day, weekday, hour, and the days
  since 1970 as a trend), those that vary, then standardized like numbers;
- other text, booleans and ``categorical`` columns → one-hot indicators of the categories
  scikit-learn's :class:`~sklearn.preprocessing.OneHotEncoder` keeps (``min_frequency``,
  ``max_categories``): the rare ones share one ``(other)`` indicator, which also takes
  categories first seen at prediction time (without rare ones, an unseen category is an
  all-zero row);
- text whose values are nearly all distinct (an identifier, a name, a free-text field) is
  dropped with a note: one indicator per row would only memorize the training rows;
- a column of numbers with a few cells that are not (``0.05x``, ``?``) is refused, naming the
  cells, instead of becoming one indicator per distinct number; the same for dates.

Everything the spec learned is plain data (column lists, means, scales, categories, fill values,
calendar parts), so it saves as JSON beside the model and loads without pickle (see
:mod:`ridgeway.app.persist`).
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "IMPUTE",
    "DataError",
    "Preprocessor",
    "check_features",
    "check_row_count",
    "fit_preprocessor",
]

IMPUTE = ("mean", "median", "most_frequent")
#: the indicator shared by rare categories and those unseen in training
OTHER = "(other)"
#: calendar features a date column can give, in this order
DATE_PARTS = ("year", "month", "day", "weekday", "hour", "days")
#: a text column is "mostly numbers" (or dates) from this share of its cells on
MOSTLY = 0.9
#: text columns with more distinct values than this share of rows (and > ID_MIN) are ids
ID_SHARE, ID_MIN = 0.5, 20

_ISO_DATE = re.compile(
    r"^\d{4}-\d{2}(-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?)?(Z|[+-]\d{2}:?\d{2})?$"
)


class DataError(ValueError):
    """The data cannot be used as given (missing values, unknown columns, ...)."""


def check_row_count(n: int, test_size: float, cv: Any) -> tuple[int, int, int | None, str]:
    """Enough rows for the held-out share and the folds (n may be an upper bound: the command
    line checks the line count of a file before parsing it). Returns (n_test, n_train, folds,
    a description for messages)."""
    n_test = math.ceil(test_size * n)
    n_train = n - n_test
    folds = int(cv) if isinstance(cv, int) or str(cv).isdigit() else None
    if isinstance(cv, list):
        folds = None
    if folds is not None and folds < 2:
        raise DataError(f"cv must be >= 2 folds; got {cv}")
    least = max(folds or 3, 2)
    where = f"{n} rows with --test-size {test_size} leave {n_train} for training"
    if n_test < 1 or n_train < least:
        need = f"{folds}-fold cross-validation needs" if folds else "choosing λ needs"
        raise DataError(f"too few rows: {where}; {need} at least {least}")
    return n_test, n_train, folds, where


def _cells(series: pd.Series, mask: np.ndarray, limit: int = 3) -> str:
    """'value' (data row r) for the first few cells where ``mask`` holds; rows count from 1."""
    positions = np.flatnonzero(mask)[:limit]
    shown = ", ".join(f"{series.iloc[i]!r} (data row {i + 1})" for i in positions)
    more = int(mask.sum()) - len(positions)
    return shown + (f" and {more} more" if more > 0 else "")


def _is_numeric(column: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)


def _is_text(column: pd.Series) -> bool:
    return (
        not _is_numeric(column)
        and not pd.api.types.is_bool_dtype(column)
        and not (pd.api.types.is_datetime64_any_dtype(column))
    )


def _as_dates(column: pd.Series) -> pd.Series:
    """datetime64 (UTC, naive) from a datetime column or ISO text; unparsable → NaT."""
    if pd.api.types.is_datetime64_any_dtype(column):
        dates = column
    else:
        dates = pd.to_datetime(column.astype("string"), format="ISO8601", errors="coerce",
                               utc=True)  # fmt: skip
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_convert("UTC").dt.tz_localize(None)
    return dates


def _date_parts(dates: pd.Series, parts: tuple[str, ...]) -> dict[str, np.ndarray]:
    values = {
        "year": dates.dt.year,
        "month": dates.dt.month,
        "day": dates.dt.day,
        "weekday": dates.dt.day_of_week,
        "hour": dates.dt.hour,
        "days": (dates - pd.Timestamp("1970-01-01")).dt.total_seconds() / 86400.0,
    }
    return {part: values[part].to_numpy(dtype=np.float64, na_value=np.nan) for part in parts}


def _as_numbers(column: pd.Series) -> pd.Series:
    if _is_numeric(column):
        return column.astype(np.float64)
    return pd.to_numeric(column.astype("string").str.strip(), errors="coerce").astype(np.float64)


def _kind(column: pd.Series, forced: bool) -> str:
    """numeric | date | categorical | id for one column (raises on mostly-numbers text)."""
    name = column.name
    if forced:
        return "categorical"
    if pd.api.types.is_datetime64_any_dtype(column):
        return "date"
    if _is_numeric(column):
        return "numeric"
    if pd.api.types.is_bool_dtype(column) or not _is_text(column):
        return "categorical"
    present = column.notna().to_numpy()
    n = int(present.sum())
    if n == 0:
        return "categorical"  # all missing: the missing-value check names it
    text = column.astype("string").str.strip()
    numbers = pd.to_numeric(text, errors="coerce").notna().to_numpy() & present
    if numbers.sum() == n:
        return "numeric"
    if numbers.sum() >= MOSTLY * n:
        raise DataError(
            f"column {name!r} holds numbers except {_cells(column, present & ~numbers)}; "
            f"fix those cells (or leave them empty), or pass --categorical {name} to treat the "
            "column as categories"
        )
    dates = text.str.match(_ISO_DATE).fillna(False).to_numpy(dtype=bool) & present
    if dates.sum() == n:
        return "date"
    if dates.sum() >= MOSTLY * n:
        raise DataError(
            f"column {name!r} holds ISO dates except {_cells(column, present & ~dates)}; fix "
            f"those cells (or leave them empty), or pass --categorical {name}"
        )
    distinct = int(column.nunique())
    return "id" if distinct > max(ID_MIN, ID_SHARE * n) else "categorical"


def _numeric_block(frame: pd.DataFrame, columns: tuple[str, ...] | list[str]) -> np.ndarray:
    """float64 (rows × columns): numeric dtypes in one copy, text columns parsed one by one."""
    out = np.empty((len(frame), len(columns)))
    dtypes = dict(frame.dtypes.items())
    native = [
        j for j, c in enumerate(columns)
        if pd.api.types.is_numeric_dtype(dtypes[c]) and not pd.api.types.is_bool_dtype(dtypes[c])
    ]  # fmt: skip
    if len(native) == len(columns) and list(columns) == list(frame.columns):
        return frame.to_numpy(dtype=np.float64)
    if native:
        out[:, native] = frame[[columns[j] for j in native]].to_numpy(dtype=np.float64)
    for j in sorted(set(range(len(columns))) - set(native)):
        column = frame[columns[j]]
        values = _as_numbers(column)
        bad = values.isna().to_numpy() & column.notna().to_numpy()
        if bad.any():
            raise DataError(f"column {columns[j]!r} holds numbers except {_cells(column, bad)}")
        out[:, j] = values.to_numpy()
    return out


def _check_finite(
    frame: pd.DataFrame, columns: list[str], values: np.ndarray | None = None
) -> None:
    """Name the first numeric column holding ±inf (and a cell)."""
    if not columns:
        return
    values = _numeric_block(frame, columns) if values is None else values
    bad = np.isinf(values)
    if bad.any():
        j = int(np.flatnonzero(bad.any(axis=0))[0])
        raise DataError(
            f"column {columns[j]!r} holds {int(bad[:, j].sum())} infinite value(s), e.g. "
            f"{_cells(frame[columns[j]], bad[:, j], 1)}; replace them with numbers or leave "
            "them empty"
        )


def check_missing(
    frame: pd.DataFrame, hint: str | None = None, columns: list[str] | None = None
) -> None:
    """A clear error naming every column (of ``columns``, default all) with missing values,
    with its count in ``frame``. One pass over the values: no column-by-column copies."""
    missing = np.asarray(frame.isna().to_numpy().sum(axis=0))
    counts = pd.Series(missing, index=frame.columns)
    if columns is not None and len(columns) != frame.shape[1]:
        counts = counts[counts.index.isin(columns)]
    bad = counts[counts > 0]
    if len(bad):
        listing = ", ".join(f"{name!r} ({n})" for name, n in bad.items())
        hint = hint or f"drop those rows or pass --impute {'|'.join(IMPUTE)}"
        raise DataError(f"missing values in column(s) {listing}; {hint}")


def check_features(
    frame: pd.DataFrame,
    *,
    categorical: list[str] | tuple[str, ...] = (),
    impute: str | None = None,
) -> dict[str, str]:
    """Each feature column's kind (numeric, date, categorical, id), checked on ``frame`` — the
    whole table, so that an error's counts and rows are those of the file."""
    if impute is not None and impute not in IMPUTE:
        raise DataError(f"impute must be one of {IMPUTE}; got {impute!r}")
    unknown = [c for c in categorical if c not in frame.columns]
    if unknown:
        raise DataError(f"categorical column(s) not in the data: {', '.join(map(repr, unknown))}")
    if frame.shape[1] == 0:
        raise DataError("no feature columns left besides the target")
    kinds = {}
    for c, dtype in frame.dtypes.items():  # numbers by dtype: no per-column work for wide data
        numeric = pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
        forced = c in categorical
        kinds[str(c)] = "numeric" if numeric and not forced else _kind(frame[c], forced)
    used = [c for c in frame.columns if kinds[str(c)] != "id"]
    if not used:
        raise DataError("every feature column looks like an identifier (nearly all distinct)")
    if impute is None:
        check_missing(frame, columns=used)
    _check_finite(frame, [c for c in used if kinds[str(c)] == "numeric"])
    for c in (c for c in used if kinds[str(c)] == "date"):
        dates = _as_dates(frame[c])
        bad = dates.isna().to_numpy() & frame[c].notna().to_numpy()
        if bad.any():
            raise DataError(f"column {c!r} holds dates except {_cells(frame[c], bad)}")
    return kinds


def _fill_value(values: pd.Series, impute: str, numeric: bool) -> Any:
    """Training fill value; a categorical column always takes its most frequent value."""
    present = values.dropna()
    if present.empty:
        raise DataError(f"column {values.name!r} has no values at all; drop it")
    if impute == "most_frequent" or not numeric:
        value = present.value_counts().index[0]
        return value.item() if isinstance(value, np.generic) else value
    return float(present.mean() if impute == "mean" else present.median())


@dataclass(frozen=True)
class Preprocessor:
    """Learned preprocessing: ``transform(frame)`` gives the model's design matrix.

    Numeric features (``numeric`` columns, then the calendar parts of ``dates``) are centred and
    scaled by their training mean and standard deviation (a constant feature gets scale 1: it
    becomes 0, and ridge leaves it at 0); ``categorical`` columns become one indicator per kept
    category, plus ``(other)`` for the columns in ``other``; with ``impute`` set, missing values
    take the training fill value first. ``dropped`` columns are ignored, with the reason.
    """

    numeric: tuple[str, ...]
    categorical: tuple[str, ...]
    means: tuple[float, ...]
    scales: tuple[float, ...]
    categories: dict[str, tuple[str, ...]]
    impute: str | None = None
    fill: dict[str, Any] = field(default_factory=dict)
    dates: dict[str, tuple[str, ...]] = field(default_factory=dict)
    other: tuple[str, ...] = ()
    dropped: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        """The input columns the spec reads."""
        return self.numeric + tuple(self.dates) + self.categorical

    @property
    def numeric_features(self) -> list[str]:
        return list(self.numeric) + [f"{c}.{p}" for c, parts in self.dates.items() for p in parts]

    @property
    def feature_names(self) -> list[str]:
        names = self.numeric_features
        for col in self.categorical:
            names += [f"{col}={cat}" for cat in self.categories[col]]
            if col in self.other:
                names.append(f"{col}={OTHER}")
        return names

    def _numbers(self, frame: pd.DataFrame) -> np.ndarray:
        block = _numeric_block(frame, self.numeric)
        _check_finite(frame, list(self.numeric), block)
        columns = [block]
        for col, parts in self.dates.items():
            dates = _as_dates(frame[col])
            bad = dates.isna().to_numpy() & frame[col].notna().to_numpy()
            if bad.any():
                raise DataError(f"column {col!r} holds dates except {_cells(frame[col], bad)}")
            columns += [v[:, None] for v in _date_parts(dates, parts).values()]
        values = np.hstack(columns)
        if self.impute is not None:
            fills = np.array([self.fill.get(n, np.nan) for n in self.numeric_features], float)
            values = np.where(np.isnan(values), fills, values)
        return values

    def transform(self, frame: pd.DataFrame, *, hint: str | None = None) -> pd.DataFrame:
        """The encoded design matrix (float64 DataFrame with ``feature_names`` columns).

        ``hint``: what the missing-value error should advise (the caller knows its options)."""
        absent = [c for c in self.columns if c not in frame.columns]
        if absent:
            raise DataError(f"data lacks the model's column(s): {', '.join(map(repr, absent))}")
        if list(frame.columns) != list(self.columns):  # a column selection copies: only if needed
            frame = frame[list(self.columns)]
        if self.impute is not None:
            frame = frame.fillna({c: self.fill[c] for c in self.categorical if c in self.fill})
            frame = frame.fillna({c: self.fill[c] for c in self.numeric if c in self.fill})
            check_missing(frame[list(self.categorical)], hint)
        else:
            check_missing(frame, hint or (
                "this model was fitted without imputation: drop those rows, or fit again with "
                f"--impute {'|'.join(IMPUTE)}"
            ))  # fmt: skip
        parts = [(self._numbers(frame) - np.array(self.means)) / np.array(self.scales)]
        for col in self.categorical:
            values = frame[col].astype(str).to_numpy()
            cats = np.array(self.categories[col], dtype=object)
            hits = values[:, None] == cats[None, :]
            parts.append(hits.astype(np.float64))
            if col in self.other:
                parts.append((~hits.any(axis=1)).astype(np.float64)[:, None])
        matrix = np.hstack(parts)
        return pd.DataFrame(matrix, columns=self.feature_names, index=frame.index)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["categories"] = {k: list(v) for k, v in self.categories.items()}
        out["dates"] = {k: list(v) for k, v in self.dates.items()}
        out["other"], out["notes"] = list(self.other), list(self.notes)
        return out

    @classmethod
    def from_dict(cls, spec: dict[str, Any]) -> Preprocessor:
        """The spec from :meth:`to_dict` (files of every format version), checked: lists of
        names, one finite mean and positive finite scale per numeric feature, text categories."""
        try:
            pre = cls(
                numeric=_names(spec["numeric"]),
                categorical=_names(spec["categorical"]),
                means=tuple(float(v) for v in spec["means"]),
                scales=tuple(float(v) for v in spec["scales"]),
                categories={str(k): _names(v) for k, v in dict(spec["categories"]).items()},
                impute=spec.get("impute"),
                fill=dict(spec.get("fill", {})),
                dates={str(k): _names(v) for k, v in dict(spec.get("dates", {})).items()},
                other=_names(spec.get("other", [])),
                dropped={str(k): str(v) for k, v in dict(spec.get("dropped", {})).items()},
                notes=tuple(str(v) for v in spec.get("notes", [])),
            )
        except (KeyError, TypeError, AttributeError, ValueError) as err:
            raise DataError(f"preprocessing spec is malformed: {err!r}") from None
        problem = pre._problem()
        if problem:
            raise DataError(f"preprocessing spec is malformed: {problem}")
        return pre

    def _problem(self) -> str | None:
        n = len(self.numeric_features)
        if len(self.means) != n or len(self.scales) != n:
            return f"{n} numeric features but {len(self.means)} means, {len(self.scales)} scales"
        if not all(math.isfinite(v) for v in self.means):
            return "a mean is not finite"
        if not all(math.isfinite(v) and v > 0 for v in self.scales):
            return "a scale is not a positive finite number"
        if set(self.categories) != set(self.categorical) or not set(self.other) <= set(
            self.categorical
        ):
            return "categories do not match the categorical columns"
        if any(p not in DATE_PARTS for parts in self.dates.values() for p in parts):
            return "unknown calendar part"
        if self.impute not in (None, *IMPUTE):
            return f"unknown imputation {self.impute!r}"
        if len(set(self.columns)) != len(self.columns):
            return "a column is listed twice"
        for key, value in self.fill.items():
            if not isinstance(value, str | int | float | bool) or (
                isinstance(value, float) and not math.isfinite(value)
            ):
                return f"fill value of {key!r} is not a finite number or text"
        return None


def _names(values: Any) -> tuple[str, ...]:
    if not isinstance(values, list | tuple) or not all(isinstance(v, str) for v in values):
        raise TypeError(f"expected a list of names; got {type(values).__name__}")
    return tuple(values)


def _category_limits(n: int) -> tuple[int, int]:
    """OneHotEncoder's (min_frequency, max_categories) for ``n`` training rows: categories seen
    fewer than ~1 in 200 rows (at most 5) are rare; at most ~n/10 indicators per column."""
    return max(1, min(5, n // 200)), min(100, max(10, n // 10))


def _learn_categories(values: np.ndarray, n: int) -> tuple[tuple[str, ...], bool]:
    """The categories scikit-learn's OneHotEncoder keeps, and whether some were rare."""
    from sklearn.preprocessing import OneHotEncoder

    min_frequency, max_categories = _category_limits(n)
    encoder = OneHotEncoder(
        handle_unknown="infrequent_if_exist", min_frequency=min_frequency,
        max_categories=max_categories, sparse_output=False,
    ).fit(values.reshape(-1, 1))  # fmt: skip
    rare = encoder.infrequent_categories_[0]
    rare_set = set() if rare is None else {str(v) for v in rare}
    kept = tuple(str(v) for v in encoder.categories_[0] if str(v) not in rare_set)
    return kept, bool(rare_set)


def fit_preprocessor(
    frame: pd.DataFrame,
    *,
    categorical: list[str] | tuple[str, ...] = (),
    impute: str | None = None,
    standardize: bool = True,
    kinds: dict[str, str] | None = None,
) -> Preprocessor:
    """Learn the spec from training features. ``kinds`` (from :func:`check_features` on the
    whole table) saves reading the columns again; ``standardize`` False keeps numeric features
    on their own scale."""
    kinds = kinds or check_features(frame, categorical=categorical, impute=impute)
    n = len(frame)
    notes: list[str] = []
    dropped = {}
    for c, kind in kinds.items():
        if kind == "id":
            distinct = int(frame[c].nunique())
            dropped[c] = f"{distinct} distinct values in {n} training rows"
            notes.append(
                f"column {c!r} dropped: {dropped[c]} (an identifier or free text, not a "
                f"category); pass --categorical {c} to encode it anyway"
            )
    num = tuple(c for c, k in kinds.items() if k == "numeric")
    cat = tuple(c for c, k in kinds.items() if k == "categorical")
    fill: dict[str, Any] = {}
    if impute:
        block = _numeric_block(frame, num)
        fill |= {c: _fill_value(pd.Series(block[:, j], name=c), impute, True)
                 for j, c in enumerate(num)}  # fmt: skip
        fill |= {c: _fill_value(frame[c], impute, False) for c in cat}
    dates: dict[str, tuple[str, ...]] = {}
    date_values: list[np.ndarray] = []
    for c in (c for c, k in kinds.items() if k == "date"):
        parts = _date_parts(_as_dates(frame[c]), DATE_PARTS)
        varying = {p: v for p, v in parts.items() if np.unique(v[~np.isnan(v)]).size > 1}
        if not varying:
            dropped[c] = "the same date in every training row"
            notes.append(f"column {c!r} dropped: {dropped[c]}")
            continue
        dates[c] = tuple(varying)
        for part, values in varying.items():
            if impute:
                fill[f"{c}.{part}"] = _fill_value(pd.Series(values, name=c), impute, True)
            date_values.append(values)
        notes.append(f"date column {c!r} → calendar features {', '.join(varying)}")
    pre = Preprocessor(numeric=num, categorical=cat, means=(), scales=(), categories={},
                       impute=impute, fill=fill, dates=dates)  # fmt: skip
    values = np.hstack([_numeric_block(frame, num), *(v[:, None] for v in date_values)])
    if impute:
        fills = np.array([fill[f] for f in pre.numeric_features], dtype=np.float64)
        values = np.where(np.isnan(values), fills, values)
    means = values.mean(axis=0) if standardize else np.zeros(values.shape[1])
    sd = values.std(axis=0) if standardize else np.ones(values.shape[1])
    scales = np.where(sd > 0, sd, 1.0)  # a constant column maps to 0, not to 0/0
    categories, other = {}, []
    for c in cat:
        column = frame[c].fillna(fill[c]) if impute else frame[c]
        kept, rare = _learn_categories(column.astype(str).to_numpy(dtype=object), n)
        categories[c] = kept
        if rare:
            other.append(c)
            grouped = int(column.astype(str).nunique()) - len(kept)
            notes.append(f"column {c!r}: {grouped} rare categories share the indicator {OTHER}")
    return Preprocessor(
        numeric=num,
        categorical=cat,
        means=tuple(float(v) for v in means),
        scales=tuple(float(v) for v in scales),
        categories=categories,
        impute=impute,
        fill=fill,
        dates=dates,
        other=tuple(other),
        dropped=dropped,
        notes=tuple(notes),
    )
