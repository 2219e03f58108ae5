"""Newton's method for smooth losses: Cholesky of the Hessian, or trust-region Newton-CG.

``NewtonCholesky`` forms the (p+1)k × (p+1)k Hessian X̃ᵀDX̃ + λΓᵀΓ (a BLAS syrk per block),
factors it and takes damped Newton steps (Armijo backtracking on the objective, computed
from z = X̃θ updated by X̃·step, so a trial costs O(n)). ``NewtonCG`` never forms the
Hessian: scipy's trust-region Newton-CG with Hessian-vector products X̃ᵀ(D(X̃v)), the
choice when p is large. Both certify convergence by the relative gradient norm
‖∇f‖_∞ / ‖∇loss(0)‖_∞.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import LinearOperator, cg

from ridgeway.problem import Problem
from ridgeway.solution import Solution
from ridgeway.solvers.base import (
    OUTPUTS_OF_THE_LOSS,
    SMOOTH_PENALTY,
    TWICE_DIFFERENTIABLE,
    Requirement,
    check_requirements,
    meets,
    refuse_unknown,
)
from ridgeway.solvers.smooth.batched_newton import WeightedPaths, solve_weighted_paths
from ridgeway.solvers.smooth.objective import PackedObjective
from ridgeway.solvers.smooth.state import NewtonState
from ridgeway.solvers.smooth.steps import (
    QUASI_NEWTON,
    accept_step,
    backtrack,
    bfgs_update,
    chord_threshold,
    solve_spd,
)

__all__ = ["NewtonCG", "NewtonCholesky", "NewtonState", "solve_spd"]


def _reusable(state: NewtonState | None, obj: PackedObjective, theta: np.ndarray) -> bool:
    return (
        state is not None
        and state.linear_predictor is not None
        and state.linear_predictor.shape == obj.y.shape
        and state.theta.shape == theta.shape
        and bool(np.array_equal(state.theta, theta))
    )


class NewtonCholesky:
    """Damped Newton with a Cholesky of the full Hessian; quadratic convergence near the end."""

    name = "newton-cholesky"
    requires: tuple[Requirement, ...] = (TWICE_DIFFERENTIABLE, SMOOTH_PENALTY, OUTPUTS_OF_THE_LOSS)

    def solve(
        self,
        problem: Problem,
        *,
        start: Solution | None = None,
        tol: float = 1e-8,
        max_iter: int = 100,
        **unknown: Any,
    ) -> Solution:
        """``start``: a Solution at a nearby λ; its NewtonState (if any) is reused."""
        refuse_unknown(self.name, unknown)
        check_requirements(self, problem)
        obj = PackedObjective(problem)
        theta = obj.initial(start)
        state = start.state if start is not None and isinstance(start.state, NewtonState) else None
        # along a path X and y are fixed: the predictor, the loss gradient (it does not depend
        # on λ) and the yardstick at the same θ are the previous solve's
        if _reusable(state, obj, theta):
            assert state is not None and state.linear_predictor is not None
            z, g_loss = state.linear_predictor, state.loss_gradient
            obj.adopt_unit(state.gradient_unit)
            scale = obj.gradient_scale() if state.gradient_scale is None else state.gradient_scale
        else:
            z, g_loss, scale = obj.predictor(theta), None, obj.gradient_scale()
        g_loss = obj.loss_gradient(z) if g_loss is None else g_loss
        f: float | None = None  # the objective value, computed only where a line search needs it
        n_iter, cert, n_hessians = 0, np.inf, 0
        # a data Hessian from a nearby point (the previous λ of a path) is reused while the
        # gradient keeps shrinking fast (chord steps: two passes over X instead of a Gram)
        lagged = None if state is None else state.data_hessian
        previous = np.inf
        for n_iter in range(max_iter + 1):
            g = g_loss + obj.penalty_gradient(theta)
            cert = obj.gradient_norm(g) / scale
            if cert <= tol or n_iter == max_iter:
                break
            stale = cert > chord_threshold(obj.size) * previous
            if lagged is None or lagged.shape != (obj.size, obj.size) or stale:
                lagged = obj.data_hessian(z)
                n_hessians += 1
            previous = cert
            step = solve_spd(obj.with_penalty(lagged), -g)
            dz, g_full_step = obj.advance(z, step)  # z is linear in θ
            accepted, f = accept_step(obj, theta, z, f, g, cert * scale, step, dz, g_full_step)
            if accepted is None:  # no decrease at round-off level: the gradient is the verdict
                break
            g_new = g_full_step if accepted[3] == 1.0 else obj.loss_gradient(accepted[1])
            if QUASI_NEWTON:
                lagged = bfgs_update(lagged, accepted[0] - theta, g_new - g_loss)
            theta, z, f, _ = accepted
            g_loss = g_new
        f = obj.value(theta, z) if f is None else f
        new_state = NewtonState(theta, lagged, z, g_loss, scale, obj.unit)
        return obj.solution(theta, f, cert, tol, self.name, n_iter, new_state, hessians=n_hessians)

    # the LockstepSolver capability (solvers.base): k-fold's folds solved together
    def takes_weighted_paths(self, problem: Problem) -> bool:
        """Dense X and one output: what ``batched_newton`` handles."""
        return not sp.issparse(problem.X) and problem.y.ndim == 1 and meets(self, problem)

    def solve_weighted_paths(
        self,
        problem: Problem,
        weights: list[np.ndarray],
        grids_desc: np.ndarray,
        *,
        tol: float,
        max_iter: int | None = None,
        last_is_total: bool = False,
    ) -> WeightedPaths:
        """Paths of ``problem`` under each of ``weights`` along ``grids_desc`` (F, L), in
        lockstep (:func:`batched_newton.solve_weighted_paths`)."""
        limit = {} if max_iter is None else {"max_iter": max_iter}
        return solve_weighted_paths(problem, weights, grids_desc, tol=tol,
                                    last_is_total=last_is_total, **limit)  # fmt: skip


class NewtonCG:
    """Truncated Newton: CG on H·step = −g with Hessian-vector products, then backtracking.

    The CG tolerance tightens with the gradient (forcing term min(0.5, √cert)), so the
    outer iteration converges superlinearly; H is never formed.
    """

    name = "newton-cg"
    requires: tuple[Requirement, ...] = (TWICE_DIFFERENTIABLE, SMOOTH_PENALTY, OUTPUTS_OF_THE_LOSS)

    def solve(
        self,
        problem: Problem,
        *,
        start: Solution | None = None,
        tol: float = 1e-8,
        max_iter: int = 100,
        **unknown: Any,
    ) -> Solution:
        """``start``: a Solution at a nearby λ (only its coefficients are used)."""
        refuse_unknown(self.name, unknown)
        check_requirements(self, problem)
        obj = PackedObjective(problem)
        theta = obj.initial(start)
        z = obj.predictor(theta)
        f = obj.value(theta, z)
        scale = obj.gradient_scale()
        n_iter, cert = 0, np.inf
        for n_iter in range(max_iter + 1):
            g = obj.gradient(theta, z)
            cert = obj.gradient_norm(g) / scale
            if cert <= tol or n_iter == max_iter:
                break
            weights = obj.sample_curvature(z)
            H = LinearOperator(
                (obj.size, obj.size), matvec=lambda v, w=weights, t=theta: obj.hessp(t, w, v)
            )
            step, _ = cg(H, -g, rtol=min(0.5, np.sqrt(cert)), maxiter=10 * obj.size)
            dz = obj.predictor(step)
            accepted = backtrack(obj, theta, z, f, g, step, dz)
            if accepted is None:
                break
            theta, z, f_new, _ = accepted
            f = f if f_new is None else f_new
        return obj.solution(theta, f, cert, tol, self.name, n_iter)
