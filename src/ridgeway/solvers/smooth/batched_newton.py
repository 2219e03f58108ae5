"""Newton-Cholesky paths of several problems that share X and differ in sample weights.

k-fold CV solves one problem per fold. A fold's problem *is* the full-data problem with the
test rows' weights set to zero: those rows then add nothing to the loss, its gradient or its
Hessian, and the gradient yardstick and the intercept-only start are the fold's own. Solving
the folds together on the full X, in lockstep along the λ grid, turns every Newton step's two
matrix-vector passes per fold (X·step, then Xᵀr at the new point) into two matrix-matrix
products with one column per fold, on the same cache-sized row block: one read of X serves
every fold, no fold copies X, and the test rows' predictors come out of the same products.

Each fold keeps its own iterate, data Hessian (refreshed or BFGS-updated exactly as in
``newton.NewtonCholesky``) and certificate ‖∇f‖_∞/‖∇loss(0)‖_∞ ≤ tol; a fold that has
converged at a λ drops out of the products until the next λ. Single-output losses, dense X.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from ridgeway.losses.base import Loss
from ridgeway.problem import Problem
from ridgeway.solution import Solution
from ridgeway.solvers.smooth.objective import FUSED_ROWS, PackedObjective, at_l2, column_rms
from ridgeway.solvers.smooth.state import NewtonState
from ridgeway.solvers.smooth.steps import (
    QUASI_NEWTON,
    accept_step,
    bfgs_update,
    chord_threshold,
    solve_spd,
)

__all__ = ["WeightedPaths", "solve_weighted_paths"]


@dataclass
class WeightedPaths:
    """Per problem f and λ index j (decreasing grid): the solution and its certificate."""

    coef: np.ndarray  # (F, L, p)
    intercept: np.ndarray  # (F, L)
    predictor: np.ndarray  # (F, L, n): X̃θ on every row of X (test rows included)
    certificate: np.ndarray  # (F, L)
    n_iter: np.ndarray  # (F, L) Newton steps
    hessians: np.ndarray  # (F,) data Hessians formed
    tol: float = 0.0
    #: per λ, the last problem's Newton matrix at its solution, where kept (see
    #: ``last_is_total``): a refit from that solution then needs no Gram
    last_hessians: list[np.ndarray | None] = field(default_factory=list)

    def solutions(self, problem: Problem, f: int, grid_desc: np.ndarray) -> list[Solution]:
        """Problem f's path as Solutions; ``problem`` carries problem f's sample weights
        (its λ is replaced by the grid's). Their state keeps θ and the predictor."""
        obj = PackedObjective(problem)
        out = []
        for j, l2 in enumerate(grid_desc):
            theta = obj.pack(self.coef[f, j], self.intercept[f, j])
            z = self.predictor[f, j]
            pb = at_l2(problem, l2)
            value = pb.loss.value(pb.y, z, pb.sample_weight) + pb.penalty.value(self.coef[f, j])
            kept = self.last_hessians[j] if f == len(self.coef) - 1 and self.last_hessians else None
            state = NewtonState(theta, kept, z)
            out.append(obj.solution(theta, value, self.certificate[f, j], self.tol,
                                    "newton-cholesky", self.n_iter[f, j], state))  # fmt: skip
        return out


def _xt_many(X, R: np.ndarray, fit_intercept: bool) -> np.ndarray:
    """X̃ᵀR for R (n, m): (q, m)."""
    G = np.asarray(X.T @ R, dtype=np.float64)
    return np.vstack([G, R.sum(axis=0)]) if fit_intercept else G


def _fused_steps(X, y, loss: Loss, W: np.ndarray, Z: np.ndarray, S: np.ndarray, fit_intercept):
    """dZ = X̃S and X̃ᵀ(w ⊙ ℓ′(y, Z + dZ)) for m problems at once, one read of X.

    W, Z: (n, m) weights and predictors; S: (q, m) steps. Returns dZ (n, m), G (q, m).
    """
    n, p = X.shape
    coef, intercept = S[:p], (S[p] if fit_intercept else 0.0)
    dZ = np.empty_like(Z)
    G = np.zeros((p, S.shape[1]))
    total = np.zeros(S.shape[1])
    for start in range(0, n, FUSED_ROWS):
        rows = slice(start, start + FUSED_ROWS)
        block = X[rows]
        dZ[rows] = block @ coef + intercept
        gz = loss.gradient(y[rows, None], Z[rows] + dZ[rows]) * W[rows]
        G += block.T @ gz
        total += gz.sum(axis=0)
    return dZ, (np.vstack([G, total]) if fit_intercept else G)


class _Fold:
    """One problem's Newton state (the loop of NewtonCholesky.solve, one step at a time)."""

    def __init__(self, obj: PackedObjective, scale: float) -> None:
        self.obj, self.scale = obj, scale
        empty = np.empty(0)
        self.theta, self.z, self.g_loss = empty, empty, empty  # set before the first λ
        self.lagged: np.ndarray | None = None
        self.f: float | None = np.inf
        self.hessians = 0
        #: where this problem's Newton matrix may come from instead of its own Gram
        self.proxy: Callable[[], np.ndarray] | None = None
        self.proxied = False

    def start_lambda(self, l2: float, tol: float) -> None:
        self.obj.penalty = at_l2(self.obj.problem, l2).penalty
        self.f = None  # computed only if a line search needs it
        self.previous, self.n_iter, self.done = np.inf, 0, False
        self._certify(tol)

    def _certify(self, tol: float) -> None:
        self.g = self.g_loss + self.obj.penalty_gradient(self.theta)
        self.cert = self.obj.gradient_norm(self.g) / self.scale
        self.done = self.done or self.cert <= tol

    def step(self) -> np.ndarray:
        obj = self.obj
        stale = self.cert > chord_threshold(obj.size) * self.previous
        if self.lagged is None or stale:
            if self.proxy is not None and not self.proxied:
                self.lagged, self.proxied = self.proxy(), True
            else:  # no proxy, or it did not contract either: this problem's own Gram
                self.lagged, self.proxied = obj.data_hessian(self.z), False
                self.hessians += 1
        self.previous = self.cert
        return solve_spd(obj.with_penalty(self.lagged), -self.g)

    def accept(self, step, dz, g_full_step, tol: float) -> None:
        self.n_iter += 1
        g_norm = self.cert * self.scale
        accepted, self.f = accept_step(
            self.obj, self.theta, self.z, self.f, self.g, g_norm, step, dz, g_full_step
        )
        if accepted is None:  # no decrease at round-off level: the gradient is the verdict
            self.done = True
            return
        theta, z, f, t = accepted
        g_new = g_full_step if t == 1.0 else self.obj.loss_gradient(z)
        if QUASI_NEWTON and self.lagged is not None:
            self.lagged = bfgs_update(self.lagged, theta - self.theta, g_new - self.g_loss)
        self.theta, self.z, self.f, self.g_loss = theta, z, f, g_new
        self._certify(tol)


def solve_weighted_paths(
    problem: Problem,
    weights: list[np.ndarray],
    grids_desc: np.ndarray,
    *,
    tol: float,
    max_iter: int = 100,
    last_is_total: bool = False,
) -> WeightedPaths:
    """Paths of the problems ``problem`` with sample weights ``weights[f]`` over the decreasing
    grids ``grids_desc[f]`` (F, L). ``problem`` must be single-output with dense X and an L2
    penalty; its own sample weight and λ are ignored.

    The first λ is solved for problem 0 alone; the others start from its solution and its
    data Hessian (the problems differ only in a minority of rows).

    ``last_is_total``: the last problem is the full data of k-fold CV, its weights about a
    multiple c of the sum of the others' (each row is in K − 1 training folds). Its Newton
    matrix is then c·Σ_f H_f from the folds' current ones, not a Gram of its own (a Gram only
    where that matrix does not contract): the full-data path costs one more column in the
    shared products.
    """
    X, y, fit_intercept = problem.X, problem.y, problem.fit_intercept
    n, p, F = X.shape[0], X.shape[1], len(weights)
    W = np.column_stack(weights).astype(np.float64)
    objs = [PackedObjective(replace(problem, sample_weight=w)) for w in weights]
    # yardsticks ‖X̃ᵀ(w ℓ′(y, 0))‖_∞, all folds in one product
    R0 = problem.loss.gradient(y[:, None], np.zeros((n, F))) * W
    rms = column_rms(X, W)  # each fold's column units, all folds in one product
    units = np.vstack([rms, np.ones((1, F))]) if fit_intercept else rms
    for obj, unit in zip(objs, units.T):
        obj.adopt_unit(np.tile(unit, obj.k))
    scales = np.abs(_xt_many(X, R0, fit_intercept) / units).max(axis=0)
    folds = [_Fold(obj, s if s > 0 else 1.0) for obj, s in zip(objs, scales)]
    L = grids_desc.shape[1]
    # the full-data Newton matrices are kept while they take no more memory than X
    keep = last_is_total and L * objs[0].size ** 2 * 8 <= X.nbytes
    if last_is_total and F > 1:
        share = float(W[:, -1].sum() / W[:, :-1].sum())
        parts = folds[:-1]

        def total_hessian() -> np.ndarray:
            H = np.zeros((objs[0].size, objs[0].size))
            for fold in parts:
                if fold.lagged is not None:
                    H += fold.lagged
            H *= share
            return H

        folds[-1].proxy = total_hessian
    out = WeightedPaths(
        coef=np.empty((F, L, p)),
        intercept=np.zeros((F, L)),
        predictor=np.empty((F, L, n)),
        certificate=np.empty((F, L)),
        n_iter=np.zeros((F, L), dtype=int),
        hessians=np.zeros(F, dtype=int),
        tol=float(tol),
    )
    lead = folds[0]
    lead.theta = lead.obj.initial(None)
    lead.z = lead.obj.predictor(lead.theta)
    lead.g_loss = lead.obj.loss_gradient(lead.z)
    lead.start_lambda(grids_desc[0, 0], tol)
    _lockstep(X, y, problem.loss, W, [lead], tol, max_iter, fit_intercept)
    # the other problems start where problem 0 ended: same θ, hence the same predictor
    others = folds[1:]
    if others:
        Z0 = np.repeat(lead.z[:, None], len(others), axis=1)
        G0 = _xt_many(X, problem.loss.gradient(y[:, None], Z0) * W[:, 1:], fit_intercept)
        for i, fold in enumerate(others):
            fold.theta, fold.z, fold.lagged = lead.theta.copy(), lead.z, lead.lagged
            fold.g_loss = G0[:, i].copy()
            fold.start_lambda(grids_desc[i + 1, 0], tol)
        _lockstep(X, y, problem.loss, W[:, 1:], others, tol, max_iter, fit_intercept)
    for j in range(L):
        if j > 0:
            for f, fold in enumerate(folds):
                fold.start_lambda(grids_desc[f, j], tol)
            _lockstep(X, y, problem.loss, W, folds, tol, max_iter, fit_intercept)
        for f, fold in enumerate(folds):
            coef, intercept = fold.obj.unpack(fold.theta)
            out.coef[f, j], out.intercept[f, j] = coef, intercept
            out.predictor[f, j] = fold.z
            out.certificate[f, j] = fold.cert
            out.n_iter[f, j] += fold.n_iter
        if keep:
            out.last_hessians.append(folds[-1].lagged)
    out.hessians[:] = [fold.hessians for fold in folds]
    return out


def _lockstep(X, y, loss, W, folds: list[_Fold], tol, max_iter, fit_intercept) -> None:
    """Newton steps on every unconverged problem, one shared pass over X per step."""
    while True:
        active = [i for i, fold in enumerate(folds) if not fold.done and fold.n_iter < max_iter]
        if not active:
            return
        steps = [folds[i].step() for i in active]
        Z = np.column_stack([folds[i].z for i in active])
        dZ, G = _fused_steps(X, y, loss, W[:, active], Z, np.column_stack(steps), fit_intercept)
        for c, i in enumerate(active):
            folds[i].accept(steps[c], dZ[:, c], G[:, c], tol)
