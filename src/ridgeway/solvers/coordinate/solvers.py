"""The coordinate-descent solvers as objects: covariance ("gram") and residual ("naive") form.

Both minimize Σ s_i ½(y_i − x_iᵀβ − β₀)² + l1·Σ a_j|β_j| + (l2/2)·Σ b_j β_j² (a squared loss
and a separable penalty, its weights a, b from ``Penalty.coordinate_weights``) by
:func:`~ridgeway.solvers.coordinate.descent.solve_path`, and certify each point by the
relative KKT violation and the relative duality gap (:mod:`.duality`). They differ only in
the data they sweep (:mod:`.designs`): the Gram
G = X_cᵀSX_c (an update costs O(p); n ≫ p) or X itself (O(n) per update, dense or sparse;
p ≳ n). Which one a problem gets is a row of :data:`ridgeway.solvers.choose.TABLE`.

Besides ``solve``, a path-capable solver offers ``design`` (the data in its form, formed once
for a whole path), ``solve_path`` (a path on that design) and ``fold_designs`` (every
cross-validation fold's design, as cheaply as its form allows).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial, reduce
from typing import Any

import numpy as np
import scipy.sparse as sp

from ridgeway.losses.squared import SquaredLoss
from ridgeway.penalties.elastic_net import ElasticNetPenalty
from ridgeway.problem import Problem
from ridgeway.solution import Solution
from ridgeway.solvers.base import (
    SEPARABLE_PENALTY,
    SINGLE_OUTPUT,
    SQUARED_LOSS,
    Requirement,
    check_requirements,
    refuse_unknown,
)
from ridgeway.solvers.coordinate.descent import CoordinatePath, solve_path
from ridgeway.solvers.coordinate.designs import Design, GramDesign, residual_design
from ridgeway.statistics import Moments, moments

__all__ = [
    "CoordinateDescent",
    "CoordinateDescentGram",
    "CoordinateDescentResidual",
    "FoldDesigns",
    "Folds",
    "folds_partition",
    "make_design",
]

Folds = Sequence[tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class FoldDesigns:
    """The full design, and per fold a factory for its training design (built when used).

    ``total`` and ``held_out`` (the moments of all rows and of each fold's test rows) are
    given when squared-error scores can be computed from them, with no predictions.
    """

    full: Design
    train: tuple[Callable[[], Design], ...]
    total: Moments | None = None
    held_out: tuple[Moments, ...] | None = None


def folds_partition(folds: Folds, n: int) -> bool:
    """True when the test folds partition 0..n−1 and each train set is the complement."""
    tests = np.concatenate([test for _, test in folds])
    if tests.size != n or not np.array_equal(np.sort(tests), np.arange(n)):
        return False
    return all(train.size + test.size == n for train, test in folds)


def _weights(problem: Problem) -> np.ndarray:
    """The sample weights as an array: the one place None (unweighted) becomes ones."""
    w = problem.sample_weight
    return np.ones(problem.n_samples) if w is None else np.asarray(w, dtype=np.float64)


class CoordinateDescent(ABC):
    """Coordinate descent along a path of (l1, l2) for a squared loss and separable penalty."""

    name: str
    requires: tuple[Requirement, ...] = (SQUARED_LOSS, SEPARABLE_PENALTY, SINGLE_OUTPUT)

    @abstractmethod
    def design(self, problem: Problem) -> Design:
        """The problem's data in this solver's form."""

    @abstractmethod
    def fold_designs(self, problem: Problem, folds: Folds) -> FoldDesigns:
        """The full design and every training fold's design."""

    def solve(
        self,
        problem: Problem,
        *,
        start: Solution | None = None,
        tol: float = 1e-6,
        max_iter: int = 10_000,
        **unknown: Any,
    ) -> Solution:
        """The certified solution at the problem's penalty (``start``: a nearby solution, its
        typed state the warm start)."""
        refuse_unknown(self.name, unknown)
        penalty = problem.penalty
        path = self.solve_path(
            problem, [penalty.l1], [penalty.l2], start=start, tol=tol, max_iter=max_iter
        )
        return path.solution(0)

    def solve_path(
        self,
        problem: Problem,
        l1: Sequence[float] | np.ndarray,
        l2: Sequence[float] | np.ndarray,
        *,
        design: Design | None = None,
        start: Solution | None = None,
        tol: float = 1e-6,
        max_iter: int = 10_000,
    ) -> CoordinatePath:
        """The problem's penalty at strengths (l1[k], l2[k]) in turn, each point warm-started
        from the last; ``design`` (of this problem, or of a fold of it) saves forming it."""
        check_requirements(self, problem)
        a, b = problem.penalty.coordinate_weights(problem.n_features)
        design = self.design(problem) if design is None else design
        return solve_path(
            design, np.asarray(l1, dtype=float), np.asarray(l2, dtype=float), a, b,
            positive=problem.penalty.positive, tol=tol, max_iter=max_iter,
            start=None if start is None else start.state, solver=self.name,
        )  # fmt: skip


class CoordinateDescentGram(CoordinateDescent):
    """Covariance updates on G = X_cᵀSX_c from the data's moments (n ≫ p; glmnet's "covariance")."""

    name = "cd-gram"

    def design(self, problem: Problem) -> Design:
        y = np.asarray(problem.y, dtype=np.float64)[:, None]
        return GramDesign(moments(problem.X, y, problem.sample_weight), problem.fit_intercept)

    def fold_designs(self, problem: Problem, folds: Folds) -> FoldDesigns:
        """With partitioning folds, one pass over X: the moments of each held-out block,
        merged into the total; a training fold is the total minus its block."""
        X, w, fit = problem.X, problem.sample_weight, problem.fit_intercept
        y = np.asarray(problem.y, dtype=np.float64)[:, None]
        if folds_partition(folds, problem.n_samples):
            blocks = tuple(moments(X, y, w, rows=test) for _, test in folds)
            total: Moments = reduce(Moments.merge, blocks)
            train = tuple(partial(_downdated, total, b, fit) for b in blocks)
            return FoldDesigns(GramDesign(total, fit), train, total, blocks)
        train = tuple(partial(_rows_design, problem, y, t) for t, _ in folds)
        return FoldDesigns(GramDesign(moments(X, y, w), fit), train)


def _downdated(total: Moments, held_out: Moments, fit_intercept: bool) -> Design:
    return GramDesign(total.remove(held_out), fit_intercept)


def _rows_design(problem: Problem, y: np.ndarray, rows: np.ndarray) -> Design:
    stats = moments(problem.X, y, problem.sample_weight, rows=rows)
    return GramDesign(stats, problem.fit_intercept)


class CoordinateDescentResidual(CoordinateDescent):
    """Residual updates on X itself, dense or sparse (p ≳ n; glmnet's "naive"), with working
    sets and gap-safe screening."""

    name = "cd-residual"

    def design(self, problem: Problem) -> Design:
        y = np.asarray(problem.y, dtype=np.float64)
        return residual_design(problem.X, y, _weights(problem), problem.fit_intercept)

    def fold_designs(self, problem: Problem, folds: Folds) -> FoldDesigns:
        """A fold is the full design with zero weight on its held-out rows: no copy of X."""
        X = problem.X
        if not sp.issparse(X):
            X = np.asfortranarray(X, dtype=np.float64)  # once, not once per fold
        y = np.asarray(problem.y, dtype=np.float64)
        s = _weights(problem)
        fit = problem.fit_intercept

        def masked(train: np.ndarray) -> Callable[[], Design]:
            weights = np.zeros(problem.n_samples)
            np.add.at(weights, train, s[train])
            return lambda: residual_design(X, y, weights, fit)

        return FoldDesigns(
            residual_design(X, y, s, fit), tuple(masked(train) for train, _ in folds)
        )


def make_design(X, y, s: np.ndarray | None, fit_intercept: bool, gram: bool = True) -> Design:
    """The design of a plain (X, y, s) in the form asked for: a shortcut for tests and tools."""
    problem = Problem(X, np.asarray(y, dtype=np.float64), SquaredLoss(), ElasticNetPenalty(0.0),
                      s, fit_intercept)  # fmt: skip
    solver = CoordinateDescentGram() if gram else CoordinateDescentResidual()
    return solver.design(problem)
