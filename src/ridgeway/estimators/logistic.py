"""L2-regularized logistic regression, and its cross-validated λ (k-fold or ALO)."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from ridgeway._validation import check_l2
from ridgeway.estimators._base import at_scale, fit_at_scale, predict_at_scale
from ridgeway.estimators._linear_classifier import PATH_TOL, LinearClassifier
from ridgeway.losses.logistic import LogisticLoss
from ridgeway.selection.classification_scoring import get_classification_metric
from ridgeway.selection.classifier_task import Family

__all__ = ["PATH_TOL", "LogisticRegression", "LogisticRegressionCV"]

MULTICLASS = ("multinomial", "ovr")


class LogisticRegression(LinearClassifier, ClassifierMixin, BaseEstimator):
    """Logistic regression with the L2 penalty (l2/2)·‖Γβ‖²; the intercept is never penalized.

    Minimizes Σ s_i ℓ(y_i, x_iᵀβ + β₀) + (l2/2)‖Γβ‖² with ℓ the negative log-likelihood
    (binary or multinomial). ``l2`` is scikit-learn's 1/C (conventions.to_sklearn_C).

    Parameters
    ----------
    l2 : float >= 0, the penalty strength λ.
    fit_intercept : bool, fit an unpenalized intercept.
    standardize : bool, penalize coefficients on the scale of standardized features
        (Γ·diag(sd)); coefficients are still reported on the original scale.
    penalty_factor : per-feature factors f (penalty (l2/2)Σ f_j β_j²; 0 leaves a feature free).
    tikhonov : a Γ matrix or a name ("identity", "diff1", "diff2"); not with penalty_factor.
    class_weight : None, "balanced" or {class: weight}; multiplies sample weights.
    multiclass : "multinomial" (one softmax problem) or "ovr" (one binary problem per class).
    solver : "auto" (a table chooses: Newton-Cholesky for moderate p, Newton-CG for large),
        "newton-cholesky", "newton-cg" or "lbfgs".
    tol : relative gradient norm ‖∇f‖_∞/‖∇loss(0)‖_∞ that certifies convergence.
    max_iter : iteration cap; None takes the solver's default (Newton 100, which it never
        needs; L-BFGS 10 000).

    Attributes
    ----------
    coef_ : (1, p) for two classes, (k, p) otherwise; intercept_ : (1,) or (k,).
    classes_ : the labels. solution_ : ridgeway.solution.Solution with the certificate
        (for "ovr" the least converged of the k fits; all are in ``solutions_``).
    """

    def __init__(
        self,
        l2: float = 1.0,
        *,
        fit_intercept: bool = True,
        standardize: bool = False,
        penalty_factor: Any = None,
        tikhonov: Any = None,
        class_weight: Any = None,
        multiclass: str = "multinomial",
        solver: str = "auto",
        tol: float = 1e-8,
        max_iter: int | None = None,
    ) -> None:
        self.l2 = l2
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.penalty_factor = penalty_factor
        self.tikhonov = tikhonov
        self.class_weight = class_weight
        self.multiclass = multiclass
        self.solver = solver
        self.tol = tol
        self.max_iter = max_iter

    def _family(self) -> Family:
        if self.multiclass not in MULTICLASS:
            raise ValueError(f"multiclass must be one of {MULTICLASS}; got {self.multiclass!r}")
        return Family(LogisticLoss(), self.multiclass == "multinomial")

    def _logistic_task(self, X, y, sample_weight):
        gamma = {"standardize": self.standardize, "penalty_factor": self.penalty_factor,
                 "tikhonov": self.tikhonov}  # fmt: skip
        return self._task(X, y, sample_weight, gamma, self.tol, self.max_iter)

    def _fit_at(self, task, l2, starts=None) -> None:
        super()._fit_at(task, l2, starts)
        if self.multiclass == "multinomial" and len(self.classes_) > 2:
            self.intercept_ = self.intercept_ - self.intercept_.mean()

    def fit(self, X: Any, y: Any = None, sample_weight: Any = None) -> LogisticRegression:
        """Fit at ``l2``; ``sample_weight`` multiplies each sample's loss. Data at scale
        (a ridgeway.scale source, Dask): distributed Newton, one pass per step."""
        if at_scale(X):
            return fit_at_scale(self, X, y, sample_weight)
        l2 = float(check_l2(self.l2))
        self._fit_at(self._logistic_task(X, y, sample_weight), l2)
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        """(n, k) class probabilities (softmax, or normalized one-vs-rest sigmoids)."""
        z = self.decision_function(X)
        return self._family().scores(z.reshape(len(z), -1), len(self.classes_))

    def predict_log_proba(self, X: Any) -> np.ndarray:
        return np.log(self.predict_proba(X))

    def predict(self, X: Any) -> np.ndarray:
        if at_scale(X):
            return predict_at_scale(self, X)
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]


class LogisticRegressionCV(LogisticRegression):
    """LogisticRegression with λ chosen by k-fold CV or approximate leave-one-out ("alo").

    ``l2`` None builds a geometric grid of ``n_grid`` values from a data-driven l2_max (the
    model is nearly intercept-only there) down to ``l2_min_ratio``·l2_max; or pass a grid.
    ``cv``: an int (stratified folds), a splitter, an iterable of splits, or "alo" (Rad &
    Maleki 2020: left-out predictions from the full-data fit, no refits). ``scoring``:
    "neg_log_loss", "accuracy", "f1", "roc_auc". ``rule``: "min" or "1se". Fold fits use
    λ·n_train/n. ``cv_tol`` is the certificate tolerance of the path fits (None:
    max(tol, 1e-6)); the final refit uses ``tol``. ``cv_results_`` holds l2, mean_score,
    std_error, train_score, gap, df, fold_scores (L × K; L × 0 for ALO), best_index,
    index_min and index_1se over the ascending grid (``selection_``: the same as a
    SelectionResult); ``l2_`` is the choice, refit on all data, ``best_index_`` its grid index
    and ``best_score_`` its mean validation score; ``coef_path_`` the full-data
    coefficients at every λ of the grid, (n_grid, p) for two classes, else (n_grid, k, p).
    """

    def __init__(
        self,
        l2: Any = None,
        *,
        n_grid: int = 20,
        l2_min_ratio: float = 1e-4,
        cv: Any = 5,
        scoring: str = "neg_log_loss",
        rule: str = "min",
        cv_tol: float | None = None,
        fit_intercept: bool = True,
        standardize: bool = False,
        penalty_factor: Any = None,
        tikhonov: Any = None,
        class_weight: Any = None,
        multiclass: str = "multinomial",
        solver: str = "auto",
        tol: float = 1e-8,
        max_iter: int | None = None,
    ) -> None:
        super().__init__(
            l2,
            fit_intercept=fit_intercept,
            standardize=standardize,
            penalty_factor=penalty_factor,
            tikhonov=tikhonov,
            class_weight=class_weight,
            multiclass=multiclass,
            solver=solver,
            tol=tol,
            max_iter=max_iter,
        )
        self.n_grid = n_grid
        self.l2_min_ratio = l2_min_ratio
        self.cv = cv
        self.scoring = scoring
        self.rule = rule
        self.cv_tol = cv_tol

    def fit(self, X: Any, y: Any = None, sample_weight: Any = None) -> LogisticRegressionCV:
        """Choose λ on the grid, then refit on all data at the chosen λ (data at scale:
        k-fold on hash folds, every fold served by each Newton pass)."""
        if at_scale(X):
            return fit_at_scale(self, X, y, sample_weight)
        self._check_cv_parameters()
        metric = get_classification_metric(self.scoring, "neg_log_loss")
        self._fit_cv(self._logistic_task(X, y, sample_weight), metric)
        return self
