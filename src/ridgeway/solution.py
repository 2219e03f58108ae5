"""The frozen result of a solve, with the certificate that proves convergence."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Solution:
    """coef, intercept and how we know they are right.

    ``certificate`` is the number that proves convergence (``certificate_name`` says which:
    e.g. the relative gradient norm, the relative KKT violation or the duality gap);
    ``converged`` is ``certificate <= tol``.
    """

    coef: np.ndarray
    intercept: float | np.ndarray
    objective: float
    converged: bool
    certificate: float
    certificate_name: str
    solver: str
    n_iter: int = 0
    tol: float = 0.0
    details: dict[str, Any] = field(default_factory=dict)
    #: typed, solver-specific state for a warm start at a nearby λ (a path); None when the
    #: solver keeps none. Passed back as ``solve(problem, start=solution)``.
    state: Any = None

    def __post_init__(self) -> None:
        # the one backstop of every family: a solve that overflowed is an error, never a model
        # with NaN coefficients and a ConvergenceWarning
        if not (np.all(np.isfinite(self.coef)) and np.all(np.isfinite(self.intercept))):
            raise ValueError(
                f"{self.solver} produced non-finite coefficients: an intermediate result "
                "overflowed float64 (are X or y extremely large?); rescale X or y"
            )

    def summary(self) -> str:
        state = "converged" if self.converged else "NOT converged"
        return (
            f"{self.solver}: {state}, {self.certificate_name} = {self.certificate:.3g} "
            f"(tol {self.tol:.1g}) after {self.n_iter} iteration(s)"
        )
