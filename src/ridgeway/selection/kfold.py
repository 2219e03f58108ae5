"""k-fold cross-validation for ridge along the whole λ grid, one decomposition per fold.

Each fold is a row-restricted view of the problem (weight zero off its training rows, X not
copied) decomposed by the route the one table chooses for it (solvers/choose.py). Gram
routes (n_train ≥ p): one blocked pass over X gives each fold's moments; a training fold's
Gram is the total minus its held-out block (Chan's downdate), so X is read once for all
folds. Kernel routes (n_train < p): the n × n kernel is formed once and each fold uses its
sub-blocks. A fold fit uses
λ·W_train/W (DESIGN §1; W is the weight sum, the sample count without weights), so that the
λ chosen transfers to the full-data refit.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp

from ridgeway.conventions import fold_l2
from ridgeway.progress import advance
from ridgeway.selection.result import fold_standard_error
from ridgeway.selection.scoring import Metric
from ridgeway.selection.validation_pass import with_average
from ridgeway.solvers.spectral.kernel import KernelBlock, KernelSpectrum, unpenalized_design
from ridgeway.solvers.spectral.krylov import KrylovRidge
from ridgeway.solvers.spectral.routes import Decomposer
from ridgeway.solvers.spectral.spectrum import Spectrum
from ridgeway.solvers.spectral.squared import RidgeProblem
from ridgeway.statistics import Moments, moments

__all__ = ["FoldMoments", "FoldScores", "fold_moments", "held_out_mse", "kfold_krylov",
           "kfold_path", "train_view"]  # fmt: skip


@dataclass(frozen=True)
class FoldScores:
    """Scores (n_folds, L, k + 1): per target, then their average; fold weights (n_folds,)."""

    scores: np.ndarray
    weights: np.ndarray

    def mean(self) -> np.ndarray:
        return np.tensordot(self.weights, self.scores, axes=(0, 0)) / self.weights.sum()

    def std_error(self) -> np.ndarray:
        """Standard deviation across folds over √n_folds (glmnet's cvsd, weighted)."""
        return fold_standard_error(self.scores, axis=0, weights=self.weights)


def _fold_score(metric: Metric, y: np.ndarray, pred: np.ndarray, s: np.ndarray | None):
    return with_average(metric.score_per_target(y, pred, s))


def held_out_mse(spec: Spectrum, held: Moments, l2: np.ndarray) -> np.ndarray:
    """Weighted mean squared error (L, k) on a held-out block, from its moments alone.

    Σ s(y − b − xβ)² = yy − 2βᵀxy + βᵀxxβ + W(ȳ − b − x̄β)² with the block's centred moments:
    O(p²) per λ instead of a pass over the block's rows.
    """
    coef, intercept = spec.coef_path(l2)  # (L, p, k), (L, k)
    cross = np.einsum("lpk,pk->lk", coef, held.xy)
    quad = np.einsum("lpk,pq,lqk->lk", coef, held.xx, coef, optimize=True)
    offset = held.y_mean[None, :] - intercept - np.einsum("p,lpk->lk", held.x_mean, coef)
    rss = held.yy[None, :] - 2 * cross + quad + held.weight * offset**2
    return np.maximum(rss, 0.0) / held.weight


def _predict_primal(X, rows, spec, l2: np.ndarray) -> np.ndarray:
    """Predictions (b, L, k) for the given rows of X at every λ, through the spectrum."""
    window = slice(int(rows[0]), int(rows[-1]) + 1)
    contiguous = rows.size == window.stop - window.start and np.all(np.diff(rows) == 1)
    Xr = X[window] if contiguous else X[rows]
    L, k = l2.size, spec.uty.shape[1]
    step = int(np.clip(2**18 // max(1, L * k), 32, 8192))
    parts = [fitted for _, fitted, _ in spec.fitted_blocks(Xr, None, l2, step, leverage=False)]
    return np.concatenate(parts)


@dataclass(frozen=True)
class FoldMoments:
    """Moments of the whole data, of each fold's training rows and (k-fold) held-out rows."""

    total: Moments
    train: list[Moments]
    held: list[Moments | None]


def fold_moments(X, Y: np.ndarray, sample_weight: np.ndarray | None, folds: list) -> FoldMoments:
    """One pass over X when the test folds partition the rows (k-fold): each held-out block's
    moments, their merge as the total, and each training set as total minus its block.
    Splits whose training set is not the complement of the test set (time-series splits,
    shuffle splits) get their training moments directly."""
    n = X.shape[0]
    counts = np.zeros(n, dtype=np.int64)
    complements = []
    for train, test in folds:
        counts[test] += 1
        mask = np.zeros(n, dtype=bool)
        mask[train] = True
        complements.append(train.size + test.size == n and not np.any(mask[test]))
    held = [
        moments(X, Y, sample_weight, rows=test) if c else None
        for (_, test), c in zip(folds, complements)
    ]
    blocks = [h for h in held if h is not None]
    if all(complements) and np.all(counts == 1):
        total = blocks[0]
        for part in blocks[1:]:
            total = total.merge(part)
    else:
        total = moments(X, Y, sample_weight)
    train = [
        total.remove(h) if h is not None else moments(X, Y, sample_weight, rows=tr)
        for (tr, _), h in zip(folds, held)
    ]
    return FoldMoments(total, train, held)


def train_view(rp: RidgeProblem, train: np.ndarray) -> RidgeProblem:
    """The fold's training problem as a view: weight zero off ``train`` (X is not copied)."""
    w = np.zeros(rp.Y.shape[0])
    w[train] = 1.0 if rp.sample_weight is None else rp.sample_weight[train]
    return replace(rp, sample_weight=w)


def kfold_path(
    route: Decomposer,
    rp: RidgeProblem,
    l2: np.ndarray,
    folds: list[tuple[np.ndarray, np.ndarray]],
    metric: Metric,
    stats: FoldMoments | None = None,
    kernel: KernelBlock | None = None,
) -> FoldScores:
    """Scores (n_folds, L, k) of every fold at every λ of the grid.

    Each fold is decomposed by ``route`` (the table's choice for the training folds) on a
    row-restricted view of the problem, from ``stats`` (its downdated moments, Gram routes)
    or ``kernel`` (the whole data's kernel, sub-blocked; kernel routes); the route's own
    fallback (the SVD of the training rows) takes over where those are too ill-conditioned.
    """
    X, Y, sample_weight = rp.X, rp.Y, rp.sample_weight
    s_all = np.ones(X.shape[0]) if sample_weight is None else sample_weight
    total_weight = float(s_all.sum())
    scores, weights = [], []
    what = f"{len(folds)}-fold CV over {l2.size} values of l2"
    for fold, (train, test) in enumerate(folds):
        view = train_view(rp, train)
        l2_fold = fold_l2(l2, float(s_all[train].sum()), total_weight)
        m = None if stats is None else stats.train[fold]
        spec = route.decompose(view, float(l2_fold.min()), m, kernel=kernel)
        held = None if stats is None else stats.held[fold]
        if isinstance(spec, KernelSpectrum):
            assert kernel is not None  # a kernel spectrum of a fold comes from the block
            pred = _predict_dual(spec, kernel, view, test, l2_fold)
        elif metric.name == "neg_mean_squared_error" and held is not None:
            scores.append(with_average(-held_out_mse(spec, held, l2_fold)))
            weights.append(float(s_all[test].sum()))
            advance((fold + 1) * l2.size, len(folds) * l2.size, what)
            continue
        else:
            pred = _predict_primal(X, test, spec, l2_fold)
        scores.append(_fold_score(metric, Y[test], pred, _opt(sample_weight, test)))
        weights.append(float(s_all[test].sum()))
        advance((fold + 1) * l2.size, len(folds) * l2.size, what)
    return FoldScores(np.asarray(scores), np.asarray(weights))


def _predict_dual(
    spec: KernelSpectrum, kernel: KernelBlock, view: RidgeProblem, test: np.ndarray,
    l2_fold: np.ndarray,
) -> np.ndarray:  # fmt: skip
    """Held-out predictions through kernel rows: Zθ = K[test, train]·(√s R/σ)·g, plus Uη."""
    X, form = view.X, view.form
    e = spec.eigenvalues
    g = (spec.sigma[None, :, None] * spec.uty[None]) / (e[None, :, None] + l2_fold[:, None, None])
    L, r, k = g.shape
    g_flat = g.transpose(1, 0, 2).reshape(r, L * k)
    assert view.sample_weight is not None  # a training view always has weights
    train_rows = np.flatnonzero(view.sample_weight > 0)
    tr = kernel.positions(train_rows)
    te = kernel.positions(test)
    if np.all(te >= 0):
        K_cross = kernel.K[np.ix_(te, tr)]
        U_test = kernel.U[te]
    else:  # zero-weight test rows are not in K: form their kernel rows directly
        Xt = _rows(X, test)
        Z_test = form.right(Xt)
        Z_train = form.right(_rows(X, train_rows))
        K_cross = np.asarray(
            (Z_test @ Z_train.T).toarray() if sp.issparse(Z_test) else Z_test @ Z_train.T
        )
        U_test = unpenalized_design(Xt, form, view.fit_intercept)
    pen = (K_cross @ (spec.dual_basis @ g_flat)).reshape(test.size, L, k)
    return pen + np.einsum("bq,lqk->blk", U_test, spec.null_coordinates(g))


def _rows(X, rows):
    return X[rows]


def _opt(sample_weight, rows):
    return None if sample_weight is None else sample_weight[rows]


def kfold_krylov(
    X,
    Y: np.ndarray,
    sample_weight: np.ndarray | None,
    gamma,
    fit_intercept: bool,
    l2: np.ndarray,
    folds: list[tuple[np.ndarray, np.ndarray]],
    metric: Metric,
) -> FoldScores:
    """k-fold for large sparse X: conjugate gradients per fold along the λ path (warm starts
    from large λ to small), λ·W_train/W on each fold."""
    s_all = np.ones(X.shape[0]) if sample_weight is None else sample_weight
    total_weight = float(s_all.sum())
    scores, weights = [], []
    what = f"{len(folds)}-fold CV (conjugate gradients) over {l2.size} values of l2"
    for fold, (train, test) in enumerate(folds):
        solver = KrylovRidge(X[train], _opt(sample_weight, train), gamma, fit_intercept)
        l2_fold = fold_l2(l2, float(s_all[train].sum()), total_weight)
        preds = np.empty((test.size, l2.size, Y.shape[1]))
        coef = None
        for j in np.argsort(l2)[::-1]:
            coef, intercept, _, _ = solver.solve(Y[train], l2_fold[j], start=coef)
            preds[:, j, :] = np.asarray(X[test] @ coef) + intercept
            done = fold * l2.size + int(np.count_nonzero(l2 >= l2[j]))
            advance(done, len(folds) * l2.size, what)
        scores.append(_fold_score(metric, Y[test], preds, _opt(sample_weight, test)))
        weights.append(float(s_all[test].sum()))
    return FoldScores(np.asarray(scores), np.asarray(weights))
