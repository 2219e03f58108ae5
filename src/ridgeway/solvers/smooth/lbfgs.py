"""L-BFGS on the smooth objective: the fallback when no Newton variant applies.

Our own two-loop L-BFGS rather than scipy's L-BFGS-B, because the certificate is the relative
gradient and a line search that judges steps by objective values stops where those values
stop changing: near the optimum a step that shrinks the gradient 100× changes f by less than
its rounding (f ≈ 1e3, Δf ≈ g²/curvature ≈ 1e-16·f), and L-BFGS-B then ends 1e-6…1e-9 short
of the tolerance. Here the line search (weak Wolfe, bracketing) uses the Armijo test while f
differences are above rounding and the directional derivative alone below it — sound for our
objectives, which are convex along every line.

Along a λ path the curvature memory travels too (:class:`LBFGSState`): each pair keeps the
change of the *loss* gradient, which does not depend on λ, and the penalty's exact change
λΓᵀΓs is added at the next λ — so a warm start is also a warm inverse Hessian, and the
solves after the first take a few iterations instead of tens.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any

import numpy as np

from ridgeway.problem import Problem
from ridgeway.solution import Solution
from ridgeway.solvers.base import (
    DIFFERENTIABLE,
    OUTPUTS_OF_THE_LOSS,
    SMOOTH_PENALTY,
    Requirement,
    check_requirements,
    refuse_unknown,
)
from ridgeway.solvers.smooth.objective import PackedObjective

__all__ = ["LBFGS", "LBFGSState"]

MEMORY = 20
ARMIJO, CURVATURE = 1e-4, 0.9
MAX_LINE_STEPS = 40


@dataclass(frozen=True)
class LBFGSState:
    """The curvature memory an L-BFGS solve leaves for the next λ: pairs (s, y_loss) of
    steps and loss-gradient changes, oldest first (valid for any λ: the penalty's part of y
    is added by the next solve)."""

    pairs: tuple[tuple[np.ndarray, np.ndarray], ...]


def _memory(
    obj: PackedObjective, state: Any, size: int
) -> deque[tuple[np.ndarray, np.ndarray, float]]:
    """The (s, y, 1/yᵀs) pairs for this problem from a previous solve's loss pairs."""
    pairs: deque[tuple[np.ndarray, np.ndarray, float]] = deque(maxlen=MEMORY)
    if not isinstance(state, LBFGSState):
        return pairs
    origin = obj.penalty_gradient(np.zeros(size))
    for s, y_loss in state.pairs:
        if s.shape != (size,):
            return deque(maxlen=MEMORY)
        y = y_loss + (obj.penalty_gradient(s) - origin)  # the penalty gradient is affine
        sy = float(s @ y)
        if sy > np.finfo(float).eps * float(np.linalg.norm(s) * np.linalg.norm(y)):
            pairs.append((s, y, 1.0 / sy))
    return pairs


#: pairs whose step is below this fraction of ‖θ‖_∞ are not carried to the next λ: near the
#: optimum their gradient change is mostly rounding, harmless at the end of one solve but
#: misleading at the start of the next (multinomial paths took 50 % more iterations with them)
CARRIED_STEP = 1e-4


def _state(
    obj: PackedObjective, theta: np.ndarray, pairs: deque[tuple[np.ndarray, np.ndarray, float]]
) -> LBFGSState:
    """The pairs worth carrying, their penalty part removed (y_loss = y − ΔP)."""
    origin = obj.penalty_gradient(np.zeros(obj.size))
    floor = CARRIED_STEP * max(1.0, float(np.abs(theta).max()))
    return LBFGSState(
        tuple(
            (s, y - (obj.penalty_gradient(s) - origin))
            for s, y, _ in pairs
            if float(np.abs(s).max()) > floor
        )
    )


class _Point:
    """θ with its predictor, objective value and gradient (one pass over X each)."""

    def __init__(self, obj: PackedObjective, theta: np.ndarray) -> None:
        self.theta = theta
        self.z = obj.predictor(theta)
        self.value = obj.value(theta, self.z)
        self.gradient = obj.gradient(theta, self.z)


#: units spread wider than this (max/min over the coordinates) get a diagonal initial matrix
UNIT_SPREAD = 1e3


