"""Elastic net and lasso: scikit-learn front-ends over coordinate descent.

Objective (DESIGN §1, squared loss, intercept never penalized):

    Σ_i s_i ½(y_i − x_iᵀβ − β₀)² + l1·Σ_j f_j|β_j| + (l2/2)·Σ_j f_j β_j²

With ``standardize=True`` the penalty acts on the standardized coefficients σ_j β_j (σ_j the
weighted standard deviation, as glmnet) while ``coef_`` stays on the original scale. To map
``l1``/``l2`` to scikit-learn's ``alpha``/``l1_ratio`` or glmnet's ``lambda``/``alpha`` use
:func:`ridgeway.conventions.to_sklearn_elastic_net` / :func:`~ridgeway.conventions.to_glmnet`.

Convergence is certified by the duality gap relative to the null-model objective
½ Σ s_i (y_i − ȳ)² (the objective at β = 0): ``dual_gap_ <= tol``.
"""

from __future__ import annotations

import warnings
from numbers import Integral
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.exceptions import ConvergenceWarning, DataConversionWarning
from sklearn.utils.validation import check_is_fitted

from ridgeway._validation import check_targets
from ridgeway.estimators._base import check_fit_input, check_predict_input, feature_moments
from ridgeway.penalties.elastic_net import (
    ElasticNetPenalty,
    check_l1,
    check_l1_share,
    check_penalty_factor,
)
from ridgeway.selection.elastic_net_cv import cross_validate_paths
from ridgeway.selection.paths import default_eps, l1_max, log_grid
from ridgeway.selection.rules import check_rule, select_index
from ridgeway.selection.scoring import get_metric
from ridgeway.selection.splits import fold_indices, resolve_cv
from ridgeway.solution import Solution
from ridgeway.solvers.coordinate.descent import PathResult, null_gradient, solve_path
from ridgeway.solvers.coordinate.designs import make_design, use_gram

__all__ = ["ElasticNet", "ElasticNetCV", "Lasso", "LassoCV", "elastic_net_path"]


def _check_tol_iter(tol: Any, max_iter: Any) -> tuple[float, int]:
    if isinstance(tol, bool) or not isinstance(tol, (int, float)) or not (0 < tol < 1):
        raise ValueError(f"tol must be a number in (0, 1); got {tol!r}")
    if isinstance(max_iter, bool) or not isinstance(max_iter, Integral) or max_iter < 1:
        raise ValueError(f"max_iter must be an integer >= 1; got {max_iter!r}")
    return float(tol), int(max_iter)


