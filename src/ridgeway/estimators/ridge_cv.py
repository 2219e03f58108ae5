"""RidgeCV: λ chosen by exact leave-one-out, GCV or k-fold, from one decomposition."""

from __future__ import annotations

from typing import Any

import numpy as np

from ridgeway.estimators._base import at_scale, fit_at_scale, keep_parameters
from ridgeway.estimators.ridge import _RidgeBase, moments_problem, ridge_problem
from ridgeway.selection.scoring import REGRESSION_METRICS, get_metric
from ridgeway.selection.spectral_cv import (
    GridOptions,
    RidgeSelection,
    select_gcv_moments,
    select_kfold_moments,
    select_loo_pass,
    select_ridge,
)
from ridgeway.solvers.spectral.routes import moments_route
from ridgeway.statistics import Moments

__all__ = ["RidgeCV", "SelectedRidge"]


class SelectedRidge(_RidgeBase):
    """What every ridge CV estimator does with a RidgeSelection."""

    def _grid_options(self, per_target: bool = False, **overrides: Any) -> GridOptions:
        return GridOptions(l2=self.l2, n_grid=self.n_grid, cv=self.cv, rule=self.rule,
                           per_target=per_target, **overrides)  # fmt: skip

    def _set_selection(self, sel: RidgeSelection, one_target: bool, dtype: Any) -> None:
        self._set_solution(sel.solution, one_target, dtype)
        self.coef_path_ = sel.coef_path[:, :, 0] if one_target else sel.coef_path.transpose(0, 2, 1)
        l2, best = sel.l2, sel.best_score
        if one_target:  # a 1-D y has one λ and one score, whatever per_target says
            l2, best = float(np.ravel(l2)[0]), float(np.ravel(best)[0])
        self.l2_, self.best_score_ = l2, best
        index = np.asarray(sel.result.best_index)  # (n_targets,): shaped like l2_
        self.best_index_ = int(index[0]) if np.ndim(l2) == 0 else index.astype(np.intp)
        self.selection_ = sel.result
        self.cv_results_ = sel.result.cv_results()


