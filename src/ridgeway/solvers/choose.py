"""Which solver fits a problem: one table for every model, read top to bottom.

Each row is (why, condition on the problem, solver name); the first row whose condition holds
*and* whose solver's ``requires`` are met wins. A family of solvers joins by registering its
solvers in ``SOLVERS`` and adding its rows here — nowhere else chooses a solver.
"""

from __future__ import annotations

from collections.abc import Callable

from ridgeway.problem import Problem
from ridgeway.solvers.base import Solver, check_requirements, meets
from ridgeway.solvers.coordinate.proximal_newton import ProximalNewton
from ridgeway.solvers.coordinate.solvers import CoordinateDescentGram, CoordinateDescentResidual
from ridgeway.solvers.dual_cd import DualCD
from ridgeway.solvers.smooth.lbfgs import LBFGS
from ridgeway.solvers.smooth.newton import NewtonCG, NewtonCholesky
from ridgeway.solvers.spectral.routes import ROUTES, huge_sparse, n_positive

__all__ = [
    "GRAM_MIN_RATIO",
    "MAX_CHOLESKY_SIZE",
    "MAX_GRAM_FEATURES",
    "SOLVERS",
    "TABLE",
    "choose_solver",
    "get_solver",
]

#: above this many parameters the Hessian is not formed (Newton-CG with products instead)
MAX_CHOLESKY_SIZE = 2000

SOLVERS: dict[str, Solver] = {s.name: s for s in (NewtonCholesky(), NewtonCG(), LBFGS(), DualCD())}
SOLVERS.update({s.name: s for s in ROUTES})  # squared loss: gram, kernel, svd, cholesky, krylov

# ----- coordinate descent (elastic net, lasso) -------------------------------------------------
SOLVERS.update({s.name: s for s in (CoordinateDescentGram(), CoordinateDescentResidual())})
SOLVERS["proximal-newton"] = ProximalNewton()  # a log-likelihood with an l1 / grouped part
#: covariance updates need n ≥ GRAM_MIN_RATIO·p (else the Gram costs more than it saves) and
#: p ≤ MAX_GRAM_FEATURES (the p × p Gram stays small enough to hold); glmnet's choice
GRAM_MIN_RATIO = 2
MAX_GRAM_FEATURES = 2000


def _gram_pays(pb: Problem) -> bool:
    return pb.n_samples >= GRAM_MIN_RATIO * pb.n_features and pb.n_features <= MAX_GRAM_FEATURES


# ----------------------------------------------------------------------------------------------


def _size(pb: Problem) -> int:
    k = 1 if pb.y.ndim == 1 else pb.y.shape[1]
    return (pb.n_features + int(pb.fit_intercept)) * k


TABLE: list[tuple[str, Callable[[Problem], bool], str]] = [
    # ----- coordinate descent: a non-smooth (l1) penalty; the requirements ask squared loss.
    # First, so that an elastic net with l1 = 0 keeps its duality-gap certificate.
    ("l1 penalty, n >> p: covariance updates", lambda pb: not pb.penalty.smooth and _gram_pays(pb),
     "cd-gram"),
    ("l1 penalty, p >~ n: residual updates", lambda pb: not pb.penalty.smooth, "cd-residual"),
    # a log-likelihood (its requirements) with an l1 or grouped part: newGLMNET
    ("l1 penalty, logistic or multinomial: proximal Newton", lambda pb: not pb.penalty.smooth,
     "proximal-newton"),
    # ----- squared loss + L2/Tikhonov: the routes' own fallbacks (Cholesky → eigh → svd)
    # handle what only the numbers show; thresholds live in solvers.spectral.limits.LIMITS
    ("huge sparse X: conjugate gradients", huge_sparse, "krylov-cg"),
    ("n >= p: Cholesky of the reduced Gram", lambda pb: n_positive(pb) >= pb.n_features,
     "gram-cholesky"),
    ("n < p: Cholesky of the n x n kernel", lambda pb: True, "kernel-cholesky"),
    # ----- smooth classifiers and the SVM
    ("hinge loss (no curvature)", lambda pb: not pb.loss.differentiable, "dual-cd"),
    ("moderate size: factor the Hessian", lambda pb: _size(pb) <= MAX_CHOLESKY_SIZE,
     "newton-cholesky"),
    ("large size: Hessian-vector products", lambda pb: True, "newton-cg"),
    ("gradients only", lambda pb: True, "lbfgs"),
]  # fmt: skip


def choose_solver(problem: Problem) -> Solver:
    """The first table row whose condition holds and whose solver can take the problem."""
    for _, condition, name in TABLE:
        solver = SOLVERS[name]
        if condition(problem) and meets(solver, problem):
            return solver
    raise TypeError(
        f"no solver handles loss {type(problem.loss).__name__} with penalty "
        f"{type(problem.penalty).__name__}"
    )


def get_solver(name: str | None, problem: Problem) -> Solver:
    """A solver by name ("auto"/None: the table's choice), checked against the problem."""
    if name in (None, "auto"):
        return choose_solver(problem)
    if name not in SOLVERS:
        raise ValueError(f"solver must be 'auto' or one of {sorted(SOLVERS)}; got {name!r}")
    solver = SOLVERS[name]
    check_requirements(solver, problem)
    return solver
