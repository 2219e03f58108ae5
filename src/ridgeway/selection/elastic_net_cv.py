"""k-fold cross-validation of elastic-net paths, with one pass over X for every fold.

For each mix l1_share = l1/(l1 + l2) the grid is λ_k (total strength) from λ_max down
(:mod:`ridgeway.selection.paths`), with l1 = share·λ and l2 = (1 − share)·λ. A fold fits on
n_train < n samples with the penalty scaled by W_train/W (:func:`ridgeway.conventions.fold_l2`,
W the weight sums) so that the λ chosen transfers to the full refit.

Covariance form: the Gram of every held-out block is formed once about the global means; a
training fold's Gram is the total minus its block, re-centred by a rank-one correction, and the
total is the sum of the blocks when the folds partition the samples — so all folds and the
full fit cost about one Gram. Residual form: a fold is the full design with zero weight on
held-out rows (no copy of X).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ridgeway.conventions import fold_l2
from ridgeway.progress import advance
from ridgeway.selection.paths import l1_max, log_grid
from ridgeway.selection.scoring import Metric
from ridgeway.solvers.coordinate.descent import PathResult, null_gradient, solve_path
from ridgeway.solvers.coordinate.designs import (
    Design,
    GramDesign,
    centre_sums,
    gram_stats,
    make_design,
    raw_sums,
    use_gram,
)

__all__ = ["CVPaths", "cross_validate_paths"]


@dataclass(frozen=True)
class CVPaths:
    """Per mix m and grid point k: validation scores by fold, and the full-data path."""

    l1_share: np.ndarray  # (M,)
    grid: np.ndarray  # (M, L) total strength l1 + l2
    fold_scores: np.ndarray  # (M, L, K)
    train_score: np.ndarray  # (M, L) score of the full-data fit on the data
    paths: list[PathResult]  # full-data path per mix

    @property
    def l1(self) -> np.ndarray:
        return self.grid * self.l1_share[:, None]

    @property
    def l2(self) -> np.ndarray:
        return self.grid * (1.0 - self.l1_share[:, None])


@dataclass
class _Settings:
    l1_weight: np.ndarray
    l2_weight: np.ndarray
    positive: bool
    tol: float
    max_iter: int


def cross_validate_paths(
    X,
    y: np.ndarray,
    s: np.ndarray,
    folds: list,
    metric: Metric,
    l1_share: np.ndarray,
    *,
    l1_weight: np.ndarray,
    l2_weight: np.ndarray,
    fit_intercept: bool = True,
    n_grid: int = 100,
    eps: float = 1e-3,
    positive: bool = False,
    tol: float = 1e-6,
    max_iter: int = 1000,
    gram: bool | str = "auto",
) -> CVPaths:
    """Fit the full-data path and every fold's path for each mix; score the held-out rows."""
    settings = _Settings(l1_weight, l2_weight, positive, tol, max_iter)
    full, fold_designs, scorers = _designs(X, y, s, folds, fit_intercept, gram)
    by_stats = scorers is not None and metric.name in _STATS_METRICS
    gradient = null_gradient(full, l1_weight)
    W = float(s.sum())
    M, K = len(l1_share), len(folds)
    grids = np.zeros((M, n_grid))
    fold_scores = np.full((M, n_grid, K), np.nan)
    train_score = np.full((M, n_grid), np.nan)
    paths = []
    what = f"{K}-fold CV over {n_grid} values of l1 + l2" + (f", {M} mixes" if M > 1 else "")
    for m, share in enumerate(l1_share):
        top = l1_max(gradient, l1_weight, positive=positive) / share
        grid = log_grid(top, n_grid, eps)
        grid = np.resize(grid, n_grid)  # a zero λ_max gives one value: repeat it
        grids[m] = grid
        path = _path(full, grid, share, 1.0, settings)
        paths.append(path)
        if by_stats:
            train_score[m] = _stats_score(scorers[0], path, metric.name)
        else:
            train_score[m] = metric.score(y, _predict(X, path), s)
        for k, ((train, test), design) in enumerate(zip(folds, fold_designs)):
            fraction = float(s[train].sum()) / W
            fold_path = _path(design(), grid, share, fraction, settings)
            if by_stats:
                fold_scores[m, :, k] = _stats_score(scorers[k + 1], fold_path, metric.name)
            else:
                held_out = _predict(X[test], fold_path)
                fold_scores[m, :, k] = metric.score(y[test], held_out, s[test])
            advance((m * K + k + 1) * n_grid, M * K * n_grid, what)
    return CVPaths(np.asarray(l1_share, float), grids, fold_scores, train_score, paths)


