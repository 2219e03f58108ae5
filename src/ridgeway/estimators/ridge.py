"""Ridge regression: squared loss with an L2/Tikhonov penalty, Problem → solver → Solution.

The fitted model keeps what its solver computed: ``est.solution_`` is the certified Solution
and ``est.solution_.state`` the decomposition it came from — for the eigh/svd routes (and
every RidgeCV) a Spectrum with ``coef_path(l2)``, ``df(l2)`` and ``eigenvalues``; for
gram-cholesky the Moments. Outer layers (KPIs: the unregularized baseline at λ → 0,
conditioning, df) read it instead of refitting.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, cast

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin

from ridgeway._validation import check_l2, check_targets, check_vector
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
from ridgeway.penalties.l2 import L2Penalty, penalty_operator
from ridgeway.problem import Problem
from ridgeway.selection.spectral_cv import ridge_solver
from ridgeway.solution import Solution
from ridgeway.solvers.spectral import RidgeProblem
from ridgeway.solvers.spectral.routes import moments_route
from ridgeway.statistics import Moments, prepare_design

__all__ = ["Ridge", "ridge_problem"]


def ridge_problem(
    est: Any, X: Any, y: Any, sample_weight: Any, min_samples: int = 1
) -> tuple[Problem, bool]:
    """Checks, feature names, Γ (standardization folded in), prior: the Problem (y 2-D) and
    whether y was one target. λ is left 0: the caller sets it (or selects it)."""
    X, y, w = check_fit_input(est, X, y, sample_weight, min_samples=min_samples)
    Y = check_targets(y, X.shape[0])
    X, constants = prepare_design(X, w, est.fit_intercept)
    penalty = tikhonov_penalty(est, X.shape[1], feature_moments(X, w)[1] if est.standardize
                               else None)  # fmt: skip
    Y2 = np.asarray(Y.reshape(X.shape[0], -1), dtype=np.float64)
    if constants is not None and penalty.prior is not None:  # zeroed columns keep their prior
        Y2 = Y2 - float(constants @ penalty.prior)
    return Problem(X, Y2, SquaredLoss(), penalty, w, est.fit_intercept), Y.ndim == 1


def tikhonov_penalty(est: Any, p: int, scale: np.ndarray | None) -> L2Penalty:
    gamma = penalty_operator(p, penalty_factor=est.penalty_factor, tikhonov=est.tikhonov,
                             scale=scale)  # fmt: skip
    prior = None if est.prior is None else check_vector(est.prior, p, name="prior")
    return L2Penalty(0.0, gamma, prior)


def moments_problem(est: Any, m: Moments, l2: Any) -> RidgeProblem:
    """The estimator's penalty on data summarized by moments (standardization from them)."""
    p, k = m.xy.shape
    scale = np.sqrt(np.diag(m.xx) / m.weight) if est.standardize else None
    penalty = tikhonov_penalty(est, p, scale)
    l2 = check_l2(l2, n_targets=k)
    return RidgeProblem.from_moments(m, penalty.gamma, penalty.prior, l2, est.fit_intercept)


def with_l2(problem: Problem, l2: Any) -> Problem:
    """The same problem at λ = l2 (scalar, or one per target)."""
    return replace(problem, penalty=replace(cast(L2Penalty, problem.penalty), l2=l2))


class _RidgeBase(ParameterHints, RegressorMixin, BaseEstimator):
    def _set_solution(self, sol: Solution, one_target: bool, dtype: Any) -> None:
        """coef_ (k, p) / intercept_ (k,) sklearn-style from a Solution (coef (p, k))."""
        dtype = dtype if dtype == np.float32 else np.float64
        self.coef_ = np.asarray(sol.coef).T.astype(dtype)
        k = self.coef_.shape[0]
        self.intercept_ = np.asarray(sol.intercept if self.fit_intercept else np.zeros(k),
                                     dtype=dtype)  # fmt: skip
        if one_target:
            self.coef_, self.intercept_ = self.coef_[0], self.intercept_[0]
        self.decomposition_ = sol.solver
        self.df_ = float(sol.details["df"][0])
        self.solution_ = sol

    def predict(self, X: Any) -> np.ndarray:
        """Predicted targets, shape (n,) or (n, n_targets); lazy for a Dask collection."""
        if at_scale(X):
            return predict_at_scale(self, X)
        X = check_predict_input(self, X)
        return np.asarray(X @ self.coef_.T) + self.intercept_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.target_tags.multi_output = True
        return tags


