"""Top-n lists and the ranking metrics computed on them (higher is better).

For a user with held-out set T and a top-k list L (training items excluded from L):

- precision@k = Σ_u |L ∩ T| / Σ_u min(k, |T|)   (pooled over users, as ``implicit.evaluation``)
- recall@k    = |L ∩ T| / |T|
- NDCG@k      = Σ_{r: L_r ∈ T} 1/log2(r + 2) / Σ_{r < min(k,|T|)} 1/log2(r + 2)
- MAP@k       = Σ_{r: L_r ∈ T} precision@(r+1) / min(k, |T|)

the others averaged over the users with a non-empty T (the definitions of
``implicit.evaluation.ranking_metrics_at_k``, so its numbers compare).
"""

from __future__ import annotations

from typing import Any

import numpy as np

METRICS = ("precision", "recall", "ndcg", "map")
CHUNK = 2048


def top_n(
    user_rows: np.ndarray,
    item_factors: np.ndarray,
    n: int,
    seen: Any = None,
    item_offset: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Indices (users × n) and scores of the n best items per row of ``user_rows``; items in
    the CSR ``seen`` (rows aligned with user_rows) are excluded and padded with -1 / -inf."""
    n_users, n_items = user_rows.shape[0], item_factors.shape[0]
    n = min(n, n_items)
    best = np.full((n_users, n), -1, dtype=np.int64)
    best_scores = np.full((n_users, n), -np.inf)
    for lo in range(0, n_users, CHUNK):
        hi = min(lo + CHUNK, n_users)
        scores = (user_rows[lo:hi] @ item_factors.T).astype(np.float64)
        if item_offset is not None:
            scores += item_offset
        if seen is not None:
            block = seen[lo:hi]
            rows = np.repeat(np.arange(hi - lo), np.diff(block.indptr))
            scores[rows, block.indices] = -np.inf
        part = np.argpartition(-scores, n - 1, axis=1)[:, :n] if n < n_items else None
        if part is None:
            part = np.tile(np.arange(n_items), (hi - lo, 1))
        picked = np.take_along_axis(scores, part, axis=1)
        order = np.argsort(-picked, axis=1, kind="stable")
        best[lo:hi] = np.take_along_axis(part, order, axis=1)
        best_scores[lo:hi] = np.take_along_axis(picked, order, axis=1)
    best[~np.isfinite(best_scores)] = -1
    return best, best_scores


def hits_of(top: np.ndarray, held_out: Any) -> np.ndarray:
    """Boolean (users × k): is top[u, r] among u's held-out items (a sorted-key lookup)."""
    n_items = held_out.shape[1]
    rows = np.repeat(np.arange(held_out.shape[0]), np.diff(held_out.indptr))
    keys = rows.astype(np.int64) * n_items + held_out.indices  # sorted: CSR with sorted indices
    wanted = np.arange(top.shape[0])[:, None].astype(np.int64) * n_items + top
    if keys.size == 0:
        return np.zeros(top.shape, dtype=bool)
    found = keys[np.minimum(np.searchsorted(keys, wanted), keys.size - 1)] == wanted
    return found & (top >= 0)


def ranking_metrics(top: np.ndarray, held_out: Any, k: int) -> dict[str, float]:
    """The four metrics of top-k lists (rows aligned with the CSR ``held_out``, whose
    indices must be sorted)."""
    top = top[:, :k]
    sizes = np.diff(held_out.indptr)
    users = sizes > 0
    if not users.any():
        return dict.fromkeys(METRICS, float("nan"))
    hits = hits_of(top, held_out)[users]
    sizes = sizes[users]
    attainable = np.minimum(k, sizes)
    n_hits = hits.sum(axis=1)
    width = hits.shape[1]
    discount = 1.0 / np.log2(np.arange(k) + 2.0)
    ideal = np.cumsum(discount)[attainable - 1]
    precision_at = np.cumsum(hits, axis=1) / np.arange(1, width + 1)
    return {
        "precision": float(n_hits.sum() / attainable.sum()),
        "recall": float(np.mean(n_hits / sizes)),
        "ndcg": float(np.mean((hits * discount[:width]).sum(axis=1) / ideal)),
        "map": float(np.mean((precision_at * hits).sum(axis=1) / attainable)),
    }


def rmse(truth: np.ndarray, prediction: np.ndarray) -> float:
    if truth.size == 0:
        return float("nan")
    return float(np.sqrt(np.mean((np.asarray(truth) - np.asarray(prediction)) ** 2)))
