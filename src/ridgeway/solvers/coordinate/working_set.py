"""Working sets with gap-safe screening, for one point of an elastic-net path (p ≳ n).

In the style of celer / skglm (Massias, Gramfort & Salmon 2018; Massias et al. 2020;
Bertrand et al. 2022): coordinate descent runs on a small *working set* W — every non-zero
coefficient plus the zero ones closest to violating their KKT condition — and only the
outer loop looks at all p features:

1. the full gradient g = X_cᵀS r (one pass over X) gives the duality gap, the certificate;
2. gap-safe screening (Fercoq, Gramfort & Salmon 2015) discards, for the rest of this path
   point, every feature whose coefficient is *proved* zero at the optimum;
3. the remaining features are ranked by the distance of the dual point to their constraint,
   (A_j − κ|x̃_jᵀ r̃|) / ‖x̃_j‖, and W takes the best max(p0, 2·nnz, nnz + #violators) of them;
4. coordinate descent on W (the design's compiled sweeps), then back to 1.

The elastic net is handled as a lasso on the augmented design X̃ = [X_c; diag(√C)], whose
residual is r̃ = [r; −√C∘β]: x̃_jᵀr̃ = g_j − C_j β_j and ‖x̃_j‖² = d_j + C_j (the S-weighted
norms). Its dual D(θ) = ⟨y_c, θ⟩ − ½‖θ‖² is 1-strongly concave, so a feasible θ = κ r̃ with
gap G lies within √(2G) of the dual optimum θ*, and |x̃_jᵀθ| + √(2G)‖x̃_j‖ < A_j proves
β_j* = 0. Screening needs every feature penalized (A_j > 0): an unpenalized feature's dual
constraint is an equality that scaling cannot meet, so with one the ball is not certified and
only the working sets are used.

A point is declared converged only when both certificates of
:func:`~ridgeway.solvers.coordinate.duality.certify` hold over all features — the relative
duality gap <= ``tol`` and the relative KKT violation <= ``kkt_tolerance(tol)`` — on a
gradient recomputed from scratch. (Screened features are zero at the optimum, and their KKT
condition is checked all the same: the KKT residual covers every feature.)
"""

from __future__ import annotations

import numpy as np

from ridgeway.solvers.coordinate.designs import Design
from ridgeway.solvers.coordinate.duality import (
    Certificate,
    certify,
    duality_gap,
    kkt_violation,
)

__all__ = ["gap_safe_screen", "solve_point_working_set"]

P0 = 10  # the smallest working set (celer's p0)


def _augmented_push(g, beta, C, positive):
    """|x̃_jᵀ r̃| (its positive part under β ≥ 0) for every feature."""
    gt = g - C * beta
    return np.maximum(gt, 0.0) if positive else np.abs(gt)


def _dual_scale(push, A):
    """κ <= 1 making κ r̃ dual feasible: κ·push_j <= A_j for every penalized feature."""
    over = (push > A) & (A > 0)
    return float(min(1.0, np.min(A[over] / push[over]))) if np.any(over) else 1.0


def gap_safe_screen(
    design: Design,
    beta: np.ndarray,
    g: np.ndarray,
    A: np.ndarray,
    C: np.ndarray,
    positive: bool,
    primal: float,
) -> np.ndarray:
    """Boolean mask of the features proved zero at the optimum (gap-safe sphere test).

    Needs every A_j > 0 (see the module docstring); ``primal`` is the objective at β.
    """
    push = _augmented_push(g, beta, C, positive)
    kappa = _dual_scale(push, A)
    rss, ycr = design.residual_terms(beta)
    rt2 = rss + float(C @ (beta * beta))  # ‖r̃‖²
    dual = kappa * ycr - 0.5 * kappa * kappa * rt2
    radius = np.sqrt(2.0 * max(primal - dual, 0.0))
    norm = np.sqrt(design.diag + C)
    # a relative margin far above rounding in g, far below any useful screening distance
    return kappa * push + radius * norm < A * (1.0 - 1e-9)


