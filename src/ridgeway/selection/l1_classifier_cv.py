"""L1 / elastic-net classifiers: their penalties, λ_max, paths and k-fold choice of strength.

A classifier with an l1 part is the L2 classifier's task (:class:`ClassifierTask`: data,
heads, weights) with an elastic-net penalty per head — :class:`ElasticNetPenalty`, or for a
multinomial :class:`GroupElasticNetPenalty` when each feature is one group across classes —
solved by the proximal-Newton solver the table picks. A path fixes the mix
l1_share = l1/(l1 + l2) and runs the total strength λ = l1 + l2 from λ_max (the smallest
that zeroes every penalized coefficient, exact: from the gradient at the fit with only the
intercept and the unpenalized features) down, warm-started point to point. k-fold CV solves
each fold's path at λ·W_train/W (the choice transfers to the full refit), each fold
warm-started along its own path, and ends in the shared SelectionResult with ``n_nonzero``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ridgeway.conventions import fold_l2
from ridgeway.penalties.base import Penalty
from ridgeway.penalties.elastic_net import ElasticNetPenalty
from ridgeway.penalties.group_lasso import GroupElasticNetPenalty
from ridgeway.problem import Problem
from ridgeway.progress import advance
from ridgeway.selection.classification_scoring import ClassificationMetric
from ridgeway.selection.classifier_task import ClassifierTask
from ridgeway.selection.path_cv import FoldScores, kfold_result
from ridgeway.selection.result import SelectionResult
from ridgeway.solution import Solution
from ridgeway.solvers.choose import get_solver
from ridgeway.solvers.coordinate.proximal_newton import null_gradient

__all__ = [
    "L1Penalty",
    "L1Selection",
    "l1_max",
    "nonzero_counts",
    "select_classifier_l1",
    "solve_l1_path",
]

Paths = list[list[Solution]]  # per head, solutions along a grid


@dataclass(frozen=True)
class L1Penalty:
    """How a classifier's penalty is built at strengths (l1, l2): per-feature ``factors``
    (None: ones), ``scale`` (standardized features; None: ones), ``grouped`` (a multinomial
    feature is one group across classes)."""

    factors: np.ndarray | None = None
    scale: np.ndarray | None = None
    grouped: bool = False

    def at(self, l1: float, l2: float) -> Penalty:
        if self.grouped:
            return GroupElasticNetPenalty(float(l1), float(l2), self.factors, self.scale)
        return ElasticNetPenalty(float(l1), float(l2), self.factors, False, self.scale)

    def problems(self, task: ClassifierTask, l1: float, l2: float) -> list[Problem]:
        """One Problem per head of ``task`` at (l1, l2)."""
        penalty = self.at(l1, l2)
        return [
            Problem(task.X, target, loss, penalty, task.sample_weight, task.fit_intercept)
            for loss, target in task.family.heads(task.y_idx, task.n_classes)
        ]

    def fit(self, task: ClassifierTask, l1: float, l2: float, starts=None) -> list[Solution]:
        """One certified Solution per head at (l1, l2); ``starts``: per-head warm starts."""
        out = []
        for h, pb in enumerate(self.problems(task, l1, l2)):
            start = None if starts is None else starts[h]
            out.append(get_solver(task.solver, pb).solve(pb, start=start, **task.options()))
        return out


def l1_max(task: ClassifierTask, penalty: L1Penalty) -> float:
    """The smallest l1 at which every penalized coefficient of every head is zero.

    At β_pen = 0 (intercept and unpenalized features fitted) the KKT conditions read
    |∂loss/∂β_jc| <= l1·a_j (ungrouped) or ‖∂loss/∂β_j‖₂ <= l1·a_j (grouped), whatever l2
    is (its derivative is zero at zero).
    """
    top = 0.0
    for pb in penalty.problems(task, 1.0, 0.0):
        a, _ = pb.penalty.coordinate_weights(pb.n_features)
        G = null_gradient(pb)
        size = np.sqrt(np.sum(G * G, axis=1)) if penalty.grouped else np.max(np.abs(G), axis=1)
        pen = a > 0
        if not np.any(pen):
            raise ValueError("every feature is unpenalized (penalty_factor all 0): no l1 path")
        top = max(top, float(np.max(size[pen] / a[pen])))
    # a relative margin far below any tolerance, so rounding cannot leave a feature a hair
    # above its threshold at λ_max (as the elastic-net path does)
    return top * (1.0 + 1e-9)


def solve_l1_path(
    task: ClassifierTask,
    penalty: L1Penalty,
    l1_desc: np.ndarray,
    l2_desc: np.ndarray,
) -> Paths:
    """Per head, the solutions along decreasing strengths, warm-started point to point."""
    out = []
    for h in range(task.n_heads):
        problems = [penalty.problems(task, a, b)[h] for a, b in zip(l1_desc, l2_desc)]
        solver = get_solver(task.solver, problems[0])
        path_of = getattr(solver, "solve_path", None)
        if path_of is not None:
            out.append(path_of(problems, tol=task.tol, max_iter=task.max_iter))
            continue
        sols, start = [], None
        for pb in problems:
            start = solver.solve(pb, start=start, **task.options())
            sols.append(start)
        out.append(sols)
    return out


def _predictors(X, path: list[Solution]) -> np.ndarray:
    """(n_rows, L, outputs) linear predictors of every solution of a path (one product)."""
    coefs = np.stack([np.asarray(s.coef, dtype=np.float64).reshape(X.shape[1], -1)
                      for s in path], axis=1)  # fmt: skip
    intercepts = np.stack([np.atleast_1d(np.asarray(s.intercept, np.float64)) for s in path])
    flat = coefs.reshape(coefs.shape[0], -1)
    z = np.asarray(X @ flat, dtype=np.float64).reshape(X.shape[0], len(path), -1)
    return z + intercepts


def _scores(task: ClassifierTask, X, paths: Paths, present: np.ndarray) -> np.ndarray:
    """(n_rows, L, k) per-class scores; classes absent from the fitted rows get 0."""
    z = np.concatenate([_predictors(X, path) for path in paths], axis=2)
    scores = task.family.scores(z, present.size)
    full = np.zeros(scores.shape[:2] + (task.n_classes,))
    full[..., present] = scores
    return full


def nonzero_counts(paths: Paths) -> np.ndarray:
    """Features with a non-zero coefficient (in any head or class) per path point."""
    used = [
        np.array([np.any(np.asarray(s.coef).reshape(len(s.coef), -1) != 0, axis=1) for s in h])
        for h in paths
    ]
    return np.logical_or.reduce(used).sum(axis=1)


@dataclass(frozen=True)
class L1Selection:
    """The validation curve and, per head, the full-data solutions along the ascending grid."""

    result: SelectionResult
    path: Paths
    l1: np.ndarray  # ascending, the l1 part of the grid
    l2: np.ndarray  # the l2 part

    def starts(self, index: int) -> list[Solution]:
        return [head[index] for head in self.path]


def select_classifier_l1(
    task: ClassifierTask,
    penalty: L1Penalty,
    share: float,
    grid: np.ndarray,
    folds: list,
    metric: ClassificationMetric,
    rule: str,
) -> L1Selection:
    """k-fold choice of the total strength on the ascending ``grid`` (l1 = share·λ,
    l2 = (1 − share)·λ); the path fits use ``task.tol``."""
    grid_desc = grid[::-1]
    weights = np.ones(len(task.y_idx)) if task.sample_weight is None else task.sample_weight
    total = float(weights.sum())
    scores = []
    what = f"{len(folds)}-fold CV over {len(grid)} values of l1 + l2"
    for f, (train, test) in enumerate(folds):
        sub, present = task.on_rows(train)
        L = len(grid)
        if present.size < 2:  # one class in the training fold: predict it with certainty
            one = np.zeros((1, L, task.n_classes))
            one[..., present[0]] = 1.0
            scores.append(FoldScores(np.repeat(one, len(test), 0), np.repeat(one, len(train), 0),
                                     np.full(L, np.nan)))  # fmt: skip
            continue
        fold_grid = fold_l2(grid_desc, float(weights[train].sum()), total)
        paths = solve_l1_path(sub, penalty, share * fold_grid, (1.0 - share) * fold_grid)
        scores.append(FoldScores(_scores(task, task.X[test], paths, present),
                                 _scores(task, task.X[train], paths, present),
                                 nonzero_counts(paths).astype(float)))  # fmt: skip
        advance((f + 1) * L, (len(folds) + 1) * L, what)
    full = solve_l1_path(task, penalty, share * grid_desc, (1.0 - share) * grid_desc)
    advance(1, 1, what)
    result = kfold_result(grid, folds, scores, metric, task.y_idx, task.sample_weight, rule)
    path = [head[::-1] for head in full]
    l1, l2 = share * grid, (1.0 - share) * grid
    extra = {"l1": l1, "l2": l2, "l1_share": np.float64(share),
             "n_nonzero": nonzero_counts(path)}  # fmt: skip
    result = replace(result, extra=extra)
    return L1Selection(result, path, l1, l2)
