"""Distributed Newton for the L2 classifiers: one pass over the data per Newton step.

Objective (DESIGN §1): Σ s_i ℓ(y_i, z_i) + (l2/2) Σ_c ‖Γβ_c‖², z_i = Θ x̃_i with x̃ = [x, 1]
and Θ (K, p+1): K = 1 for a binary loss (logistic, squared hinge: one predictor) and K = the
number of classes for the multinomial, parametrized as in memory (solvers/smooth/objective.py:
all K classes, plus the stabilizer (c/2)‖Σ_c θ_c‖², c = Σ s / K per column times min(unit², 1),
which is zero at the solution and only fixes the softmax's free direction).

Each pass computes, per partition, at the current coefficients of every unconverged model —
the F training folds of k-fold CV (rows not in the fold) and the full data — the loss, the
gradient (K, p+1) and, for the models that ask for it, the data Hessian ((p+1)K)² in K×K
blocks X̃ᵀ diag(s·(π_a δ_ab − π_a π_b)) X̃ (a BLAS syrk each), plus each fold's held-out and
training score sums (the CV metric, per sample), so one pass serves every fold. The driver adds
the penalty, takes the Newton steps (Cholesky; a step that neither lowers the objective nor
the gradient is halved on the next pass) and certifies each model by its relative gradient
norm max_j |∇f_j|/unit_j ÷ the same at Θ = 0 ≤ tol, unit_j the weighted RMS of column j, as
in memory. A data Hessian is reused while the gradient contracts fast (chord steps, the
in-memory rule of solvers/smooth/steps.py, BFGS-updated with each step) and recomputed in the
next pass otherwise, so most passes form no Gram. Along the λ grid (largest first) each model
warm-starts from its solution at the previous λ, whose sums (independent of λ) start the next
λ with no pass. ``Pass.passes`` counts the passes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ridgeway.losses.base import Loss
from ridgeway.scale.classes import class_index
from ridgeway.scale.engine import map_reduce
from ridgeway.scale.folds import HashFolds
from ridgeway.scale.layout import Layout
from ridgeway.scale.ridge_pass import fold_keys
from ridgeway.scale.sources import Partition, Source, load
from ridgeway.selection.classification_scoring import ClassificationMetric
from ridgeway.selection.classifier_task import Family
from ridgeway.solvers.smooth.objective import weighted_gram
from ridgeway.solvers.smooth.steps import bfgs_update, chord_threshold, solve_spd

__all__ = ["Design", "NewtonSums", "PathPoint", "Yardstick", "newton_path"]

#: halvings of a step that lowers neither the objective nor the gradient before a model stops
MAX_HALVINGS = 40
#: reuse a model's data Hessian (BFGS-updated) while its gradient contracts fast; False forms
#: every model's Hessian in every pass (plain Newton: fewer passes, each far dearer)
REUSE_HESSIANS = True


@dataclass(frozen=True)
class Design:
    """What every pass needs: the classes and their weights, the loss on K outputs, the folds
    and the CV metric (None: no scores)."""

    classes: np.ndarray
    class_weight: np.ndarray
    loss: Loss
    n_outputs: int  # K: 1 (binary loss) or the number of classes (multinomial)
    family: Family
    folds: HashFolds | None
    metric: ClassificationMetric | None
    #: one-vs-rest: one binary head per class, models head-major (head h's folds, then its
    #: full fit); 1: one problem (binary, class 1 positive, or the multinomial)
    heads: int = 1

    def target(self, idx: np.ndarray, head: int = 1) -> np.ndarray:
        if self.n_outputs == 1:
            return self.loss.binary_target(idx == head)
        return np.eye(self.n_outputs)[idx]

    def per_head(self, n_models: int) -> int:
        """Models per head: the folds and the full fit (1 without folds)."""
        return n_models // self.heads


@dataclass
class NewtonSums:
    """Per model m: Σ s ℓ, the loss gradient (K, q), Σ s; the data Hessians of the models in
    ``hess_models``; per fold: held-out score and weight, training score (Σ s·metric)."""

    loss: np.ndarray
    grad: np.ndarray
    weight: np.ndarray
    hess: np.ndarray
    hess_models: tuple[int, ...]
    held_score: np.ndarray
    held_weight: np.ndarray
    train_score: np.ndarray

    @classmethod
    def empty(cls, M: int, K: int, q: int, F: int, hess_models: tuple[int, ...]) -> NewtonSums:
        zeros = np.zeros
        return cls(zeros(M), zeros((M, K, q)), zeros(M), zeros((len(hess_models), K * q, K * q)),
                   hess_models, zeros(F), zeros(F), zeros(F))  # fmt: skip

    def __add__(self, other: NewtonSums) -> NewtonSums:
        return NewtonSums(self.loss + other.loss, self.grad + other.grad,
                          self.weight + other.weight, self.hess + other.hess, self.hess_models,
                          self.held_score + other.held_score,
                          self.held_weight + other.held_weight,
                          self.train_score + other.train_score)  # fmt: skip


def data_hessian(X: np.ndarray, loss_curvature: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """X̃ᵀ W X̃ in (K q)² packed blocks: curvature (n,) for one output, else probabilities
    (n, K) of the softmax, whose curvature is diag(π) − ππᵀ; weights (n,) ≥ 0."""
    if loss_curvature.ndim == 1:
        return weighted_gram(X, weights * loss_curvature, True)
    prob = loss_curvature
    K, q = prob.shape[1], X.shape[1] + 1
    H = np.empty((K * q, K * q))
    for a in range(K):
        wa = weights * prob[:, a]
        H[a * q : (a + 1) * q, a * q : (a + 1) * q] = weighted_gram(X, wa * (1.0 - prob[:, a]),
                                                                    True)  # fmt: skip
        for b in range(a + 1, K):
            block = -weighted_gram(X, wa * prob[:, b], True)  # weights ≥ 0: a syrk
            H[a * q : (a + 1) * q, b * q : (b + 1) * q] = block
            H[b * q : (b + 1) * q, a * q : (a + 1) * q] = block.T
    return H


def newton_block(data: Any, layout: Layout, part: Partition, design: Design, coef: np.ndarray,
                 active: np.ndarray, hess_models: tuple[int, ...]) -> NewtonSums:  # fmt: skip
    """One partition's sums at ``coef`` (M, K, q) for the models where ``active`` is True."""
    block = load(data, layout, part)
    M, K, q = coef.shape
    per_head = design.per_head(M)
    F = per_head - 1 if design.folds is not None else 0
    out = NewtonSums.empty(M, K, q, F, hess_models)
    n = block.n_rows
    if n == 0:
        return out
    idx = class_index(design.classes, block.y, part.where)
    s = np.ones(n) if block.sample_weight is None else block.sample_weight
    s = s * design.class_weight[idx]
    targets = [design.target(idx, h) for h in range(design.heads)] if design.heads > 1 else [
        design.target(idx)
    ]  # fmt: skip
    X = block.X
    ids = np.full(n, -1) if design.folds is None else design.folds.assign(
        fold_keys(block, part, design.folds)
    )  # fmt: skip
    models = np.flatnonzero(active)
    C = coef[models].reshape(-1, q)
    Z = X @ C[:, :-1].T + C[:, -1]  # (n, A·K): every active model in one product
    R = np.empty_like(Z)  # s ∂ℓ/∂z of every active model, for one product Xᵀ R
    n_classes = design.classes.size
    for a, m in enumerate(models):
        head, fold = divmod(int(m), per_head)
        y = targets[head]
        z = Z[:, a * K : (a + 1) * K]
        z = z[:, 0] if K == 1 else z
        sm = s * (ids != fold) if fold < F else s
        values = design.loss.pointwise(y, z)
        out.loss[m] = sm @ values
        g = design.loss.gradient(y, z)
        R[:, a * K : (a + 1) * K] = g.reshape(n, K) * sm[:, None]
        out.weight[m] = sm.sum()
        if m in hess_models:
            curvature = design.loss.curvature(y, z) if K == 1 else g + y  # π = ∇ℓ + y
            out.hess[hess_models.index(m)] = data_hessian(X, curvature, sm)
        if fold < F and design.metric is not None and design.heads == 1:
            scores = design.family.scores(z.reshape(n, 1, -1), n_classes)
            per = design.metric.per_sample(idx, scores)[:, 0]
            held = s * (ids == m)
            out.held_score[m], out.held_weight[m] = held @ per, held.sum()
            out.train_score[m] = sm @ per
    grad = np.vstack([X.T @ R, R.sum(axis=0)])  # (q, A·K): [Xᵀ; 1ᵀ] R
    out.grad[models] = grad.T.reshape(models.size, K, q)
    return out