class Ridge(_RidgeBase):
    """Ridge regression: minimize Σ s_i ½(y_i − x_iᵀβ − β₀)² + (l2/2)‖Γ(β − prior)‖².

    Parameters
    ----------
    l2 : float or array of shape (n_targets,)
        λ ≥ 0 (scikit-learn's ``alpha``); one per target for 2-D y. 0 is least squares
        (minimum-norm when the problem is underdetermined).
    fit_intercept : bool
        Fit an unpenalized intercept β₀.
    standardize : bool
        Penalize standardized features (weighted mean/std, glmnet's convention); ``coef_`` is
        still reported on the original scale.
    penalty_factor : array of shape (n_features,), optional
        Per-feature factors f_j ≥ 0: penalty (l2/2)Σ f_j β_j²; 0 leaves a feature unpenalized.
    tikhonov : {"identity", "diff1", "diff2"} or matrix (m, n_features), optional
        The Tikhonov operator Γ; its null space is unpenalized.
    prior : array of shape (n_features,), optional
        Centre β_prior of the penalty (default 0).
    solver : "auto" or a route name
        "auto" lets ``solvers/choose.py`` decide; or one of "gram-cholesky",
        "kernel-cholesky", "gram-eigh", "kernel-eigh", "svd", "krylov-cg".

    Attributes
    ----------
    coef_, intercept_ : the fitted coefficients (original feature scale).
    decomposition_ : str
        The route taken: "gram-cholesky" (n ≥ p: one Cholesky of the reduced Gram + λI),
        "kernel-cholesky" (n < p: one Cholesky of the n × n kernel + λI), "svd" (the SVD of
        X, when the Gram would square a bad condition number), "gram-eigh"/"kernel-eigh"
        (when a Cholesky is unsafe, e.g. λ = 0) or "krylov-cg" (sparse X with n and p both
        above 4000: conjugate gradients).
    solution_ : ridgeway.solution.Solution
        Objective and the relative KKT norm certifying the solution; ``solution_.state`` is
        the decomposition (see the module docstring).
    df_ : float
        Effective degrees of freedom tr(H) (intercept included), for one target's λ.
    """

    def __init__(
        self,
        l2: float | np.ndarray = 1.0,
        *,
        fit_intercept: bool = True,
        standardize: bool = False,
        penalty_factor: Any = None,
        tikhonov: Any = None,
        prior: Any = None,
        solver: str = "auto",
    ) -> None:
        keep_parameters(self, locals())

    def fit(self, X: Any, y: Any = None, sample_weight: Any = None) -> Ridge:
        """Fit on X (n, p) — dense, pandas or scipy.sparse — and y (n,) or (n, k); or on data
        at scale (a ridgeway.scale source, a Dask collection: see docs/scale.md)."""
        if at_scale(X):
            return fit_at_scale(self, X, y, sample_weight)
        problem, one_target = ridge_problem(self, X, y, sample_weight)
        problem = with_l2(problem, check_l2(self.l2, n_targets=problem.y.shape[1]))
        solution = ridge_solver(self.solver, problem).solve(problem)
        self._set_solution(solution, one_target, problem.X.dtype)
        return self

    def fit_moments(self, moments: Moments) -> Ridge:
        """Fit from sufficient statistics of (X, y) computed elsewhere (chunks, partitions).

        ``moments`` = ``Moments.from_data(X, y, sample_weight)`` or a merge of such; the fit
        equals ``fit(X, y, sample_weight)`` (a single target gives 1-D ``coef_``). Only the
        Gram routes can fit from moments.
        """
        rp = moments_problem(self, moments, self.l2)
        self.n_features_in_ = rp.n_features
        solution = moments_route(self.solver).solve_ridge(rp)
        self._set_solution(solution, rp.l2.size == 1, np.float64)
        return self
