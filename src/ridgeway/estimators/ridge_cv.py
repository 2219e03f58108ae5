"""RidgeCV: λ chosen by exact leave-one-out, GCV or k-fold, from one decomposition."""

from __future__ import annotations

from numbers import Integral
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator

from ridgeway._validation import check_l2_grid
from ridgeway.estimators.ridge import (
    RidgeData,
    _prior,
    _RidgeBase,
    certify,
    needs_svd,
    prepare,
    residual_solution,
)
from ridgeway.selection.grids import df_grid
from ridgeway.selection.kfold import fold_moments, kfold_krylov, kfold_path
from ridgeway.selection.rules import check_rule, select_index
from ridgeway.selection.scoring import REGRESSION_METRICS, Metric, get_metric
from ridgeway.selection.splits import fold_indices, resolve_cv
from ridgeway.selection.validation_pass import training_scores, validation_pass
from ridgeway.solvers.spectral import Spectrum, decompose, from_moments
from ridgeway.solvers.spectral.krylov import SPARSE_DIRECT_MAX, KrylovRidge, use_krylov
from ridgeway.statistics import Moments

__all__ = ["RidgeCV", "select_ridge"]


def _check_n_l2(n_l2: Any) -> int:
    if isinstance(n_l2, bool) or not isinstance(n_l2, Integral) or n_l2 < 1:
        raise ValueError(f"n_l2 must be an integer >= 1; got {n_l2!r}")
    return int(n_l2)


def _spectrum_and_grid(
    est: Any, data: RidgeData, total: Moments | None = None
) -> tuple[Spectrum, np.ndarray]:
    """One decomposition and the λ grid (built from its eigenvalues when l2 is None).

    ``total``: moments already computed (k-fold), so that X is not read again."""
    explicit = est.l2 is not None
    grid = check_l2_grid(est.l2) if explicit else None
    l2_min = float(grid[0]) if explicit else np.inf
    spec = None
    if total is not None:
        spec = from_moments(total, data.form, est.fit_intercept, l2_min)
    if spec is None:
        spec = decompose(data.X, data.Y, data.sample_weight, data.form, est.fit_intercept, l2_min)
    if explicit:
        return spec, grid
    grid = df_grid(spec.eigenvalues, _check_n_l2(est.n_l2))
    if needs_svd(spec, float(grid[0])):  # the moments are reused; only the SVD is new
        spec = decompose(
            data.X,
            data.Y,
            data.sample_weight,
            data.form,
            est.fit_intercept,
            float(grid[0]),
            spec.moments if est.fit_intercept else None,
        )
    return spec, grid


def select_ridge(
    est: Any, data: RidgeData, metric: Metric, groups: Any = None, y_for_split: Any = None
) -> tuple[Spectrum, dict, np.ndarray]:
    """Score the grid; returns the spectrum, cv_results_ and the chosen λ per target (k,)."""
    rule = check_rule(est.rule)
    cv = est.cv
    results: dict[str, Any] = {}
    if isinstance(cv, str):
        if cv not in ("loo", "gcv"):
            raise ValueError(f"cv must be 'loo', 'gcv', an int >= 2 or a splitter; got {cv!r}")
        spec, grid = _spectrum_and_grid(est, data)
        out = validation_pass(spec, data.X, data.Y, data.sample_weight, grid, metric, cv)
        mean, se, train = out.mean, out.std_error, out.train
    else:
        splitter = resolve_cv(cv, classifier=getattr(est, "_is_classifier_cv", False))
        target = data.Y if y_for_split is None else y_for_split
        folds = fold_indices(splitter, data.X, target, groups)
        s = data.sample_weight
        n_train = min(tr.size if s is None else np.count_nonzero(s[tr]) for tr, _ in folds)
        stats = fold_moments(data.X, data.Y, s, folds) if n_train >= data.X.shape[1] else None
        spec, grid = _spectrum_and_grid(est, data, None if stats is None else stats.total)
        kernel = (spec.dual["K"], spec.dual["U"]) if "K" in spec.dual else None
        fs = kfold_path(
            data.X, data.Y, s, data.form, est.fit_intercept, grid, folds, metric, stats, kernel
        )
        mean, se = fs.mean(), fs.std_error()
        train = training_scores(spec, data.X, data.Y, data.sample_weight, grid, metric)
        results["fold_scores"] = fs.scores[:, :, -1].T  # (n_l2, n_folds), grid first
        if data.Y.shape[1] > 1:
            results["fold_scores_per_target"] = fs.scores[:, :, :-1].transpose(1, 0, 2)
    results.update(l2=grid, df=spec.df(grid))
    k = data.Y.shape[1]
    results.update(mean_score=mean[:, -1], std_error=se[:, -1], train_score=train[:, -1])
    results["gap"] = results["train_score"] - results["mean_score"]
    if k > 1:
        results.update(
            mean_score_per_target=mean[:, :-1],
            std_error_per_target=se[:, :-1],
            train_score_per_target=train[:, :-1],
        )
    if getattr(est, "per_target", False) and k > 1:
        index = np.array([select_index(grid, mean[:, j], se[:, j], rule) for j in range(k)])
    else:
        index = np.full(k, select_index(grid, mean[:, -1], se[:, -1], rule))
    results["best_index"] = index
    return spec, results, grid[index]