@dataclass
class PathPoint:
    """Every model at one λ: coefficients (M, K, q), objective, certificate, the sums there."""

    coef: np.ndarray
    objective: np.ndarray
    certificate: np.ndarray
    converged: np.ndarray
    loss: np.ndarray
    weight: np.ndarray
    held_score: np.ndarray
    held_weight: np.ndarray
    train_score: np.ndarray
    passes: int
    n_iter: np.ndarray
    hessians: int  # data Hessians formed at this λ (all models)


@dataclass
class Penalty:
    """(l2_m/2)·Σ_c β_cᵀ diag(γ²) β_c per model, the multinomial stabilizer, fixed coordinates
    (a coefficient held at 0: the intercept without one, columns constant to rounding)."""

    gamma2: np.ndarray  # (p,)
    fixed: np.ndarray  # (q,) bool
    stabilizer: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))  # (M, q) weights

    def objective(self, loss: np.ndarray, grad: np.ndarray, coef: np.ndarray, l2: np.ndarray):
        """Objective (M,) and gradient (M, K, q) from the loss sums at ``coef``."""
        beta = coef[:, :, :-1]
        value = loss + 0.5 * l2 * np.einsum("mkp,p,mkp->m", beta, self.gamma2, beta)
        grad = grad.copy()
        grad[:, :, :-1] += l2[:, None, None] * self.gamma2 * beta
        if coef.shape[1] > 1:
            total = coef.sum(axis=1)  # (M, q)
            value = value + 0.5 * np.einsum("mq,mq,mq->m", self.stabilizer, total, total)
            grad += (self.stabilizer * total)[:, None, :]
        grad[:, :, self.fixed] = 0.0
        return value, grad

    def newton_matrix(self, H: np.ndarray, l2: float, m: Any, K: int) -> np.ndarray:
        """Data Hessian + λ·diag(γ²) per class block + the stabilizer; fixed rows → identity."""
        q = self.fixed.size
        H = H.copy()
        p = q - 1
        for a in range(K):
            H[a * q + np.arange(p), a * q + np.arange(p)] += l2 * self.gamma2
        if K > 1:
            H += np.tile(np.diag(self.stabilizer[m]), (K, K))
        fixed = np.flatnonzero(np.tile(self.fixed, K))
        H[fixed, :], H[:, fixed] = 0.0, 0.0
        H[fixed, fixed] = 1.0
        return H