def _initial_scaling(unit: np.ndarray) -> np.ndarray:
    """The initial inverse-Hessian diagonal D: 1/unit² where the coordinates' units are
    spread over more than three orders of magnitude (X·1e-20 beside an intercept: a scalar
    initial matrix cannot serve both), else the identity — on ordinary data the scalar
    Shanno–Phua scaling alone needed half the iterations of 1/unit² (a multinomial path:
    258 against 543)."""
    if float(unit.max() / unit.min()) > UNIT_SPREAD:
        return np.asarray(unit**-2.0)
    return np.ones_like(unit)


def _direction(
    g: np.ndarray, pairs: deque[tuple[np.ndarray, np.ndarray, float]], scaling: np.ndarray
) -> np.ndarray:
    """−H·g by the two-loop recursion over the stored (s, y, 1/yᵀs) pairs; the initial matrix
    is γ·D with D = ``scaling`` (1/unit² per coordinate: the method then takes the same steps
    in any units of X) and γ = sᵀy / yᵀDy from the newest pair."""
    q = g.copy()
    alphas = []
    for s, y, rho in reversed(pairs):
        a = rho * float(s @ q)
        q -= a * y
        alphas.append(a)
    q *= scaling
    if pairs:
        s, y, _ = pairs[-1]
        q *= float(s @ y) / float(y @ (scaling * y))
    for (s, y, rho), a in zip(pairs, reversed(alphas)):
        q += (a - rho * float(y @ q)) * s
    return -q


def _line_search(obj: PackedObjective, here: _Point, d: np.ndarray, t: float) -> _Point | None:
    """A point along d satisfying weak Wolfe; None when no step makes progress."""
    slope = float(here.gradient @ d)
    if slope >= 0:
        return None
    lo, hi = 0.0, np.inf
    rounding = 64 * np.finfo(float).eps * max(abs(here.value), 1.0)
    for _ in range(MAX_LINE_STEPS):
        there = _Point(obj, here.theta + t * d)
        new_slope = float(there.gradient @ d)
        flat = abs(there.value - here.value) <= rounding
        decreased = there.value <= here.value + ARMIJO * t * slope
        if not np.isfinite(there.value) or (not flat and not decreased) or new_slope > 0:
            if flat and abs(new_slope) <= CURVATURE * abs(slope):
                return there  # at rounding level: past the line minimum, but close to it
            hi = t  # too far: the function rose, or the line minimum lies before t
        elif new_slope < CURVATURE * slope:
            lo = t  # too short: still descending steeply
        else:
            return there
        t = 0.5 * (lo + hi) if np.isfinite(hi) else 2.0 * t
        if hi - lo <= 1e-16 * max(hi, 1.0):
            break
    return None


class LBFGS:
    """Limited-memory BFGS: needs only gradients; certified by the relative gradient norm."""

    name = "lbfgs"
    requires: tuple[Requirement, ...] = (DIFFERENTIABLE, SMOOTH_PENALTY, OUTPUTS_OF_THE_LOSS)

    def solve(
        self,
        problem: Problem,
        *,
        start: Solution | None = None,
        tol: float = 1e-8,
        max_iter: int = 10_000,
        **unknown: Any,
    ) -> Solution:
        """``start``: a Solution at a nearby λ: its coefficients, and its curvature memory
        where it has one (LBFGSState)."""
        refuse_unknown(self.name, unknown)
        check_requirements(self, problem)
        obj = PackedObjective(problem)
        scale = obj.gradient_scale()
        here = _Point(obj, obj.initial(start))
        pairs = _memory(obj, None if start is None else start.state, obj.size)
        cert = obj.gradient_norm(here.gradient) / scale
        scaling = _initial_scaling(obj.unit)
        n_iter = 0
        while cert > tol and n_iter < max_iter:
            d = _direction(here.gradient, pairs, scaling)
            # the first step has no curvature information: a unit move in the largest
            # coordinate, measured in the coordinates' units
            t = 1.0 if pairs else 1.0 / max(float(np.abs(d * obj.unit).max()), np.finfo(float).tiny)
            there = _line_search(obj, here, d, t)
            if there is None and pairs:  # a stale memory: restart from steepest descent
                pairs.clear()
                continue
            if there is None:
                break
            s, y = there.theta - here.theta, there.gradient - here.gradient
            sy = float(s @ y)
            if sy > np.finfo(float).eps * float(np.linalg.norm(s) * np.linalg.norm(y)):
                pairs.append((s, y, 1.0 / sy))
            here, n_iter = there, n_iter + 1
            cert = obj.gradient_norm(here.gradient) / scale
        return obj.solution(here.theta, here.value, cert, tol, self.name, n_iter,
                            _state(obj, here.theta, pairs))  # fmt: skip
