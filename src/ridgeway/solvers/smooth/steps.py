"""Newton-step pieces shared by ``newton.NewtonCholesky`` and ``batched_newton``.

A step solve on the (reused) Hessian, the chord rule that says when to refresh it, the BFGS
update that keeps a reused Hessian current, and the acceptance test of a step.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg as la

from ridgeway.solvers.smooth.objective import PackedObjective

__all__ = [
    "QUASI_NEWTON",
    "AcceptedStep",
    "accept_step",
    "backtrack",
    "bfgs_update",
    "chord_threshold",
    "solve_spd",
]

#: a reused (lagged) Hessian is refreshed when a step shrinks the gradient by less than this
#: factor; a Gram costs ~q passes over X, so larger problems tolerate slower chord steps
CHORD_CONTRACTION = 0.1
#: (0.75 at q ≈ 1000: 16 instead of 22 Grams for 5-fold CV over 20 λ at 20 000 × 1000, the
#: BFGS-updated chord steps being ~15× cheaper than a Gram there)
CHORD_CONTRACTION_MAX = 0.75
#: BFGS-update the reused data Hessian with each step's secant pair (faster chord steps)
QUASI_NEWTON = True

#: the next iterate: θ, z, the objective there (None when not evaluated) and the step length
AcceptedStep = tuple[np.ndarray, np.ndarray, float | None, float]


def chord_threshold(size: int) -> float:
    return min(CHORD_CONTRACTION_MAX, CHORD_CONTRACTION * max(1.0, size / 100))


def solve_spd(H: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """Solve H x = rhs for symmetric positive (semi)definite H: Cholesky, else least squares."""
    try:
        factor = la.cho_factor(H, lower=True, check_finite=False)
        return np.asarray(la.cho_solve(factor, rhs, check_finite=False))
    except la.LinAlgError:
        # singular data Hessian (e.g. unpenalized separable directions): minimum-norm step
        return np.asarray(la.lstsq(H, rhs, cond=1e-12, check_finite=False)[0])


def bfgs_update(B: np.ndarray, s: np.ndarray, y: np.ndarray) -> np.ndarray:
    """BFGS update of a data-Hessian approximation on the secant pair (s, y): a new array.

    y is the change of the loss gradient only (the penalty part of the Hessian is exact).
    Skipped where the curvature condition fails at round-off level.
    """
    Bs = B @ s
    sy, sBs = float(s @ y), float(s @ Bs)
    if sy <= 1e-12 * max(sBs, 1e-300) or sBs <= 0:
        return B
    return np.asarray(B + np.outer(y, y / sy) - np.outer(Bs, Bs / sBs))


def accept_step(
    obj: PackedObjective,
    theta: np.ndarray,
    z: np.ndarray,
    f: float | None,
    g: np.ndarray,
    g_norm: float,
    step: np.ndarray,
    dz: np.ndarray,
    g_loss_full: np.ndarray,
) -> tuple[AcceptedStep | None, float | None]:
    """The next iterate or None, and the objective at the current one (or None).

    The full step is taken without evaluating the objective when it is a descent direction
    and shrinks the gradient's max-norm (the certificate): the loss value costs more than the
    gradient (log and exp per sample), and near the solution every Newton step passes this
    test. Otherwise Armijo backtracking on the objective decides, as a safeguard.
    """
    theta_full = theta + step
    g_full = g_loss_full + obj.penalty_gradient(theta_full)
    if float(g @ step) < 0 and obj.gradient_norm(g_full) < g_norm:
        return (theta_full, z + dz, None, 1.0), f
    f = obj.value(theta, z) if f is None else f
    return backtrack(obj, theta, z, f, g, step, dz), f


def backtrack(
    obj: PackedObjective,
    theta: np.ndarray,
    z: np.ndarray,
    f: float,
    g: np.ndarray,
    step: np.ndarray,
    dz: np.ndarray,
    *,
    shrink: float = 0.5,
    c1: float = 1e-4,
    min_t: float = 1e-10,
) -> AcceptedStep | None:
    """Armijo backtracking along ``step`` (z moves by t·dz); None when no decrease is found."""
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
