"""Dual coordinate descent for linear SVMs (Hsieh et al. 2008), with an unpenalized intercept.

Dividing our objective Σ s_i ℓ(y_i, x_iᵀw + b) + (λ/2)‖w‖² by λ gives the SVM form
½‖w‖² + Σ C_i ℓ_i with C_i = s_i/λ. Hsieh's dual coordinate descent updates one dual
variable α_i at a time, keeping w = Σ α_i y_i x_i. liblinear handles the intercept by a
constant feature, which penalizes it; we do not. Instead we run the proximal-point method
on the intercept: each pass solves the SVM with the extra term (b − c)²/(2ρ) (a constant
feature √ρ with prior centre c — cheap dual CD), then recentres c at the new b. The prox
term vanishes at the fixed point, so the limit is the SVM with the intercept free
(equivalently, the method of multipliers for the dual constraint Σ α_i y_i = 0).

Certificate: the relative duality gap (P − D)/P of the unpenalized-intercept problem, with the
dual constraint violation |Σ α_i y_i| / Σ α_i folded in (both must be below ``tol``).
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np
import scipy.sparse as sp

from ridgeway.problem import Problem
from ridgeway.solution import Solution
from ridgeway.solvers.base import (
    IDENTITY_PENALTY,
    MARGIN_LOSS,
    SINGLE_OUTPUT,
    Requirement,
    check_requirements,
    refuse_unknown,
)

__all__ = ["DualCD"]


@numba.njit(cache=True)
def _row_dot_dense(X, i, w):
    acc = 0.0
    for j in range(X.shape[1]):
        acc += X[i, j] * w[j]
    return acc


@numba.njit(cache=True)
def _epochs_dense(X, y, upper, diag, sq_norms, alpha, w, state, rho, centre, eps, max_epochs, seed):
    """Dual CD epochs on dense X; state = [t = Σ α_i y_i]. Returns the epochs used."""
    n = X.shape[0]
    np.random.seed(seed)
    order = np.arange(n)
    for epoch in range(max_epochs):
        np.random.shuffle(order)
        pg_max, pg_min = -np.inf, np.inf
        for i in order:
            if upper[i] == 0.0:
                continue
            b = centre + rho * state[0]
            g = y[i] * (_row_dot_dense(X, i, w) + b) - 1.0 + diag[i] * alpha[i]
            pg = g
            if alpha[i] == 0.0:
                pg = min(g, 0.0)
            elif alpha[i] >= upper[i]:
                pg = max(g, 0.0)
            pg_max, pg_min = max(pg_max, pg), min(pg_min, pg)
            if pg != 0.0:
                new = min(max(alpha[i] - g / (sq_norms[i] + rho + diag[i]), 0.0), upper[i])
                delta = (new - alpha[i]) * y[i]
                alpha[i] = new
                for j in range(X.shape[1]):
                    w[j] += delta * X[i, j]
                state[0] += delta
        if pg_max - pg_min <= eps:
            return epoch + 1
    return max_epochs


@numba.njit(cache=True)
def _epochs_csr(
    data,
    indices,
    indptr,
    y,
    upper,
    diag,
    sq_norms,
    alpha,
    w,
    state,
    rho,
    centre,
    eps,
    max_epochs,
    seed,
):
    n = y.shape[0]
    np.random.seed(seed)
    order = np.arange(n)
    for epoch in range(max_epochs):
        np.random.shuffle(order)
        pg_max, pg_min = -np.inf, np.inf
        for i in order:
            if upper[i] == 0.0:
                continue
            b = centre + rho * state[0]
            dot = 0.0
            for k in range(indptr[i], indptr[i + 1]):
                dot += data[k] * w[indices[k]]
            g = y[i] * (dot + b) - 1.0 + diag[i] * alpha[i]
            pg = g
            if alpha[i] == 0.0:
                pg = min(g, 0.0)
            elif alpha[i] >= upper[i]:
                pg = max(g, 0.0)
            pg_max, pg_min = max(pg_max, pg), min(pg_min, pg)
            if pg != 0.0:
                new = min(max(alpha[i] - g / (sq_norms[i] + rho + diag[i]), 0.0), upper[i])
                delta = (new - alpha[i]) * y[i]
                alpha[i] = new
                for k in range(indptr[i], indptr[i + 1]):
                    w[indices[k]] += delta * data[k]
                state[0] += delta
        if pg_max - pg_min <= eps:
            return epoch + 1
    return max_epochs


class DualCD:
    """Dual coordinate descent for hinge and squared-hinge SVMs with identity Γ."""

    name = "dual-cd"
    requires: tuple[Requirement, ...] = (MARGIN_LOSS, IDENTITY_PENALTY, SINGLE_OUTPUT)

    def solve(
        self,
        problem: Problem,
        *,
        start: Solution | None = None,
        tol: float = 1e-6,
        max_iter: int = 100_000,
        seed: int = 0,
        **unknown: Any,
    ) -> Solution:
        """``start``: a Solution at a nearby λ; its intercept centres the first prox term."""
        refuse_unknown(self.name, unknown)
        check_requirements(self, problem)
        X, y = problem.X, np.asarray(problem.y, dtype=np.float64)
        n, p = X.shape
        l2 = float(problem.penalty.l2)
        if l2 <= 0:
            raise ValueError("dual coordinate descent needs l2 > 0; got l2=0")
        s = np.ones(n) if problem.sample_weight is None else problem.sample_weight
        C = s / l2
        hinge = not problem.loss.differentiable  # hinge: box dual; squared hinge: diagonal
        upper = C.copy() if hinge else np.where(C > 0, np.inf, 0.0)
        diag = np.zeros(n) if hinge else np.where(C > 0, 0.5 / np.where(C > 0, C, 1.0), 0.0)
        if sp.issparse(X):
            Xc = sp.csr_matrix(X, dtype=np.float64)
            sq_norms = np.asarray(Xc.multiply(Xc).sum(axis=1)).ravel()
        else:
            Xc = np.ascontiguousarray(X, dtype=np.float64)
            sq_norms = np.einsum("ij,ij->i", Xc, Xc)
        # ρ on the scale of ‖x_i‖² keeps the intercept coordinate as well conditioned as w's
        rho = float(max(sq_norms.mean(), 1.0)) if problem.fit_intercept else 0.0
        alpha, w, state = np.zeros(n), np.zeros(p), np.zeros(1)
        centre = float(start.intercept) if (problem.fit_intercept and start is not None) else 0.0
        eps, epochs, cert, gap_parts = 0.1, 0, np.inf, {}
        for outer in range(200):
            budget = max(max_iter - epochs, 1)
            kernel: Any
            kernel, data = (
                (_epochs_csr, (Xc.data, Xc.indices, Xc.indptr))
                if sp.issparse(Xc)
                else (_epochs_dense, (Xc,))
            )
            args = (y, upper, diag, sq_norms, alpha, w, state, rho, centre, eps, budget)
            epochs += kernel(*data, *args, seed + outer)
            b = centre + rho * state[0]
            cert, gap_parts = _certificate(problem, Xc, y, C, alpha, w, b, hinge)
            if cert <= tol or epochs >= max_iter:
                break
            centre = b  # recentre the prox term (a multiplier step: state stays Σ α_i y_i)
            eps = max(min(eps, cert) * 0.1, 1e-12)
        objective = l2 * gap_parts["primal"]
        return Solution(
            coef=w.copy(),
            intercept=float(b) if problem.fit_intercept else 0.0,
            objective=float(objective),
            converged=bool(cert <= tol),
            certificate=float(cert),
            certificate_name="relative duality gap",
            solver=self.name,
            n_iter=int(epochs),
            tol=float(tol),
            details={"outer_iterations": outer + 1, **gap_parts},
        )


def _certificate(problem, X, y, C, alpha, w, b, hinge):
    """Relative duality gap and dual-constraint violation of the free-intercept SVM."""
    z = np.asarray(X @ w).ravel() + (b if problem.fit_intercept else 0.0)
    margin = np.maximum(0.0, 1.0 - y * z)
    half_norm = 0.5 * float(w @ w)
    primal = half_norm + float(C @ (margin if hinge else margin**2))
    penalty_dual = 0.0 if hinge else float(np.sum(alpha[C > 0] ** 2 / (4.0 * C[C > 0])))
    dual = float(alpha.sum()) - half_norm - penalty_dual
    gap = max(primal - dual, 0.0) / max(abs(primal), 1e-300)
    violation = abs(float(alpha @ y)) / max(float(alpha.sum()), 1e-300)
    if not problem.fit_intercept:
        violation = 0.0
    return max(gap, violation), {"primal": primal, "dual": dual, "gap": gap, "violation": violation}
