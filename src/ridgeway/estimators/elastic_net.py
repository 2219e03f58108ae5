"""Elastic net and lasso: scikit-learn front-ends over coordinate descent.

Objective (DESIGN §1, squared loss, intercept never penalized):

    Σ_i s_i ½(y_i − x_iᵀβ − β₀)² + l1·Σ_j f_j|β_j| + (l2/2)·Σ_j f_j β_j²

With ``standardize=True`` the penalty acts on the standardized coefficients σ_j β_j (σ_j the
weighted standard deviation, as glmnet) while ``coef_`` stays on the original scale. To map
``l1``/``l2`` to scikit-learn's ``alpha``/``l1_ratio`` or glmnet's ``lambda``/``alpha`` use
:func:`ridgeway.conventions.to_sklearn_elastic_net` / :func:`~ridgeway.conventions.to_glmnet`.

Convergence is certified twice: the duality gap relative to the null-model objective
½ Σ s_i (y_i − ȳ)² (the objective at β = 0), ``dual_gap_ <= tol``, and the KKT violation
relative to max |X_cᵀS y_c|, ``kkt_violation_ <= 1e-2·tol`` (``solution_.certificate``).
``solver``: "auto" (the solver table: covariance updates "cd-gram" when n ≫ p, else residual
updates "cd-residual"; an exact ridge route when l1 = 0).
"""

from __future__ import annotations

import warnings
from dataclasses import replace
from typing import Any, cast

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import check_is_fitted

from ridgeway._validation import check_targets
from ridgeway.estimators._base import (
    ParameterHints,
    at_scale,
    check_fit_input,
    check_predict_input,
    feature_moments,
    fit_at_scale,
    keep_parameters,
    predict_at_scale,
)
from ridgeway.losses.squared import SquaredLoss
from ridgeway.penalties.elastic_net import (
    ElasticNetPenalty,
    check_l1,
    check_l1_share,
    check_penalty_factor,
)
from ridgeway.problem import Problem
from ridgeway.selection.elastic_net_cv import check_one_target, select_elastic_net
from ridgeway.selection.parameters import check_count, check_fraction
from ridgeway.selection.paths import solve_elastic_net_path
from ridgeway.selection.rules import check_rule
from ridgeway.selection.splits import resolve_cv
from ridgeway.solution import Solution
from ridgeway.solvers.choose import get_solver
from ridgeway.solvers.coordinate.descent import CoordinatePath
from ridgeway.solvers.coordinate.options import check_options
from ridgeway.statistics import prepare_design

__all__ = ["ElasticNet", "ElasticNetCV", "Lasso", "LassoCV", "elastic_net_path"]