class RidgeCV(SelectedRidge):
    """Ridge regression with λ chosen on a grid by exact LOO, GCV or k-fold CV.

    Every λ of the grid, the exact leave-one-out residuals, GCV and the effective degrees of
    freedom come from one decomposition of the data (a Gram eigendecomposition for n ≥ p,
    the n × n kernel for n < p, or an SVD of X when the Gram would be too ill-conditioned);
    k-fold CV reads X once and downdates the Gram per fold. Sample weights are honoured in
    the fit, the grid, the leave-one-out / GCV formulas and the fold scores.

    Parameters
    ----------
    l2 : array-like or None
        The λ grid; None builds ``n_grid`` values evenly spaced in effective degrees of
        freedom, from nearly 0 to nearly all penalized directions.
    cv : "loo", "gcv", int or splitter
        Exact leave-one-out, generalized cross-validation (the real GCV, with tr(H)/n in
        place of each leverage), k-fold (unshuffled, like scikit-learn), or any scikit-learn
        splitter (``groups`` passed to ``fit``). Fold fits use λ·W_train/W. Two rules read
        the spectrum alone: "lcurve" (the corner of the L-curve, log ‖residual‖ against
        log ‖Γ(β − prior)‖: the λ of largest curvature) and "discrepancy" (the λ whose mean
        squared residual RSS_w/W is closest to ``noise``²). Their ``mean_score`` is the
        criterion, not a validation error: the curvature κ(λ), resp. −|RSS_w/W − noise²|
        (higher is better); they have no standard error, so ``rule`` must be "min".
    rule : "min" or "1se"
        Best mean score, or the largest λ within one standard error of it.
    per_target : bool
        With several targets, choose λ for each target separately (costs nothing extra).
    scoring : str or None
        "neg_mean_squared_error" (default), "neg_mean_absolute_error",
        "neg_root_mean_squared_error" or "r2"; higher is better. The last two are not means
        of per-sample scores: with LOO/GCV they have no standard error (rule="1se" then fails).
    n_grid : int
        Grid size when ``l2`` is None.
    noise : float or None
        The noise standard deviation σ of the targets, for ``cv="discrepancy"``.
    fit_intercept, standardize, penalty_factor, tikhonov, prior, solver : as in
        :class:`Ridge`; a Cholesky route hands selection its eigendecomposition.

    Attributes
    ----------
    l2_ : float, or array (n_targets,) with ``per_target=True`` and 2-D y — the chosen λ.
        The shape follows the parameters and y's dimension, never the data: with
        ``per_target=True`` a 2-D y gets one λ per target even when all targets agree.
    coef_, intercept_ : the refit at ``l2_`` on all data.
    cv_results_ : dict of arrays over the grid: ``l2``, ``mean_score``, ``std_error``,
        ``train_score``, ``gap`` (train − validation), ``df``, ``best_index``, and for k-fold
        ``fold_scores`` (n_grid, n_folds); per-target versions with several targets;
        ``index_min`` / ``index_1se`` (both rules' choices).
    selection_ : ridgeway.selection.result.SelectionResult, the typed form of cv_results_.
    coef_path_ : array (n_grid, n_features) or (n_grid, n_targets, n_features).
    best_index_ : int (or array (n_targets,), shaped like ``l2_``): the chosen grid index,
        ``cv_results_["l2"][best_index_] == l2_``.
    best_score_ : the validation score at the chosen λ, shaped like ``l2_``: per target with
        ``per_target=True`` and 2-D y, else the target-averaged score (a float).
    decomposition_, solution_ : as in :class:`Ridge`; ``solution_.state`` is the Spectrum.
    """

    def __init__(
        self,
        l2: Any = None,
        *,
        cv: Any = "loo",
        rule: str = "min",
        per_target: bool = False,
        scoring: str | None = None,
        n_grid: int = 100,
        fit_intercept: bool = True,
        standardize: bool = False,
        penalty_factor: Any = None,
        tikhonov: Any = None,
        prior: Any = None,
        solver: str = "auto",
        noise: float | None = None,
    ) -> None:
        keep_parameters(self, locals())

    def fit(self, X: Any, y: Any = None, sample_weight: Any = None, groups: Any = None) -> RidgeCV:
        """Choose λ and refit on all data. ``groups`` goes to a grouped splitter. Data at scale
        (a ridgeway.scale source, a Dask collection) is fitted by ridgeway.scale's passes."""
        if at_scale(X):
            return fit_at_scale(self, X, y, sample_weight, groups)
        metric = get_metric(self.scoring, REGRESSION_METRICS)
        problem, one_target = ridge_problem(self, X, y, sample_weight, min_samples=2)
        sel = select_ridge(
            problem,
            self.solver,
            self._grid_options(self.per_target, noise=self.noise),
            metric,
            groups,
        )
        self._set_selection(sel, one_target, problem.X.dtype)
        return self

    def fit_moments(
        self, moments: Moments, folds: list[Moments] | None = None, loo_pass: Any = None
    ) -> RidgeCV:
        """λ chosen from sufficient statistics: GCV from ``moments`` alone (the spectrum and
        RSS(λ)); k-fold from ``folds``, the moments of each held-out fold (``moments`` their
        merge); exact LOO with ``loo_pass(spectrum, grid) -> (mean, std_error)``, a second
        pass over the data for the leverages (ridgeway.scale provides it).

        Without ``folds`` or ``loo_pass``, ``cv`` must be "gcv"; scoring the squared error.
        """
        metric = get_metric(self.scoring, REGRESSION_METRICS)
        rp = moments_problem(self, moments, 0.0)
        self.n_features_in_ = rp.n_features
        route = moments_route(self.solver).spectrum_route
        assert route is not None  # the Gram routes decompose
        opts = self._grid_options(self.per_target)
        if folds is not None:
            held = folds if rp.prior is None else [f.with_offset(rp.prior) for f in folds]
            sel = select_kfold_moments(rp, route, opts, metric, held)
        elif loo_pass is not None:
            sel = select_loo_pass(rp, route, opts, metric, loo_pass)
        else:
            sel = select_gcv_moments(rp, route, opts, metric)
        self._set_selection(sel, rp.l2.size == 1, np.float64)
        return self
