"""Ratings in, checked: a users × items sparse matrix with its id mapping.

Rules (the same for a matrix and a frame):

- NaN or infinite ratings are an error naming how many there are.
- implicit feedback: negative counts are an error; zeros are dropped (no interaction).
- duplicate (user, item) pairs: with implicit feedback they are *summed* (two plays are a
  count of two, as scipy.sparse and ``implicit`` treat them); with explicit feedback they are
  an error, since two ratings of one pair have no single meaning.
- a user (or item) without ratings is allowed: it gets zero factors and zero bias.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

FEEDBACK = ("explicit", "implicit")


@dataclass(frozen=True)
class Interactions:
    """The checked ratings: ``by_user`` (users × items CSR, sorted indices), ``by_item``
    (its transpose as CSR) and the ids of the rows and columns."""

    by_user: Any
    by_item: Any
    user_ids: np.ndarray
    item_ids: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        return (int(self.by_user.shape[0]), int(self.by_user.shape[1]))

    @property
    def user_counts(self) -> np.ndarray:
        return np.diff(self.by_user.indptr)

    @property
    def item_counts(self) -> np.ndarray:
        return np.diff(self.by_item.indptr)


def check_feedback(feedback: str) -> str:
    if feedback not in FEEDBACK:
        raise ValueError(f"feedback must be one of {FEEDBACK}; got {feedback!r}")
    return feedback


def _check_values(values: np.ndarray, feedback: str) -> None:
    bad = ~np.isfinite(values)
    if bad.any():
        raise ValueError(
            f"ratings must be finite numbers; got {int(bad.sum())} NaN or infinite value(s)"
        )
    if feedback == "implicit" and (values < 0).any():
        raise ValueError(
            "implicit feedback needs counts >= 0 (plays, clicks, purchases); got "
            f"{int((values < 0).sum())} negative value(s); use feedback='explicit' for ratings"
        )


def _build(
    rows: np.ndarray,
    cols: np.ndarray,
    values: np.ndarray,
    shape: tuple[int, int],
    feedback: str,
    dtype: type,
) -> tuple[Any, Any]:
    _check_values(values, feedback)
    if feedback == "explicit":
        keys = rows.astype(np.int64) * shape[1] + cols
        if np.unique(keys).size != keys.size:
            raise ValueError(
                "explicit ratings have duplicate (user, item) pairs; keep one rating per pair "
                "(with feedback='implicit' duplicates are summed)"
            )
    elif values.size:
        keep = values != 0
        rows, cols, values = rows[keep], cols[keep], values[keep]
    coo = sp.coo_matrix((values.astype(dtype), (rows, cols)), shape=shape)
    by_user = coo.tocsr()  # sums duplicates (implicit only: explicit ones were refused)
    by_user.sort_indices()
    by_item = by_user.T.tocsr()
    by_item.sort_indices()
    return by_user, by_item


def from_matrix(matrix: Any, feedback: str, dtype: type = np.float64) -> Interactions:
    """A scipy.sparse users × items matrix; stored entries are the observations (an explicit
    zero rating stored in the matrix counts as a rating of 0)."""
    if not sp.issparse(matrix):
        raise TypeError(
            "R must be a scipy.sparse users × items matrix (or pass a frame with user=, item=); "
            f"got {type(matrix).__name__}"
        )
    if matrix.ndim != 2 or min(matrix.shape) == 0:
        raise ValueError(f"R must be a non-empty 2-d matrix; got shape {matrix.shape}")
    coo = sp.coo_matrix(matrix)
    by_user, by_item = _build(
        np.asarray(coo.row),
        np.asarray(coo.col),
        np.asarray(coo.data, dtype=np.float64),
        coo.shape,
        feedback,
        dtype,
    )
    return Interactions(by_user, by_item, np.arange(coo.shape[0]), np.arange(coo.shape[1]))


def from_frame(
    frame: pd.DataFrame,
    user: str,
    item: str,
    rating: str | None,
    feedback: str,
    dtype: type = np.float64,
) -> Interactions:
    """Long format: one row per (user, item[, rating]); ids of any hashable type, sorted.
    Without a rating column every row counts 1 (implicit) — explicit feedback needs one."""
    for name, column in (("user", user), ("item", item), ("rating", rating)):
        if column is not None and column not in frame.columns:
            raise ValueError(f"{name}={column!r} is not a column; columns are {list(frame)}")
    if len(frame) == 0:
        raise ValueError("the ratings frame is empty")
    if rating is None:
        if feedback == "explicit":
            raise ValueError("explicit feedback needs rating=COLUMN")
        values = np.ones(len(frame))
    else:
        values = pd.to_numeric(frame[rating], errors="coerce").to_numpy(dtype=np.float64)
    for name, column in (("user", user), ("item", item)):
        if frame[column].isna().any():
            raise ValueError(f"{name} column {column!r} has missing ids")
    rows, user_ids = pd.factorize(frame[user], sort=True)
    cols, item_ids = pd.factorize(frame[item], sort=True)
    shape = (len(user_ids), len(item_ids))
    by_user, by_item = _build(rows, cols, values, shape, feedback, dtype)
    return Interactions(by_user, by_item, np.asarray(user_ids), np.asarray(item_ids))


class IdIndex:
    """Ids → row positions, with a clear error for ids the model has not seen."""

    def __init__(self, ids: np.ndarray, kind: str) -> None:
        self.ids = ids
        self.kind = kind
        self._index = pd.Index(ids)

    def positions(self, values: Any, allow_unknown: bool = False) -> np.ndarray:
        """Positions of ``values`` (-1 for unknown ids when allow_unknown)."""
        found = self._index.get_indexer(np.atleast_1d(np.asarray(values, dtype=object)))
        if not allow_unknown and (found < 0).any():
            unknown = np.atleast_1d(np.asarray(values, dtype=object))[found < 0]
            raise KeyError(
                f"unknown {self.kind} id(s) {list(unknown[:5])}"
                f"{' ...' if unknown.size > 5 else ''}: not in the fitted data "
                f"(pass unknown='popularity' for the popularity fallback)"
            )
        return np.asarray(found, dtype=np.int64)