class _LinearMixin(ParameterHints, RegressorMixin, BaseEstimator):
    """Shared input handling, the Problem, recording a Solution and predict."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    def _options(self) -> dict[str, Any]:
        return {**check_options(self.tol, self.max_iter), "solver": self.solver}

    def _problem(self, X, y, sample_weight, l1=0.0, l2=0.0, one_target: str = "") -> Problem:
        """The Problem at strengths (l1, l2); ``one_target`` (the caller's name): a 1-D y."""
        X, y, w = check_fit_input(self, X, y, sample_weight)
        y = check_targets(y, X.shape[0])
        X, _ = prepare_design(X, w, self.fit_intercept)
        y = check_one_target(y, one_target) if one_target else y
        factors = check_penalty_factor(self.penalty_factor, X.shape[1])
        scale = feature_moments(X, w)[1] if self.standardize else None
        penalty = ElasticNetPenalty(l1, l2, factors, self.positive, scale)
        return Problem(X, y, SquaredLoss(), penalty, w, self.fit_intercept)

    def _record(self, solutions: list[Solution], X: Any, multi_output: bool = False) -> None:
        self.solution_ = solutions[0]
        # float32 data give float32 coefficients (solved in float64, rounded once here)
        dtype = np.float32 if X.dtype == np.float32 else np.float64
        coef = np.array([s.coef for s in solutions], dtype=dtype)
        intercept = np.array([s.intercept for s in solutions], dtype=dtype)
        self.coef_ = coef if multi_output else coef[0]
        self.intercept_ = intercept if multi_output else intercept[0]
        self.n_iter_ = max(s.n_iter for s in solutions)
        # an exact ridge route (l1 = 0) has no gap of its own: its certificate stands in
        self.dual_gap_ = max(s.details.get("duality_gap", s.certificate) for s in solutions)
        self.kkt_violation_ = max(s.certificate for s in solutions)
        if not all(s.converged for s in solutions):
            warnings.warn(
                f"{solutions[0].solver} stopped at max_iter={self.max_iter} sweeps short of its "
                f"certificates: relative duality gap {self.dual_gap_:.3g} (tol={self.tol:g}), "
                f"relative KKT violation {self.kkt_violation_:.3g} "
                f"(tol={solutions[0].tol:g}); increase max_iter",
                ConvergenceWarning,
                stacklevel=3,
            )

    def predict(self, X: Any) -> np.ndarray:
        if at_scale(X):
            return predict_at_scale(self, X)
        check_is_fitted(self)
        X = check_predict_input(self, X)
        return np.asarray(X @ self.coef_.T).reshape(X.shape[0], *self.coef_.shape[:-1]) + (
            self.intercept_
        )


class ElasticNet(_LinearMixin):
    """Elastic net: Σ s_i ½(y_i − ŷ_i)² + l1·Σ f_j|β_j| + (l2/2)·Σ f_j β_j².

    Parameters
    ----------
    l1, l2 : strengths of the L1 and L2 parts (sum-loss convention, DESIGN §1). The defaults
        l1 = l2 = 1 are an even mix (l1_share = l1/(l1 + l2) = 0.5, ElasticNetCV's default and
        scikit-learn's l1_ratio = 0.5): an elastic net, not a lasso; :class:`Lasso` is l2 = 0.
    fit_intercept : fit an unpenalized β₀.
    standardize : penalize σ_j β_j (features on unit scale); ``coef_`` on the original scale.
    penalty_factor : per-feature factors f_j >= 0 (0: unpenalized), as glmnet's penalty.factor.
    positive : constrain β >= 0.
    tol : coordinate descent stops when the duality gap / null-model objective is <= tol and
        the relative KKT violation (max |∂P| / max |X_cᵀS y_c|) is <= 1e-2·tol: the gap
        bounds the objective, the KKT residual the coefficients (default: ~1e-7 relative).
    max_iter : most coordinate sweeps (10 000; glmnet allows 1e5: linear-rate CD on an
        ill-conditioned p ≳ n problem needs thousands to certify the KKT conditions).
    solver : "auto", "cd-gram" (covariance updates) or "cd-residual" (residual updates).

    Attributes
    ----------
    coef_, intercept_ : the fit; a 2-D ``y`` fits one model per column (``coef_`` (k, p)).
    n_iter_ : coordinate sweeps taken.
    dual_gap_ : the relative duality gap.
    kkt_violation_ : the relative KKT violation (the certificate).
    solution_ : ridgeway.solution.Solution

    Notes
    -----
    With ``l1 = 0`` (and no ``positive``) the problem is ridge: it goes to the exact ridge
    route (the solver table's choice for an L2Penalty), so the answer equals ``Ridge``'s.
    """

    # fmt: off
    def __init__(self, l1: float = 1.0, l2: float = 1.0, *, fit_intercept: bool = True,
                 standardize: bool = False, penalty_factor: Any = None, positive: bool = False,
                 tol: float = 1e-6, max_iter: int = 10_000, solver: str = "auto") -> None:
        keep_parameters(self, locals())
        # fmt: on

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def _strengths(self) -> tuple[float, float]:
        return check_l1(self.l1, "l1"), check_l1(self.l2, "l2")

    def fit(self, X: Any, y: Any = None, sample_weight: Any = None) -> ElasticNet:
        """Fit on X, y; data at scale (a ridgeway.scale source, Dask) from its Gram."""
        if at_scale(X):
            return fit_at_scale(self, X, y, sample_weight)
        problem = self._problem(X, y, sample_weight, *self._strengths())
        ridge = cast(ElasticNetPenalty, problem.penalty).ridge_equivalent(problem.n_features)
        if ridge is not None:  # l1 = 0: a ridge problem; the table gives it an exact route
            problem = replace(problem, penalty=ridge)
        options = self._options()
        name = options.pop("solver")
        columns = problem.y.reshape(problem.n_samples, -1).T
        targets = [replace(problem, y=target) for target in columns]
        solutions = [get_solver(name, pb).solve(pb, **options) for pb in targets]
        self._record(solutions, problem.X, multi_output=problem.y.ndim == 2)
        return self


class Lasso(ElasticNet):
    """Lasso: Σ s_i ½(y_i − ŷ_i)² + l1·Σ f_j|β_j| — :class:`ElasticNet` with l2 = 0."""

    # fmt: off
    def __init__(self, l1: float = 1.0, *, fit_intercept: bool = True,
                 standardize: bool = False, penalty_factor: Any = None, positive: bool = False,
                 tol: float = 1e-6, max_iter: int = 10_000, solver: str = "auto") -> None:
        keep_parameters(self, locals())
        # fmt: on

    def _strengths(self) -> tuple[float, float]:
        return check_l1(self.l1, "l1"), 0.0


class ElasticNetCV(_LinearMixin):
    """Elastic net with (l1, l2) chosen by k-fold cross-validation along a path.

    For each mix ``l1_share`` = l1/(l1 + l2) in (0, 1] (a number or a list), a grid of
    ``n_grid`` total strengths λ = l1 + l2 from λ_max (the smallest that zeroes every penalized
    coefficient) down to ``eps``·λ_max, log-spaced (``eps`` None: glmnet's 1e-4 when n ≥ p,
    1e-2 when n < p). Folds fit with the penalty scaled by
    W_train/W so the choice transfers to the full refit. ``rule`` picks within the mix whose
    best mean score is highest: ``"min"`` the best score, ``"1se"`` the largest λ within one
    standard error of it. ``scoring`` follows scikit-learn's sign (default neg MSE).
    ``solver`` as in :class:`ElasticNet`.

    Attributes: ``l1_``, ``l2_``, ``l1_share_``, ``coef_``, ``intercept_``, ``coef_path_``
    ((L, p), or (M, L, p) for M mixes), ``best_index_``, ``best_score_`` (the mean validation
    score there), ``n_iter_``, ``dual_gap_``,
    ``solution_``, ``selection_`` (the :class:`~ridgeway.selection.result.SelectionResult` of
    the chosen mix, its grid the total strength) and ``cv_results_`` with keys ``l1``,
    ``l2``, ``l1_share``, ``mean_score``, ``std_error`` (standard error over folds),
    ``train_score`` (the full-data fit scored on the data), ``gap``, ``df`` and ``n_nonzero``
    (non-zero coefficients), ``fold_scores`` (…, K), ``dual_gap``, ``best_index``,
    ``index_min`` and ``index_1se``. Arrays have a leading mix axis only when ``l1_share`` is
    a list (then ``index_min``/``index_1se`` are (mix, index) within the chosen mix).
    """

    # fmt: off
    def __init__(self, l1_share: Any = 0.5, *, n_grid: int = 100, eps: float | None = None,
                 cv: Any = 5, rule: str = "min", scoring: str | None = None,
                 fit_intercept: bool = True, standardize: bool = False, penalty_factor: Any = None,
                 positive: bool = False,
                 tol: float = 1e-6, max_iter: int = 10_000, solver: str = "auto") -> None:
        keep_parameters(self, locals())
        # fmt: on

    def _shares(self) -> tuple[np.ndarray, bool]:
        """The mixes to try, and whether one was given as a plain number."""
        return check_l1_share(self.l1_share), np.ndim(self.l1_share) == 0

    def _check_cv_parameters(self) -> None:
        """Every λ-search setting, checked in one place before the data."""
        check_count(self.n_grid, "n_grid")
        if self.eps is not None:
            check_fraction(self.eps, "eps")
        check_rule(self.rule)
        resolve_cv(self.cv)

    def fit(
        self, X: Any, y: Any = None, sample_weight: Any = None, groups: Any = None
    ) -> ElasticNetCV:
        """Choose (l1, l2) by k-fold CV and refit; data at scale from per-fold Grams."""
        if at_scale(X):
            return fit_at_scale(self, X, y, sample_weight, groups)
        self._check_cv_parameters()
        (shares, single), options = self._shares(), self._options()
        problem = self._problem(X, y, sample_weight, one_target=type(self).__name__)
        choice = select_elastic_net(
            problem, shares, single=single, cv=self.cv, groups=groups, rule=self.rule,
            scoring=self.scoring, owner=type(self).__name__, n_grid=self.n_grid, eps=self.eps,
            **options,
        )  # fmt: skip
        self.selection_ = choice.selection
        self.cv_results_ = choice.selection.cv_results()
        self.coef_path_, self.best_index_ = choice.coef_path, choice.best_index
        self.best_score_ = float(choice.selection.mean_score[choice.selection.best_index[0]])
        if problem.X.dtype == np.float32:
            self.coef_path_ = self.coef_path_.astype(np.float32)
        self.l1_share_, self.l1_, self.l2_ = choice.l1_share, choice.l1, choice.l2
        self._record([choice.solution], problem.X)
        return self


class LassoCV(ElasticNetCV):
    """Lasso with l1 chosen by k-fold cross-validation: :class:`ElasticNetCV` with share 1."""

    # fmt: off
    def __init__(self, *, n_grid: int = 100, eps: float | None = None, cv: Any = 5,
                 rule: str = "min", scoring: str | None = None, fit_intercept: bool = True,
                 standardize: bool = False, penalty_factor: Any = None, positive: bool = False,
                 tol: float = 1e-6, max_iter: int = 10_000, solver: str = "auto") -> None:
        keep_parameters(self, locals())
        # fmt: on

    def _shares(self) -> tuple[np.ndarray, bool]:
        return np.ones(1), True


# fmt: off
def elastic_net_path(X: Any, y: Any, *, l1_share: float = 1.0, n_grid: int = 100,
                     eps: float | None = None, sample_weight: Any = None,
                     fit_intercept: bool = True, standardize: bool = False,
                     penalty_factor: Any = None, positive: bool = False, tol: float = 1e-6,
                     max_iter: int = 10_000, solver: str = "auto",
                     ) -> tuple[np.ndarray, np.ndarray, CoordinatePath]:
    # fmt: on
    """The whole path for one mix: ``(l1, l2, result)`` with ``result.coef`` of shape (L, p).

    The grid runs from λ_max (every penalized coefficient zero) down to eps·λ_max in total
    strength λ = l1 + l2, with l1 = l1_share·λ; warm starts along it, each point certified by
    the relative duality gap (``result.gap``) and the relative KKT violation (``result.kkt``);
    ``result.solution(k)`` is point k's Solution.
    """
    share = float(check_l1_share(l1_share)[0])
    model = ElasticNet(
        fit_intercept=fit_intercept, standardize=standardize, positive=positive,
        penalty_factor=penalty_factor, tol=tol, max_iter=max_iter, solver=solver,
    )  # fmt: skip
    problem = model._problem(X, y, sample_weight, one_target="elastic_net_path")
    found = solve_elastic_net_path(problem, share, n_grid=n_grid, eps=eps, **model._options())
    return found.l1, found.l2, found.path
