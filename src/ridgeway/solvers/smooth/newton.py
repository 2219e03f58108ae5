"""Newton's method for smooth losses: Cholesky of the Hessian, or trust-region Newton-CG.

``NewtonCholesky`` forms the (p+1)k × (p+1)k Hessian X̃ᵀDX̃ + λΓᵀΓ (a BLAS syrk per block),
factors it and takes damped Newton steps (Armijo backtracking on the objective, computed
from z = X̃θ updated by X̃·step, so a trial costs O(n)). ``NewtonCG`` never forms the
Hessian: scipy's trust-region Newton-CG with Hessian-vector products X̃ᵀ(D(X̃v)), the
choice when p is large. Both certify convergence by the relative gradient norm
‖∇f‖_∞ / ‖∇loss(0)‖_∞.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg as la
from scipy.sparse.linalg import LinearOperator, cg

from ridgeway.problem import Problem
from ridgeway.solution import Solution
from ridgeway.solvers.base import SMOOTH_PENALTY, TWICE_DIFFERENTIABLE, check_requirements
from ridgeway.solvers.smooth.objective import PackedObjective

__all__ = ["NewtonCG", "NewtonCholesky", "solve_spd"]

CERTIFICATE = "relative gradient norm"
#: a reused (lagged) Hessian is refreshed when a step shrinks the gradient by less than this
#: factor; a Gram costs ~q passes over X, so larger problems tolerate slower chord steps
CHORD_CONTRACTION = 0.1
#: (0.75 at q ≈ 1000: 16 instead of 22 Grams for 5-fold CV over 20 λ at 20 000 × 1000, the
#: BFGS-updated chord steps being ~15× cheaper than a Gram there)
CHORD_CONTRACTION_MAX = 0.75
#: BFGS-update the reused data Hessian with each step's secant pair (faster chord steps)
QUASI_NEWTON = True


def chord_threshold(size: int) -> float:
    return min(CHORD_CONTRACTION_MAX, CHORD_CONTRACTION * max(1.0, size / 100))


def solve_spd(H: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """Solve H x = rhs for symmetric positive (semi)definite H: Cholesky, else least squares."""
    try:
        factor = la.cho_factor(H, lower=True, check_finite=False)
        return la.cho_solve(factor, rhs, check_finite=False)
    except la.LinAlgError:
        # singular data Hessian (e.g. unpenalized separable directions): minimum-norm step
        return la.lstsq(H, rhs, cond=1e-12, check_finite=False)[0]


def _solution(obj, theta, f, cert, tol, solver, n_iter, **details) -> Solution:
    coef, intercept = obj.unpack(theta)
    return Solution(
        coef=coef,
        intercept=intercept,
        objective=float(f),
        converged=bool(cert <= tol),
        certificate=float(cert),
        certificate_name=CERTIFICATE,
        solver=solver,
        n_iter=int(n_iter),
        tol=float(tol),
        details=details,
    )


class NewtonCholesky:
    """Damped Newton with a Cholesky of the full Hessian; quadratic convergence near the end."""

    name = "newton-cholesky"
    requires = (TWICE_DIFFERENTIABLE, SMOOTH_PENALTY)

    def solve(
        self,
        problem: Problem,
        *,
        coef0: np.ndarray | None = None,
        intercept0=None,
        tol: float = 1e-8,
        max_iter: int = 100,
        cache: dict | None = None,
    ) -> Solution:
        check_requirements(self, problem)
        obj = PackedObjective(problem)
        theta = obj.initial(coef0, intercept0)
        cache = {} if cache is None else cache
        # along a path, X and y are fixed: keep the yardstick and the last predictor
        if "scale" not in cache:
            cache["scale"] = obj.gradient_scale()
        scale = cache["scale"]
        last = cache.get("theta")
        same = last is not None and last.shape == theta.shape and np.array_equal(last, theta)
        z = cache["z"] if same else obj.predictor(theta)
        # the loss part of the gradient does not depend on λ: reuse it at the same θ
        g_loss = cache["loss_gradient"] if same else obj.loss_gradient(z)
        f = None  # the objective value, computed only where a line search needs it
        n_iter, cert, n_hessians = 0, np.inf, 0
        # a data Hessian from a nearby point (the previous λ of a path) is reused while the
        # gradient keeps shrinking fast (chord steps: two passes over X instead of a Gram)
        lagged, previous = cache.get("data_hessian"), np.inf
        for n_iter in range(max_iter + 1):
            g = g_loss + obj.penalty_gradient(theta)
            cert = float(np.abs(g).max()) / scale
            if cert <= tol or n_iter == max_iter:
                break
            stale = cert > chord_threshold(obj.size) * previous
            if lagged is None or lagged.shape != (obj.size, obj.size) or stale:
                lagged = obj.data_hessian(z)
                n_hessians += 1
            previous = cert
            step = solve_spd(obj.with_penalty(lagged), -g)
            dz, g_full_step = obj.advance(z, step)  # z is linear in θ
            accepted, f = _accept(obj, theta, z, f, g, cert * scale, step, dz, g_full_step)
            if accepted is None:  # no decrease at round-off level: the gradient is the verdict
                break
            g_new = g_full_step if accepted[3] == 1.0 else obj.loss_gradient(accepted[1])
            if QUASI_NEWTON:
                lagged = _bfgs_update(lagged, accepted[0] - theta, g_new - g_loss)
            theta, z, f, _ = accepted
            g_loss = g_new
        cache.update(data_hessian=lagged, theta=theta, z=z, loss_gradient=g_loss)
        f = obj.value(theta, z) if f is None else f
        return _solution(
            obj, theta, f, cert, tol, self.name, n_iter, hessians=n_hessians, linear_predictor=z
        )


def _bfgs_update(B: np.ndarray, s: np.ndarray, y: np.ndarray) -> np.ndarray:
    """BFGS update of a data-Hessian approximation on the secant pair (s, y): a new array.

    y is the change of the loss gradient only (the penalty part of the Hessian is exact).
    Skipped where the curvature condition fails at round-off level.
    """
    Bs = B @ s
    sy, sBs = float(s @ y), float(s @ Bs)
    if sy <= 1e-12 * max(sBs, 1e-300) or sBs <= 0:
        return B
    return B + np.outer(y, y / sy) - np.outer(Bs, Bs / sBs)


def _accept(obj, theta, z, f, g, g_norm, step, dz, g_loss_full):
    """The next iterate (θ, z, f, t) or None, and the objective at the current one (or None).

    The full step is taken without evaluating the objective when it is a descent direction
    and shrinks the gradient's max-norm (the certificate): the loss value costs more than the
    gradient (log and exp per sample), and near the solution every Newton step passes this
    test. Otherwise Armijo backtracking on the objective decides, as a safeguard.
    """
    theta_full = theta + step
    g_full = g_loss_full + obj.penalty_gradient(theta_full)
    if float(g @ step) < 0 and float(np.abs(g_full).max()) < g_norm:
        return (theta_full, z + dz, None, 1.0), f
    f = obj.value(theta, z) if f is None else f
    return _backtrack(obj, theta, z, f, g, step, dz), f


def _backtrack(obj, theta, z, f, g, step, dz, *, shrink=0.5, c1=1e-4, min_t=1e-10):
    slope = float(g @ step)
    if slope >= 0:
        return None
    slack = 1e-13 * max(abs(f), 1.0)  # differences below this are round-off
    t = 1.0
    while t >= min_t:
        theta_new, z_new = theta + t * step, z + t * dz
        f_new = obj.value(theta_new, z_new)
        if f_new <= f + c1 * t * slope + slack:
            return theta_new, z_new, f_new, t
        t *= shrink
    return None


class NewtonCG:
    """Truncated Newton: CG on H·step = −g with Hessian-vector products, then backtracking.

    The CG tolerance tightens with the gradient (forcing term min(0.5, √cert)), so the
    outer iteration converges superlinearly; H is never formed.
    """

    name = "newton-cg"
    requires = (TWICE_DIFFERENTIABLE, SMOOTH_PENALTY)

    def solve(
        self,
        problem: Problem,
        *,
        coef0: np.ndarray | None = None,
        intercept0=None,
        tol: float = 1e-8,
        max_iter: int = 100,
        cache: dict | None = None,
    ) -> Solution:
        check_requirements(self, problem)
        obj = PackedObjective(problem)
        theta = obj.initial(coef0, intercept0)
        z = obj.predictor(theta)
        f = obj.value(theta, z)
        scale = obj.gradient_scale()
        n_iter, cert = 0, np.inf
        for n_iter in range(max_iter + 1):
            g = obj.gradient(theta, z)
            cert = float(np.abs(g).max()) / scale
            if cert <= tol or n_iter == max_iter:
                break
            weights = obj._weights(z)
            H = LinearOperator(
                (obj.size, obj.size), matvec=lambda v, w=weights, t=theta: obj.hessp(t, w, v)
            )
            step, _ = cg(H, -g, rtol=min(0.5, np.sqrt(cert)), maxiter=10 * obj.size)
            dz = obj.predictor(step)
            accepted = _backtrack(obj, theta, z, f, g, step, dz)
            if accepted is None:
                break
            theta, z, f, _ = accepted
        return _solution(obj, theta, f, cert, tol, self.name, n_iter)