def _path(design: Design, grid, share, fraction, settings: _Settings) -> PathResult:
    l1 = fold_l2(share * grid, fraction, 1.0)
    l2 = fold_l2((1.0 - share) * grid, fraction, 1.0)
    return solve_path(
        design,
        l1,
        l2,
        settings.l1_weight,
        settings.l2_weight,
        positive=settings.positive,
        tol=settings.tol,
        max_iter=settings.max_iter,
    )


def _predict(X, path: PathResult) -> np.ndarray:
    """(n, L) predictions of every path point."""
    pred = X @ path.coef.T
    return np.asarray(pred) + path.intercept


_STATS_METRICS = ("neg_mean_squared_error", "neg_root_mean_squared_error", "r2")


def _stats_score(scorer: tuple, path: PathResult, name: str) -> np.ndarray:
    """Squared-error scores of every path point from the sums of the scored rows.

    With e = (y − cy) − (x − cx)ᵀβ − δ, δ = β₀ + cxᵀβ − cy, the weighted sum of squared errors
    is syy − 2cᵀβ + βᵀGβ − 2δ(sy − sxᵀβ) + Wδ²: O(p²) per point, no pass over X and no
    predictions (what makes k-fold CV cost about one Gram).
    """
    stats, cx, cy = scorer
    B = path.coef
    delta = path.intercept + B @ cx - cy
    sse = stats.syy - 2.0 * (B @ stats.c) + np.einsum("lp,lp->l", B @ stats.G, B)
    sse += -2.0 * delta * (stats.sy - B @ stats.sx) + stats.W * delta**2
    mse = np.maximum(sse, 0.0) / stats.W
    if name == "neg_mean_squared_error":
        return -mse
    if name == "neg_root_mean_squared_error":
        return -np.sqrt(mse)
    total = stats.syy - stats.sy**2 / stats.W  # about the scored rows' own mean
    return 1.0 - mse * stats.W / total if total > 0 else np.full(B.shape[0], np.nan)


def _partition(folds: list, n: int) -> bool:
    """True when the test folds partition 0..n−1 and each train set is the complement."""
    tests = np.concatenate([test for _, test in folds])
    if tests.size != n or not np.array_equal(np.sort(tests), np.arange(n)):
        return False
    return all(train.size + test.size == n for train, test in folds)


def _designs(X, y, s, folds, fit_intercept, gram):
    """The full design; per fold, a factory for its training design (built when used); and,
    when the folds partition the rows in covariance form, the sums of all rows and of each
    held-out block, from which squared-error scores need no predictions."""
    n, p = X.shape
    if not use_gram(n, p, gram):
        if not sp.issparse(X):
            X = np.asfortranarray(X, dtype=np.float64)  # once, not once per fold
        full = make_design(X, y, s, fit_intercept, gram=False)

        def masked(train):
            weights = np.zeros(n)
            np.add.at(weights, train, s[train])
            return lambda: make_design(X, y, weights, fit_intercept, gram=False)

        return full, [masked(train) for train, _ in folds], None
    if _partition(folds, n):
        raws = [raw_sums(X, y, s, test) for _, test in folds]  # one pass over X in all
        W = sum(raw.W for raw in raws)
        cx = sum(raw.sx for raw in raws) / W if fit_intercept else np.zeros(p)
        cy = sum(raw.sy for raw in raws) / W if fit_intercept else 0.0
        blocks = [centre_sums(raw, cx, cy, X, y, s, test) for raw, (_, test) in zip(raws, folds)]
        total = blocks[0]
        for block in blocks[1:]:
            total = total + block
        factories = [_gram_factory(lambda b=b: total - b, cx, cy, fit_intercept) for b in blocks]
        scorers = [(stats, cx, cy) for stats in [total, *blocks]]
    else:
        W = float(s.sum())
        cx = np.asarray(X.T @ s).ravel() / W if fit_intercept else np.zeros(p)
        cy = float(s @ y / W) if fit_intercept else 0.0
        total = gram_stats(X, y, s, cx, cy)
        factories = [
            _gram_factory(
                lambda t=train: gram_stats(X, y, s, cx, cy, rows=t), cx, cy, fit_intercept
            )
            for train, _ in folds
        ]
        scorers = None
    return GramDesign(total, cx, cy, fit_intercept), factories, scorers


def _gram_factory(stats, cx, cy, fit_intercept):
    return lambda: GramDesign(stats(), cx, cy, fit_intercept)
