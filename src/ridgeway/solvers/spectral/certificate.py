"""Certificates of the spectral routes: the relative KKT norm of the normal equations.

With the moments of a Gram route, (G + λΓᵀΓ)δ − c is formed from them in O(p²); otherwise
from two passes over X. Solvers call these; estimators never certify.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ridgeway.solution import Solution
from ridgeway.solvers.spectral.squared import RidgeProblem
from ridgeway.statistics import Moments, product, transposed_product

__all__ = ["CERTIFICATE_TOL", "certify", "residual_solution"]

CERTIFICATE_TOL = 1e-6


def certify(
    rp: RidgeProblem,
    coef: np.ndarray,
    intercept: np.ndarray,
    l2: np.ndarray,
    method: str,
    moments: Moments | None = None,
    state: Any = None,
) -> Solution:
    """A Solution at (coef, intercept), coef (p, k) with the prior included, certified."""
    if moments is not None:
        return _from_moments(rp, coef, intercept, l2, method, moments, state)
    X, Y, w = rp.X, rp.Y, rp.sample_weight
    delta = coef - rp.prior_column()  # rp.Y is already shifted by X·prior
    resid = product(X, delta) + intercept - Y
    weighted = resid if w is None else resid * w[:, None]
    data_grad = transposed_product(X, weighted)
    l2 = np.broadcast_to(l2, (coef.shape[1],))
    gd = delta if rp.gamma is None else rp.gamma @ delta
    pen_grad = (gd if rp.gamma is None else rp.gamma.T @ gd) * l2
    grad = data_grad + pen_grad
    Yc = Y - (Y.mean(axis=0) if w is None else (w @ Y) / w.sum())
    scale = np.abs(transposed_product(X, Yc if w is None else Yc * w[:, None])).max()
    scale = max(scale, np.abs(data_grad).max(), np.abs(pen_grad).max(), np.finfo(float).tiny)
    objective = 0.5 * float(np.sum((resid**2) * (1.0 if w is None else w[:, None])))
    objective += 0.5 * float(np.sum(l2 * np.sum(gd * gd, 0)))
    return _kkt_solution(coef, intercept, objective, float(np.abs(grad).max() / scale), method,
                         state)  # fmt: skip


def _from_moments(rp, coef, intercept, l2, method, m: Moments, state) -> Solution:
    delta = coef - rp.prior_column()
    l2 = np.broadcast_to(l2, (coef.shape[1],))
    gd = delta if rp.gamma is None else rp.gamma @ delta
    pen_grad = (gd if rp.gamma is None else rp.gamma.T @ gd) * l2
    G_delta = m.xx @ delta
    grad = G_delta + pen_grad - m.xy
    scale = max(np.abs(m.xy).max(), np.abs(G_delta).max(), np.abs(pen_grad).max(),
                np.finfo(float).tiny)  # fmt: skip
    rss = m.yy - 2 * np.sum(delta * m.xy, axis=0) + np.sum(delta * G_delta, axis=0)
    objective = 0.5 * float(np.sum(rss) + np.sum(l2 * np.sum(gd * gd, axis=0)))
    return _kkt_solution(coef, intercept, objective, float(np.abs(grad).max() / scale), method,
                         state)  # fmt: skip


def _kkt_solution(coef, intercept, objective, cert, method, state) -> Solution:
    return Solution(
        coef=coef, intercept=intercept, objective=objective, converged=cert <= CERTIFICATE_TOL,
        certificate=cert, certificate_name="relative KKT norm", solver=method, n_iter=1,
        tol=CERTIFICATE_TOL, state=state,
    )  # fmt: skip


def residual_solution(
    route: str,
    coef: np.ndarray,
    intercept: np.ndarray,
    residual: float,
    n_iter: int,
    objective: float,
    df: np.ndarray | None = None,
    state: Any = None,
) -> Solution:
    """A Solution certified by the relative residual of the normal equations."""
    return Solution(
        coef=coef, intercept=intercept, objective=objective,
        converged=residual <= CERTIFICATE_TOL, certificate=residual,
        certificate_name="relative residual of the normal equations", solver=route,
        n_iter=n_iter, tol=CERTIFICATE_TOL, details={} if df is None else {"df": df},
        state=state,
    )  # fmt: skip