class _LinearMixin(RegressorMixin, BaseEstimator):
    """Shared input handling, weights and predict for the four estimators."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    def _setup(self, X, y, sample_weight, min_samples: int = 1):
        X, y, w = check_fit_input(self, X, y, sample_weight, min_samples=min_samples)
        y = check_targets(y, X.shape[0])
        tol, max_iter = _check_tol_iter(self.tol, self.max_iter)
        factors = check_penalty_factor(self.penalty_factor, X.shape[1])
        scale = feature_moments(X, w)[1] if self.standardize else None
        a, b = ElasticNetPenalty(0.0, 0.0, factors).coordinate_weights(X.shape[1], scale)
        s = np.ones(X.shape[0]) if w is None else w
        return X, y, s, a, b, tol, max_iter

    def _record(self, path: PathResult, index: int, tol: float, solver: str) -> None:
        self.coef_ = path.coef[index].copy()
        self.intercept_ = float(path.intercept[index]) if self.fit_intercept else 0.0
        self.n_iter_ = int(path.n_iter[index])
        self.dual_gap_ = float(path.gap[index])
        self.solution_ = _solution(path, index, tol, solver)
        if not path.converged[index]:
            warnings.warn(
                f"coordinate descent stopped at max_iter={self.max_iter} sweeps with relative "
                f"duality gap {self.dual_gap_:.3g} > tol={tol:g}; increase max_iter",
                ConvergenceWarning,
                stacklevel=3,
            )

    def predict(self, X: Any) -> np.ndarray:
        check_is_fitted(self)
        X = check_predict_input(self, X)
        return np.asarray(X @ self.coef_.T).reshape(X.shape[0], *self.coef_.shape[:-1]) + (
            self.intercept_
        )


def _solver_name(X) -> str:
    form = "gram" if use_gram(*X.shape) else ("sparse" if sp.issparse(X) else "dense")
    return f"coordinate_descent ({form})"


def _solution(path: PathResult, index: int, tol: float, solver: str) -> Solution:
    return Solution(
        coef=path.coef[index].copy(),
        intercept=float(path.intercept[index]),
        objective=float(path.objective[index]),
        converged=bool(path.converged[index]),
        certificate=float(path.gap[index]),
        certificate_name="duality gap / null-model objective",
        solver=solver,
        n_iter=int(path.n_iter[index]),
        tol=tol,
        details={"null_objective": path.null_objective},
    )


class ElasticNet(_LinearMixin):
    """Elastic net: Σ s_i ½(y_i − ŷ_i)² + l1·Σ f_j|β_j| + (l2/2)·Σ f_j β_j².

    Parameters
    ----------
    l1, l2 : strengths of the L1 and L2 parts (sum-loss convention, DESIGN §1).
    fit_intercept : fit an unpenalized β₀.
    standardize : penalize σ_j β_j (features on unit scale); ``coef_`` on the original scale.
    penalty_factor : per-feature factors f_j >= 0 (0: unpenalized), as glmnet's penalty.factor.
    positive : constrain β >= 0.
    tol : duality gap / null-model objective at which coordinate descent stops.
    max_iter : most coordinate sweeps.

    Attributes: ``coef_``, ``intercept_``, ``n_iter_``, ``dual_gap_`` (relative), ``solution_``.
    A 2-D ``y`` fits one model per column (``coef_`` of shape (k, p)).
    """

    def __init__(
        self,
        l1: float = 1.0,
        l2: float = 0.0,
        *,
        fit_intercept: bool = True,
        standardize: bool = False,
        penalty_factor: Any = None,
        positive: bool = False,
        tol: float = 1e-6,
        max_iter: int = 1000,
    ) -> None:
        self.l1 = l1
        self.l2 = l2
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.penalty_factor = penalty_factor
        self.positive = positive
        self.tol = tol
        self.max_iter = max_iter

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def _strengths(self) -> tuple[float, float]:
        return check_l1(self.l1, "l1"), check_l1(self.l2, "l2")

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> ElasticNet:
        l1, l2 = self._strengths()
        X, y, s, a, b, tol, max_iter = self._setup(X, y, sample_weight)
        columns = y.reshape(y.shape[0], -1).T
        fits = []
        for target in columns:
            design = make_design(X, target, s, self.fit_intercept)
            path = solve_path(
                design, [l1], [l2], a, b, positive=self.positive, tol=tol, max_iter=max_iter
            )
            fits.append(path)
        solver = _solver_name(X)
        self._record(fits[0], 0, tol, solver)
        if y.ndim == 2:
            self.coef_ = np.array([f.coef[0] for f in fits])
            self.intercept_ = np.array([f.intercept[0] for f in fits])
            if not self.fit_intercept:
                self.intercept_ = np.zeros(len(fits))
            self.n_iter_ = int(max(f.n_iter[0] for f in fits))
            self.dual_gap_ = float(max(f.gap[0] for f in fits))
        return self


class Lasso(ElasticNet):
    """Lasso: Σ s_i ½(y_i − ŷ_i)² + l1·Σ f_j|β_j| — :class:`ElasticNet` with l2 = 0."""

    def __init__(
        self,
        l1: float = 1.0,
        *,
        fit_intercept: bool = True,
        standardize: bool = False,
        penalty_factor: Any = None,
        positive: bool = False,
        tol: float = 1e-6,
        max_iter: int = 1000,
    ) -> None:
        self.l1 = l1
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.penalty_factor = penalty_factor
        self.positive = positive
        self.tol = tol
        self.max_iter = max_iter

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

    Attributes: ``l1_``, ``l2_``, ``l1_share_``, ``coef_``, ``intercept_``, ``coef_path_``
    ((L, p), or (M, L, p) for M mixes), ``best_index_``, ``n_iter_``, ``dual_gap_``,
    ``solution_`` and ``cv_results_`` with keys ``l1``, ``l2``, ``l1_share``,
    ``mean_score``, ``std_error`` (standard error over folds), ``train_score`` (the full-data
    fit scored on the data), ``df`` and ``n_nonzero`` (non-zero coefficients),
    ``fold_scores`` (…, K) and ``dual_gap``. Arrays have a leading mix axis only when
    ``l1_share`` is a list.
    """

    def __init__(
        self,
        l1_share: Any = 0.5,
        *,
        n_grid: int = 100,
        eps: float | None = None,
        cv: Any = 5,
        rule: str = "min",
        scoring: str | None = None,
        fit_intercept: bool = True,
        standardize: bool = False,
        penalty_factor: Any = None,
        positive: bool = False,
        tol: float = 1e-6,
        max_iter: int = 1000,
    ) -> None:
        self.l1_share = l1_share
        self.n_grid = n_grid
        self.eps = eps
        self.cv = cv
        self.rule = rule
        self.scoring = scoring
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.penalty_factor = penalty_factor
        self.positive = positive
        self.tol = tol
        self.max_iter = max_iter

    def _shares(self) -> tuple[np.ndarray, bool]:
        """The mixes to try, and whether one was given as a plain number."""
        return check_l1_share(self.l1_share), np.ndim(self.l1_share) == 0

    def fit(self, X: Any, y: Any, sample_weight: Any = None, groups: Any = None) -> ElasticNetCV:
        shares, single = self._shares()
        check_rule(self.rule)
        metric = get_metric(self.scoring)
        X, y, s, a, b, tol, max_iter = self._setup(X, y, sample_weight)
        if y.ndim == 2 and y.shape[1] == 1:
            warnings.warn(
                "A column-vector y was passed when a 1d array was expected; using y.ravel()",
                DataConversionWarning,
                stacklevel=2,
            )
            y = y.ravel()
        if y.ndim != 1:
            raise ValueError(f"{type(self).__name__} needs a 1-D y; got shape {y.shape}")
        splitter = resolve_cv(self.cv)
        k = splitter.get_n_splits(X, y, groups)
        if X.shape[0] < k:
            raise ValueError(
                f"{type(self).__name__} with cv={k} folds needs at least {k} samples; "
                f"got {X.shape[0]} sample{'s' if X.shape[0] != 1 else ''}"
            )
        folds = fold_indices(splitter, X, y, groups)
        result = cross_validate_paths(
            X, y, s, folds, metric, shares, l1_weight=a, l2_weight=b,
            fit_intercept=self.fit_intercept, n_grid=self.n_grid,
            eps=default_eps(*X.shape) if self.eps is None else self.eps,
            positive=self.positive, tol=tol, max_iter=max_iter,
        )  # fmt: skip
        self._choose(result, tol, _solver_name(X), single=single)
        return self

    def _choose(self, result, tol: float, solver: str, single: bool) -> None:
        mean = np.nanmean(result.fold_scores, axis=2)
        K = result.fold_scores.shape[2]
        se = np.nanstd(result.fold_scores, axis=2, ddof=1) / np.sqrt(K)
        m = int(np.argmax(np.nanmax(np.where(np.isfinite(mean), mean, -np.inf), axis=1)))
        index = select_index(result.grid[m], mean[m], se[m], self.rule)
        nonzero = np.array([(path.coef != 0).sum(axis=1) for path in result.paths])
        squeeze = (lambda v: v[0]) if single else (lambda v: v)
        self.cv_results_ = {
            "l1": squeeze(result.l1),
            "l2": squeeze(result.l2),
            "l1_share": result.l1_share[0] if single else result.l1_share,
            "mean_score": squeeze(mean),
            "std_error": squeeze(se),
            "train_score": squeeze(result.train_score),
            "df": squeeze(nonzero),
            "n_nonzero": squeeze(nonzero),
            "fold_scores": squeeze(result.fold_scores),
            "dual_gap": squeeze(np.array([path.gap for path in result.paths])),
        }
        self.coef_path_ = squeeze(np.array([path.coef for path in result.paths]))
        self.best_index_ = index if single else (m, index)
        self.l1_share_ = float(result.l1_share[m])
        self.l1_ = float(result.l1[m, index])
        self.l2_ = float(result.l2[m, index])
        self._record(result.paths[m], index, tol, solver)


