"""k-fold cross-validation of elastic-net paths, and the choice of (l1, l2) it makes.

For each mix l1_share = l1/(l1 + l2) the grid is λ_k (total strength) from λ_max down
(:mod:`ridgeway.selection.paths`), with l1 = share·λ and l2 = (1 − share)·λ. A fold fits on
n_train < n samples with the penalty scaled by W_train/W (:func:`ridgeway.conventions.fold_l2`,
W the weight sums) so that the λ chosen transfers to the full refit.

The solver says how a fold's data is formed (``fold_designs``): in covariance form the moments
of every held-out block are formed once and a training fold is the total minus its block, so
all folds and the full fit cost about one Gram, and squared-error scores come from the
held-out moments with no predictions; in residual form a fold is the full design with zero
weight on its held-out rows (no copy of X). The choice ends in a
:class:`~ridgeway.selection.result.SelectionResult`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from sklearn.exceptions import DataConversionWarning

from ridgeway.conventions import fold_l2
from ridgeway.problem import Problem
from ridgeway.progress import advance
from ridgeway.selection.paths import default_eps, path_solver, strength_grid
from ridgeway.selection.result import SelectionResult, fold_standard_error
from ridgeway.selection.rules import check_rule, select_index
from ridgeway.selection.scoring import Metric, get_metric
from ridgeway.selection.splits import fold_indices, resolve_cv
from ridgeway.solution import Solution
from ridgeway.solvers.coordinate.descent import CoordinatePath
from ridgeway.solvers.coordinate.designs import Design
from ridgeway.solvers.coordinate.solvers import CoordinateDescent, FoldDesigns, Folds
from ridgeway.statistics import Moments

__all__ = [
    "CVPaths",
    "ElasticNetSelection",
    "check_one_target",
    "choose_elastic_net",
    "cross_validate_paths",
    "elastic_net_folds",
    "select_elastic_net",
]


def check_one_target(y: np.ndarray, owner: str) -> np.ndarray:
    """A 1-D y (a column vector is raveled, with scikit-learn's DataConversionWarning)."""
    if y.ndim == 2 and y.shape[1] == 1:
        msg = "A column-vector y was passed when a 1d array was expected; using y.ravel()"
        warnings.warn(msg, DataConversionWarning, stacklevel=4)
        y = y.ravel()
    if y.ndim != 1:
        raise ValueError(f"{owner} needs a 1-D y; got shape {y.shape}")
    return y


def elastic_net_folds(
    cv: Any, X: Any, y: np.ndarray, groups: Any, owner: str, sample_weight: np.ndarray | None = None
) -> list:
    """The (train, test) index pairs of ``cv``; at least one sample (and positive weight)
    per fold."""
    splitter = resolve_cv(cv)
    k = splitter.get_n_splits(X, y, groups)
    if X.shape[0] < k:
        raise ValueError(
            f"{owner} with cv={k} folds needs at least {k} samples; "
            f"got {X.shape[0]} sample{'s' if X.shape[0] != 1 else ''}"
        )
    return fold_indices(splitter, X, y, groups, sample_weight)


@dataclass(frozen=True)
class CVPaths:
    """Per mix m and grid point k: validation scores by fold, and the full-data path."""

    l1_share: np.ndarray  # (M,)
    grid: np.ndarray  # (M, L) total strength l1 + l2
    fold_scores: np.ndarray  # (M, L, K)
    train_score: np.ndarray  # (M, L) score of the full-data fit on the data
    paths: list[CoordinatePath]  # full-data path per mix

    @property
    def l1(self) -> np.ndarray:
        return self.grid * self.l1_share[:, None]

    @property
    def l2(self) -> np.ndarray:
        return self.grid * (1.0 - self.l1_share[:, None])


@dataclass(frozen=True)
class _Fit:
    """What every path of one cross-validation shares."""

    problem: Problem
    solver: CoordinateDescent
    tol: float
    max_iter: int

    def path(self, design: Design, grid: np.ndarray, share: float, fraction: float):
        l1 = fold_l2(share * grid, fraction, 1.0)
        l2 = fold_l2((1.0 - share) * grid, fraction, 1.0)
        return self.solver.solve_path(
            self.problem, l1, l2, design=design, tol=self.tol, max_iter=self.max_iter
        )


def cross_validate_paths(
    problem: Problem,
    folds: Folds | None,
    metric: Metric,
    l1_share: np.ndarray,
    *,
    n_grid: int = 100,
    eps: float | None = 1e-3,
    solver: str | None = "auto",
    tol: float = 1e-6,
    max_iter: int = 10_000,
    designs: FoldDesigns | None = None,
) -> CVPaths:
    """Fit the full-data path and every fold's path for each mix; score the held-out rows.

    ``designs``: the fold designs computed elsewhere (ridgeway.scale: Gram designs from each
    fold's moments, with ``total`` and ``held_out``); ``folds`` may then be None."""
    fit = _Fit(problem, path_solver(solver, problem), tol, max_iter)
    eps = default_eps(problem.n_samples, problem.n_features) if eps is None else eps
    if designs is None:
        assert folds is not None  # the designs are formed from the folds' rows
        designs = fit.solver.fold_designs(problem, folds)
    by_stats = designs.held_out is not None and metric.name in _STATS_METRICS
    X, y, w = problem.X, problem.y, problem.sample_weight
    fractions = _fractions(folds, designs, w, problem.n_samples)
    M, K = len(l1_share), len(designs.train)
    grids = np.zeros((M, n_grid))
    fold_scores = np.full((M, n_grid, K), np.nan)
    train_score = np.full((M, n_grid), np.nan)
    paths = []
    what = f"{K}-fold CV over {n_grid} values of l1 + l2" + (f", {M} mixes" if M > 1 else "")
    for m, share in enumerate(l1_share):
        grid = strength_grid(designs.full, problem, float(share), n_grid, eps)
        grid = np.resize(grid, n_grid)  # a zero λ_max gives one value: repeat it
        grids[m] = grid
        path = fit.path(designs.full, grid, share, 1.0)
        paths.append(path)
        if by_stats:
            train_score[m] = _stats_score(designs.total, path, metric.name)
        else:
            train_score[m] = metric.score(y, _predict(X, path), w)
        for k, (fraction, design) in enumerate(zip(fractions, designs.train)):
            fold_path = fit.path(design(), grid, share, fraction)
            if by_stats and designs.held_out is not None:
                fold_scores[m, :, k] = _stats_score(designs.held_out[k], fold_path, metric.name)
            else:
                assert folds is not None  # without folds, scores come from the moments
                test = folds[k][1]
                held_out = _predict(X[test], fold_path)
                fold_scores[m, :, k] = metric.score(y[test], held_out, _rows(w, test))
            advance((m * K + k + 1) * n_grid, M * K * n_grid, what)
    return CVPaths(np.asarray(l1_share, float), grids, fold_scores, train_score, paths)


def _fractions(folds: Folds | None, designs: FoldDesigns, w: np.ndarray | None, n: int) -> list:
    """Each training fold's share W_train/W of the weight (its penalty is scaled by it)."""
    if folds is None:
        assert designs.total is not None and designs.held_out is not None
        total = designs.total.weight
        return [(total - held.weight) / total for held in designs.held_out]
    W = n if w is None else float(w.sum())
    return [(train.size if w is None else float(w[train].sum())) / W for train, _ in folds]


def _rows(w: np.ndarray | None, rows: np.ndarray) -> np.ndarray | None:
    return None if w is None else w[rows]


def _predict(X: Any, path: CoordinatePath) -> np.ndarray:
    """(n, L) predictions of every path point."""
    pred = X @ path.coef.T
    return np.asarray(pred) + path.intercept


_STATS_METRICS = ("neg_mean_squared_error", "neg_root_mean_squared_error", "r2")


def _stats_score(stats: Moments | None, path: CoordinatePath, name: str) -> np.ndarray:
    """Squared-error scores of every path point from the moments of the scored rows.

    With the rows' means (x̄, ȳ) and δ = ȳ − x̄ᵀβ − β₀, e = (y − ȳ) − (x − x̄)ᵀβ + δ, and the
    centred cross terms vanish: Σ s e² = Syy − 2βᵀSxy + βᵀSxxβ + Wδ². O(p²) per point, no
    pass over X and no predictions (what makes k-fold CV cost about one Gram).
    """
    assert stats is not None
    B = path.coef
    delta = stats.y_mean[0] - B @ stats.x_mean - path.intercept
    sse = stats.yy[0] - 2.0 * (B @ stats.xy[:, 0]) + np.einsum("lp,lp->l", B @ stats.xx, B)
    mse = np.maximum(sse + stats.weight * delta**2, 0.0) / stats.weight
    if name == "neg_mean_squared_error":
        return -mse
    if name == "neg_root_mean_squared_error":
        return -np.sqrt(mse)
    total = stats.yy[0]  # about the scored rows' own mean
    return 1.0 - mse * stats.weight / total if total > 0 else np.full(B.shape[0], np.nan)


@dataclass(frozen=True)
class ElasticNetSelection:
    """The choice: the validation curves as a SelectionResult, and the chosen fit."""

    selection: SelectionResult
    coef_path: np.ndarray  # (L, p), or (M, L, p) for several mixes
    best_index: int | tuple[int, int]
    l1_share: float
    l1: float
    l2: float
    solution: Solution


def select_elastic_net(
    problem: Problem,
    l1_share: np.ndarray,
    *,
    single: bool = True,
    cv: Any = 5,
    groups: Any = None,
    rule: str = "min",
    scoring: str | None = None,
    owner: str = "ElasticNetCV",
    **options: Any,
) -> ElasticNetSelection:
    """Cross-validate every mix over the folds of ``cv``, pick the mix with the best mean
    score and λ within it by ``rule``; ``single``: one mix given as a number (no leading mix
    axis in the results); ``owner`` names the caller in errors. ``options`` go to
    :func:`cross_validate_paths`."""
    check_rule(rule)
    metric = get_metric(scoring)
    folds = elastic_net_folds(cv, problem.X, problem.y, groups, owner, problem.sample_weight)
    found = cross_validate_paths(problem, folds, metric, l1_share, **options)
    return choose_elastic_net(found, single, rule, problem.fit_intercept)


def choose_elastic_net(
    found: CVPaths, single: bool, rule: str, fit_intercept: bool
) -> ElasticNetSelection:
    """The mix with the best mean score, λ within it by ``rule``: the selection result."""
    mean = np.nanmean(found.fold_scores, axis=2)
    se = fold_standard_error(found.fold_scores)
    m = int(np.argmax(np.nanmax(np.where(np.isfinite(mean), mean, -np.inf), axis=1)))
    index = select_index(found.grid[m], mean[m], se[m], rule)
    nonzero = np.array([(path.coef != 0).sum(axis=1) for path in found.paths])
    # df counts the intercept, as ridge's tr(H) does (Zou et al. 2007: non-zeros, plus one)
    df = nonzero + int(fit_intercept)

    def user(v: np.ndarray) -> np.ndarray:  # the shapes cv_results_ has always had
        return v[0] if single else v

    extra = {
        "l1": user(found.l1),
        "l2": user(found.l2),  # the l2 part (the result's own grid is the total strength)
        "l1_share": found.l1_share[0] if single else found.l1_share,
        "mean_score": user(mean),
        "std_error": user(se),
        "train_score": user(found.train_score),
        "gap": user(found.train_score - mean),
        "df": user(df),
        "n_nonzero": user(nonzero),
        "fold_scores": user(found.fold_scores),
        "dual_gap": user(np.array([path.gap for path in found.paths])),
    }
    selection = SelectionResult(
        l2=found.grid[m], mean_score=mean[m], std_error=se[m], train_score=found.train_score[m],
        df=df[m], best_index=np.array([index]), rule=rule, method="kfold",
        fold_scores=found.fold_scores[m], extra=extra,
    )  # fmt: skip
    if not single:  # the rules' choices within the chosen mix, with the mix first
        within = {"index_min": selection.index_min, "index_1se": selection.index_1se}
        mixed = {key: np.array([m, k]) for key, k in within.items()}
        selection = replace(selection, extra={**extra, **mixed})
    return ElasticNetSelection(
        selection=selection,
        coef_path=user(np.array([path.coef for path in found.paths])),
        best_index=index if single else (m, index),
        l1_share=float(found.l1_share[m]),
        l1=float(found.l1[m, index]),
        l2=float(found.l2[m, index]),
        solution=found.paths[m].solution(index),
    )