class RidgeCV(_RidgeBase):
    """Ridge regression with λ chosen on a grid by exact LOO, GCV or k-fold CV.

    Every λ of the grid, the exact leave-one-out residuals, GCV and the effective degrees of
    freedom come from one decomposition of the data (a Gram eigendecomposition for n ≥ p,
    the n × n kernel for n < p, or an SVD of X when the Gram would be too ill-conditioned);
    k-fold CV reads X once and downdates the Gram per fold. Sample weights are honoured in
    the fit, the grid, the leave-one-out / GCV formulas and the fold scores.

    Parameters
    ----------
    l2 : array-like or None
        The λ grid; None builds ``n_l2`` values evenly spaced in effective degrees of
        freedom, from nearly 0 to nearly all penalized directions.
    cv : "loo", "gcv", int or splitter
        Exact leave-one-out, generalized cross-validation (the real GCV, with tr(H)/n in
        place of each leverage), k-fold (unshuffled, like scikit-learn), or any scikit-learn
        splitter (``groups`` passed to ``fit``). Fold fits use λ·W_train/W.
    rule : "min" or "1se"
        Best mean score, or the largest λ within one standard error of it.
    per_target : bool
        With several targets, choose λ for each target separately (costs nothing extra).
    scoring : str or None
        "neg_mean_squared_error" (default), "neg_mean_absolute_error",
        "neg_root_mean_squared_error" or "r2"; higher is better. The last two are not means
        of per-sample scores: with LOO/GCV they have no standard error (rule="1se" then fails).
    n_l2 : int
        Grid size when ``l2`` is None.
    fit_intercept, standardize, penalty_factor, tikhonov, prior : as in :class:`Ridge`.

    Attributes
    ----------
    l2_ : float or array (n_targets,) — the chosen λ.
    coef_, intercept_ : the refit at ``l2_`` on all data.
    cv_results_ : dict of arrays over the grid: ``l2``, ``mean_score``, ``std_error``,
        ``train_score``, ``gap`` (train − validation), ``df``, ``best_index``, and for k-fold
        ``fold_scores`` (n_l2, n_folds); per-target versions with several targets.
    coef_path_ : array (n_l2, n_features) or (n_l2, n_targets, n_features).
    best_score_ : the validation score at the chosen λ.
    decomposition_, solution_ : as in :class:`Ridge`.
    """

    def __init__(
        self,
        l2: Any = None,
        *,
        cv: Any = "loo",
        rule: str = "min",
        per_target: bool = False,
        scoring: str | None = None,
        n_l2: int = 100,
        fit_intercept: bool = True,
        standardize: bool = False,
        penalty_factor: Any = None,
        tikhonov: Any = None,
        prior: Any = None,
    ) -> None:
        self.l2 = l2
        self.cv = cv
        self.rule = rule
        self.per_target = per_target
        self.scoring = scoring
        self.n_l2 = n_l2
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.penalty_factor = penalty_factor
        self.tikhonov = tikhonov
        self.prior = prior

    def fit(self, X: Any, y: Any, sample_weight: Any = None, groups: Any = None) -> RidgeCV:
        """Choose λ and refit on all data. ``groups`` goes to a grouped splitter."""
        metric = get_metric(self.scoring, REGRESSION_METRICS)
        data = prepare(self, X, y, sample_weight, min_samples=2)
        if use_krylov(data.X):
            fit_krylov_cv(self, data, metric, groups)
            return self
        spec, results, chosen = select_ridge(self, data, metric, groups)
        fit_results(self, data, spec, results, chosen)
        return self


