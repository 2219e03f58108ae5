"""What LogisticRegression and LinearSVC share: labels, weights, Γ, fits, paths, CV and ALO.

A classifier is one or more *heads*: a binary problem (one linear predictor), a multinomial
problem (k predictors at once) or k one-vs-rest binary problems. ``Family`` says how labels
become loss targets and predictors become per-class scores.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.special import expit, softmax
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import column_or_1d

from ridgeway.estimators._base import check_fit_input, check_predict_input, feature_moments
from ridgeway.losses.base import Loss
from ridgeway.losses.logistic import LogisticLoss
from ridgeway.losses.multinomial import MultinomialLoss
from ridgeway.penalties.l2 import L2Penalty, penalty_operator
from ridgeway.problem import Problem
from ridgeway.selection.alo import alo_predictors
from ridgeway.selection.path_cv import solve_path
from ridgeway.solution import Solution
from ridgeway.solvers.choose import get_solver
from ridgeway.solvers.smooth.batched_newton import solve_weighted_paths


# input, labels and weights --------------------------------------------------------------------
def check_classifier_input(estimator, X, y, sample_weight):
    """X, y and weights checked once (messages as check_estimator expects them)."""
    X, y, w = check_fit_input(estimator, X, y, sample_weight)
    y = np.asarray(y)
    if y.ndim == 0 or y.shape[0] != X.shape[0]:
        raise ValueError(f"y must have one label per sample of X ({X.shape[0]}); got {y.shape}")
    return X, y, w


def check_predict_X(estimator, X):
    return check_predict_input(estimator, X)


def encode_labels(y: Any) -> tuple[np.ndarray, np.ndarray]:
    """classes_ and class indices; at least two classes, or a clear error."""
    y = column_or_1d(y, warn=True)
    if y.dtype.kind in "fc" and not np.all(np.isfinite(y)):
        raise ValueError("y must not contain NaN or infinity")
    check_classification_targets(y)
    classes, y_idx = np.unique(y, return_inverse=True)
    if classes.size < 2:
        raise ValueError(
            "y must contain at least 2 classes to train a classifier; got "
            + (f"only one class, {classes[0]!r}" if classes.size else "no labels")
        )
    return classes, y_idx.astype(np.intp)


def effective_weights(sample_weight, class_weight, classes, y_idx) -> np.ndarray | None:
    """sample_weight × class_weight[y] (None when both are absent)."""
    if class_weight is None:
        return sample_weight
    per_class = compute_class_weight(
        class_weight, classes=classes, y=classes[y_idx], sample_weight=sample_weight
    )
    w = per_class[y_idx]
    return w if sample_weight is None else sample_weight * w


def build_gamma(X, s, *, standardize: bool, penalty_factor, tikhonov):
    """Γ from the options; standardize penalizes β_j·sd_j (sd 0 → 1: constant columns)."""
    scale = None
    if standardize:
        _, sd = feature_moments(X, s)
        scale = np.where(sd > 0, sd, 1.0)
    return penalty_operator(
        X.shape[1], penalty_factor=penalty_factor, tikhonov=tikhonov, scale=scale
    )


# families ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Family:
    """Loss per head and the map from predictors z (n, heads) to per-class scores (n, k)."""

    binary_loss: Loss
    multinomial: bool  # k > 2 classes in one softmax problem (else one-vs-rest)
    probabilistic: bool

    def binary_target(self, positive: np.ndarray) -> np.ndarray:
        if isinstance(self.binary_loss, LogisticLoss):
            return positive.astype(np.float64)
        return np.where(positive, 1.0, -1.0)

    def scores(self, z: np.ndarray, k: int) -> np.ndarray:
        """Per-class scores from predictors: probabilities, or decision values for SVMs."""
        if k == 2:
            out = np.empty(z.shape[:-1] + (2,))
            if self.probabilistic:
                expit(z[..., 0], out=out[..., 1])
                np.subtract(1.0, out[..., 1], out=out[..., 0])
            else:
                out[..., 1] = z[..., 0]
                np.negative(out[..., 1], out=out[..., 0])
            return out
        if not self.probabilistic:
            return z
        if self.multinomial:
            return softmax(z, axis=-1)
        p = expit(z)
        return p / p.sum(axis=-1, keepdims=True)


def heads(family: Family, y_idx: np.ndarray, k: int) -> list[tuple[Any, np.ndarray]]:
    """(loss, target) per head."""
    if k == 2:
        return [(family.binary_loss, family.binary_target(y_idx == 1))]
    if family.multinomial:
        return [(MultinomialLoss(), np.eye(k)[y_idx])]
    return [(family.binary_loss, family.binary_target(y_idx == c)) for c in range(k)]


def _coef_rows(sol: Solution) -> tuple[np.ndarray, np.ndarray]:
    coef = np.asarray(sol.coef)
    coef = coef[None, :] if coef.ndim == 1 else coef.T
    return coef, np.atleast_1d(np.asarray(sol.intercept, dtype=np.float64))


@dataclass(frozen=True)
class Settings:
    """Everything a fit needs besides the data and λ."""

    family: Family
    fit_intercept: bool
    solver: str | None
    tol: float
    max_iter: int | None  # None: the solver's own default


def make_problems(X, y_idx, k, s, gamma, l2, cfg: Settings) -> list[Problem]:
    penalty = L2Penalty(float(l2), gamma)
    return [
        Problem(X, target, loss, penalty, s, cfg.fit_intercept)
        for loss, target in heads(cfg.family, y_idx, k)
    ]


def fit_heads(X, y_idx, k, s, gamma, l2, cfg: Settings, warm=None):
    """coef (heads, p), intercept (heads,), solutions."""
    solutions = []
    for h, pb in enumerate(make_problems(X, y_idx, k, s, gamma, l2, cfg)):
        start = warm[h] if warm is not None else (None, None)
        solver = get_solver(cfg.solver, pb)
        sol = solver.solve(pb, coef0=start[0], intercept0=start[1], tol=cfg.tol, **_limit(cfg))
        solutions.append(sol)
    rows = [_coef_rows(sol) for sol in solutions]
    coef = np.vstack([r[0] for r in rows])
    intercept = np.concatenate([r[1] for r in rows])
    return coef, intercept, solutions


def _limit(cfg: Settings) -> dict:
    return {} if cfg.max_iter is None else {"max_iter": cfg.max_iter}


def worst(solutions: list[Solution]) -> Solution:
    return max(solutions, key=lambda sol: sol.certificate / max(sol.tol, 1e-300))


def warn_if_not_converged(solution: Solution, name: str) -> None:
    if not solution.converged:
        warnings.warn(
            f"{name} did not converge: {solution.summary()}. The fit is usable but not "
            "certified; check for separable classes with unpenalized features, or raise "
            "max_iter.",
            ConvergenceWarning,
            stacklevel=3,
        )


# paths, k-fold and ALO -----------------------------------------------------------------------
def path_predictors(X, y_idx, k, s, gamma, grid_desc, cfg: Settings, rows_out: list, memo=None):
    """Along a decreasing grid, predictors (n_rows, L, heads) on each row set in rows_out.

    A row set None means the training rows: the solver's own predictor, no extra pass; other
    row sets take one product with all L coefficient vectors at once. ``memo`` (a PathMemo)
    gives each head's path a warm start and records its solutions.
    """
    L = len(grid_desc)
    outs = [np.empty((X.shape[0] if r is None else r.shape[0], L, 0)) for r in rows_out]
    dfs = np.zeros(L)
    for h, pb in enumerate(make_problems(X, y_idx, k, s, gamma, grid_desc[0], cfg)):
        solver = get_solver(cfg.solver, pb)
        start, cache = (None, {}) if memo is None else memo.start(h)
        sols = solve_path(
            pb,
            grid_desc,
            solver,
            tol=cfg.tol,
            max_iter=cfg.max_iter,
            start=start,
            cache=cache,
            after=None if memo is None else _keep_first_hessian,
        )
        if memo is not None:
            memo.record(h, sols, cache)
        for j, rows in enumerate(rows_out):
            z = _path_predict(rows, pb, sols)
            outs[j] = np.concatenate([outs[j], z.reshape(z.shape[0], L, -1)], axis=2)
        dfs += np.array([sol.details.get("df", np.nan) for sol in sols])
    return outs, dfs


def _path_predict(rows, pb: Problem, sols: list[Solution]) -> np.ndarray:
    """(n_rows, L[, k]) predictors of every solution of a path."""
    if rows is None:
        return np.stack([_predict(None, pb, sol) for sol in sols], axis=1)
    coefs = np.stack([np.asarray(sol.coef, dtype=np.float64) for sol in sols], axis=1)
    intercepts = np.stack([np.asarray(sol.intercept, dtype=np.float64) for sol in sols])
    flat = coefs.reshape(coefs.shape[0], -1)  # (p, L·k): one matrix product for the path
    z = np.asarray(rows @ flat, dtype=np.float64).reshape((rows.shape[0],) + coefs.shape[1:])
    return z + intercepts


def _keep_first_hessian(j, pb, sol, cache) -> None:
    if j == 0:
        cache["first_hessian"] = cache.get("data_hessian")


class PathMemo:
    """What the paths of one selection leave for the next path and for the final refit.

    Fold paths solve nearly the same problem (3/4 of the rows shared), so each fold starts
    its first λ from the previous fold's first solution, with its data Hessian as the first
    Newton matrix (refreshed by the solver if it does not contract). The solutions at every λ
    (fold-averaged, or the full-data ALO fit) warm-start the refit at the chosen λ; the refit
    is certified at its own tolerance, so the start only saves steps.
    """

    def __init__(self, n_heads: int) -> None:
        self.n_heads = n_heads
        self.active = True  # False for a fold whose classes differ (other heads)
        self.first: dict[int, tuple] = {}
        self.paths: dict[int, list[list[tuple]]] = {h: [] for h in range(n_heads)}

    def start(self, h: int) -> tuple[tuple | None, dict]:
        if not self.active or h not in self.first:
            return None, {}
        coef, intercept, hessian = self.first[h]
        return (coef, intercept), ({} if hessian is None else {"data_hessian": hessian})

    def record(self, h: int, sols: list[Solution], cache: dict) -> None:
        if not self.active:
            return
        hessian = cache.get("first_hessian")
        self.first[h] = (sols[0].coef, sols[0].intercept, hessian)
        self.paths[h].append([(sol.coef, sol.intercept) for sol in sols])

    def warm(self, index_desc: int) -> list[tuple] | None:
        """Per head, the mean recorded solution at a λ index of the decreasing grid."""
        if any(not self.paths[h] for h in range(self.n_heads)):
            return None
        out = []
        for h in range(self.n_heads):
            at = [path[index_desc] for path in self.paths[h]]
            coef = np.mean([np.asarray(c, dtype=np.float64) for c, _ in at], axis=0)
            out.append((coef, np.mean([np.asarray(b, dtype=np.float64) for _, b in at], axis=0)))
        return out


def _predict(rows, pb: Problem, sol: Solution) -> np.ndarray:
    if rows is None:
        z = sol.details.get("linear_predictor")
        return pb_predict(pb.X, sol) if z is None else z
    return pb_predict(rows, sol)


def pb_predict(X_rows, sol: Solution) -> np.ndarray:
    return np.asarray(X_rows @ sol.coef) + sol.intercept


def fold_path_scores(X, y_idx, k, s, gamma, cfg: Settings, memo: PathMemo | None = None):
    """The ``fold_path`` callable for selection.path_cv.kfold_path_cv."""

    def fold_path(train, test, l2_desc):
        present = np.unique(y_idx[train])
        L = len(l2_desc)
        if present.size < 2:  # one class in the training fold: predict it with certainty
            one = np.zeros((1, L, k))
            one[..., present[0]] = 1.0
            return (
                np.repeat(one, len(test), 0),
                np.repeat(one, len(train), 0),
                np.full(L, np.nan),
            )
        # classes absent from a training fold get score 0 (probability 0)
        remap = np.full(k, -1)
        remap[present] = np.arange(present.size)
        sub_s = None if s is None else s[train]
        if memo is not None:
            memo.active = present.size == k
        (z_test, z_train), df = path_predictors(
            X[train],
            remap[y_idx[train]],
            present.size,
            sub_s,
            gamma,
            l2_desc,
            cfg,
            [X[test], None],
            memo,
        )
        out = []
        for z in (z_test, z_train):
            scores = cfg.family.scores(z, present.size)
            full = np.full(scores.shape[:2] + (k,), 0.0 if cfg.family.probabilistic else -np.inf)
            full[..., present] = scores
            out.append(full)
        return out[0], out[1], df

    return fold_path


def folds_together(X, y_idx, k, s, gamma, cfg: Settings, memo: PathMemo | None = None):
    """The ``all_folds`` callable for kfold_path_cv: every fold's path in one lockstep solve
    (solvers.batched_newton) where that applies — dense X, one binary head (two classes)
    solved by Newton-Cholesky, both classes in every training fold; else None.
    """

    def all_folds(folds, l2_folds):
        if sp.issparse(X) or k != 2:
            return None
        if any(np.unique(y_idx[train]).size < 2 for train, _ in folds):
            return None
        (pb,) = make_problems(X, y_idx, k, s, gamma, l2_folds[0][0], cfg)
        if get_solver(cfg.solver, pb).name != "newton-cholesky":
            return None
        weights = []
        for train, _ in folds:
            w = np.zeros(X.shape[0])
            # a row listed twice in a training fold (bootstrap splits) counts twice
            np.add.at(w, train, 1.0 if s is None else s[train])
            weights.append(w)
        limit = {} if cfg.max_iter is None else {"max_iter": cfg.max_iter}
        paths = solve_weighted_paths(pb, weights, np.asarray(l2_folds), tol=cfg.tol, **limit)
        if memo is not None:
            memo.paths[0] = [
                list(zip(paths.coef[f], paths.intercept[f])) for f in range(len(folds))
            ]
        L = paths.predictor.shape[1]
        out = []
        for f, (train, test) in enumerate(folds):
            z = paths.predictor[f].T  # (n, L)
            scores = [
                cfg.family.scores(z[rows].reshape(len(rows), L, 1), k) for rows in (test, train)
            ]
            out.append((scores[0], scores[1], np.full(L, np.nan)))
        return out

    return all_folds


def alo_path(X, y_idx, k, s, gamma, grid_desc, cfg: Settings, memo: PathMemo | None = None):
    """Left-out per-class scores (n, L, k), training scores and df along a decreasing grid.

    After each fit the Hessian at the solution serves twice: for the ALO leverages and as the
    first Newton matrix of the next λ. ``memo`` records the full-data solutions (they
    warm-start the refit at the chosen λ).
    """
    n, L = X.shape[0], len(grid_desc)
    z_loo_heads, z_fit_heads, dfs = [], [], np.zeros(L)
    for h, pb in enumerate(make_problems(X, y_idx, k, s, gamma, grid_desc[0], cfg)):
        solver = get_solver(cfg.solver, pb)
        z_loo, z_fit = [None] * L, [None] * L

        def after(j, pb_j, sol, cache, z_loo=z_loo, z_fit=z_fit):
            z = _predict(None, pb_j, sol)
            # no step taken: θ, hence the data Hessian, is exactly the previous λ's
            same = j > 0 and sol.n_iter == 0 and "data_hessian" in cache
            zl, df, data_hessian = alo_predictors(
                pb_j, sol, z, data_hessian=cache["data_hessian"] if same else None
            )
            cache["data_hessian"] = data_hessian
            dfs[j] += df
            z_loo[j], z_fit[j] = zl.reshape(n, -1), z.reshape(n, -1)

        sols = solve_path(pb, grid_desc, solver, tol=cfg.tol, max_iter=cfg.max_iter, after=after)
        if memo is not None:
            memo.record(h, sols, {})
        z_loo_heads.append(np.stack(z_loo, axis=1))
        z_fit_heads.append(np.stack(z_fit, axis=1))
    z_loo = np.concatenate(z_loo_heads, axis=2)
    z_fit = np.concatenate(z_fit_heads, axis=2)
    return cfg.family.scores(z_loo, k), cfg.family.scores(z_fit, k), dfs


def default_grid(X, s, fit_intercept: bool, gamma, n_l2: int, ratio: float) -> np.ndarray:
    """Geometric grid from l2_max down to ratio·l2_max, ascending.

    l2_max is 100 × the mean curvature of the loss term along a (Γ-scaled) feature at the
    intercept-only model, n·sd_j²/4 (logistic curvature 1/4): at l2_max a typical coefficient
    is shrunk ~100-fold, so the model is nearly intercept-only; at 1e-4·l2_max a typical
    feature is shrunk by ~1 %, close to the unpenalized fit. (The mean rather than the
    largest: one high-variance column would otherwise push the whole grid into heavy
    shrinkage.)
    """
    _, sd = feature_moments(X, s)
    total = float(X.shape[0] if s is None else s.sum())
    if not fit_intercept:
        mean, _ = feature_moments(X, s)
        sd = np.sqrt(sd**2 + mean**2)
    if gamma is not None:
        diag = np.asarray((gamma.T @ gamma).diagonal()).ravel()
        sd = np.where(diag > 0, sd / np.sqrt(np.where(diag > 0, diag, 1.0)), 0.0)
    top = 100.0 * 0.25 * total * float(np.mean(sd**2))
    top = top if top > 0 else 1.0
    return np.geomspace(top * ratio, top, n_l2)
