"""Grids of λ built from the data."""

from __future__ import annotations

import numpy as np


def df_grid(eigenvalues: np.ndarray, n_l2: int = 100, low: float = 0.005, high: float = 0.995):
    """λ values, descending in effective degrees of freedom, evenly spaced in df.

    df(λ) = Σ e_k/(e_k + λ) over the penalized eigenvalues; the grid spans df from
    ``low``·r to ``high``·r (r penalized directions), so every value of the grid changes the
    fit visibly — unlike a log grid, which wastes points where df barely moves. Returned
    ascending in λ.
    """
    e = np.asarray(eigenvalues, dtype=np.float64)
    e = e[e > 0]
    if e.size == 0:
        return np.logspace(-3, 3, n_l2)
    r = e.size
    targets = r * np.linspace(low, high, n_l2)
    lo = np.full(n_l2, np.log(e.min()) - 30.0)
    hi = np.full(n_l2, np.log(e.max()) + 30.0)
    for _ in range(100):  # bisection in log λ; df is decreasing in λ
        mid = 0.5 * (lo + hi)
        df = (e[None, :] / (e[None, :] + np.exp(mid)[:, None])).sum(axis=1)
        too_flexible = df > targets
        lo = np.where(too_flexible, mid, lo)
        hi = np.where(too_flexible, hi, mid)
    return np.sort(np.exp(0.5 * (lo + hi)))
