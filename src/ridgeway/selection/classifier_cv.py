"""Choosing λ for the classifiers (logistic, multinomial, SVM): k-fold paths or ALO.

Every route ends in a :class:`ClassifierSelection`: the validation curve as a
SelectionResult, and the full-data solutions at every λ of the grid: the estimators' refit
starts from one and ``coef_path_`` comes from them (no refit of the path afterwards).

k-fold: each fold solves its path from large to small λ (at λ·n_train/n), warm-started
along the path through the solver's typed state; the first λ of a fold starts from the
previous fold's first solution and its data Hessian (the folds share most rows). Where it
applies (two classes, a solver with the LockstepSolver capability of solvers.base —
Newton-Cholesky on dense X, via solvers.smooth.batched_newton) every fold's path is solved
together in lockstep with the full-data path: one read of X per Newton step serves all of
them, and the full-data problem borrows its Newton matrix from the folds' (no Gram of its
own). Elsewhere the full-data path follows the folds, warm-started from the last fold's
first solution. ALO: one full-data path; the Hessian at each solution gives the left-out
predictions and starts the next λ's Newton steps.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ridgeway.problem import Problem
from ridgeway.progress import advance
from ridgeway.selection.alo import SHARED_MIN, alo_predictors, alo_predictors_shared
from ridgeway.selection.classification_scoring import ClassificationMetric
from ridgeway.selection.classifier_task import ClassifierTask, RowSpace, row_space
from ridgeway.selection.path_cv import FoldScores, fold_grids, kfold_result, solve_path
from ridgeway.selection.result import SelectionResult, fold_standard_error
from ridgeway.selection.rules import select_index
from ridgeway.selection.splits import check_loo_weights, fold_indices, resolve_cv
from ridgeway.solution import Solution
from ridgeway.solvers.base import LockstepSolver, PathState, Solver
from ridgeway.solvers.choose import get_solver
from ridgeway.solvers.smooth.objective import PackedObjective, at_l2

__all__ = ["ClassifierSelection", "alo_result", "select_classifier_l2", "training_predictor"]

Paths = list[list[Solution]]  # per head, solutions along a grid


@dataclass(frozen=True)
class ClassifierSelection:
    """The validation curve and, per head, the full-data solutions along the ascending grid."""

    result: SelectionResult
    path: Paths

    def starts(self, index: int) -> list[Solution]:
        """Per head, the path solution at grid index ``index``: the refit's warm start."""
        return [head[index] for head in self.path]

    def mapped(self, space: RowSpace) -> ClassifierSelection:
        """The same selection with the path's coefficients mapped back from a reduced task
        (the states, valid only there, dropped)."""
        path = [[replace(sol, coef=space.coef(sol.coef), state=None) for sol in head]
                for head in self.path]  # fmt: skip
        return ClassifierSelection(self.result, path)


def select_classifier_l2(
    task: ClassifierTask, grid: np.ndarray, cv: Any, metric: ClassificationMetric, rule: str
) -> ClassifierSelection:
    """λ on the ascending ``grid`` by k-fold CV (``cv`` an int, splitter or splits) or ALO
    (``cv="alo"``); the path fits use ``task.tol``. Wide dense data (n < p) are solved on the
    row space of X (``classifier_task.row_space``: the same optima, n instead of p features)."""
    reduced = row_space(task, task.problems(float(grid[-1]))[0].penalty)
    if reduced is not None:
        small, space = reduced
        return select_classifier_l2(small, grid, cv, metric, rule).mapped(space)
    if isinstance(cv, str) and cv == "alo":
        check_loo_weights(task.sample_weight)
        return alo_selection(task, grid, metric, rule)
    if isinstance(cv, str):
        raise ValueError(f"cv must be an int, a splitter, splits or 'alo'; got {cv!r}")
    folds = fold_indices(
        resolve_cv(cv, classifier=True), task.X, task.y_idx, sample_weight=task.sample_weight
    )
    return kfold_selection(task, grid, folds, metric, rule)


# predictors ----------------------------------------------------------------------------------
def training_predictor(problem: Problem, solution: Solution) -> np.ndarray:
    """z = Xβ + b on the problem's own rows: the solver's, where its state keeps it."""
    state = solution.state
    if isinstance(state, PathState) and state.linear_predictor is not None:
        return state.linear_predictor
    return np.asarray(problem.linear_predictor(solution.coef, solution.intercept))


def predict_path(rows: Any, path: list[Solution]) -> np.ndarray:
    """(n_rows, L[, k]) predictors of every solution of a path: one product for all λ."""
    coefs = np.stack([np.asarray(sol.coef, dtype=np.float64) for sol in path], axis=1)
    intercepts = np.stack([np.asarray(sol.intercept, dtype=np.float64) for sol in path])
    flat = coefs.reshape(coefs.shape[0], -1)
    z = np.asarray(rows @ flat, dtype=np.float64).reshape((rows.shape[0],) + coefs.shape[1:])
    return z + intercepts


