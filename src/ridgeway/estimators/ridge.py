"""Ridge regression and its exact, nearly free choice of λ (RidgeCV)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin

from ridgeway._validation import check_l2, check_targets, check_vector
from ridgeway.estimators._base import check_fit_input, check_predict_input, feature_moments
from ridgeway.penalties.l2 import penalty_operator
from ridgeway.solution import Solution
from ridgeway.solvers.spectral import (
    EPS,
    GRAM_ACCURACY,
    Spectrum,
    decompose,
    reduce_moments,
    solve_cholesky,
)
from ridgeway.solvers.spectral.kernel import solve_kernel_cholesky
from ridgeway.solvers.spectral.krylov import KrylovRidge, use_krylov
from ridgeway.solvers.spectral.standard_form import StandardForm, standard_form
from ridgeway.statistics import Moments, moments

__all__ = ["Ridge", "prepare"]

CERTIFICATE_TOL = 1e-6


@dataclass
class RidgeData:
    """A checked ridge problem: X, targets (n, k) shifted by the prior, weights, Γ's form."""

    X: Any
    Y: np.ndarray
    sample_weight: np.ndarray | None
    form: StandardForm
    gamma: Any
    prior: np.ndarray | None
    one_target: bool
    dtype: np.dtype


def prepare(estimator: Any, X: Any, y: Any, sample_weight: Any, min_samples: int = 1) -> RidgeData:
    """Checks, feature names, Γ (with standardization folded in) and the prior shift."""
    X, y, w = check_fit_input(estimator, X, y, sample_weight, min_samples=min_samples)
    Y = check_targets(y, X.shape[0])
    one_target = Y.ndim == 1
    Y = np.asarray(Y.reshape(X.shape[0], -1), dtype=np.float64)
    p = X.shape[1]
    scale = feature_moments(X, w)[1] if estimator.standardize else None
    gamma = penalty_operator(
        p, penalty_factor=estimator.penalty_factor, tikhonov=estimator.tikhonov, scale=scale
    )
    prior = None
    if estimator.prior is not None:
        prior = check_vector(estimator.prior, p, name="prior")
        Y = Y - np.asarray(X @ prior).reshape(-1, 1)
    return RidgeData(X, Y, w, standard_form(gamma, p), gamma, prior, one_target, X.dtype)


def needs_svd(spec: Spectrum, l2_min: float) -> bool:
    """Would the Gram-based spectrum lose more than GRAM_ACCURACY at λ = l2_min?"""
    if spec.method != "gram-eigh" or spec.sigma.size == 0:
        return False
    e = spec.eigenvalues
    return EPS * e.max() / (e.min() + l2_min) > GRAM_ACCURACY


def certify(
    data: RidgeData,
    coef: np.ndarray,
    intercept: np.ndarray,
    l2: np.ndarray,
    method: str,
    moments: Moments | None = None,
) -> Solution:
    """Relative KKT norm of the normal equations at (coef, intercept), coef (p, k).

    With the moments of a Gram route, (G + λΓᵀΓ)δ − c is formed from them in O(p²);
    otherwise from two passes over X.
    """
    if moments is not None:
        return _certify_from_moments(data, coef, intercept, l2, method, moments)
    X, Y, w = data.X, data.Y, data.sample_weight
    delta = coef - _prior(data)  # data.Y is already shifted by X·prior
    resid = np.asarray(X @ delta) + intercept - Y
    weighted = resid if w is None else resid * w[:, None]
    data_grad = np.asarray(X.T @ weighted)
    gd = delta if data.gamma is None else data.gamma @ delta
    pen_grad = (gd if data.gamma is None else data.gamma.T @ gd) * np.broadcast_to(
        l2, (coef.shape[1],)
    )
    grad = data_grad + pen_grad
    Yc = Y - (Y.mean(axis=0) if w is None else (w @ Y) / w.sum())
    scale = np.abs(np.asarray(X.T @ (Yc if w is None else Yc * w[:, None]))).max()
    scale = max(scale, np.abs(data_grad).max(), np.abs(pen_grad).max(), np.finfo(float).tiny)
    cert = float(np.abs(grad).max() / scale)
    objective = 0.5 * float(np.sum((resid**2) * (1.0 if w is None else w[:, None])))
    objective += 0.5 * float(np.sum(np.broadcast_to(l2, (coef.shape[1],)) * np.sum(gd * gd, 0)))
    return Solution(
        coef=coef,
        intercept=intercept,
        objective=objective,
        converged=cert <= CERTIFICATE_TOL,
        certificate=cert,
        certificate_name="relative KKT norm",
        solver=method,
        n_iter=1,
        tol=CERTIFICATE_TOL,
    )