def _units(hess0: np.ndarray, q: int) -> np.ndarray:
    """Each coordinate's unit (M, q), as the in-memory objective's ``unit``: the weighted RMS
    of its column. At Θ = 0 every row has the same curvature c (¼ logistic, 2 squared hinge,
    (1/K)(1 − 1/K) multinomial), so the first block is c·Σ s x̃x̃ᵀ and RMS_j = √(H_jj / H_qq)."""
    diag = np.diagonal(hess0, axis1=1, axis2=2)[:, :q]
    ratio = np.divide(diag, diag[:, -1:], out=np.ones_like(diag), where=diag[:, -1:] > 0)
    unit = np.sqrt(np.maximum(ratio, 0.0))
    return np.where(unit > 0, unit, 1.0)


class _Models:
    """The driver's state of every model: iterate, sums there, lagged Hessians, steps."""

    def __init__(self, M: int, K: int, q: int, F: int) -> None:
        self.coef = np.zeros((M, K, q))
        self.loss_grad = np.zeros((M, K, q))
        self.lagged = np.zeros((M, K * q, K * q))
        self.at = NewtonSums.empty(M, K, q, F, ())
        self.step = np.zeros((M, K, q))
        self.fresh = np.ones(M, dtype=bool)  # ask for a Hessian in the next pass

    def take(self, m: Any, sums: NewtonSums, trial: np.ndarray) -> None:
        self.coef[m], self.loss_grad[m] = trial[m], sums.grad[m]
        self.at.loss[m], self.at.weight[m] = sums.loss[m], sums.weight[m]
        if m < self.at.held_score.size:
            self.at.held_score[m] = sums.held_score[m]
            self.at.held_weight[m] = sums.held_weight[m]
            self.at.train_score[m] = sums.train_score[m]


@dataclass(frozen=True)
class Yardstick:
    """Per model, measured once at Θ = 0 and kept by a refit that starts elsewhere: the
    coordinates' units (M, K, q), ‖∇loss(0)/unit‖_∞ (M,) and the multinomial stabilizer's
    weights (M, q; empty for one output)."""

    unit: np.ndarray
    scale: np.ndarray
    stabilizer: np.ndarray

    def of(self, models: np.ndarray) -> Yardstick:
        stabilizer = self.stabilizer[models] if self.stabilizer.size else self.stabilizer
        return Yardstick(self.unit[models], self.scale[models], stabilizer)


def _yardstick(sums: NewtonSums, fixed: np.ndarray, K: int) -> Yardstick:
    """The yardstick from the sums of the first pass, at Θ = 0."""
    M, q = sums.weight.size, fixed.size
    unit = np.repeat(_units(sums.hess, q)[:, None, :], K, axis=1)
    stabilizer = np.zeros((0, 0))
    if K > 1:
        stabilizer = (sums.weight / K)[:, None] * np.minimum(unit[:, 0] ** 2, 1)
    g0 = np.abs(np.where(np.tile(~fixed, (M, K, 1)), sums.grad / unit, 0.0))
    scale = np.maximum(g0.reshape(M, -1).max(axis=1), np.finfo(float).tiny)
    return Yardstick(unit, scale, stabilizer)


