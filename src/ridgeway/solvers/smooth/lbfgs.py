"""L-BFGS (scipy) on the smooth objective: the fallback when no Newton variant applies."""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.optimize import minimize

from ridgeway.problem import Problem
from ridgeway.solution import Solution
from ridgeway.solvers.base import (
    DIFFERENTIABLE,
    SMOOTH_PENALTY,
    Requirement,
    check_requirements,
    refuse_unknown,
)
from ridgeway.solvers.smooth.objective import PackedObjective

__all__ = ["LBFGS"]

RESTARTS = 5


class LBFGS:
    """Limited-memory BFGS: needs only gradients; certified by the relative gradient norm."""

    name = "lbfgs"
    requires: tuple[Requirement, ...] = (DIFFERENTIABLE, SMOOTH_PENALTY)

    def solve(
        self,
        problem: Problem,
        *,
        start: Solution | None = None,
        tol: float = 1e-8,
        max_iter: int = 10_000,
        **unknown: Any,
    ) -> Solution:
        """``start``: a Solution at a nearby λ (only its coefficients are used)."""
        refuse_unknown(self.name, unknown)
        check_requirements(self, problem)
        obj = PackedObjective(problem)
        scale = obj.gradient_scale()

        def fun(theta: np.ndarray) -> tuple[float, np.ndarray]:
            z = obj.predictor(theta)
            return obj.value(theta, z), obj.gradient(theta, z)

        theta, n_iter = obj.initial(start), 0
        for _ in range(RESTARTS):  # scipy may stop on its own criteria first: restart then
            result = minimize(
                fun,
                theta,
                jac=True,
                method="L-BFGS-B",
                options={"gtol": tol * scale, "ftol": 1e-15, "maxiter": max_iter, "maxcor": 20},
            )
            theta, n_iter = result.x, n_iter + result.nit
            z = obj.predictor(theta)
            cert = float(np.abs(obj.gradient(theta, z)).max()) / scale
            if cert <= tol or n_iter >= max_iter or result.nit == 0:
                break
        return obj.solution(theta, obj.value(theta, z), cert, tol, self.name, n_iter)
