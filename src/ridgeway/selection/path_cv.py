"""Warm-started λ paths, and the k-fold validation curve over them.

A path is solved from the largest λ to the smallest, each fit starting from the previous
solution (``solve(problem, start=previous)``: the solver's typed state travels along), so
most λ cost a Newton step or two. k-fold CV solves one path per fold, at λ·n_train/n
(conventions.fold_l2) so that the choice transfers to the full-data refit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ridgeway.conventions import fold_l2
from ridgeway.problem import Problem
from ridgeway.selection.classification_scoring import ClassificationMetric
from ridgeway.selection.result import SelectionResult, fold_standard_error
from ridgeway.selection.rules import select_index
from ridgeway.solution import Solution
from ridgeway.solvers.base import Solver
from ridgeway.solvers.smooth.objective import at_l2

__all__ = ["FoldScores", "fold_grids", "kfold_result", "solve_path"]


def solve_path(
    problem: Problem,
    grid_desc: np.ndarray,
    solver: Solver,
    *,
    tol: float,
    max_iter: int | None = None,
    start: Solution | None = None,
) -> list[Solution]:
    """Solutions along a decreasing λ grid, each warm-started from the one before.

    ``start``: a Solution of a nearby problem for the first λ (e.g. another fold's first
    solution, its state reduced to what stays valid on other rows).
    """
    limit = {} if max_iter is None else {"max_iter": max_iter}
    solutions = []
    for l2 in grid_desc:
        start = solver.solve(at_l2(problem, l2), start=start, tol=tol, **limit)
        solutions.append(start)
    return solutions


@dataclass(frozen=True)
class FoldScores:
    """One fold's per-class scores along the decreasing grid: (n_rows, L, k) on its test and
    training rows, and the effective degrees of freedom per λ (NaN where unknown)."""

    test: np.ndarray
    train: np.ndarray
    df: np.ndarray


def fold_grids(grid_desc: np.ndarray, folds: list, weights: np.ndarray) -> list[np.ndarray]:
    """Each fold's decreasing grid, λ·n_train/n (n counted by the sample weights)."""
    return [fold_l2(grid_desc, weights[train].sum(), weights.sum()) for train, _ in folds]


def kfold_result(
    grid: np.ndarray,
    folds: list,
    scores: list[FoldScores],
    metric: ClassificationMetric,
    labels: np.ndarray,
    sample_weight: np.ndarray | None,
    rule: str,
) -> SelectionResult:
    """The k-fold validation curve over the ascending ``grid`` from each fold's scores."""
    w = np.ones(len(labels)) if sample_weight is None else sample_weight
    L = len(grid)
    fold_scores = np.empty((len(folds), L))
    train_scores = np.empty((len(folds), L))
    dfs = np.empty((len(folds), L))
    for f, ((train, test), out) in enumerate(zip(folds, scores)):
        fold_scores[f] = metric.score(labels[test], out.test, w[test])[::-1]
        train_scores[f] = metric.score(labels[train], out.train, w[train])[::-1]
        dfs[f] = np.asarray(out.df)[::-1]
    with np.errstate(invalid="ignore"):
        mean = np.nanmean(fold_scores, axis=0) if np.isnan(fold_scores).any() else None
    mean = fold_scores.mean(axis=0) if mean is None else mean
    std_error = fold_standard_error(fold_scores, axis=0)
    return SelectionResult(
        l2=grid.copy(),
        mean_score=mean,
        std_error=std_error,
        train_score=train_scores.mean(axis=0),
        df=dfs.mean(axis=0),
        best_index=np.array([select_index(grid, mean, std_error, rule)]),
        rule=rule,
        method="kfold",
        fold_scores=fold_scores.T.copy(),
    )
