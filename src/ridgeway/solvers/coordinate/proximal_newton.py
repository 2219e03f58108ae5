"""Proximal Newton for a log-likelihood with an L1, elastic-net or grouped penalty (newGLMNET).

Minimizes  Σ_i s_i ℓ(y_i, z_i) + Σ_j [A_j |β_j| + ½ C_j β_j²],  z = Xβ + β₀  (DESIGN §1, the
penalty's weights A = l1·a, C = l2·b from ``Penalty.coordinate_weights``), for the binary
logistic loss (one linear predictor) and the multinomial (k, β of shape (p, k)):

- *binary* (one linear predictor, a separable penalty): each Newton step replaces ℓ by its
  quadratic model at the current z — weights h_i = s_i ∂²ℓ/∂z², working response
  z − ∇ℓ/∂²ℓ — and solves that weighted lasso by the compiled coordinate-descent sweeps of
  :mod:`~ridgeway.solvers.coordinate.kernels` (the intercept is eliminated by centring with
  the h-weighted means, as there);
- *multinomial*: the quadratic model keeps the exact k × k curvature of every sample, and the
  compiled block sweeps of :mod:`~ridgeway.solvers.coordinate.group_kernels` visit one feature
  (its k coefficients) at a time, the intercepts as one more unpenalized block: entry by
  entry for a separable penalty (glmnet's ``type.multinomial = "ungrouped"``, which instead
  cycles the classes with their diagonal blocks — on near-separable data that took 50× more
  Newton steps here), by group soft-thresholding for
  :class:`~ridgeway.penalties.group_lasso.GroupElasticNetPenalty` (glmnet's ``"grouped"``,
  which bounds the Hessian instead: ~90 steps per point against ~7 with the exact one).
  With β ≥ 0 (``positive``) the classes take steps in turn with the binary sweeps.

Each step is followed by a backtracking (Armijo) line search on the true objective. The
sweeps run over a working set: the active features, the unpenalized ones, the sequential
strong rule's set from the previous path point (|∇_j| >= a_j(2·l1 − l1_prev)), and every
feature whose KKT condition the full gradient (computed each Newton step, one pass over X)
shows violated. The inner accuracy follows the outer one (an inexact Newton method).

Certificate: the relative KKT violation — max over coefficients (and intercepts) of the
distance of −∇loss from the penalty's subdifferential, divided by max |∇loss| at the
intercept-only model (the λ_max scale) — computed from a linear predictor recomputed from
scratch. No duality gap is reported: the dual of the logistic loss needs a feasible point
that costs a pass per check, and the KKT residual bounds the coefficients directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from ridgeway.problem import Problem
from ridgeway.solution import Solution
from ridgeway.solvers.base import (
    OUTPUTS_OF_THE_LOSS,
    TWICE_DIFFERENTIABLE,
    Requirement,
    check_requirements,
    refuse_unknown,
)
from ridgeway.solvers.coordinate import group_kernels, kernels
from ridgeway.statistics import column_scatter

__all__ = [
    "CERTIFICATE",
    "LOG_LIKELIHOOD",
    "SEPARABLE_OR_GROUPED",
    "ProximalNewton",
    "ProximalNewtonState",
    "null_gradient",
]

CERTIFICATE = "relative KKT violation (max |∂F| / max |∇loss| at the intercept-only model)"

LOG_LIKELIHOOD = Requirement(
    "a log-likelihood loss (logistic or multinomial)",
    lambda pb: bool(pb.loss.probabilistic and pb.loss.twice_differentiable),
)
SEPARABLE_OR_GROUPED = Requirement(
    "a coordinate-separable penalty or one grouped by feature (diagonal Γ, no prior centre)",
    lambda pb: bool(pb.penalty.separable or pb.penalty.grouped),
)

#: curvature below this (relative to the sample weight) is floored: the working response
#: z − ∇ℓ/∂²ℓ stays finite for samples the model already fits with certainty (glmnet: 1e-5)
CURVATURE_FLOOR = 1e-10
#: Armijo's sufficient-decrease fraction and the most halvings of a step
ARMIJO, HALVINGS = 1e-4, 50
#: a predicted decrease below this fraction of the objective is within its rounding
ROUNDING = 1e-13
#: coordinate sweeps allowed per Newton step (an inexact step is still a descent direction)
INNER_PASSES = 2000
#: dense X with a working set of at most this many features, and at least ROWS_PER_FEATURE
#: rows per feature, solves a Newton step's weighted lasso by covariance updates on the
#: working set's weighted Gram (one BLAS product, then sweeps of O(|W|²) each) instead of
#: residual updates (every sweep O(n·|W|)): glmnet's "covariance" mode, per Newton step
COVARIANCE_MAX_FEATURES = 256
ROWS_PER_FEATURE = 16
#: rows per block of the working set's Gram (the block and its copy stay in cache)
COVARIANCE_ROWS = 4096


@dataclass(frozen=True)
class ProximalNewtonState:
    """What travels along a path: the solution (β as (p, k), intercepts (k,)), the gradient of
    the loss term there (p, k), the l1 it was solved at (the strong rule screens the next point
    from it) and the KKT scale of the problem's data."""

    coef: np.ndarray
    intercept: np.ndarray
    gradient: np.ndarray
    l1: float
    kkt_scale: float


