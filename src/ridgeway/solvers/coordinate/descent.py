"""Coordinate descent for the elastic net / lasso with squared loss, along a path of penalties.

Solves, at each point k of a path,

    minimize_β  ½ Σ_i s_i (y_ci − x_ciᵀβ)² + l1_k Σ_j a_j |β_j| + (l2_k / 2) Σ_j b_j β_j²

with x_c, y_c centred by the weighted means when there is an intercept (then
β₀ = ȳ − x̄ᵀβ), ``a``/``b`` per-feature weights (penalty factors, times the feature standard
deviation and its square when features are standardized) and optionally β ≥ 0.

How (as glmnet): a *design* holds the data in one of two forms, chosen once —
covariance ("Gram") form G = X_cᵀSX_c when n ≫ p (an update costs O(p), independent of n), or
residual ("naive") form on X itself (O(n) per update, never a centred copy of X); warm starts
along the path; in covariance form a working set from the sequential strong rule plus the
ever-active features, in residual form celer-style working sets with gap-safe screening
(:mod:`~ridgeway.solvers.coordinate.working_set`); a KKT check over *all* features adds any
violator and sweeps again, so no coefficient is wrongly left at zero. A point is converged
when two certificates hold (:mod:`~ridgeway.solvers.coordinate.duality`): the duality gap
relative to the null-model objective ½ Σ s_i y_ci² (the objective at β = 0) is <= ``tol``,
and the KKT violation relative to max |X_cᵀS y_c| is <= ``kkt_tolerance(tol)`` (1e-2·tol): the
gap bounds the objective, the KKT residual the coefficients. Both are computed on a gradient
recomputed from scratch (no drift from the incremental updates).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ridgeway.solution import Solution
from ridgeway.solvers.coordinate.designs import Design
from ridgeway.solvers.coordinate.duality import (
    Certificate,
    certify,
    duality_gap,
    free_columns,
    kkt_tolerance,
)
from ridgeway.solvers.coordinate.working_set import solve_point_working_set

__all__ = [
    "CERTIFICATE",
    "CoordinatePath",
    "CoordinatePathState",
    "PathResult",
    "duality_gap",
    "null_gradient",
    "solve_path",
]

CERTIFICATE = "relative KKT violation (max |∂P| / max |X_cᵀS y_c|)"


@dataclass(frozen=True)
class CoordinatePathState:
    """What travels from one path point to the next (``Solution.state`` of a point).

    ``coef`` the solution, ``gradient`` X_cᵀS r there (valid for the design it was computed
    on), ``l1`` the strength it was solved at (the sequential strong rule screens the next
    point from it), ``step`` the inner accuracy of the working-set sweeps that certified it.
    """

    coef: np.ndarray
    gradient: np.ndarray
    l1: float
    step: float = 1.0

    @property
    def active(self) -> np.ndarray:
        """The non-zero coefficients (kept in every working set of the next point)."""
        return self.coef != 0


@dataclass(frozen=True)
class CoordinatePath:
    """Coefficients and certificates along a path of (l1, l2) values."""

    coef: np.ndarray  # (L, p)
    intercept: np.ndarray  # (L,)
    objective: np.ndarray  # (L,) primal objective
    gap: np.ndarray  # (L,) duality gap / null-model objective
    kkt: np.ndarray  # (L,) relative KKT violation (the certificate; see the module docstring)
    n_iter: np.ndarray  # (L,) coordinate sweeps
    converged: np.ndarray  # (L,) bool
    null_objective: float
    states: tuple[CoordinatePathState, ...] = ()
    tol: float = 0.0
    solver: str = "coordinate descent"

    def solution(self, k: int) -> Solution:
        """Path point k as a certified Solution, its state the warm start for a neighbour."""
        return Solution(
            coef=self.coef[k].copy(),
            intercept=float(self.intercept[k]),
            objective=float(self.objective[k]),
            converged=bool(self.converged[k]),
            certificate=float(self.kkt[k]),
            certificate_name=CERTIFICATE,
            solver=self.solver,
            n_iter=int(self.n_iter[k]),
            tol=kkt_tolerance(self.tol),
            details={
                "null_objective": self.null_objective,
                "duality_gap": float(self.gap[k]),
                "gap_tol": self.tol,
            },
            state=self.states[k] if self.states else None,
        )


#: the name this type had before the solver objects (kept: ``elastic_net_path`` returns it)
PathResult = CoordinatePath


def null_gradient(design: Design, a: np.ndarray, *, tol: float = 1e-12) -> np.ndarray:
    """X_cᵀS r at the fit with every penalized coefficient (a_j > 0) at zero.

    Unpenalized features are fitted first (by least squares); λ_max follows from this gradient.
    """
    beta = np.zeros(design.p)
    design.start(beta)
    free = np.flatnonzero(a == 0)
    if free.size:
        zeros = np.zeros(design.p)
        thresh = tol * max(design.null_objective, np.finfo(float).tiny)
        design.sweep(beta, zeros, zeros, free, False, 10_000, thresh)
    return design.gradient().copy()


def solve_path(
    design: Design,
    l1: np.ndarray | list[float],
    l2: np.ndarray | list[float],
    l1_weight: np.ndarray,
    l2_weight: np.ndarray,
    *,
    positive: bool = False,
    tol: float = 1e-6,
    max_iter: int = 10_000,
    start: CoordinatePathState | None = None,
    screening: bool = True,
    working_set: bool | None = None,
    solver: str = "coordinate descent",
) -> CoordinatePath:
    """Solve at each (l1[k], l2[k]) in order, warm-starting each from the previous solution.

    ``start`` is the state of a nearby solution (the first point warm-starts from it).
    ``max_iter`` bounds the coordinate sweeps per path point; a point that reaches it is
    reported with ``converged = False`` (the caller decides whether to warn).
    ``screening=False`` sweeps every feature (plain coordinate descent, a reference).
    ``working_set`` picks celer-style working sets with gap-safe screening
    (:mod:`~ridgeway.solvers.coordinate.working_set`) instead of the sequential strong rule;
    by default the design says (``Design.working_sets``): in residual form (p ≳ n) a pass
    over all features costs O(np) and the strong rule keeps too many; in covariance form the
    gradient is free and the strong rule is kept.
    """
    if working_set is None:
        working_set = design.working_sets
    l1, l2 = np.atleast_1d(l1).astype(float), np.atleast_1d(l2).astype(float)
    p, L = design.p, l1.shape[0]
    beta = np.zeros(p) if start is None else np.array(start.coef, dtype=np.float64)
    design.start(beta)
    out = {k: np.zeros(L) for k in ("intercept", "objective", "gap", "kkt", "n_iter")}
    coefs, converged = np.zeros((L, p)), np.zeros(L, dtype=bool)
    states = []
    always = l1_weight == 0
    previous_l1 = None if start is None else start.l1
    step = 1.0 if start is None else start.step
    g = design.gradient().copy()
    for k in range(L):
        A, C = l1[k] * l1_weight, l2[k] * l2_weight
        if screening and working_set:
            passes, cert, g, _, step = solve_point_working_set(
                design, beta, A, C, positive, tol, max_iter, step=min(1.0, 10.0 * step), gradient=g
            )
        else:
            if not screening:
                ws = np.ones(p, dtype=bool)
            else:
                # sequential strong rule (Tibshirani et al. 2012): likely-active features only
                push = np.maximum(g, 0.0) if positive else np.abs(g)
                level = l1[k] if previous_l1 is None else 2.0 * l1[k] - previous_l1
                ws = (push >= level * l1_weight) | (beta != 0) | always
            passes, cert, g = _solve_point(design, beta, A, C, ws, positive, tol, max_iter)
        previous_l1 = l1[k]
        coefs[k] = beta
        out["intercept"][k] = design.intercept(beta)
        out["objective"][k], out["gap"][k], out["kkt"][k] = cert.objective, cert.gap, cert.kkt
        out["n_iter"][k] = passes
        converged[k] = cert.holds(tol)
        states.append(CoordinatePathState(coefs[k], g, float(l1[k]), step))
    return CoordinatePath(
        coef=coefs,
        intercept=out["intercept"],
        objective=out["objective"],
        gap=out["gap"],
        kkt=out["kkt"],
        n_iter=out["n_iter"].astype(int),
        converged=converged,
        null_objective=design.null_objective,
        states=tuple(states),
        tol=float(tol),
        solver=solver,
    )


def _solve_point(design, beta, A, C, ws, positive, tol, max_iter):
    """Sweeps on the working set, KKT check on all features, certificates; repeat until both
    hold. Returns (sweeps, Certificate, gradient at the returned β)."""
    null = design.null_objective
    if null <= 0:  # constant y: β = 0 is exact
        beta[:] = 0.0
        design.start(beta)
        return 0, Certificate(0.0, 0.0, 0.0), design.gradient().copy()
    if design.compiled_point and not np.any(free_columns(design, A, C)):
        ws = np.ascontiguousarray(ws, dtype=np.bool_)
        passes, objective, gap, worst = design.solve_point(
            beta, A, C, ws, positive, tol, kkt_tolerance(tol), max_iter
        )
        return (
            passes,
            Certificate.relative_to(design, objective, gap, worst),
            design.gradient().copy(),
        )
    thresh = tol * null
    passes = 0
    while True:
        index = np.flatnonzero(ws)
        passes += design.sweep(beta, A, C, index, positive, max_iter - passes, thresh)
        g = design.gradient()
        push = np.maximum(g, 0.0) if positive else np.abs(g)
        violators = ~ws & (push > A)
        if np.any(violators) and passes < max_iter:
            ws = ws | violators
            continue
        cert = certify(design, beta, g, A, C, positive)
        if cert.holds(tol):  # confirm on a gradient without the updates' drift
            design.start(beta)
            g = design.gradient()
            cert = certify(design, beta, g, A, C, positive)
        if cert.holds(tol) or passes >= max_iter:
            return passes, cert, g.copy()
        thresh *= 0.1  # the sweeps stopped early by the step criterion: tighten it
