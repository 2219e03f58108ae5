"""Penalty paths for the elastic net: λ_max and log-spaced grids down from it (as glmnet).

A path fixes the mix l1_share = l1/(l1 + l2) and runs the total strength λ = l1 + l2 from
λ_max (the smallest that zeroes every penalized coefficient) down to eps·λ_max.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ridgeway.problem import Problem
from ridgeway.selection.parameters import check_count, check_fraction
from ridgeway.solvers.choose import get_solver
from ridgeway.solvers.coordinate.descent import CoordinatePath, null_gradient
from ridgeway.solvers.coordinate.designs import Design
from ridgeway.solvers.coordinate.solvers import CoordinateDescent

__all__ = [
    "ElasticNetPath",
    "default_eps",
    "l1_max",
    "log_grid",
    "path_solver",
    "solve_elastic_net_path",
    "strength_grid",
]


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
    n_grid, eps = check_count(n_grid, "n_grid"), check_fraction(eps, "eps")
    if top <= 0:
        return np.zeros(1)
    if n_grid == 1:
        return np.array([top])
    return top * np.logspace(0.0, np.log10(eps), n_grid)


def path_solver(name: str | None, problem: Problem) -> CoordinateDescent:
    """The solver table's choice (or the named solver) for a path: it must follow a path."""
    solver = get_solver(name, problem)
    if not isinstance(solver, CoordinateDescent):
        raise TypeError(
            f"solver must be 'auto' or a coordinate-descent solver ('cd-gram', 'cd-residual') "
            f"for an elastic-net path; got {name!r}"
        )
    return solver


def strength_grid(design: Design, problem: Problem, share: float, n_grid: int, eps: float):
    """Total strengths λ = l1 + l2 from λ_max down to eps·λ_max for the mix ``share``."""
    a, _ = problem.penalty.coordinate_weights(problem.n_features)
    top = l1_max(null_gradient(design, a), a, positive=problem.penalty.positive) / share
    return log_grid(top, n_grid, eps)


@dataclass(frozen=True)
class ElasticNetPath:
    """A certified path: the (l1, l2) grid and the solutions along it."""

    l1: np.ndarray
    l2: np.ndarray
    path: CoordinatePath


def solve_elastic_net_path(
    problem: Problem,
    share: float,
    *,
    n_grid: int = 100,
    eps: float | None = None,
    solver: str | None = "auto",
    tol: float = 1e-6,
    max_iter: int = 10_000,
) -> ElasticNetPath:
    """The path of the problem's penalty for one mix, its data formed once for every point."""
    chosen = path_solver(solver, problem)
    design = chosen.design(problem)
    eps = default_eps(problem.n_samples, problem.n_features) if eps is None else eps
    grid = strength_grid(design, problem, share, n_grid, eps)
    l1, l2 = share * grid, (1.0 - share) * grid
    path = chosen.solve_path(problem, l1, l2, design=design, tol=tol, max_iter=max_iter)
    return ElasticNetPath(l1, l2, path)