def fit_results(
    est: BaseEstimator, data: RidgeData, spec: Spectrum, results: dict, chosen: np.ndarray
) -> None:
    """Set l2_, coefficients at the chosen λ, the path and the certificate on ``est``."""
    # one pass for the whole path; the chosen fit is its column at each target's best index
    path, path_intercept = spec.coef_path(results["l2"])
    index = results["best_index"]
    targets = np.arange(data.Y.shape[1])
    coef, intercept = path[index, :, targets].T, path_intercept[index, targets]
    est._set_coef(data, coef, intercept)
    path = path + (0.0 if data.prior is None else data.prior[None, :, None])
    est.coef_path_ = path[:, :, 0] if data.one_target else path.transpose(0, 2, 1)
    same = np.all(chosen == chosen[0])
    est.l2_ = float(chosen[0]) if (same and not getattr(est, "per_target", False)) else chosen
    per_target = results.get("mean_score_per_target")
    if np.all(index == index[0]):
        est.best_score_ = float(results["mean_score"][index[0]])
    else:
        est.best_score_ = per_target[index, targets]
    est.cv_results_ = results
    est.decomposition_ = spec.method
    est.solution_ = certify(data, coef + _prior(data), intercept, chosen, spec.method, spec.moments)


def fit_krylov_cv(est: Any, data: RidgeData, metric: Metric, groups: Any = None) -> None:
    """Large sparse X: k-fold with conjugate gradients; no decomposition, so no LOO/GCV/df."""
    if isinstance(est.cv, str):
        raise ValueError(
            f"cv={est.cv!r} needs a decomposition, which sparse X of shape {data.X.shape} is too "
            f"large for (both sides > {SPARSE_DIRECT_MAX}); use k-fold, e.g. cv=5"
        )
    solver = KrylovRidge(data.X, data.sample_weight, data.gamma, est.fit_intercept)
    if est.l2 is not None:
        grid = check_l2_grid(est.l2)
    else:  # no eigenvalues: a log grid around the mean feature scatter
        scale = max(float(np.mean(solver.data_diag)), np.finfo(float).tiny)
        grid = np.geomspace(scale * 1e-4, scale * 1e4, _check_n_l2(est.n_l2))
    splitter = resolve_cv(est.cv, classifier=False)
    folds = fold_indices(splitter, data.X, data.Y, groups)
    fs = kfold_krylov(
        data.X, data.Y, data.sample_weight, data.gamma, est.fit_intercept, grid, folds, metric
    )
    mean, se = fs.mean(), fs.std_error()
    index = select_index(grid, mean[:, -1], se[:, -1], check_rule(est.rule))
    path, coef = [], None
    for j in np.argsort(grid)[::-1]:
        coef, intercept, residual, n_iter = solver.solve(data.Y, grid[j], start=coef)
        path.append((j, coef, intercept, residual, n_iter))
    path.sort(key=lambda item: item[0])
    _, coef, intercept, residual, n_iter = path[index]
    est._set_coef(data, coef, intercept)
    prior = 0.0 if data.prior is None else data.prior[None, :, None]
    stacked = np.stack([item[1] for item in path]) + prior
    est.coef_path_ = stacked[:, :, 0] if data.one_target else stacked.transpose(0, 2, 1)
    est.l2_ = float(grid[index])
    est.best_score_ = float(mean[index, -1])
    est.cv_results_ = {
        "l2": grid,
        "mean_score": mean[:, -1],
        "std_error": se[:, -1],
        "train_score": np.full(grid.size, np.nan),
        "gap": np.full(grid.size, np.nan),
        "df": np.full(grid.size, np.nan),
        "fold_scores": fs.scores[:, :, -1].T,
        "best_index": np.full(data.Y.shape[1], index),
    }
    est.decomposition_ = "krylov-cg"
    est.solution_ = residual_solution(
        "krylov-cg", coef + _prior(data), intercept, residual, n_iter, float("nan")
    )