def _certify_from_moments(data, coef, intercept, l2, method, m: Moments) -> Solution:
    delta = coef - _prior(data)
    l2 = np.broadcast_to(l2, (coef.shape[1],))
    gd = delta if data.gamma is None else data.gamma @ delta
    pen_grad = (gd if data.gamma is None else data.gamma.T @ gd) * l2
    G_delta = m.xx @ delta
    grad = G_delta + pen_grad - m.xy
    scale = max(np.abs(m.xy).max(), np.abs(G_delta).max(), np.abs(pen_grad).max(),
                np.finfo(float).tiny)  # fmt: skip
    cert = float(np.abs(grad).max() / scale)
    rss = m.yy - 2 * np.sum(delta * m.xy, axis=0) + np.sum(delta * G_delta, axis=0)
    objective = 0.5 * float(np.sum(rss) + np.sum(l2 * np.sum(gd * gd, axis=0)))
    return Solution(
        coef=coef, intercept=intercept, objective=objective, converged=cert <= CERTIFICATE_TOL,
        certificate=cert, certificate_name="relative KKT norm", solver=method, n_iter=1,
        tol=CERTIFICATE_TOL,
    )  # fmt: skip


def residual_solution(
    route: str,
    coef: np.ndarray,
    intercept: np.ndarray,
    residual: float,
    n_iter: int,
    objective: float,
) -> Solution:
    """A Solution certified by the relative residual of the normal equations."""
    return Solution(
        coef=coef, intercept=intercept, objective=objective,
        converged=residual <= CERTIFICATE_TOL, certificate=residual,
        certificate_name="relative residual of the normal equations", solver=route,
        n_iter=n_iter, tol=CERTIFICATE_TOL,
    )  # fmt: skip


class _RidgeBase(RegressorMixin, BaseEstimator):
    def _set_coef(self, data: RidgeData, coef: np.ndarray, intercept: np.ndarray) -> None:
        """coef (p, k) on the original scale, prior added back; stored sklearn-style."""
        if data.prior is not None:
            coef = coef + data.prior[:, None]
        dtype = data.dtype if data.dtype == np.float32 else np.float64
        self.coef_ = coef.T.astype(dtype)
        self.intercept_ = (
            np.asarray(intercept, dtype=dtype)
            if self.fit_intercept
            else (np.zeros(coef.shape[1], dtype=dtype))
        )
        if data.one_target:
            self.coef_ = self.coef_[0]
            self.intercept_ = self.intercept_[0]

    def _fit_data(self, data: RidgeData, l2: np.ndarray) -> None:
        """Fit a prepared problem at λ (scalar or one per target)."""
        l2 = np.asarray(l2, dtype=np.float64)
        if use_krylov(data.X):
            self._fit_krylov(data, l2)
            return
        n_pos = (
            data.X.shape[0] if data.sample_weight is None else np.count_nonzero(data.sample_weight)
        )
        m, solved, route = None, None, "gram-cholesky"
        if n_pos >= data.X.shape[1]:  # n ≥ p: a Cholesky per λ is cheaper than an eigh
            m = moments(data.X, data.Y, data.sample_weight)
            red = reduce_moments(m, data.form, self.fit_intercept)
            solved = solve_cholesky(red, data.form, self.fit_intercept, l2)
        else:  # n < p: the dual system, one n × n Cholesky per λ
            route = "kernel-cholesky"
            solved = solve_kernel_cholesky(
                data.X, data.Y, data.sample_weight, data.form, self.fit_intercept, l2
            )
        if solved is not None:
            coef, intercept, df, residual, objective = solved
            self._set_coef(data, coef, intercept)
            self.decomposition_ = route
            self.df_ = float(df[0])
            self.solution_ = residual_solution(
                route, coef + _prior(data), intercept, residual, 1, objective
            )
            return
        spec = decompose(
            data.X,
            data.Y,
            data.sample_weight,
            data.form,
            self.fit_intercept,
            float(l2.min()),
            m,
        )
        grid = l2.reshape(1, -1) if l2.ndim else l2.reshape(1)
        coef, intercept = spec.coef_path(grid)
        self._set_coef(data, coef[0], intercept[0])
        self.decomposition_ = spec.method
        self.df_ = float(spec.df(np.atleast_1d(l2)[:1])[0])
        self.solution_ = certify(
            data, coef[0] + _prior(data), intercept[0], l2, spec.method, spec.moments
        )

    def _fit_krylov(self, data: RidgeData, l2: np.ndarray) -> None:
        """Large sparse X: conjugate gradients on the normal equations (never densified)."""
        solver = KrylovRidge(data.X, data.sample_weight, data.gamma, self.fit_intercept)
        coef, intercept, residual, n_iter = solver.solve(data.Y, l2)
        self._set_coef(data, coef, intercept)
        self.decomposition_ = "krylov-cg"
        self.df_ = float("nan")  # tr(H) would need a decomposition
        self.solution_ = residual_solution(
            "krylov-cg", coef + _prior(data), intercept, residual, n_iter, float("nan")
        )

    def predict(self, X: Any) -> np.ndarray:
        """Predicted targets, shape (n,) or (n, n_targets)."""
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
        Objective and the relative KKT norm certifying the solution.
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
    ) -> None:
        self.l2 = l2
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.penalty_factor = penalty_factor
        self.tikhonov = tikhonov
        self.prior = prior

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> Ridge:
        """Fit on X (n, p) — dense, pandas or scipy.sparse — and y (n,) or (n, k)."""
        data = prepare(self, X, y, sample_weight)
        self._fit_data(data, check_l2(self.l2, n_targets=data.Y.shape[1]))
        return self


def _prior(data: RidgeData) -> np.ndarray | float:
    return 0.0 if data.prior is None else data.prior[:, None]