def _stack_heads(per_head: list[np.ndarray], n: int, L: int) -> np.ndarray:
    """(n, L, heads·outputs) from per-head (n, L[, k]) predictors."""
    return np.concatenate([z.reshape(n, L, -1) for z in per_head], axis=2)


def _for_other_rows(solution: Solution) -> Solution:
    """A start for a problem on other rows: keep only what stays valid there."""
    state = solution.state
    if isinstance(state, PathState):
        return replace(solution, state=state.for_other_data())
    return solution


# k-fold ------------------------------------------------------------------------------------
def kfold_selection(
    task: ClassifierTask, grid: np.ndarray, folds: list, metric: ClassificationMetric, rule: str
) -> ClassifierSelection:
    weights = np.ones(len(task.y_idx)) if task.sample_weight is None else task.sample_weight
    grid_desc = grid[::-1]
    grids = fold_grids(grid_desc, folds, weights)
    what = f"{len(folds)}-fold CV over {len(grid)} values of l2"
    together = folds_together(task, folds, grids, grid_desc)
    if together is None:
        scores, firsts = [], None
        for f, (train, test) in enumerate(folds):
            out, firsts = fold_path_scores(task, train, test, grids[f], firsts)
            scores.append(out)
            advance((f + 1) * len(grid), len(folds) * len(grid), what)
        full = _full_paths(task, grid_desc, firsts)
    else:
        scores, full = together
        advance(len(folds) * len(grid), len(folds) * len(grid), what)
    result = kfold_result(grid, folds, scores, metric, task.y_idx, task.sample_weight, rule)
    return ClassifierSelection(result, [head[::-1] for head in full])


def _full_paths(task: ClassifierTask, grid_desc: np.ndarray, firsts: list | None) -> Paths:
    """Per head, the full-data path, its first λ started from a fold's first solution."""
    out = []
    for h, pb in enumerate(task.problems(grid_desc[0])):
        start = None if firsts is None else firsts[h]
        solver = get_solver(task.solver, pb)
        out.append(solve_path(pb, grid_desc, solver, tol=task.tol, max_iter=task.max_iter,
                              start=start))  # fmt: skip
    return out


def fold_path_scores(
    task: ClassifierTask,
    train: np.ndarray,
    test: np.ndarray,
    grid_desc: np.ndarray,
    firsts: list[Solution] | None,
) -> tuple[FoldScores, list[Solution] | None]:
    """One fold's scores along its decreasing grid, and the first solutions per head that
    start the next fold (``firsts`` unchanged when this fold lacks a class: its heads
    differ)."""
    sub, present = task.on_rows(train)
    k, L = task.n_classes, len(grid_desc)
    if present.size < 2:  # one class in the training fold: predict it with certainty
        one = np.zeros((1, L, k))
        one[..., present[0]] = 1.0
        nan = np.full(L, np.nan)
        ones = FoldScores(np.repeat(one, len(test), 0), np.repeat(one, len(train), 0), nan)
        return ones, firsts
    complete = present.size == k
    problems = sub.problems(grid_desc[0])
    paths = []
    for h, pb in enumerate(problems):
        start = firsts[h] if complete and firsts is not None else None
        solver = get_solver(sub.solver, pb)
        paths.append(solve_path(pb, grid_desc, solver, tol=sub.tol, max_iter=sub.max_iter,
                                start=start))  # fmt: skip
    z_test = _stack_heads([predict_path(task.X[test], p) for p in paths], len(test), L)
    z_train = _stack_heads(
        [
            np.stack([training_predictor(pb, s) for s in p], axis=1)
            for pb, p in zip(problems, paths)
        ],
        len(train),
        L,
    )
    out = []
    for z in (z_test, z_train):
        scores = task.family.scores(z, present.size)
        # classes absent from a training fold get score 0 (probability 0) or −∞
        full = np.full(scores.shape[:2] + (k,), 0.0 if task.family.probabilistic else -np.inf)
        full[..., present] = scores
        out.append(full)
    fold = FoldScores(out[0], out[1], np.full(L, np.nan))
    return fold, ([_for_other_rows(p[0]) for p in paths] if complete else firsts)


def folds_together(
    task: ClassifierTask, folds: list, grids: list[np.ndarray], grid_desc: np.ndarray
) -> tuple[list[FoldScores], Paths] | None:
    """Every fold's path and the full-data path in one lockstep solve, where that applies —
    one binary head, a solver with the LockstepSolver capability that takes the problem (dense X
    for Newton-Cholesky), both classes in every training fold; else None.
    """
    X, y_idx, s = task.X, task.y_idx, task.sample_weight
    if task.n_classes != 2:
        return None
    if any(np.unique(y_idx[train]).size < 2 for train, _ in folds):
        return None
    (pb,) = task.problems(grid_desc[0])
    solver = get_solver(task.solver, pb)
    if not (isinstance(solver, LockstepSolver) and solver.takes_weighted_paths(pb)):
        return None
    weights = []
    for train, _ in folds:
        w = np.zeros(X.shape[0])
        # a row listed twice in a training fold (bootstrap splits) counts twice
        np.add.at(w, train, 1.0 if s is None else s[train])
        weights.append(w)
    weights.append(np.ones(X.shape[0]) if s is None else s)  # the full data, last
    grids_all = np.vstack([*grids, grid_desc])
    paths = solver.solve_weighted_paths(pb, weights, grids_all, tol=task.tol,
                                        max_iter=task.max_iter, last_is_total=True)  # fmt: skip
    L = len(grid_desc)
    scores = []
    for f, (train, test) in enumerate(folds):
        z = paths.predictor[f].T  # (n, L)
        test_s, train_s = (task.family.scores(z[rows].reshape(len(rows), L, 1), 2)
                           for rows in (test, train))  # fmt: skip
        scores.append(FoldScores(test_s, train_s, np.full(L, np.nan)))
    return scores, [paths.solutions(pb, len(folds), grid_desc)]


