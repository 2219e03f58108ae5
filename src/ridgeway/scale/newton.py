"""Distributed Newton for L2 logistic regression: one pass over the data per Newton step.

Objective (DESIGN §1): Σ s_i ℓ(y_i, x_iᵀβ + β₀) + (l2/2)‖Γβ‖², ℓ the binary log-loss, Γ
diagonal (penalty factors, standardization). Each pass computes, per partition, the loss,
gradient and Hessian sums at the current coefficients of every model at once — the K
training folds of k-fold CV (rows not in the fold) and the full data — plus each fold's
held-out log-loss, so all folds are served by the same pass. The driver adds the penalty,
takes the Newton steps (Cholesky on the (p+1)² Hessian; a step that raises the objective is
halved on the next pass) and certifies each model by its relative gradient norm
‖∇f‖_∞ / ‖∇loss(0)‖_∞ ≤ tol, as in memory. Along the λ grid (largest first) each model
warm-starts from its solution at the previous λ. ``Pass.passes`` counts the passes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from scipy.linalg import cho_factor, cho_solve

from ridgeway.conventions import fold_l2
from ridgeway.losses.base import Loss
from ridgeway.losses.logistic import LogisticLoss
from ridgeway.losses.squared_hinge import SquaredHingeLoss
from ridgeway.scale.engine import map_reduce
from ridgeway.scale.fit import scale_folds
from ridgeway.scale.folds import HashFolds
from ridgeway.scale.layout import Layout
from ridgeway.scale.ridge_pass import check_key, fold_keys, total_moments
from ridgeway.scale.sources import Partition, Source, load
from ridgeway.selection.result import SelectionResult, fold_standard_error
from ridgeway.selection.rules import check_rule, select_index
from ridgeway.solution import Solution
from ridgeway.solvers.smooth.objective import weighted_gram
from ridgeway.solvers.smooth.steps import bfgs_update, chord_threshold

__all__ = ["fit_linear_svc", "fit_logistic", "fit_logistic_cv"]


@dataclass
class NewtonSums:
    """Per model m: Σ s ℓ, gradient (p+1), Hessian (p+1)², Σ s; per fold: held-out Σ s ℓ, Σ s."""

    loss: np.ndarray
    grad: np.ndarray
    hess: np.ndarray
    weight: np.ndarray
    held_loss: np.ndarray
    held_weight: np.ndarray
    labels: set

    def __add__(self, other: NewtonSums) -> NewtonSums:
        return NewtonSums(self.loss + other.loss, self.grad + other.grad,
                          self.hess + other.hess, self.weight + other.weight,
                          self.held_loss + other.held_loss,
                          self.held_weight + other.held_weight,
                          self.labels | other.labels)  # fmt: skip


def _newton_block(data: Any, layout: Layout, part: Partition, folds: HashFolds | None,
                  coef: np.ndarray, positive: Any, loss: Loss,
                  hessians: np.ndarray | None = None) -> NewtonSums:  # fmt: skip
    """The sums of one partition at the coefficients ``coef`` (M, p+1) of every model.

    ``hessians`` (M,) bool: the models whose Hessian the pass forms (a weighted Gram each,
    the pass's dominant cost); the others get zeros. None: every model.
    """
    block = load(data, layout, part)
    M, q = coef.shape
    K = M - 1
    n = block.n_rows
    out = NewtonSums(np.zeros(M), np.zeros((M, q)), np.zeros((M, q, q)), np.zeros(M),
                     np.zeros(K), np.zeros(K), set())  # fmt: skip
    if n == 0:
        return out
    out.labels = set(np.unique(block.y).tolist())
    y = loss.binary_target(block.y == positive) if positive is not None else block.y
    s = np.ones(n) if block.sample_weight is None else block.sample_weight
    ids = np.full(n, -1) if folds is None else folds.assign(fold_keys(block, part, folds))
    # every model's row weights at once: fold m trains on the rows outside fold m
    held = ids[:, None] == np.arange(K)[None, :]  # (n, K)
    W = s[:, None] * np.hstack([~held, np.ones((n, 1), dtype=bool)])  # (n, M)
    Z = block.X @ coef[:, :-1].T + coef[:, -1]  # (n, M)
    values = loss.pointwise(y[:, None], Z)
    out.loss = np.einsum("nm,nm->m", W, values)
    R = W * loss.gradient(y[:, None], Z)
    out.grad = np.vstack([block.X.T @ R, R.sum(axis=0)]).T
    out.weight = W.sum(axis=0)
    out.held_loss = np.einsum("nk,nk->k", s[:, None] * held, values[:, :K])
    out.held_weight = s @ held
    wanted = range(M) if hessians is None else np.flatnonzero(hessians)
    for m in wanted:
        d = W[:, m] * loss.curvature(y, Z[:, m])
        out.hess[m] = weighted_gram(block.X, d, True)  # [X 1]ᵀ D [X 1], intercept last
    return out


@dataclass(frozen=True)
class _Setup:
    """What the passes share: the source, its folds, the positive class, Γ² (diagonal)."""

    source: Source
    folds: HashFolds | None
    positive: Any
    gamma2: np.ndarray
    fit_intercept: bool
    tol: float
    max_iter: int
    loss: Loss


def _setup(
    est: Any, source: Source, folds: HashFolds | None, loss: Loss, tol: float
) -> tuple[_Setup, Any]:  # fmt: skip
    for name in ("tikhonov", "class_weight"):
        value = getattr(est, name, None)
        if value is not None:
            raise ValueError(f"at scale {type(est).__name__} needs {name}=None; got {value!r}")
    if getattr(est, "l1", 0) or getattr(est, "l1_share", None) is not None:
        raise ValueError(f"at scale {type(est).__name__} is L2 only (l1=0, l1_share=None); "
                         "L1 / elastic-net logistic regression runs in memory")  # fmt: skip
    check_key(source, folds)
    total = total_moments(source)  # feature scales (standardize) and the label values
    p = total.xx.shape[0]
    gamma2 = np.ones(p)
    if getattr(est, "penalty_factor", None) is not None:
        gamma2 = np.asarray(est.penalty_factor, dtype=np.float64).reshape(p)
    if getattr(est, "standardize", False):
        gamma2 = gamma2 * np.diag(total.xx) / total.weight
    labels = _labels(source, loss)
    if len(labels) != 2:
        raise ValueError(
            f"at scale {type(est).__name__} fits two classes; the target has {len(labels)}: "
            f"{labels[:5]}"
        )
    est.classes_ = np.asarray(labels)
    max_iter = 100 if est.max_iter is None else int(est.max_iter)
    setup = _Setup(source, folds, labels[1], gamma2, bool(est.fit_intercept), float(tol),
                   max_iter, loss)  # fmt: skip
    return setup, total


def _labels(source: Source, loss: Loss) -> list:
    sums = map_reduce(source, _newton_block, NewtonSums.__add__, None,
                      np.zeros((1, source.layout.n_features + 1)), None, loss,
                      np.zeros(1, dtype=bool), what="labels")  # fmt: skip
    return sorted(sums.labels)


def _objective(sums: NewtonSums, coef: np.ndarray, l2: np.ndarray, gamma2: np.ndarray):
    beta = coef[:, :-1]
    penalty = 0.5 * l2 * np.einsum("mp,p,mp->m", beta, gamma2, beta)
    grad = sums.grad.copy()
    grad[:, :-1] += l2[:, None] * gamma2 * beta
    return sums.loss + penalty, grad


def _solve(H: np.ndarray, g: np.ndarray) -> np.ndarray:
    """H⁻¹g by Cholesky; least squares where H is singular (a squared hinge with no active
    row leaves the intercept without curvature)."""
    try:
        return cho_solve(cho_factor(H), g)
    except np.linalg.LinAlgError:
        return np.linalg.lstsq(H, g, rcond=None)[0]


@dataclass
class PathPoint:
    """Every model at one λ: coefficients (M, p+1), objective, certificate, the sums there."""

    coef: np.ndarray
    objective: np.ndarray
    certificate: np.ndarray
    converged: np.ndarray
    loss: np.ndarray
    weight: np.ndarray
    held_loss: np.ndarray
    held_weight: np.ndarray
    passes: int


def _units(hess0: np.ndarray) -> np.ndarray:
    """Each coordinate's unit (M, q), as the in-memory objective's ``unit``: the weighted RMS
    of its column. At β = 0 every row has the same curvature c (¼ for the logistic loss, 2 for
    the squared hinge), so H₀ = c·Σ s x xᵀ and RMS_j = √(H₀_jj / H₀_qq) (q: the intercept)."""
    diag = np.diagonal(hess0, axis1=1, axis2=2)
    ratio = np.divide(diag, diag[:, -1:], out=np.ones_like(diag), where=diag[:, -1:] > 0)
    unit = np.sqrt(np.maximum(ratio, 0.0))
    return np.where(unit > 0, unit, 1.0)


def _take(at: NewtonSums, sums: NewtonSums, m: int) -> None:
    """Model m's sums in ``at`` become those of ``sums`` (its accepted point)."""
    at.loss[m], at.weight[m], at.grad[m] = sums.loss[m], sums.weight[m], sums.grad[m]
    if m < at.held_loss.size:
        at.held_loss[m], at.held_weight[m] = sums.held_loss[m], sums.held_weight[m]


@dataclass(frozen=True)
class Yardstick:
    """Per model: the coordinates' units (M, q) and ‖∇loss(0)/unit‖_∞ (M,): the certificate's
    scale, measured once at β = 0 and kept by a refit that starts elsewhere."""

    unit: np.ndarray
    scale: np.ndarray


def newton_path(setup: _Setup, grid: np.ndarray, n_models: int, fractions: np.ndarray, *,
                tol: float | None = None, start: np.ndarray | None = None,
                yardstick: Yardstick | None = None):  # fmt: skip
    """Every model along the grid, largest λ first with warm starts; one pass per Newton step
    (all models at once). Returns the PathPoints in the grid's order and the yardstick.

    ``tol``: the certificate tolerance (default ``setup.tol``); ``start`` (M, q) with its
    ``yardstick``: begin there instead of at β = 0.

    As ``solvers.smooth.newton.NewtonCholesky`` does in memory, a model's Newton matrix is
    reused (chord steps, BFGS-updated with each step's secant pair of loss gradients) while
    its certificate keeps contracting by ``chord_threshold``; where it does not, the next
    pass also forms that model's Hessian at its new point. A pass without Hessians costs
    O(n·p) per model instead of a weighted Gram's O(n·p²). The loss, its gradient and the
    held-out sums do not depend on λ, so a new λ starts from the sums of the previous
    solution and needs no pass of its own.
    """
    tol = setup.tol if tol is None else float(tol)
    q = setup.gamma2.size + 1
    diag = np.arange(q - 1)
    coef = np.zeros((n_models, q)) if start is None else np.array(start, dtype=np.float64)
    chord = chord_threshold(q)
    # the first pass, with every Hessian: the first Newton matrices and, at β = 0, ∇loss(0)
    # and the units
    at = map_reduce(setup.source, _newton_block, NewtonSums.__add__, setup.folds, coef,
                    setup.positive, setup.loss, what="Newton step")  # fmt: skip
    if yardstick is None:
        unit = _units(at.hess)
        grad0 = at.grad / unit
        if not setup.fit_intercept:
            grad0[:, -1] = 0.0
        scale = np.maximum(np.max(np.abs(grad0), axis=1), np.finfo(float).tiny)
        yardstick = Yardstick(unit, scale)
    unit, scale = yardstick.unit, yardstick.scale
    lagged = at.hess.copy()  # (M, q, q): each model's data-Hessian approximation
    points = []
    for j, l2 in enumerate(grid[::-1]):
        l2_m = np.array([fold_l2(l2, fraction, 1.0) for fraction in fractions], dtype=float)
        passes = 1 if j == 0 else 0
        value, grad = _objective(at, coef, l2_m, setup.gamma2)
        if not setup.fit_intercept:
            grad[:, -1] = 0.0
        certificate = np.max(np.abs(grad / unit), axis=1) / scale
        previous = np.full(n_models, np.inf)
        step = np.zeros_like(coef)
        fresh = np.zeros(n_models, dtype=bool)  # the models whose Hessian the next pass forms
        rejected = np.zeros(n_models, dtype=bool)
        while True:
            converged = certificate <= tol
            if np.all(converged) or passes > 2 * setup.max_iter:
                break
            for m in np.flatnonzero(~converged & ~rejected):
                H = lagged[m].copy()
                H[diag, diag] += l2_m[m] * setup.gamma2
                if not setup.fit_intercept:
                    H[-1, :], H[:, -1], H[-1, -1] = 0.0, 0.0, 1.0
                step[m] = -_solve(H, grad[m])
                # a matrix that stopped contracting the certificate: refresh it at the new point
                fresh[m] = certificate[m] > chord * previous[m]
            step[converged] = 0.0
            trial = coef + step
            sums = map_reduce(setup.source, _newton_block, NewtonSums.__add__, setup.folds,
                              trial, setup.positive, setup.loss, fresh & ~converged,
                              what="Newton step")  # fmt: skip
            passes += 1
            trial_value, trial_grad = _objective(sums, trial, l2_m, setup.gamma2)
            if not setup.fit_intercept:
                trial_grad[:, -1] = 0.0
            moved = ~converged
            accept = moved & (trial_value <= value + 1e-12 * np.abs(value))
            for m in np.flatnonzero(accept):
                if fresh[m]:
                    lagged[m] = sums.hess[m]
                else:
                    lagged[m] = bfgs_update(lagged[m], step[m], sums.grad[m] - at.grad[m])
                previous[m] = certificate[m]
                coef[m], value[m], grad[m] = trial[m], trial_value[m], trial_grad[m]
                _take(at, sums, int(m))
            certificate = np.max(np.abs(grad / unit), axis=1) / scale
            # a step that raised the objective: half of it next pass, with a fresh Hessian
            rejected = moved & ~accept
            step[rejected] *= 0.5
            fresh = rejected.copy()
        points.append(PathPoint(coef.copy(), value.copy(), certificate, converged, at.loss.copy(),
                                at.weight.copy(), at.held_loss.copy(), at.held_weight.copy(),
                                passes))  # fmt: skip
    return points[::-1], yardstick


def _point_solution(point: PathPoint, m: int, tol: float) -> Solution:
    """Model m of a path point as a certified Solution (m = last: the full-data fit)."""
    coef = point.coef[m]
    return Solution(coef=coef[:-1].copy(), intercept=float(coef[-1]),
                    objective=float(point.objective[m]), converged=bool(point.converged[m]),
                    certificate=float(point.certificate[m]),
                    certificate_name="relative gradient norm", solver="distributed-newton",
                    n_iter=point.passes, tol=tol)  # fmt: skip


def _record(est: Any, sol: Solution) -> None:
    est.solution_ = sol
    est.solutions_ = [sol]
    est.coef_ = np.asarray(sol.coef)[None, :]
    est.intercept_ = np.array([sol.intercept])
    est.n_iter_ = np.array([sol.n_iter])
    est.n_features_in_ = est.coef_.shape[1]


def fit_logistic(est: Any, source: Source, groups: Any) -> Any:
    setup, _ = _setup(est, source, None, LogisticLoss(), est.tol)
    l2 = float(est.l2)
    (point,), _ = newton_path(setup, np.array([l2]), 1, np.ones(1))
    _record(est, _point_solution(point, 0, setup.tol))
    return est


def fit_logistic_cv(est: Any, source: Source, groups: Any) -> Any:
    """k-fold on hash folds, scored by the held-out log-loss (negative mean, per fold)."""
    if est.scoring != "neg_log_loss":
        raise ValueError(f"at scale the CV score is 'neg_log_loss'; got {est.scoring!r}")
    if isinstance(est.cv, str):
        raise ValueError(f"at scale cv must be an int or a HashFolds; got {est.cv!r}")
    folds = scale_folds(est.cv)
    rule = check_rule(est.rule)
    setup, total = _setup(est, source, folds, LogisticLoss(), est.tol)
    K = folds.n_splits
    if est.l2 is None:  # the in-memory default grid (classifier_task.default_l2_grid)
        sd2 = np.diag(total.xx) / total.weight
        sd2 = sd2 if est.fit_intercept else sd2 + total.x_mean**2
        sd2 = np.where(setup.gamma2 > 0, sd2 / np.where(setup.gamma2 > 0, setup.gamma2, 1), 0)
        top = 100.0 * 0.25 * total.weight * float(np.mean(sd2)) or 1.0
        grid = np.geomspace(top * est.l2_min_ratio, top, int(est.n_grid))
    else:
        grid = np.sort(np.asarray(est.l2, dtype=np.float64).ravel())
    # fold weights from a labels-free pass are in the sums: first pass at β = 0 gives them
    probe = map_reduce(source, _newton_block, NewtonSums.__add__, folds,
                       np.zeros((K + 1, total.xx.shape[0] + 1)), setup.positive,
                       setup.loss, np.zeros(K + 1, dtype=bool), what="fold weights")  # fmt: skip
    if np.any(probe.held_weight <= 0):
        raise ValueError(f"cross-validation fold {int(np.argmin(probe.held_weight))} has no rows")
    fractions = probe.weight / probe.weight[-1]
    # as in memory: the path at the CV tolerance, then the chosen λ's full-data fit refined
    # to ``tol`` from where the path left it (a pass or two, the full data's model alone)
    path_tol = est._path_tol(setup.tol)
    path, yardstick = newton_path(setup, grid, K + 1, fractions, tol=path_tol)
    fold_scores = np.array([-pt.held_loss / pt.held_weight for pt in path])  # (L, K)
    # as in memory (path_cv.kfold_result): folds count equally; the training score is the
    # mean over folds of each fold model's score on its own training rows
    mean = fold_scores.mean(axis=1)
    se = fold_standard_error(fold_scores.T, axis=0)
    train = np.array([np.mean(-pt.loss[:-1] / pt.weight[:-1]) for pt in path])
    index = select_index(grid, mean, se, rule)
    result = SelectionResult(l2=grid, mean_score=mean, std_error=se, train_score=train,
                             df=np.full(grid.size, np.nan), best_index=np.array([index]),
                             rule=rule, method="kfold", fold_scores=fold_scores)  # fmt: skip
    est.selection_ = result
    est.cv_results_ = result.cv_results()
    est.l2_ = float(grid[index])
    est.coef_path_ = np.array([pt.coef[-1, :-1] for pt in path])
    chosen, est.refit_passes_ = path[index], 0
    if chosen.certificate[-1] > setup.tol:
        full = Yardstick(yardstick.unit[-1:], yardstick.scale[-1:])
        (chosen,), _ = newton_path(replace(setup, folds=None), grid[index : index + 1], 1,
                                   np.ones(1), start=chosen.coef[-1:], yardstick=full)  # fmt: skip
        est.refit_passes_ = chosen.passes
    _record(est, _point_solution(chosen, -1, setup.tol))
    est.certificates_ = np.array([pt.certificate for pt in path])  # (L, K + 1): folds, full
    est.newton_passes_ = np.array([pt.passes for pt in path])
    return est


def fit_linear_svc(est: Any, source: Source, groups: Any) -> Any:
    """LinearSVC with the squared hinge: semismooth Newton (generalized Hessian 2·[yz < 1]),
    one pass per step, certified by the relative gradient norm as in memory."""
    if est.loss != "squared_hinge" or est.solver not in ("auto", "newton-cholesky"):
        raise ValueError(
            f"at scale LinearSVC takes loss='squared_hinge' (Newton); got loss={est.loss!r}, "
            f"solver={est.solver!r}"
        )
    l2 = float(est.l2)
    if not np.isfinite(l2) or l2 <= 0:
        raise ValueError(f"l2 must be a finite number > 0 for an SVM; got {est.l2!r}")
    tol = 1e-8 if est.tol is None else est.tol
    setup, _ = _setup(est, source, None, SquaredHingeLoss(), tol)
    (point,), _ = newton_path(setup, np.array([l2]), 1, np.ones(1))
    _record(est, _point_solution(point, 0, setup.tol))
    return est