class _Data:
    """X as the sweeps read it (Fortran float64 or CSC), y, weights and the loss: formed once
    per problem (a path reuses it for every point)."""

    def __init__(self, problem: Problem) -> None:
        X: Any = problem.X
        self.sparse = sp.issparse(X)
        if self.sparse:
            X = sp.csc_matrix(X, dtype=np.float64)
            X.sort_indices()
        else:
            X = np.asfortranarray(X, dtype=np.float64)
        self.X: Any = X
        self.n, self.p = X.shape
        self.y = np.asarray(problem.y, dtype=np.float64)
        self.joint = self.y.ndim == 2
        self.k = self.y.shape[1] if self.joint else 1
        w = problem.sample_weight
        self.s = np.ones(self.n) if w is None else np.asarray(w, dtype=np.float64)
        self.loss = problem.loss
        self.fit_intercept = bool(problem.fit_intercept)
        self.column_squares: np.ndarray | None = None

    # --- the loss on an (n, k) predictor ---------------------------------------------------------
    def _z(self, Z: np.ndarray) -> np.ndarray:
        return Z if self.joint else Z[:, 0]

    def loss_value(self, Z: np.ndarray) -> float:
        return self.loss.value(self.y, self._z(Z), self.s)

    def weighted_gradient(self, Z: np.ndarray) -> np.ndarray:
        """s_i ∂ℓ/∂z per sample, (n, k)."""
        g = self.loss.gradient(self.y, self._z(Z))
        return (g if self.joint else g[:, None]) * self.s[:, None]

    def weighted_curvature(self, Z: np.ndarray, c: int) -> np.ndarray:
        h = self.loss.curvature_diagonal(self.y, self._z(Z))
        h = h[:, c] if self.joint else h
        return self.s * np.maximum(h, CURVATURE_FLOOR)

    def weighted_hessian(self, Z: np.ndarray) -> np.ndarray:
        """s_i times the k × k curvature per sample, (n, k, k)."""
        return self.loss.curvature(self.y, self._z(Z)) * self.s[:, None, None]

    def predictor(self, B: np.ndarray, b0: np.ndarray) -> np.ndarray:
        return np.asarray(self.X @ B).reshape(self.n, self.k) + b0

    def gradient(self, Gz: np.ndarray) -> np.ndarray:
        """Xᵀ(s ∇ℓ): the gradient of the loss term in β, (p, k)."""
        return np.asarray(self.X.T @ Gz).reshape(self.p, self.k)

    def columns(self, weights: np.ndarray, ws: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The weighted means (with an intercept) and centred scatters of the columns ``ws``,
        full-length (zero elsewhere: the sweeps read only ``ws``)."""
        m, diag = np.zeros(self.p), np.zeros(self.p)
        Xw = self.X[:, ws]
        if self.fit_intercept:
            m[ws] = np.asarray(Xw.T @ weights).ravel() / weights.sum()
        diag[ws] = column_scatter(Xw, weights, m[ws])
        return m, diag


@dataclass(frozen=True)
class _Penalty:
    """The penalty as the sweeps see it: A = l1·a, C = l2·b per feature, and its kind."""

    A: np.ndarray
    C: np.ndarray
    grouped: bool
    positive: bool

    def value(self, B: np.ndarray) -> float:
        nz = np.any(B != 0, axis=1)  # A may be infinite on features held at zero
        rows = B[nz]
        sq = np.sum(rows * rows, axis=1)
        l1_part = np.sqrt(sq) if self.grouped else np.sum(np.abs(rows), axis=1)
        return float(self.A[nz] @ l1_part + 0.5 * self.C[nz] @ sq)

    def violation(self, G: np.ndarray, B: np.ndarray) -> np.ndarray:
        """Per feature, the distance of −G_j from ∂P_j(β_j) (absolute), (p,)."""
        A, C = self.A[:, None], self.C[:, None]
        if self.grouped:
            norm = np.sqrt(np.sum(B * B, axis=1, keepdims=True))
            zero = norm[:, 0] == 0
            unit = B / np.where(norm > 0, norm, 1.0)
            held = np.where(np.isfinite(A), A, 0.0)  # infinite only on rows held at zero
            on = np.sqrt(np.sum((G + held * unit + C * B) ** 2, axis=1))
            gnorm = np.sqrt(np.sum(G * G, axis=1))
            with np.errstate(invalid="ignore"):
                off = np.maximum(gnorm - self.A, 0.0)
            return np.where(zero, np.nan_to_num(off), on)
        with np.errstate(invalid="ignore"):
            push = np.maximum(-G, 0.0) if self.positive else np.abs(G)
            off = np.nan_to_num(np.maximum(push - A, 0.0))
            on = np.abs(G + np.where(B != 0, A, 0.0) * np.sign(B) + C * B)
        return np.max(np.where(B != 0, on, off), axis=1)


def _penalty_of(problem: Problem) -> _Penalty:
    pen = problem.penalty
    a, b = pen.coordinate_weights(problem.n_features)
    A = np.ascontiguousarray(float(pen.l1) * np.asarray(a, dtype=np.float64))
    C = np.ascontiguousarray(float(pen.l2) * np.asarray(b, dtype=np.float64))
    return _Penalty(A, C, bool(pen.grouped), bool(getattr(pen, "positive", False)))


def _null_intercept(data: _Data) -> np.ndarray:
    if not data.fit_intercept:
        return np.zeros(data.k)
    b0 = data.loss.zero_gradient_intercept(data.y, data.s)
    return np.zeros(data.k) if b0 is None else np.atleast_1d(np.asarray(b0, dtype=np.float64))


def _kkt_scale(data: _Data) -> float:
    """max |∇loss| at the intercept-only model: the size of the gradient λ_max balances."""
    Z = np.broadcast_to(_null_intercept(data), (data.n, data.k)).copy()
    scale = float(np.max(np.abs(data.gradient(data.weighted_gradient(Z))), initial=0.0))
    return scale if scale > 0 else 1.0


# --- Newton steps -------------------------------------------------------------------------------
class _Iterate:
    """β (p, k), intercepts (k,), the linear predictor Z (n, k) and the objective, in place."""

    def __init__(self, data: _Data, pen: _Penalty, B: np.ndarray, b0: np.ndarray) -> None:
        self.data, self.pen = data, pen
        self.B = np.ascontiguousarray(B, dtype=np.float64)
        self.b0 = np.asarray(b0, dtype=np.float64).copy()
        self.refresh()

    def refresh(self) -> None:
        """Z and the objective from scratch (no drift from the incremental updates)."""
        self.Z = self.data.predictor(self.B, self.b0)
        self.objective = self.data.loss_value(self.Z) + self.pen.value(self.B)

    def line_search(self, B_new, b0_new, dZ, Gz) -> bool:
        """Move towards (B_new, b0_new) (predictor change dZ) by Armijo backtracking."""
        B0, Z0 = self.B, self.Z
        dB, db0 = B_new - B0, b0_new - self.b0
        decrease = float(np.sum(Gz * dZ)) + self.pen.value(B_new) - self.pen.value(B0)
        if -decrease <= ROUNDING * max(abs(self.objective), 1.0):
            # the model's predicted decrease is below the objective's rounding: values cannot
            # rank the steps any more, and the model is exact to that order; take it whole
            self.B, self.Z, self.b0 = np.ascontiguousarray(B_new), Z0 + dZ, b0_new.copy()
            self.objective = self.data.loss_value(self.Z) + self.pen.value(self.B)
            return True
        step = 1.0
        for _ in range(HALVINGS):
            B = B0 + step * dB
            Z = Z0 + step * dZ
            value = self.data.loss_value(Z) + self.pen.value(B)
            if value <= self.objective + ARMIJO * step * min(decrease, 0.0):
                self.B, self.Z, self.b0 = np.ascontiguousarray(B), Z, self.b0 + step * db0
                self.objective = value
                return True
            step *= 0.5
        return False


def _column_step(it: _Iterate, c: int, ws: np.ndarray, target: float) -> bool:
    """One Newton step in the coefficients of output c (the others held): the quadratic model
    solved by the weighted lasso sweeps, then a line search."""
    data, pen = it.data, it.pen
    Gz = data.weighted_gradient(it.Z)
    g, h = Gz[:, c], data.weighted_curvature(it.Z, c)
    z = it.Z[:, c]
    work = z - np.divide(g, h, out=np.zeros_like(g), where=h > 0)  # rows of weight 0: h = 0
    W = float(h.sum())
    ybar = float(h @ work) / W if data.fit_intercept else 0.0
    beta = it.B[:, c].copy()
    covariance = _covariance_mode(data, ws)
    if covariance:
        m = np.zeros(data.p)
        if data.fit_intercept:
            m[ws] = _weighted_column_sums(data.X, ws, h) / W
    else:
        m, diag = data.columns(h, ws)
    offset = ybar - float(m @ beta) - float(it.b0[c])  # Δz = (r_before − r_after) + offset
    residual = work - ybar - (z - it.b0[c])  # the working response minus X·β (uncentred)
    if covariance:
        G, q = _working_gram(data.X, ws, m[ws], h, residual + float(m @ beta))
        scale = float(np.max(np.diagonal(G) + pen.C[ws], initial=0.0))
        moved_by = _covariance_sweeps(data.X, G, q, m, beta, pen, ws,
                                      target * target / max(scale, 1e-300))  # fmt: skip
    else:
        scale = float(np.max(diag[ws] + pen.C[ws], initial=0.0))
        moved_by = _residual_sweeps(data, h, m, diag, residual, beta, pen, ws,
                                    target * target / max(scale, 1e-300))  # fmt: skip
    B_new = it.B.copy()
    B_new[:, c] = beta
    b0_new = it.b0.copy()
    b0_new[c] = ybar - float(m @ beta) if data.fit_intercept else 0.0
    dZ = np.zeros_like(it.Z)
    dZ[:, c] = moved_by + offset
    return it.line_search(B_new, b0_new, dZ, Gz)


def _residual_sweeps(data: _Data, h: np.ndarray, m: np.ndarray, diag: np.ndarray,
                     residual: np.ndarray, beta: np.ndarray, pen: _Penalty, ws: np.ndarray,
                     thresh: float) -> np.ndarray:  # fmt: skip
    """The weighted lasso by residual updates (every sweep O(n·|W|)); ``residual`` is the
    working response minus the uncentred predictor X·β. Updates ``beta``; returns X_c δ."""
    W = float(h.sum())
    if data.sparse:
        X = data.X
        rho = residual
        state = np.array([float(h @ rho), float(m @ beta), W])
        before = rho + state[1]
        kernels.sparse_cd(X.indptr, X.indices, X.data, h, m, rho, state, beta, diag, pen.A,
                          pen.C, ws, pen.positive, INNER_PASSES, thresh)  # fmt: skip
        return np.asarray(before - (rho + state[1]))
    rho = residual + float(m @ beta)  # the centred residual itself
    state = np.array([float(h @ rho), 0.0, W])
    before = rho.copy()
    kernels.dense_cd(data.X, h, m, rho, state, beta, diag, pen.A, pen.C, ws, pen.positive,
                     INNER_PASSES, thresh)  # fmt: skip
    return np.asarray(before - rho)


def _covariance_mode(data: _Data, ws: np.ndarray) -> bool:
    return (not data.sparse and ws.size <= COVARIANCE_MAX_FEATURES
            and data.n >= ROWS_PER_FEATURE * ws.size)  # fmt: skip


def _weighted_column_sums(X: np.ndarray, ws: np.ndarray, h: np.ndarray) -> np.ndarray:
    """X[:, ws]ᵀh: all of Xᵀh when the set is a large share of the columns (one pass, no
    copy), else a block of rows at a time (no n × |W| copy)."""
    if 4 * ws.size >= X.shape[1]:
        return np.asarray(X.T @ h)[ws]
    out = np.zeros(ws.size)
    for start in range(0, X.shape[0], COVARIANCE_ROWS):
        rows = slice(start, start + COVARIANCE_ROWS)
        out += X[rows, ws].T @ h[rows]
    return out


def _working_gram(X: np.ndarray, ws: np.ndarray, mw: np.ndarray, h: np.ndarray,
                  rho: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """G = X_cᵀHX_c and c = X_cᵀHρ on the working set, X_c its columns centred by ``mw``
    (each block centred before it is multiplied: no cancellation), a block at a time."""
    G = np.zeros((ws.size, ws.size))
    q = np.zeros(ws.size)
    for start in range(0, X.shape[0], COVARIANCE_ROWS):
        rows = slice(start, start + COVARIANCE_ROWS)
        block = X[rows, ws]  # a copy of the block's working columns, centred in place
        block -= mw
        hb = h[rows]
        q += block.T @ (hb * rho[rows])
        block *= np.sqrt(hb)[:, None]
        G += block.T @ block  # syrk
    return G, q


def _covariance_sweeps(X: np.ndarray, G: np.ndarray, q: np.ndarray, m: np.ndarray,
                       beta: np.ndarray, pen: _Penalty, ws: np.ndarray,
                       thresh: float) -> np.ndarray:  # fmt: skip
    """The weighted lasso by covariance updates on the working set's Gram (glmnet's
    covariance mode; every sweep O(|W|²)), q = c − Gδ kept current. Updates ``beta`` on
    ``ws``; returns X_c δ (n,)."""
    old = beta[ws].copy()
    new = old.copy()
    kernels.gram_cd(G, q, new, np.ascontiguousarray(pen.A[ws]), np.ascontiguousarray(pen.C[ws]),
                    np.arange(ws.size), pen.positive, INNER_PASSES, thresh)  # fmt: skip
    beta[ws] = new
    delta = new - old
    moved = np.flatnonzero(delta)
    if moved.size == 0:
        return np.zeros(X.shape[0])
    cols = ws[moved]
    if 4 * cols.size >= X.shape[1]:  # one pass over X beats copying most of its columns
        full = np.zeros(X.shape[1])
        full[cols] = delta[moved]
        return np.asarray(X @ full) - float(m[cols] @ delta[moved])
    return np.asarray(X[:, cols] @ delta[moved]) - float(m[cols] @ delta[moved])


def _group_step(it: _Iterate, ws: np.ndarray, target: float) -> bool:
    """One proximal Newton step in every class at once: the exact quadratic model (k × k
    curvature per sample) minimized by the group sweeps, then a line search."""
    data, pen = it.data, it.pen
    Gz = data.weighted_gradient(it.Z)
    H = np.ascontiguousarray(data.weighted_hessian(it.Z))
    V = np.ascontiguousarray(Gz)  # the model's gradient in z at the step δz = 0
    B = it.B.copy()
    b0 = it.b0.copy()
    # L_j <= max_i tr(H_i)·Σ_i x_ij²: the objective scale of a group's move
    scale = float(np.max(np.trace(H, axis1=1, axis2=2), initial=0.0)) * float(
        np.max(_squares(data)[ws], initial=0.0)
    )
    thresh = target * target / max(scale + float(np.max(pen.C[ws], initial=0.0)), 1e-300)
    if data.sparse:
        X = data.X
        group_kernels.sparse_group_newton(X.indptr, X.indices, X.data, H, V, B, b0, pen.A, pen.C,
                                          ws, data.fit_intercept, INNER_PASSES, thresh,
                                          pen.grouped)  # fmt: skip
    else:
        group_kernels.dense_group_newton(data.X, H, V, B, b0, pen.A, pen.C, ws,
                                         data.fit_intercept, INNER_PASSES, thresh,
                                         pen.grouped)  # fmt: skip
    moved = np.flatnonzero(np.any(B != it.B, axis=1))
    dZ = np.asarray(data.X[:, moved] @ (B - it.B)[moved]).reshape(data.n, data.k) + (b0 - it.b0)
    return it.line_search(B, b0, dZ, Gz)


def _squares(data: _Data) -> np.ndarray:
    """Σ_i x_ij² per feature (p,), computed once per data."""
    if data.column_squares is None:
        X2 = data.X.multiply(data.X) if data.sparse else data.X * data.X
        data.column_squares = np.asarray(X2.sum(axis=0)).ravel()
    return data.column_squares


def _strong_set(pen: _Penalty, state: ProximalNewtonState | None, l1: float, p: int):
    """Features the sequential strong rule keeps (all when there is no previous point)."""
    if state is None or state.gradient.shape[0] != p or state.l1 <= 0 or l1 <= 0:
        return np.zeros(p, dtype=bool)
    G = state.gradient
    size = np.sqrt(np.sum(G * G, axis=1)) if pen.grouped else np.max(np.abs(G), axis=1)
    with np.errstate(invalid="ignore"):
        return size >= pen.A * (2.0 - state.l1 / l1)


def _solve_point(data, pen, B, b0, ws, tol, max_iter, scale):
    """Newton steps until the relative KKT violation is <= tol on an exact predictor."""
    it = _Iterate(data, pen, B, b0)
    ws = ws | (pen.A == 0) | np.any(it.B != 0, axis=1)
    steps, exact = 0, True
    while True:
        Gz = data.weighted_gradient(it.Z)
        G = data.gradient(Gz)
        per_feature = pen.violation(G, it.B)
        viol = float(np.max(per_feature, initial=0.0))
        if data.fit_intercept:
            viol = max(viol, float(np.max(np.abs(Gz.sum(axis=0)))))
        if viol <= tol * scale:
            if exact:
                break
            it.refresh()
            exact = True
            continue
        if steps >= max_iter:
            break
        ws = ws | (per_feature > 0)
        index = np.flatnonzero(ws).astype(np.int64)
        target = max(0.1 * viol, 0.01 * tol * scale)
        if data.joint and not pen.positive:  # every class at once, the exact curvature
            moved = _group_step(it, index, target)
        else:
            moved = False
            for c in range(data.k):
                moved = _column_step(it, c, index, target) or moved
        steps += 1
        exact = False
        if not moved:  # no descent left at this precision: confirm on an exact predictor
            it.refresh()
            exact = True
            Gz = data.weighted_gradient(it.Z)
            G = data.gradient(Gz)
            viol = float(np.max(pen.violation(G, it.B), initial=0.0))
            if data.fit_intercept:
                viol = max(viol, float(np.max(np.abs(Gz.sum(axis=0)))))
            break
    return it, G, viol / scale, steps, ws


def null_gradient(problem: Problem, *, tol: float = 1e-10) -> np.ndarray:
    """∇loss in β (p, k) at the fit with every penalized coefficient (a_j > 0) at zero:
    the intercept and the unpenalized features fitted, so λ_max follows from it."""
    data = _Data(problem)
    pen = _penalty_of(problem)
    a, _ = problem.penalty.coordinate_weights(problem.n_features)
    held = _Penalty(np.where(np.asarray(a) > 0, np.inf, 0.0), np.zeros(data.p), pen.grouped,
                    pen.positive)  # fmt: skip
    B = np.zeros((data.p, data.k))
    _, G, _, _, _ = _solve_point(data, held, B, _null_intercept(data), np.zeros(data.p, bool),
                                  tol, 500, _kkt_scale(data))  # fmt: skip
    return G


class ProximalNewton:
    """newGLMNET: quadratic models of the log-likelihood solved by coordinate descent, a line
    search, working sets and warm starts (see the module docstring). Also ``solve_path``."""

    name = "proximal-newton"
    requires = (TWICE_DIFFERENTIABLE, LOG_LIKELIHOOD, SEPARABLE_OR_GROUPED, OUTPUTS_OF_THE_LOSS)
    #: Newton steps per point (a warm-started path point needs a few)
    default_max_iter = 500

    def solve(
        self,
        problem: Problem,
        *,
        start: Solution | None = None,
        tol: float = 1e-8,
        max_iter: int | None = None,
        **unknown: Any,
    ) -> Solution:
        refuse_unknown(self.name, unknown)
        check_requirements(self, problem)
        data = _Data(problem)
        return self._point(data, problem, start, tol, max_iter, _kkt_scale(data))

    def solve_path(
        self,
        problems: list[Problem],
        *,
        start: Solution | None = None,
        tol: float = 1e-8,
        max_iter: int | None = None,
    ) -> list[Solution]:
        """Solutions along ``problems`` (the same data, penalties from strong to weak), each
        warm-started from the one before; X is prepared once for the whole path."""
        if not problems:
            return []
        check_requirements(self, problems[0])
        data = _Data(problems[0])
        scale = _kkt_scale(data)
        out = []
        for problem in problems:
            start = self._point(data, problem, start, tol, max_iter, scale)
            out.append(start)
        return out

    def _point(self, data, problem, start, tol, max_iter, scale) -> Solution:
        pen = _penalty_of(problem)
        state = start.state if start is not None else None
        state = state if isinstance(state, ProximalNewtonState) else None
        B = np.zeros((data.p, data.k))
        b0 = _null_intercept(data)
        if start is not None:
            coef = np.asarray(start.coef, dtype=np.float64).reshape(data.p, -1)
            if coef.shape == B.shape:
                B = coef.copy()
                b0 = np.atleast_1d(np.asarray(start.intercept, dtype=np.float64)).copy()
                if not data.fit_intercept:
                    b0 = np.zeros(data.k)
        l1 = float(problem.penalty.l1)
        ws = _strong_set(pen, state, l1, data.p)
        limit = self.default_max_iter if max_iter is None else int(max_iter)
        it, G, kkt, steps, _ = _solve_point(data, pen, B, b0, ws, tol, limit, scale)
        B, b0 = it.B, it.b0
        if data.joint and data.fit_intercept:
            b0 = b0 - b0.mean()  # the softmax is unchanged; report the sum-to-zero intercepts
        coef = B if data.joint else B[:, 0].copy()
        intercept: float | np.ndarray = b0 if data.joint else float(b0[0])
        return Solution(
            coef=coef,
            intercept=intercept,
            objective=float(problem.objective(coef, intercept)),
            converged=bool(kkt <= tol),
            certificate=float(kkt),
            certificate_name=CERTIFICATE,
            solver=self.name,
            n_iter=steps,
            tol=float(tol),
            details={"kkt_scale": scale, "n_nonzero": int(np.count_nonzero(np.any(B, axis=1)))},
            state=ProximalNewtonState(B.copy(), b0.copy(), G, l1, scale),
        )
