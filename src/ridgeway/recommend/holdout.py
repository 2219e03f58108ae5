"""Ratings held out per user, and the scores of a fitted state on them.

Each user's ratings are shuffled and dealt round-robin into K folds (from a random start, so
folds stay balanced across users); a user with fewer than two ratings is never held out, so
every user keeps something to train on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from ridgeway.recommend.data import Interactions
from ridgeway.recommend.factorize import State
from ridgeway.recommend.metrics import METRICS, ranking_metrics, rmse, top_n
from ridgeway.recommend.solve import entry_scores


@dataclass(frozen=True)
class Fold:
    train: Interactions
    test: Any  # users × items CSR of the held-out entries


def assign_folds(by_user: Any, n_folds: int, rng: np.random.Generator) -> np.ndarray:
    """Fold of every stored entry (CSR order); -1 for entries that always train."""
    counts = np.diff(by_user.indptr)
    rows = np.repeat(np.arange(counts.size), counts)
    order = np.lexsort((rng.random(rows.size), rows))
    rank = np.empty(rows.size, dtype=np.int64)
    rank[order] = np.arange(rows.size) - by_user.indptr[rows[order]]
    start = rng.integers(0, n_folds, counts.size)
    fold = (rank + start[rows]) % n_folds
    fold[counts[rows] < 2] = -1
    return fold


def _subset(by_user: Any, keep: np.ndarray) -> Any:
    coo = by_user.tocoo()
    out = sp.csr_matrix((coo.data[keep], (coo.row[keep], coo.col[keep])), shape=by_user.shape)
    out.sort_indices()
    return out


def make_folds(data: Interactions, n_folds: int, rng: np.random.Generator) -> list[Fold]:
    fold = assign_folds(data.by_user, n_folds, rng)
    folds = []
    for f in range(n_folds):
        train = _subset(data.by_user, fold != f)
        by_item = train.T.tocsr()
        by_item.sort_indices()
        folds.append(
            Fold(
                Interactions(train, by_item, data.user_ids, data.item_ids),
                _subset(data.by_user, fold == f),
            )
        )
    return folds


def predict_entries(matrix: Any, state: State, biases: bool) -> np.ndarray:
    """Predicted ratings at the stored entries of a users × items CSR."""
    scores = entry_scores(matrix.indptr, matrix.indices, state.user_factors, state.item_factors)
    if biases:
        rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
        scores += state.global_mean + state.user_bias[rows] + state.item_bias[matrix.indices]
    return scores


def explicit_scores(fold: Fold, state: State, biases: bool) -> tuple[float, float]:
    """(held-out RMSE, training RMSE)."""
    train = fold.train.by_user
    return (
        rmse(fold.test.data, predict_entries(fold.test, state, biases)),
        rmse(train.data, predict_entries(train, state, biases)),
    )


def implicit_scores(fold: Fold, state: State, k: int) -> tuple[dict[str, float], dict[str, float]]:
    """Held-out ranking metrics (training items excluded from the lists) and, for the
    training score, the same metrics of unfiltered lists against the training items."""
    users = np.flatnonzero(np.diff(fold.test.indptr) > 0)
    train = fold.train.by_user
    rows = state.user_factors[users]
    best, _ = top_n(rows, state.item_factors, k, train[users])
    held = ranking_metrics(best, fold.test[users], k)
    fit, _ = top_n(rows, state.item_factors, k)
    return held, ranking_metrics(fit, train[users], k)


def popularity_scores(fold: Fold, k: int) -> dict[str, float]:
    """The baseline: every user gets the most popular training items they have not seen."""
    users = np.flatnonzero(np.diff(fold.test.indptr) > 0)
    if users.size == 0:
        return dict.fromkeys(METRICS, float("nan"))
    popularity = fold.train.item_counts.astype(np.float64)
    popularity = popularity / max(popularity.max(), 1.0)
    # rank-1 factors make top_n rank by popularity, exclusions included
    ones = np.ones((users.size, 1))
    best, _ = top_n(ones, popularity[:, None], k, fold.train.by_user[users])
    return ranking_metrics(best, fold.test[users], k)
