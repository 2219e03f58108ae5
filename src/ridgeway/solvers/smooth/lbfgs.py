"""L-BFGS (scipy) on the smooth objective: the fallback when no Newton variant applies."""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize

from ridgeway.problem import Problem
from ridgeway.solution import Solution
from ridgeway.solvers.base import DIFFERENTIABLE, SMOOTH_PENALTY, check_requirements
from ridgeway.solvers.smooth.newton import _solution
from ridgeway.solvers.smooth.objective import PackedObjective

__all__ = ["LBFGS"]

RESTARTS = 5


class LBFGS:
    """Limited-memory BFGS: needs only gradients; certified by the relative gradient norm."""

    name = "lbfgs"
    requires = (DIFFERENTIABLE, SMOOTH_PENALTY)

    def solve(
        self,
        problem: Problem,
        *,
        coef0: np.ndarray | None = None,
        intercept0=None,
        tol: float = 1e-8,
        max_iter: int = 10_000,
        cache: dict | None = None,  # path state; unused here
    ) -> Solution:
        check_requirements(self, problem)
        obj = PackedObjective(problem)
        scale = obj.gradient_scale()

        def fun(theta):
            z = obj.predictor(theta)
            return obj.value(theta, z), obj.gradient(theta, z)

        theta, n_iter = obj.initial(coef0, intercept0), 0
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
        return _solution(obj, theta, obj.value(theta, z), cert, tol, self.name, n_iter)