# ALO ---------------------------------------------------------------------------------------
def alo_selection(
    task: ClassifierTask, grid: np.ndarray, metric: ClassificationMetric, rule: str
) -> ClassifierSelection:
    """Left-out scores from the full-data path (Rad & Maleki 2020), no refits."""
    grid_desc = grid[::-1]
    loo, fit, dfs, paths = [], [], np.zeros(len(grid)), []
    for pb in task.problems(grid_desc[0]):
        path, z_loo, z_fit, df = alo_path(pb, grid_desc, get_solver(task.solver, pb), task)
        loo.append(z_loo)
        fit.append(z_fit)
        dfs += df
        paths.append(path[::-1])
    return ClassifierSelection(alo_result(task, grid, loo, fit, dfs, metric, rule), paths)


def alo_result(
    task: ClassifierTask,
    grid: np.ndarray,
    loo: list[np.ndarray],
    fit: list[np.ndarray],
    df: np.ndarray,
    metric: ClassificationMetric,
    rule: str,
) -> SelectionResult:
    """The ALO validation curve over the ascending ``grid`` from each head's left-out and
    fitted predictors (n, L[, k]) and the summed df (L,), all along the decreasing grid."""
    n, L = task.X.shape[0], len(grid)
    k = task.n_classes
    scores_loo = task.family.scores(_stack_heads(loo, n, L), k)
    scores_fit = task.family.scores(_stack_heads(fit, n, L), k)
    mean = metric.score(task.y_idx, scores_loo, task.sample_weight)[::-1]
    if metric.pointwise is not None:  # a left-out score per sample: its standard error
        std_error = fold_standard_error(metric.per_sample(task.y_idx, scores_loo)[:, ::-1], 0)
    else:
        std_error = np.full(L, np.nan)
    return SelectionResult(
        l2=grid.copy(),
        mean_score=mean,
        std_error=std_error,
        train_score=metric.score(task.y_idx, scores_fit, task.sample_weight)[::-1],
        df=np.asarray(df)[::-1],
        best_index=np.array([select_index(grid, mean, std_error, rule)]),
        rule=rule,
        method="alo",
        fold_scores=np.empty((L, 0)),
    )


def alo_path(
    problem: Problem, grid_desc: np.ndarray, solver: Solver, task: ClassifierTask
) -> tuple[list[Solution], np.ndarray, np.ndarray, np.ndarray]:
    """Solutions, left-out and fitted predictors (n, L[, k]) and df along a decreasing grid.

    The Hessian at each solution serves twice: for the ALO leverages and, put into the
    solver's state, as the first Newton matrix of the next λ. Consecutive λ whose solution
    did not move (no step taken: θ, hence the data Hessian, is the previous λ's) form a run
    whose leverages come from one shared pass (``alo.alo_predictors_shared``).
    """
    path: list[Solution] = []
    z_fit = []
    runs: list[tuple[np.ndarray, list[tuple[Problem, Solution, np.ndarray]]]] = []
    start: Solution | None = None
    for j, l2 in enumerate(grid_desc):
        pb = at_l2(problem, l2)
        sol = solver.solve(pb, start=start, **task.options())
        z = training_predictor(pb, sol)
        state = sol.state if isinstance(sol.state, PathState) else None
        if state is not None and j > 0 and sol.n_iter == 0:
            runs[-1][1].append((pb, sol, z))
        else:
            runs.append((PackedObjective(pb).data_hessian(z), [(pb, sol, z)]))
        data_hessian = runs[-1][0]
        start = sol if state is None else replace(sol, state=state.with_hessian(data_hessian))
        path.append(start)
        z_fit.append(z)
    z_loo, dfs = [], []
    for data_hessian, members in runs:
        if len(members) >= SHARED_MIN and np.ndim(members[0][2]) == 1:
            pbs, (_, sol, z) = [m[0] for m in members], members[0]
            out = alo_predictors_shared(pbs, sol, z, data_hessian)
        else:
            out = [alo_predictors(pb, sol, z, data_hessian=data_hessian)[:2]
                   for pb, sol, z in members]  # fmt: skip
        z_loo += [zl for zl, _ in out]
        dfs += [df for _, df in out]
    return path, np.stack(z_loo, axis=1), np.stack(z_fit, axis=1), np.asarray(dfs)
