"""Penalty paths for the elastic net: λ_max and log-spaced grids down from it (as glmnet)."""

from __future__ import annotations

import numpy as np

__all__ = ["l1_max", "log_grid"]


def l1_max(gradient: np.ndarray, l1_weight: np.ndarray, *, positive: bool = False) -> float:
    """The smallest l1 at which every penalized coefficient is zero.

    ``gradient`` is X_cᵀS r at the fit with all penalized coefficients at zero (unpenalized
    ones fitted); the KKT conditions at β = 0 read |g_j| <= l1·a_j, whatever l2 is (the l2
    term has zero derivative at zero). With β ≥ 0 only positive g_j matter.
    """
    g = np.maximum(gradient, 0.0) if positive else np.abs(gradient)
    penalized = l1_weight > 0
    if not np.any(penalized):
        raise ValueError("every feature is unpenalized (penalty_factor all 0): no l1 path")
    # a relative margin far below any tolerance, so rounding in g cannot leave the top
    # feature a hair above its threshold (a 1e-17 coefficient at "λ_max")
    return float(np.max(g[penalized] / l1_weight[penalized])) * (1.0 + 1e-9)


def default_eps(n_samples: int, n_features: int) -> float:
    """glmnet's lambda.min.ratio: 1e-4 when n ≥ p, 1e-2 when n < p (where small λ overfit)."""
    return 1e-4 if n_samples >= n_features else 1e-2


def log_grid(top: float, n_grid: int = 100, eps: float = 1e-3) -> np.ndarray:
    """``n_grid`` values from ``top`` down to ``eps·top``, evenly spaced on a log scale.

    A zero ``top`` (nothing left for the penalized features to explain) gives the single
    value 0: there is nothing to select.
    """
    if isinstance(n_grid, bool) or int(n_grid) != n_grid or n_grid < 1:
        raise ValueError(f"n_grid must be an integer >= 1; got {n_grid!r}")
    if not (np.isfinite(eps) and 0 < eps < 1):
        raise ValueError(f"eps must be a number in (0, 1); got {eps!r}")
    if top <= 0:
        return np.zeros(1)
    if n_grid == 1:
        return np.array([top])
    return top * np.logspace(0.0, np.log10(eps), int(n_grid))