def newton_path(
    source: Source,
    design: Design,
    penalty: Penalty,
    grid: np.ndarray,
    fractions: np.ndarray,
    tols: np.ndarray,
    max_iter: int,
    *,
    start: np.ndarray | None = None,
    yardstick: Yardstick | None = None,
) -> tuple[list[PathPoint], Yardstick]:
    """Every model along the ascending ``grid``, solved largest λ first with warm starts; one
    pass per Newton step for all unconverged models. ``fractions``: each model's share of the
    total weight (λ·n_train/n); ``tols``: each model's certificate tolerance; ``start``
    (M, K, q) with its ``yardstick``: begin there (a refit) instead of at Θ = 0. Returns the
    PathPoints in the grid's order and the yardstick."""
    M, K, q = fractions.size, design.n_outputs, penalty.fixed.size
    F = design.per_head(M) - 1 if design.folds is not None else 0
    state = _Models(M, K, q, F)
    if start is not None:
        state.coef[:] = start
    points = []
    for j, l2 in enumerate(grid[::-1]):
        l2_m = l2 * fractions
        passes = hessians = 0
        n_iter = np.zeros(M, dtype=int)
        if j == 0:  # the first sums and Hessians; at Θ = 0 also the yardstick
            sums = _pass(source, design, state.coef, np.ones(M, dtype=bool), range(M))
            passes, hessians = passes + 1, hessians + M
            state.lagged[:] = sums.hess
            if yardstick is None:
                yardstick = _yardstick(sums, penalty.fixed, K)
            penalty.stabilizer = yardstick.stabilizer
            unit, scale = yardstick.unit, yardstick.scale
            for first in range(M):
                state.take(first, sums, state.coef)
            state.fresh[:] = not REUSE_HESSIANS
        value, grad = penalty.objective(state.at.loss, state.loss_grad, state.coef, l2_m)
        cert = np.abs(grad / unit).reshape(M, -1).max(axis=1) / scale
        halvings = np.zeros(M, dtype=int)
        stepping = np.zeros(M, dtype=bool)  # a halved step waits to be tried
        while True:
            active = (cert > tols) & (n_iter < max_iter) & (halvings <= MAX_HALVINGS)
            if not active.any():
                break
            for m in np.flatnonzero(active & ~stepping):
                H = penalty.newton_matrix(state.lagged[m], l2_m[m], m, K)
                state.step[m] = -solve_spd(H, grad[m].ravel()).reshape(K, q)
            trial = state.coef.copy()
            trial[active] += state.step[active]
            wanted = tuple(int(m) for m in np.flatnonzero(active & state.fresh))
            sums = _pass(source, design, trial, active, wanted)
            passes, hessians = passes + 1, hessians + len(wanted)
            t_value, t_grad = penalty.objective(sums.loss, sums.grad, trial, l2_m)
            t_cert = np.abs(t_grad / unit).reshape(M, -1).max(axis=1) / scale
            slack = 1e-13 * np.maximum(np.abs(value), 1.0)
            accept = active & ((t_value <= value + slack) | (t_cert < cert))
            for m in np.flatnonzero(accept):
                if m in wanted:
                    state.lagged[m] = sums.hess[wanted.index(m)]
                else:  # the secant pair of the loss: the penalty part of H is exact
                    secant = (sums.grad[m] - state.loss_grad[m]).ravel()
                    state.lagged[m] = bfgs_update(state.lagged[m], state.step[m].ravel(), secant)
                slow = t_cert[m] > chord_threshold(K * q) * cert[m]
                state.fresh[m] = slow or not REUSE_HESSIANS
                state.take(m, sums, trial)
                value[m], grad[m], cert[m] = t_value[m], t_grad[m], t_cert[m]
                n_iter[m] += 1
                halvings[m] = 0
            rejected = active & ~accept
            state.step[rejected] *= 0.5
            halvings[rejected] += 1
            stepping = rejected
        at = state.at
        points.append(PathPoint(state.coef.copy(), value.copy(), cert.copy(), cert <= tols,
                                at.loss.copy(), at.weight.copy(), at.held_score.copy(),
                                at.held_weight.copy(), at.train_score.copy(), passes,
                                n_iter, hessians))  # fmt: skip
    assert yardstick is not None
    return points[::-1], yardstick


def _pass(source: Source, design: Design, coef: np.ndarray, active: np.ndarray,
          hess_models) -> NewtonSums:  # fmt: skip
    return map_reduce(source, newton_block, NewtonSums.__add__, design, coef, active,
                      tuple(hess_models), what="Newton step")  # fmt: skip
