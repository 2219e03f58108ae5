"""The duality gap of the squared-loss elastic net: the certificate of its coordinate descent."""

from __future__ import annotations

import numpy as np

from ridgeway.solvers.coordinate.designs import Design

__all__ = ["duality_gap"]


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
    one exact coordinate step would still give (projected on β_j >= 0 when ``positive``),
    which vanishes at the optimum.
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
    safe = np.where(d > 0, d, 1.0)
    step = g[free] / safe
    if positive:  # the step is projected on β_j >= 0: at the bound with g_j <= 0 it is optimal
        step = np.maximum(beta[free] + step, 0.0) - beta[free]
    decrease = np.where(d > 0, g[free] * step - 0.5 * d * step * step, 0.0)
    return primal, max(primal - dual, 0.0) + float(np.sum(decrease))
