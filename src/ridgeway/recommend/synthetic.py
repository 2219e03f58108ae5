"""Low-rank ratings and counts to test and benchmark on when no real data is installed.

Explicit: r = clip(μ + b_u + b_i + x_uᵀy_i + ε, 1, 5) on a random observed set whose item
choice follows a power-law popularity (as real catalogues). Implicit: each user belongs to one
of ``factors`` tastes, and each interaction picks, with probability ``affinity``, a popular
item of the user's taste, else a popular item of any taste — block structure of rank
``factors`` plus popularity, the shape ALS recovers; counts are 1 + Poisson(1).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp


def _draw_pairs(
    rng: np.random.Generator, n_users: int, n_items: int, n_interactions: int
) -> tuple[np.ndarray, np.ndarray]:
    """Distinct (user, item) pairs, user activity and item popularity both heavy-tailed."""
    activity = rng.pareto(1.5, n_users) + 1.0
    users = rng.choice(n_users, size=n_interactions, p=activity / activity.sum())
    if n_interactions >= n_users:
        users[:n_users] = np.arange(n_users)  # every user rates something
    popularity = 1.0 / np.arange(1, n_items + 1) ** 0.8
    items = rng.permutation(n_items)[
        rng.choice(n_items, size=n_interactions, p=popularity / popularity.sum())
    ]
    keys = np.unique(users.astype(np.int64) * n_items + items)
    return keys // n_items, keys % n_items


def explicit_ratings(
    n_users: int = 500,
    n_items: int = 300,
    n_ratings: int = 20_000,
    factors: int = 5,
    noise: float = 0.5,
    random_state: Any = 0,
) -> Any:
    """A users × items CSR of ratings in [1, 5] (distinct pairs; slightly fewer than asked)."""
    rng = np.random.default_rng(random_state)
    u, i = _draw_pairs(rng, n_users, n_items, n_ratings)
    x = rng.standard_normal((n_users, factors)) / np.sqrt(factors)
    y = rng.standard_normal((n_items, factors))
    bu = 0.3 * rng.standard_normal(n_users)
    bi = 0.5 * rng.standard_normal(n_items)
    r = (
        3.5
        + bu[u]
        + bi[i]
        + np.einsum("ij,ij->i", x[u], y[i])
        + noise * rng.standard_normal(u.size)
    )
    return sp.csr_matrix((np.clip(r, 1.0, 5.0), (u, i)), shape=(n_users, n_items))


def implicit_counts(
    n_users: int = 1000,
    n_items: int = 500,
    n_interactions: int = 30_000,
    factors: int = 8,
    affinity: float = 0.8,
    random_state: Any = 0,
) -> Any:
    """A users × items CSR of counts >= 1 with a planted taste structure."""
    rng = np.random.default_rng(random_state)
    users = rng.choice(n_users, size=n_interactions)
    taste = rng.integers(0, factors, n_users)
    item_taste = rng.integers(0, factors, n_items)
    popularity = 1.0 / (rng.permutation(n_items) + 1.0) ** 0.7
    order = np.argsort(item_taste, kind="stable")
    starts = np.searchsorted(item_taste[order], np.arange(factors + 1))
    weights = popularity / popularity.sum()
    chosen = rng.choice(n_items, size=n_interactions, p=weights)
    own = rng.random(n_interactions) < affinity
    for t in range(factors):
        members = order[starts[t] : starts[t + 1]]
        pick = own & (taste[users] == t)
        if members.size and pick.any():
            weights = popularity[members] / popularity[members].sum()
            chosen[pick] = members[rng.choice(members.size, size=int(pick.sum()), p=weights)]
    counts = 1.0 + rng.poisson(1.0, n_interactions)
    matrix = sp.csr_matrix((counts, (users, chosen)), shape=(n_users, n_items))
    matrix.sum_duplicates()
    return matrix
