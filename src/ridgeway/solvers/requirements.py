"""What a solver needs from a problem, stated as data (DESIGN §2: solvers declare their needs).

A solver lists Requirement objects in its ``requires``; ``check_requirements`` raises a
TypeError naming every one the problem does not meet.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ridgeway.losses.hinge import HingeLoss
from ridgeway.losses.squared_hinge import SquaredHingeLoss
from ridgeway.problem import Problem

__all__ = [
    "DIFFERENTIABLE",
    "HINGE_FAMILY",
    "IDENTITY_PENALTY",
    "SINGLE_OUTPUT",
    "SMOOTH_PENALTY",
    "TWICE_DIFFERENTIABLE",
    "Requirement",
    "check_requirements",
]


@dataclass(frozen=True)
class Requirement:
    description: str
    holds: Callable[[Problem], bool]


TWICE_DIFFERENTIABLE = Requirement(
    "a twice-differentiable loss", lambda pb: bool(pb.loss.twice_differentiable)
)
DIFFERENTIABLE = Requirement("a differentiable loss", lambda pb: bool(pb.loss.differentiable))
SMOOTH_PENALTY = Requirement("a smooth penalty", lambda pb: bool(pb.penalty.smooth))
HINGE_FAMILY = Requirement(
    "a hinge or squared-hinge loss",
    lambda pb: isinstance(pb.loss, (HingeLoss, SquaredHingeLoss)),
)
IDENTITY_PENALTY = Requirement(
    "an L2 penalty with identity Γ and no prior centre",
    lambda pb: getattr(pb.penalty, "gamma", 0) is None and getattr(pb.penalty, "prior", 0) is None,
)
SINGLE_OUTPUT = Requirement("a single output (1-D y)", lambda pb: pb.y.ndim == 1)


def check_requirements(solver, problem: Problem) -> None:
    missing = [r.description for r in solver.requires if not r.holds(problem)]
    if missing:
        raise TypeError(
            f"solver {solver.name!r} needs {', '.join(missing)}; the problem has loss "
            f"{type(problem.loss).__name__} and penalty {type(problem.penalty).__name__}"
        )
