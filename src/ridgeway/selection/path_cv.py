"""Warm-started λ paths and k-fold cross-validation over them.

A path is solved from the largest λ to the smallest, each fit starting from the previous
solution, so most λ cost a Newton step or two. k-fold CV solves one path per fold, at
λ·n_train/n (conventions.fold_l2) so that the choice transfers to the full-data refit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from ridgeway.conventions import fold_l2
from ridgeway.problem import Problem
from ridgeway.progress import advance
from ridgeway.solution import Solution

__all__ = ["kfold_path_cv", "solve_path"]


def solve_path(
    problem: Problem,
    grid_desc: np.ndarray,
    solver,
    *,
    tol: float,
    max_iter: int | None,
    start: tuple | None = None,
    after: Callable | None = None,
    cache: dict | None = None,
) -> list[Solution]:
    """Solutions along a decreasing λ grid, each warm-started from the one before.

    ``after(j, problem_j, solution_j, cache)``, if given, runs after each fit and may leave
    state in ``cache`` for the next one (ALO leaves the Hessian at the solution there).
    ``cache`` may come pre-filled (e.g. a data Hessian from a similar problem: the solver
    only uses it as a Newton matrix, refreshing it if it does not contract).
    """
    coef, intercept = start if start is not None else (None, None)
    limit = {} if max_iter is None else {"max_iter": max_iter}
    solutions = []
    cache = {} if cache is None else cache  # solver state (e.g. a Hessian) along the path
    for l2 in grid_desc:
        pb = replace(problem, penalty=replace(problem.penalty, l2=float(l2)))
        sol = solver.solve(pb, coef0=coef, intercept0=intercept, tol=tol, cache=cache, **limit)
        solutions.append(sol)
        if after is not None:
            after(len(solutions) - 1, pb, sol, cache)
        coef, intercept = sol.coef, sol.intercept
    return solutions


FoldPath = Callable[[np.ndarray, np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]]


def kfold_path_cv(
    grid: np.ndarray,
    folds: list,
    fold_path: FoldPath,
    metric,
    labels: np.ndarray,
    sample_weight: np.ndarray | None,
    all_folds: Callable | None = None,
) -> dict[str, np.ndarray]:
    """cv_results_ over an ascending grid.

    ``fold_path(train, test, l2_fold_desc)`` returns per-class scores on the test and the
    training rows, (n_test, L, k) and (n_train, L, k) in *decreasing* λ order, and the
    effective degrees of freedom per λ (NaN where unknown). ``all_folds(folds, l2_desc_per
    _fold)``, if given, may return the same for every fold at once (solved together), or None
    to fall back to ``fold_path`` fold by fold.
    """
    w = np.ones(len(labels)) if sample_weight is None else sample_weight
    grid_desc = grid[::-1]
    n_folds, L = len(folds), len(grid)
    fold_scores = np.empty((n_folds, L))
    train_scores = np.empty((n_folds, L))
    dfs = np.empty((n_folds, L))
    what = f"{n_folds}-fold CV over {L} values of l2"
    l2_folds = [fold_l2(grid_desc, w[train].sum(), w.sum()) for train, _ in folds]
    together = None if all_folds is None else all_folds(folds, l2_folds)
    for f, (train, test) in enumerate(folds):
        if together is not None:
            test_s, train_s, df = together[f]
        else:
            test_s, train_s, df = fold_path(train, test, l2_folds[f])
        advance((f + 1) * L, n_folds * L, what)
        fold_scores[f] = metric.score(labels[test], test_s, w[test])[::-1]
        train_scores[f] = metric.score(labels[train], train_s, w[train])[::-1]
        dfs[f] = np.asarray(df)[::-1]
    with np.errstate(invalid="ignore"):
        mean = np.nanmean(fold_scores, axis=0) if np.isnan(fold_scores).any() else None
    mean = fold_scores.mean(axis=0) if mean is None else mean
    std_error = (
        fold_scores.std(axis=0, ddof=1) / np.sqrt(n_folds) if n_folds > 1 else np.full(L, np.nan)
    )
    return {
        "l2": grid.copy(),
        "mean_score": mean,
        "std_error": std_error,
        "train_score": train_scores.mean(axis=0),
        "df": dfs.mean(axis=0),
        "fold_scores": fold_scores.T.copy(),
    }