class LassoCV(ElasticNetCV):
    """Lasso with l1 chosen by k-fold cross-validation: :class:`ElasticNetCV` with share 1."""

    def __init__(
        self,
        *,
        n_grid: int = 100,
        eps: float | None = None,
        cv: Any = 5,
        rule: str = "min",
        scoring: str | None = None,
        fit_intercept: bool = True,
        standardize: bool = False,
        penalty_factor: Any = None,
        positive: bool = False,
        tol: float = 1e-6,
        max_iter: int = 1000,
    ) -> None:
        self.n_grid = n_grid
        self.eps = eps
        self.cv = cv
        self.rule = rule
        self.scoring = scoring
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.penalty_factor = penalty_factor
        self.positive = positive
        self.tol = tol
        self.max_iter = max_iter

    def _shares(self) -> tuple[np.ndarray, bool]:
        return np.ones(1), True


def elastic_net_path(
    X: Any,
    y: Any,
    *,
    l1_share: float = 1.0,
    n_grid: int = 100,
    eps: float | None = None,
    sample_weight: Any = None,
    fit_intercept: bool = True,
    standardize: bool = False,
    penalty_factor: Any = None,
    positive: bool = False,
    tol: float = 1e-6,
    max_iter: int = 1000,
) -> tuple[np.ndarray, np.ndarray, PathResult]:
    """The whole path for one mix: ``(l1, l2, result)`` with ``result.coef`` of shape (L, p).

    The grid runs from λ_max (every penalized coefficient zero) down to eps·λ_max in total
    strength λ = l1 + l2, with l1 = l1_share·λ; warm starts along it, each point certified by
    the relative duality gap (``result.gap``).
    """
    share = float(check_l1_share(l1_share)[0])
    model = ElasticNet(
        fit_intercept=fit_intercept, standardize=standardize, penalty_factor=penalty_factor,
        positive=positive, tol=tol, max_iter=max_iter,
    )  # fmt: skip
    X, y, s, a, b, tol, max_iter = model._setup(X, y, sample_weight)
    if y.ndim != 1:
        raise ValueError(f"elastic_net_path needs a 1-D y; got shape {y.shape}")
    design = make_design(X, y, s, fit_intercept)
    eps = default_eps(*X.shape) if eps is None else eps
    grid = log_grid(l1_max(null_gradient(design, a), a, positive=positive) / share, n_grid, eps)
    l1, l2 = share * grid, (1.0 - share) * grid
    path = solve_path(design, l1, l2, a, b, positive=positive, tol=tol, max_iter=max_iter)
    return l1, l2, path
