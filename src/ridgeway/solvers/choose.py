"""Which solver fits a problem: a table read top to bottom, first row that applies wins.

Each row is (condition on the problem, solver). The solver's own ``requires`` is checked
too, so a row can never hand a problem to a solver that cannot take it.
"""

from __future__ import annotations

from collections.abc import Callable

from ridgeway.losses.hinge import HingeLoss
from ridgeway.problem import Problem
from ridgeway.solvers.dual_cd import DualCD
from ridgeway.solvers.lbfgs import LBFGS
from ridgeway.solvers.newton import NewtonCG, NewtonCholesky

__all__ = ["MAX_CHOLESKY_SIZE", "SOLVERS", "choose_solver", "get_solver"]

#: above this many parameters the Hessian is not formed (Newton-CG with products instead)
MAX_CHOLESKY_SIZE = 2000

SOLVERS = {s.name: s for s in (NewtonCholesky(), NewtonCG(), LBFGS(), DualCD())}


def _size(pb: Problem) -> int:
    k = 1 if pb.y.ndim == 1 else pb.y.shape[1]
    return (pb.n_features + int(pb.fit_intercept)) * k


TABLE: list[tuple[str, Callable[[Problem], bool], str]] = [
    ("hinge loss (no curvature)", lambda pb: isinstance(pb.loss, HingeLoss), "dual-cd"),
    (
        "moderate size: factor the Hessian",
        lambda pb: _size(pb) <= MAX_CHOLESKY_SIZE,
        "newton-cholesky",
    ),
    ("large size: Hessian-vector products", lambda pb: True, "newton-cg"),
]


def _meets(solver, pb: Problem) -> bool:
    return all(r.holds(pb) for r in solver.requires)


def choose_solver(problem: Problem):
    """The first table row whose condition holds and whose solver can take the problem."""
    for _, condition, name in TABLE:
        solver = SOLVERS[name]
        if condition(problem) and _meets(solver, problem):
            return solver
    if _meets(SOLVERS["lbfgs"], problem):
        return SOLVERS["lbfgs"]
    raise TypeError(f"no solver handles loss {type(problem.loss).__name__} with this penalty")


def get_solver(name: str | None, problem: Problem):
    """A solver by name ("auto"/None: the table's choice)."""
    if name in (None, "auto"):
        return choose_solver(problem)
    if name not in SOLVERS:
        raise ValueError(f"solver must be 'auto' or one of {sorted(SOLVERS)}; got {name!r}")
    return SOLVERS[name]