def _choose(g, beta, A, C, positive, alive, norm):
    """Working set: the non-zeros, then the alive features nearest their dual constraint."""
    push = _augmented_push(g, beta, C, positive)
    kappa = _dual_scale(push, A)
    score = (A - kappa * push) / np.where(norm > 0, norm, 1.0)
    forced = (beta != 0) | (A == 0)
    raw = np.maximum(g, 0.0) if positive else np.abs(g)
    violators = alive & ~forced & (raw > A)
    score[forced | violators] = -np.inf  # every violator enters: progress is guaranteed
    score[~alive] = np.inf
    nnz = int(np.count_nonzero(forced))
    size = min(max(P0, 2 * nnz, nnz + int(np.count_nonzero(violators))), int(alive.sum()))
    if size >= alive.sum():
        return np.flatnonzero(alive | forced)
    index = np.argpartition(score, size - 1)[:size]
    return np.sort(index)


def solve_point_working_set(
    design, beta, A, C, positive, tol, max_iter, *, screen=True, step=1.0, gradient=None
):
    """Solve one path point in place from the warm start ``beta`` (the design started at it).

    The sweeps on a working set stop when no coordinate moves the objective by more than
    ``step``·tol·(null objective); ``step`` is tightened tenfold whenever a working set that
    had every KKT violator was not yet certified. The caller passes the value that worked at
    the previous path point (the inner accuracy the gap needs varies slowly along a path).
    ``gradient``, when given, is X_cᵀS r at the warm start (saves a pass over X).

    Returns (sweeps, Certificate, gradient at β, features screened out, step).
    """
    null = design.null_objective
    if null <= 0:  # constant y: β = 0 is exact
        beta[:] = 0.0
        design.start(beta)
        return 0, Certificate(0.0, 0.0, 0.0), design.gradient().copy(), 0, step
    p = design.p
    screen = screen and bool(np.all(A > 0))
    norm = np.sqrt(design.diag + C)
    alive = np.ones(p, dtype=bool)
    thresh = step * tol * null
    passes, previous = 0, None
    in_ws = np.zeros(p, dtype=bool)
    g = design.gradient().copy() if gradient is None else gradient
    while True:
        objective, gap = duality_gap(design, beta, g, A, C, positive)
        if screen and gap > tol * null:
            dead = gap_safe_screen(design, beta, g, A, C, positive, objective) & alive
            if np.any(dead):
                alive &= ~dead
                if np.any(beta[dead] != 0):  # proved zero: set it so (A = ∞ thresholds to 0)
                    big = A.copy()
                    big[dead] = np.inf
                    design.sweep(beta, big, C, np.flatnonzero(dead & (beta != 0)), positive,
                                 1, np.inf)  # fmt: skip
                    g = design.gradient().copy()
                    objective, gap = duality_gap(design, beta, g, A, C, positive)
        raw = np.maximum(g, 0.0) if positive else np.abs(g)
        outside = alive & (beta == 0) & ~in_ws & (raw > A)
        cert = Certificate(objective, gap / null, kkt_violation(design, beta, g, A, C, positive))
        if cert.holds(tol):  # confirm on a gradient without the updates' drift
            design.start(beta)
            g = design.gradient().copy()
            cert = certify(design, beta, g, A, C, positive)
        if cert.holds(tol) or passes >= max_iter:
            return passes, cert, g, int(p - alive.sum()), thresh / (tol * null)
        if previous is not None and not np.any(outside):
            thresh *= 0.1  # the set was right but not certified: the sweeps stopped too early
        ws = _choose(g, beta, A, C, positive, alive, norm)
        passes += design.sweep(beta, A, C, ws, positive, max_iter - passes, thresh)
        previous = ws
        in_ws[:] = False
        in_ws[ws] = True
        g = design.gradient().copy()
