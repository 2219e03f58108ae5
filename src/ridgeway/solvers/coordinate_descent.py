"""Coordinate descent for the elastic net / lasso with squared loss, along a path of penalties.

Solves, at each point k of a path,

    minimize_β  ½ Σ_i s_i (y_ci − x_ciᵀβ)² + l1_k Σ_j a_j |β_j| + (l2_k / 2) Σ_j b_j β_j²

with x_c, y_c centred by the weighted means when there is an intercept (then
β₀ = ȳ − x̄ᵀβ), ``a``/``b`` per-feature weights (penalty factors, times the feature standard
deviation and its square when features are standardized) and optionally β ≥ 0.

How (as glmnet): a *design* holds the data in one of two forms, chosen once —
covariance ("Gram") form G = X_cᵀSX_c when n ≫ p (an update costs O(p), independent of n), or
residual ("naive") form on X itself (O(n) per update, never a centred copy of X); warm starts
along the path; a working set from the sequential strong rule plus the ever-active features;
after the sweeps converge on the working set a KKT check over *all* features adds any
violator and sweeps again, so no coefficient is wrongly left at zero. Convergence is
certified by the duality gap, relative to the null-model objective ½ Σ s_i y_ci² (the
objective at β = 0): ``gap / null <= tol`` at every point of the path.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ridgeway.solvers.designs import Design

__all__ = ["PathResult", "duality_gap", "null_gradient", "solve_path"]


@dataclass(frozen=True)
class PathResult:
    """Coefficients and certificates along a path of (l1, l2) values."""

    coef: np.ndarray  # (L, p)
    intercept: np.ndarray  # (L,)
    objective: np.ndarray  # (L,) primal objective
    gap: np.ndarray  # (L,) duality gap / null-model objective
    n_iter: np.ndarray  # (L,) coordinate sweeps
    converged: np.ndarray  # (L,) bool
    null_objective: float


def duality_gap(
    design: Design,
    beta: np.ndarray,
    g: np.ndarray,
    A: np.ndarray,
    C: np.ndarray,
    positive: bool,
) -> tuple[float, float]:
    """(primal objective, duality gap) at β, given the gradient g = X_cᵀS r.

    The dual point is θ = κ r: κ = 1 unless pure-l1 coordinates (C_j = 0) need it smaller to
    make |x_jᵀθ| <= A_j feasible. For coordinates with neither penalty the dual constraint
    x_jᵀθ = 0 cannot be met by scaling; for them the gap adds Σ g_j² / (2 d_j), the decrease
    one exact coordinate step would still give, which vanishes at the optimum.
    """
    rss, ycr = design.residual_terms(beta)
    primal = 0.5 * rss + float(A @ np.abs(beta)) + 0.5 * float(C @ (beta * beta))
    lasso = (C == 0) & (A > 0)
    free = (C == 0) & (A == 0)
    ridge = C > 0
    push = np.maximum(g, 0.0) if positive else np.abs(g)
    kappa = 1.0
    over = lasso & (push > A)
    if np.any(over):
        kappa = float(np.min(A[over] / push[over]))
    v = kappa * (np.maximum(g[ridge], 0.0) if positive else np.abs(g[ridge]))
    conjugate = float(np.sum(np.maximum(v - A[ridge], 0.0) ** 2 / (2.0 * C[ridge])))
    dual = kappa * ycr - 0.5 * kappa * kappa * rss - conjugate
    d = design.diag[free]
    unpenalized = float(np.sum(np.where(d > 0, g[free] ** 2 / np.where(d > 0, d, 1.0), 0.0)))
    return primal, max(primal - dual, 0.0) + 0.5 * unpenalized


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
    l1: np.ndarray,
    l2: np.ndarray,
    l1_weight: np.ndarray,
    l2_weight: np.ndarray,
    *,
    positive: bool = False,
    tol: float = 1e-6,
    max_iter: int = 1000,
    coef_init: np.ndarray | None = None,
    screening: bool = True,
) -> PathResult:
    """Solve at each (l1[k], l2[k]) in order, warm-starting each from the previous solution.

    ``max_iter`` bounds the coordinate sweeps per path point; a point that reaches it is
    reported with ``converged = False`` (the caller decides whether to warn).
    """
    l1, l2 = np.atleast_1d(l1).astype(float), np.atleast_1d(l2).astype(float)
    p, L = design.p, l1.shape[0]
    beta = np.zeros(p) if coef_init is None else np.array(coef_init, dtype=np.float64)
    design.start(beta)
    null = design.null_objective
    out = {k: np.zeros(L) for k in ("intercept", "objective", "gap", "n_iter")}
    coefs, converged = np.zeros((L, p)), np.zeros(L, dtype=bool)
    always = l1_weight == 0
    previous_l1 = None
    g = design.gradient().copy()
    for k in range(L):
        A, C = l1[k] * l1_weight, l2[k] * l2_weight
        push = np.maximum(g, 0.0) if positive else np.abs(g)
        if not screening:
            ws = np.ones(p, dtype=bool)
        else:
            # sequential strong rule (Tibshirani et al. 2012): likely-active features only
            level = l1[k] if previous_l1 is None else 2.0 * l1[k] - previous_l1
            ws = (push >= level * l1_weight) | (beta != 0) | always
        passes, gap, objective, g = _solve_point(design, beta, A, C, ws, positive, tol, max_iter)
        coefs[k] = beta
        out["intercept"][k] = design.intercept(beta)
        out["objective"][k], out["gap"][k], out["n_iter"][k] = objective, gap, passes
        converged[k] = gap <= tol
        previous_l1 = l1[k]
    return PathResult(
        coef=coefs,
        intercept=out["intercept"],
        objective=out["objective"],
        gap=out["gap"],
        n_iter=out["n_iter"].astype(int),
        converged=converged,
        null_objective=null,
    )


def _solve_point(design, beta, A, C, ws, positive, tol, max_iter):
    """Sweeps on the working set, KKT check on all features, gap check; repeat until certified.

    Returns (sweeps, relative gap, objective, gradient at the returned β).
    """
    null = design.null_objective
    if null <= 0:  # constant y: β = 0 is exact
        beta[:] = 0.0
        design.start(beta)
        return 0, 0.0, 0.0, design.gradient().copy()
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
        objective, gap = duality_gap(design, beta, g, A, C, positive)
        gap /= null
        if gap <= tol or passes >= max_iter:
            return passes, gap, objective, g.copy()
        thresh *= 0.1  # the sweeps stopped early by the step criterion: tighten it
