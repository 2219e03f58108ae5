"""Choosing λ for ridge: exact LOO, GCV or k-fold over a grid, from one decomposition.

``select_ridge`` scores the grid and returns a :class:`RidgeSelection`: the one typed
:class:`SelectionResult`, the coefficient path and the certified refit at the chosen λ (its
``state`` the Spectrum every λ was read from). Huge sparse X has no decomposition: k-fold with
conjugate gradients along the path (``select_krylov``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from numbers import Integral, Real
from typing import Any

import numpy as np

from ridgeway._validation import check_l2_grid
from ridgeway.conventions import fold_l2
from ridgeway.problem import Problem
from ridgeway.selection.gcv import gcv
from ridgeway.selection.grids import df_grid
from ridgeway.selection.kfold import (
    FoldScores,
    fold_moments,
    held_out_mse,
    kfold_krylov,
    kfold_path,
)
from ridgeway.selection.lcurve import curvature
from ridgeway.selection.result import SelectionResult
from ridgeway.selection.rules import check_rule, select_index
from ridgeway.selection.scoring import Metric
from ridgeway.selection.splits import fold_indices, resolve_cv
from ridgeway.selection.validation_pass import training_scores, validation_pass, with_average
from ridgeway.solution import Solution
from ridgeway.solvers.choose import get_solver
from ridgeway.solvers.spectral.certificate import certify, residual_solution
from ridgeway.solvers.spectral.kernel import KernelBlock, KernelSpectrum
from ridgeway.solvers.spectral.krylov import KrylovRidge
from ridgeway.solvers.spectral.limits import LIMITS
from ridgeway.solvers.spectral.routes import ROUTES, Decomposer, RidgeRoute
from ridgeway.solvers.spectral.spectrum import Spectrum
from ridgeway.solvers.spectral.squared import RidgeProblem
from ridgeway.statistics import Moments

__all__ = ["GridOptions", "RidgeSelection", "ridge_solver", "select_gcv_moments",
           "select_kfold_moments", "select_loo_pass", "select_ridge"]  # fmt: skip


@dataclass(frozen=True)
class GridOptions:
    """What the user asked of the selection (the estimator's parameters, checked here)."""

    l2: Any = None
    n_grid: int = 100
    cv: Any = "loo"
    rule: str = "min"
    per_target: bool = False
    #: report per-target curves (False when the metric scores all columns at once)
    per_target_curves: bool = True
    #: the noise standard deviation σ (cv="discrepancy")
    noise: Any = None


#: λ rules that read the spectrum alone (no held-out data): their scores are criterion values
CRITERIA = ("lcurve", "discrepancy")


@dataclass(frozen=True)
class RidgeSelection:
    """The selection result, the path (L, p, k; prior included) and the certified refit."""

    result: SelectionResult
    coef_path: np.ndarray
    solution: Solution
    l2: float | np.ndarray
    best_score: float | np.ndarray


def ridge_solver(name: str | None, problem: Problem) -> RidgeRoute:
    """The squared-loss route by name ("auto": the table's choice), checked on the problem."""
    solver = get_solver(name, problem)
    if not isinstance(solver, RidgeRoute):
        names = sorted(route.name for route in ROUTES)
        raise ValueError(f"solver must be 'auto' or one of {names}; got {name!r}")
    return solver


def _check_n_grid(n_grid: Any) -> int:
    if isinstance(n_grid, bool) or not isinstance(n_grid, Integral) or n_grid < 1:
        raise ValueError(f"n_grid must be an integer >= 1; got {n_grid!r}")
    return int(n_grid)


def spectrum_and_grid(
    route: Decomposer, rp: RidgeProblem, opts: GridOptions, total: Moments | None = None
) -> tuple[Spectrum, np.ndarray]:
    """One decomposition and the λ grid (from its eigenvalues when l2 is None).

    ``total``: moments already computed (k-fold), so that X is not read again."""
    grid = None if opts.l2 is None else check_l2_grid(opts.l2)
    spec = route.decompose(rp, np.inf if grid is None else float(grid[0]), total)
    if grid is not None:
        return spec, grid
    grid = df_grid(spec.eigenvalues, _check_n_grid(opts.n_grid))
    if not spec.accurate_at(float(grid[0])):  # the moments are reused; only the SVD is new
        spec = route.decompose(rp, float(grid[0]), spec.moments if rp.fit_intercept else None)
    return spec, grid


def select_ridge(
    problem: Problem, solver: str | None, opts: GridOptions, metric: Metric, groups: Any = None,
    y_for_split: Any = None,
) -> RidgeSelection:  # fmt: skip
    """Score the grid, choose λ per target under the rule, refit from the same spectrum."""
    rule = check_rule(opts.rule)
    rp = RidgeProblem.from_problem(problem)
    route = ridge_solver(solver, problem).spectrum_route
    if route is None:
        return select_krylov(rp, opts, metric, groups)
    if isinstance(opts.cv, str) and opts.cv in CRITERIA and y_for_split is None:
        spec, grid = spectrum_and_grid(route, rp, opts)
        mean = criterion_scores(spec, grid, opts)
        se, folds = np.full_like(mean, np.nan), None
        train = training_scores(spec, rp.X, rp.Y, rp.sample_weight, grid, metric)
    elif isinstance(opts.cv, str):
        if opts.cv not in ("loo", "gcv"):
            names = "'loo', 'gcv'" + (
                "" if y_for_split is not None else ", 'lcurve', 'discrepancy'"
            )
            raise ValueError(f"cv must be {names}, an int >= 2 or a splitter; got {opts.cv!r}")
        spec, grid = spectrum_and_grid(route, rp, opts)
        out = validation_pass(spec, rp.X, rp.Y, rp.sample_weight, grid, metric, opts.cv)
        mean, se, train, folds = out.mean, out.std_error, out.train, None
    else:
        spec, grid, fs = _kfold(route, problem, solver, rp, opts, metric, groups, y_for_split)
        mean, se, folds = fs.mean(), fs.std_error(), fs.scores
        train = training_scores(spec, rp.X, rp.Y, rp.sample_weight, grid, metric)
    result = _result(rp, opts, rule, grid, spec.df(grid), mean, se, train, folds)
    return _refit(rp, spec, result, opts)


def criterion_scores(spec: Spectrum, grid: np.ndarray, opts: GridOptions) -> np.ndarray:
    """Scores (L, k + 1), higher is better, of a rule that reads the spectrum alone.

    "lcurve": the L-curve's curvature κ(λ) (its largest value is the corner, Hansen & O'Leary
    1993). "discrepancy": −|RSS_w(λ)/W − σ²|, so that the best score is the λ whose mean
    squared residual meets the noise variance (Morozov's discrepancy principle).
    """
    if opts.cv == "lcurve":
        return with_average(curvature(spec, grid))
    noise = _check_noise(opts.noise)
    mean_squared = spec.rss(grid) / spec.weight_sum
    return with_average(-np.abs(mean_squared - noise**2))


def _check_noise(noise: Any) -> float:
    value = float(noise) if isinstance(noise, Real) and not isinstance(noise, bool) else np.nan
    if not np.isfinite(value) or value <= 0:
        raise ValueError(
            "noise must be a finite number > 0 (the noise standard deviation) for "
            f"cv='discrepancy'; got {noise!r}"
        )
    return value


def select_gcv_moments(
    rp: RidgeProblem, route: Decomposer, opts: GridOptions, metric: Metric
) -> RidgeSelection:
    """GCV(λ) = (RSS(λ)/W)/(1 − df(λ)/n)² from the spectrum of moments alone (no X).

    Exact LOO needs each sample's leverage, k-fold the folds' rows, and the per-sample
    standard error the residuals: none of these are in the moments."""
    if opts.cv != "gcv" or metric.name != "neg_mean_squared_error":
        raise ValueError(
            "fitting from moments allows cv='gcv' with the squared error only (exact LOO needs "
            f"every sample's leverage, k-fold the rows); got cv={opts.cv!r}, scoring "
            f"{metric.name!r}"
        )
    spec, grid = spectrum_and_grid(route, rp, opts, rp.moments)
    train, mean = with_average(-spec.rss(grid) / spec.weight_sum), with_average(-gcv(spec, grid))
    result = _result(rp, opts, check_rule(opts.rule), grid, spec.df(grid), mean,
                     np.full_like(mean, np.nan), train, None)  # fmt: skip
    return _refit(rp, spec, result, opts)


def select_kfold_moments(
    rp: RidgeProblem, route: Decomposer, opts: GridOptions, metric: Metric, held: list[Moments]
) -> RidgeSelection:
    """k-fold from the moments of each held-out fold alone (their merge is ``rp.moments``):
    a training fold is the total minus its block, and its squared error on the held-out
    block comes from the block's moments (:func:`held_out_mse`), as in memory."""
    if metric.name != "neg_mean_squared_error":
        raise ValueError(
            "k-fold from moments scores the squared error only (other metrics need the "
            f"held-out predictions); got scoring {metric.name!r}"
        )
    empty = [f for f, h in enumerate(held) if h.weight <= 0]
    if empty:
        raise ValueError(f"cross-validation fold {empty[0]} has no rows (or no positive weight)")
    assert rp.moments is not None
    total = rp.moments
    spec, grid = spectrum_and_grid(route, rp, opts, total)
    scores, weights = [], []
    for h in held:
        train = total.remove(h)
        l2_fold = fold_l2(grid, train.weight, total.weight)
        fold_spec = route.decompose(replace(rp, moments=train), float(l2_fold.min()), train)
        scores.append(with_average(-held_out_mse(fold_spec, h, l2_fold)))
        weights.append(h.weight)
    fs = FoldScores(np.asarray(scores), np.asarray(weights))
    train_score = with_average(-spec.rss(grid) / spec.weight_sum)
    result = _result(rp, opts, check_rule(opts.rule), grid, spec.df(grid), fs.mean(),
                     fs.std_error(), train_score, fs.scores)  # fmt: skip
    return _refit(rp, spec, result, opts)


def select_loo_pass(
    rp: RidgeProblem, route: Decomposer, opts: GridOptions, metric: Metric,
    loo_pass: Callable[[Spectrum, np.ndarray], tuple[np.ndarray, np.ndarray]],
) -> RidgeSelection:  # fmt: skip
    """Exact LOO where X is not at hand: ``loo_pass(spectrum, grid)`` reads the data once more
    for the leverages and returns the squared-error (mean, std_error), each (L, k + 1)."""
    if opts.cv != "loo" or metric.name != "neg_mean_squared_error":
        raise ValueError(
            f"a leverage pass scores cv='loo' with the squared error only; got cv={opts.cv!r}, "
            f"scoring {metric.name!r}"
        )
    spec, grid = spectrum_and_grid(route, rp, opts, rp.moments)
    mean, se = loo_pass(spec, grid)
    train = with_average(-spec.rss(grid) / spec.weight_sum)
    result = _result(rp, opts, check_rule(opts.rule), grid, spec.df(grid), mean, se, train,
                     None)  # fmt: skip
    return _refit(rp, spec, result, opts)


def _kfold(route, problem: Problem, solver, rp: RidgeProblem, opts, metric, groups, y_for_split):
    splitter = resolve_cv(opts.cv, classifier=y_for_split is not None)
    target = rp.Y if y_for_split is None else y_for_split
    folds = fold_indices(splitter, rp.X, target, groups)
    fold_route = _fold_route(problem, solver, folds)
    stats = fold_moments(rp.X, rp.Y, rp.sample_weight, folds) if fold_route.uses_moments else None
    spec, grid = spectrum_and_grid(route, rp, opts, None if stats is None else stats.total)
    kernel = None
    if fold_route.uses_kernel:
        kernel = _kernel_block(spec, rp)
    fs = kfold_path(fold_route, rp, grid, folds, metric, stats, kernel)
    return spec, grid, fs


def _fold_route(problem: Problem, solver, folds) -> Decomposer:
    """The table's route for the smallest training fold (as a weight view: X not copied)."""
    w = problem.sample_weight
    sizes = [tr.size if w is None else np.count_nonzero(w[tr]) for tr, _ in folds]
    train = folds[int(np.argmin(sizes))][0]
    view = np.zeros(problem.n_samples)
    view[train] = 1.0 if w is None else w[train]
    fold_route = ridge_solver(solver, replace(problem, sample_weight=view)).spectrum_route
    assert fold_route is not None  # krylov-cg was taken before (select_krylov)
    return fold_route


def _kernel_block(spec: Spectrum, rp: RidgeProblem) -> KernelBlock:
    """The whole data's kernel: the one the spectrum was built from, else formed once."""
    if isinstance(spec, KernelSpectrum) and spec.K is not None and spec.U is not None:
        return KernelBlock(spec.K, spec.U, spec.rows)  # reused, not formed again
    w = rp.sample_weight
    rows = np.arange(rp.X.shape[0]) if w is None else np.flatnonzero(w > 0)
    return KernelBlock.of(rp.X, rows, rp.form, rp.fit_intercept)


def _result(rp, opts, rule, grid, df, mean, se, train, folds) -> SelectionResult:
    """The SelectionResult; the last column of mean/se/train averages the targets."""
    k = rp.Y.shape[1]
    extra: dict[str, np.ndarray] = {}
    if k > 1 and opts.per_target_curves:
        extra.update(mean_score_per_target=mean[:, :-1], std_error_per_target=se[:, :-1],
                     train_score_per_target=train[:, :-1])  # fmt: skip
        if folds is not None:
            extra["fold_scores_per_target"] = folds[:, :, :-1].transpose(1, 0, 2)
    if opts.per_target and k > 1:
        index = np.array([select_index(grid, mean[:, j], se[:, j], rule) for j in range(k)])
    else:
        index = np.full(k, select_index(grid, mean[:, -1], se[:, -1], rule))
    return SelectionResult(
        l2=grid, mean_score=mean[:, -1], std_error=se[:, -1], train_score=train[:, -1], df=df,
        best_index=index, rule=rule, method=str(opts.cv) if isinstance(opts.cv, str) else "kfold",
        fold_scores=None if folds is None else folds[:, :, -1].T, extra=extra,
    )  # fmt: skip


def _chosen(result: SelectionResult, opts: GridOptions) -> tuple[Any, Any]:
    """l2_ and best_score_, shaped by the options, never by the data: with ``per_target``
    one λ and one score per target (arrays (k,), even when the targets agree); otherwise the
    shared λ and the target-averaged score at it (floats). A 1-D y is made float by the
    estimator."""
    index, chosen = result.best_index, result.chosen
    if opts.per_target:
        l2 = np.array(chosen, dtype=np.float64)
        curves = result.extra.get("mean_score_per_target")
        if curves is None:  # one target (its curve is the average) or no per-target curves
            return l2, np.asarray(result.mean_score[index], dtype=np.float64)
        return l2, curves[index, np.arange(index.size)]
    return float(chosen[0]), float(result.mean_score[index[0]])


def _refit(rp: RidgeProblem, spec: Spectrum, result: SelectionResult, opts) -> RidgeSelection:
    # one pass for the whole path; the chosen fit is its column at each target's best index
    path, path_intercept = spec.coef_path(result.l2)
    index, targets = result.best_index, np.arange(rp.Y.shape[1])
    coef, intercept = path[index, :, targets].T, path_intercept[index, targets]
    chosen = result.chosen
    solution = certify(rp, coef + rp.prior_column(), intercept, chosen, spec.method,
                       spec.moments, state=spec)  # fmt: skip
    solution = replace(solution, details={"df": spec.df(chosen[:1])})
    path = path + (0.0 if rp.prior is None else rp.prior[None, :, None])
    return RidgeSelection(result, path, solution, *_chosen(result, opts))


def select_krylov(rp: RidgeProblem, opts: GridOptions, metric: Metric, groups: Any = None):
    """Large sparse X: k-fold with conjugate gradients; no decomposition, so no LOO/GCV/df."""
    if isinstance(opts.cv, str):
        raise ValueError(
            f"cv={opts.cv!r} needs a decomposition, which sparse X of shape {rp.X.shape} is too "
            f"large for (both sides > {LIMITS.sparse_direct_max}); use k-fold, e.g. cv=5"
        )
    solver = KrylovRidge(rp.X, rp.sample_weight, rp.gamma, rp.fit_intercept)
    if opts.l2 is not None:
        grid = check_l2_grid(opts.l2)
    else:  # no eigenvalues: a log grid around the mean feature scatter
        scale = max(float(np.mean(solver.data_diag)), np.finfo(float).tiny)
        grid = np.geomspace(scale * 1e-4, scale * 1e4, _check_n_grid(opts.n_grid))
    folds = fold_indices(resolve_cv(opts.cv, classifier=False), rp.X, rp.Y, groups)
    fs: FoldScores = kfold_krylov(rp.X, rp.Y, rp.sample_weight, rp.gamma, rp.fit_intercept,
                                  grid, folds, metric)  # fmt: skip
    mean, se = fs.mean(), fs.std_error()
    index = select_index(grid, mean[:, -1], se[:, -1], check_rule(opts.rule))
    path, coef = [], None
    for j in np.argsort(grid)[::-1]:  # warm starts from large λ to small
        coef, intercept, residual, n_iter = solver.solve(rp.Y, grid[j], start=coef)
        path.append((j, coef, intercept, residual, n_iter))
    path.sort(key=lambda item: item[0])
    _, coef, intercept, residual, n_iter = path[index]
    nan = np.full(grid.size, np.nan)
    result = SelectionResult(
        l2=grid, mean_score=mean[:, -1], std_error=se[:, -1], train_score=nan, df=nan,
        best_index=np.full(rp.Y.shape[1], index), rule=opts.rule, method="kfold",
        fold_scores=fs.scores[:, :, -1].T,
    )  # fmt: skip
    solution = residual_solution("krylov-cg", coef + rp.prior_column(), intercept, residual,
                                 n_iter, float("nan"), df=np.array([np.nan]))  # fmt: skip
    stacked = np.stack([item[1] for item in path])
    stacked = stacked + (0.0 if rp.prior is None else rp.prior[None, :, None])
    return RidgeSelection(result, stacked, solution, float(grid[index]), float(mean[index, -1]))
