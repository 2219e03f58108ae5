"""The solver contract and what a solver needs from a problem, stated as data (DESIGN §2).

Every solver — spectral (squared loss), smooth (Newton, L-BFGS), coordinate (elastic net),
dual coordinate descent (SVM) — is an object with a ``name``, the tuple of Requirement it
``requires`` and ``solve(problem, ...) -> Solution``. ``solvers/choose.py`` is the one table
that picks among them; ``check_requirements`` raises a TypeError naming every requirement the
problem does not meet. Requirements read capabilities (flags on the loss and the penalty),
never concrete classes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np

from ridgeway.problem import Problem
from ridgeway.solution import Solution

__all__ = [
    "COMMON_OPTIONS",
    "DIFFERENTIABLE",
    "IDENTITY_PENALTY",
    "L2_ONLY",
    "MARGIN_LOSS",
    "OUTPUTS_OF_THE_LOSS",
    "SEPARABLE_PENALTY",
    "SINGLE_OUTPUT",
    "SMOOTH_PENALTY",
    "SQUARED_LOSS",
    "TIKHONOV_PENALTY",
    "TWICE_DIFFERENTIABLE",
    "LockstepSolver",
    "PathState",
    "Requirement",
    "Solver",
    "check_requirements",
    "meets",
    "refuse_unknown",
]


@dataclass(frozen=True)
class Requirement:
    """One thing a solver needs, with the words used when a problem lacks it."""

    description: str
    holds: Callable[[Problem], bool]


@runtime_checkable
class Solver(Protocol):
    """What every solver is: a name, its requirements, and ``solve``.

    ``solve(problem, *, start=None, tol=..., max_iter=...)`` returns a certified Solution
    (every solver takes these COMMON_OPTIONS and refuses options it does not know);
    ``start`` is the Solution of a nearby problem (the previous λ of a path): its ``state``
    (a typed, solver-specific object) is what travels along the path.
    """

    @property
    def name(self) -> str: ...

    @property
    def requires(self) -> tuple[Requirement, ...]: ...

    @property
    def solve(self) -> Callable[..., Solution]:
        """solve(problem, *, start=None, tol=..., max_iter=..., <solver options>) -> Solution"""
        ...


@runtime_checkable
class LockstepSolver(Solver, Protocol):
    """A solver that can also solve, in lockstep along λ grids, several copies of one problem
    that differ only in their sample weights — k-fold CV's folds as weights on the full X, so
    that one read of X per step serves every fold (``smooth.batched_newton``).

    ``takes_weighted_paths(problem)`` says whether this problem qualifies (e.g. dense X, one
    output); ``solve_weighted_paths`` returns per-problem solutions along the grids.
    """

    def takes_weighted_paths(self, problem: Problem) -> bool: ...

    def solve_weighted_paths(
        self,
        problem: Problem,
        weights: list[np.ndarray],
        grids_desc: np.ndarray,
        *,
        tol: float,
        max_iter: int | None = None,
        last_is_total: bool = False,
    ) -> Any: ...


@runtime_checkable
class PathState(Protocol):
    """A solver state (``Solution.state``) that the selection layer may read and adapt along a
    path: the predictor z = X̃θ at the solution (None where not kept), the data Hessian last
    used there (None where none), the part that stays valid on other rows (another fold), and
    the same state carrying the exact data Hessian at θ (computed by ALO)."""

    @property
    def linear_predictor(self) -> np.ndarray | None: ...

    @property
    def data_hessian(self) -> np.ndarray | None: ...

    def for_other_data(self) -> PathState: ...

    def with_hessian(self, data_hessian: np.ndarray) -> PathState: ...


TWICE_DIFFERENTIABLE = Requirement(
    "a twice-differentiable loss", lambda pb: bool(pb.loss.twice_differentiable)
)
DIFFERENTIABLE = Requirement("a differentiable loss", lambda pb: bool(pb.loss.differentiable))
SQUARED_LOSS = Requirement("the squared loss", lambda pb: bool(pb.loss.quadratic))
MARGIN_LOSS = Requirement(
    "a hinge or squared-hinge loss (a margin loss on ±1 labels)", lambda pb: bool(pb.loss.margin)
)
SMOOTH_PENALTY = Requirement("a smooth penalty", lambda pb: bool(pb.penalty.smooth))
L2_ONLY = Requirement("an L2/Tikhonov penalty (no L1 part)", lambda pb: pb.penalty.l1 == 0)
SEPARABLE_PENALTY = Requirement(
    "a coordinate-separable penalty (diagonal Γ, no prior centre)",
    lambda pb: bool(pb.penalty.separable),
)
IDENTITY_PENALTY = Requirement(
    "an L2 penalty with identity Γ and no prior centre",
    lambda pb: bool(pb.penalty.identity),
)
SINGLE_OUTPUT = Requirement("a single output (1-D y)", lambda pb: pb.y.ndim == 1)
OUTPUTS_OF_THE_LOSS = Requirement(
    "a 1-D y, or a loss whose outputs are joint (multinomial) for a 2-D y",
    lambda pb: pb.y.ndim == 1 or bool(pb.loss.joint_outputs),
)
TIKHONOV_PENALTY = Requirement(
    "an L2/Tikhonov penalty (λ/2)‖Γ(β − prior)‖²", lambda pb: bool(pb.penalty.tikhonov)
)


#: the options every solver takes (a direct method may have no use for some of them)
COMMON_OPTIONS = ("start", "tol", "max_iter")


def refuse_unknown(solver_name: str, unknown: dict[str, object]) -> None:
    """Every solver refuses options it does not know, so a misspelt one is never dropped."""
    if unknown:
        raise TypeError(
            f"{solver_name} got unexpected options {sorted(unknown)}; every solver takes "
            f"{', '.join(o + '=' for o in COMMON_OPTIONS)} and its own documented options"
        )


def meets(solver: Solver, problem: Problem) -> bool:
    return all(r.holds(problem) for r in solver.requires)


def check_requirements(solver: Solver, problem: Problem) -> None:
    missing = [r.description for r in solver.requires if not r.holds(problem)]
    if missing:
        raise TypeError(
            f"solver {solver.name!r} needs {', '.join(missing)}; the problem has loss "
            f"{type(problem.loss).__name__} and penalty {type(problem.penalty).__name__}"
        )
