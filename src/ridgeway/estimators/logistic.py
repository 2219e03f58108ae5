"""Logistic regression with an L2, L1 or elastic-net penalty, and its cross-validated strength.

L2 only (``l1 = 0``): Newton's method, k-fold or ALO selection (selection.classifier_cv).
With an l1 part: proximal Newton (solvers.coordinate.proximal_newton) and k-fold selection
along a path from λ_max (selection.l1_classifier_cv), or ALO on the active set
(selection.l1_alo).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from ridgeway._validation import check_l2, check_l2_grid
from ridgeway.estimators._base import (
    at_scale,
    feature_moments,
    fit_at_scale,
    keep_parameters,
    predict_at_scale,
)
from ridgeway.estimators._linear_classifier import (
    PATH_TOL,
    LinearClassifier,
    coef_path,
    result_dtype,
)
from ridgeway.losses.logistic import LogisticLoss
from ridgeway.penalties.elastic_net import check_l1, check_l1_share, check_penalty_factor
from ridgeway.selection.classification_scoring import get_classification_metric
from ridgeway.selection.classifier_task import ClassifierTask, Family
from ridgeway.selection.l1_alo import select_classifier_l1_alo
from ridgeway.selection.l1_classifier_cv import L1Penalty, l1_max, select_classifier_l1
from ridgeway.selection.splits import fold_indices, resolve_cv

__all__ = ["PATH_TOL", "LogisticRegression", "LogisticRegressionCV"]

MULTICLASS = ("multinomial", "ovr")
GROUPS = ("ungrouped", "grouped")


class LogisticRegression(LinearClassifier, ClassifierMixin, BaseEstimator):
    """Logistic regression with an L2, L1 or elastic-net penalty; the intercept is never
    penalized.

    Minimizes Σ s_i ℓ(y_i, x_iᵀβ + β₀) + (l2/2)‖Γβ‖² + l1·Σ_j f_j|β_j| with ℓ the negative
    log-likelihood (binary or multinomial). ``l2`` alone is scikit-learn's 1/C
    (conventions.to_sklearn_C); scikit-learn's ``l1_ratio=ρ, C=c`` is l1 = ρ/c,
    l2 = (1 − ρ)/c. With ``l1 > 0`` the penalty is the elastic net
    l1·Σ f_j|β_j| + (l2/2)Σ f_j β_j² (σ_j|β_j| and σ_j²β_j² with ``standardize``) and the
    solver proximal Newton; for the multinomial, ``multinomial_groups="grouped"`` penalizes
    each feature's row across classes by its norm, l1·Σ f_j‖β_j‖₂ (glmnet's grouped
    multinomial: a feature is kept or dropped in every class at once).

    Parameters
    ----------
    l2 : float >= 0, the L2 strength λ.
    l1 : float >= 0, the L1 strength (0: L2 only).
    multinomial_groups : "ungrouped" (each class's coefficient on its own) or "grouped"
        (one group per feature across classes; multinomial with l1 > 0 only).
    fit_intercept : bool, fit an unpenalized intercept.
    standardize : bool, penalize coefficients on the scale of standardized features
        (Γ·diag(sd)); coefficients are still reported on the original scale.
    penalty_factor : per-feature factors f (penalty (l2/2)Σ f_j β_j²; 0 leaves a feature free).
    tikhonov : a Γ matrix or a name ("identity", "diff1", "diff2"); not with penalty_factor,
        nor with l1 > 0.
    class_weight : None, "balanced" or {class: weight}; multiplies sample weights.
    multiclass : "multinomial" (one softmax problem) or "ovr" (one binary problem per class).
    solver : "auto" (a table chooses: Newton-Cholesky for moderate p, Newton-CG for large,
        proximal Newton with l1 > 0), "newton-cholesky", "newton-cg", "lbfgs" or
        "proximal-newton".
    tol : relative gradient norm ‖∇f‖_∞/‖∇loss(0)‖_∞ that certifies convergence (with
        l1 > 0: the relative KKT violation, the same quantity with the subgradient).
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
        l1: float = 0.0,
        multinomial_groups: str = "ungrouped",
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
        keep_parameters(self, locals())

    def _family(self) -> Family:
        if self.multiclass not in MULTICLASS:
            raise ValueError(f"multiclass must be one of {MULTICLASS}; got {self.multiclass!r}")
        return Family(LogisticLoss(), self.multiclass == "multinomial")

    def _logistic_task(self, X, y, sample_weight):
        gamma = {"standardize": self.standardize, "penalty_factor": self.penalty_factor,
                 "tikhonov": self.tikhonov}  # fmt: skip
        return self._task(X, y, sample_weight, gamma, self.tol, self.max_iter)

    def _grouped(self) -> bool:
        if self.multinomial_groups not in GROUPS:
            raise ValueError(
                f"multinomial_groups must be one of {GROUPS}; got {self.multinomial_groups!r}"
            )
        return self.multinomial_groups == "grouped"

    def _l1_task(self, X, y, sample_weight) -> tuple[ClassifierTask, L1Penalty]:
        """The task and the penalty builder of a fit with an l1 part."""
        grouped = self._grouped()
        if self.tikhonov is not None:
            raise ValueError(
                "tikhonov applies to the L2 penalty only; with an l1 part use penalty_factor "
                "(per-feature factors) or standardize"
            )
        task = self._task(X, y, sample_weight, None, self.tol, self.max_iter)
        factors = check_penalty_factor(self.penalty_factor, task.X.shape[1])
        scale = None
        if self.standardize:
            sd = feature_moments(task.X, task.sample_weight)[1]
            scale = np.where(sd > 0, sd, 1.0)
        return task, L1Penalty(factors, scale, grouped and task.n_heads == 1)

    def _fit_at(self, task, l2, starts=None) -> None:
        super()._fit_at(task, l2, starts)
        if self.multiclass == "multinomial" and len(self.classes_) > 2:
            self.intercept_ = self.intercept_ - self.intercept_.mean()

    def fit(self, X: Any, y: Any = None, sample_weight: Any = None) -> LogisticRegression:
        """Fit at (``l1``, ``l2``); ``sample_weight`` multiplies each sample's loss. Data at
        scale (a ridgeway.scale source, Dask; L2 only): distributed Newton, one pass per step."""
        if at_scale(X):
            return fit_at_scale(self, X, y, sample_weight)
        l2 = float(check_l2(self.l2))
        l1 = check_l1(self.l1, "l1")
        self._grouped()
        if l1 == 0:
            self._fit_at(self._logistic_task(X, y, sample_weight), l2)
            return self
        task, penalty = self._l1_task(X, y, sample_weight)
        self._record(task, penalty.fit(task, l1, l2))
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
    """LogisticRegression with its strength chosen by k-fold CV or approximate leave-one-out.

    L2 (``l1_share`` None): ``l2`` None builds a geometric grid of ``n_grid`` values from a
    data-driven l2_max (the model is nearly intercept-only there) down to
    ``l2_min_ratio``·l2_max; or pass a grid. ``cv``: an int (stratified folds), a splitter,
    an iterable of splits, or "alo" (Rad & Maleki 2020: left-out predictions from the
    full-data fit, no refits).

    L1 / elastic net (``l1_share`` a number in (0, 1], l1/(l1 + l2); 1 is the lasso): the
    grid is of the total strength λ = l1 + l2 with l1 = l1_share·λ — ``l2`` None: ``n_grid``
    values from λ_max (exactly the smallest that zeroes every penalized coefficient) down to
    ``l2_min_ratio``·λ_max; or pass a grid of totals. ``cv``: k-fold (each fold warm-started
    along its path) or "alo" — approximate leave-one-out on the active set (Rad & Maleki
    2020): one full-data path, then per λ the smooth ALO restricted to the non-zero
    coefficients (the Hessian of the log-likelihood and the l2 part there; for
    ``multinomial_groups="grouped"`` also the group norm's curvature), binary, one-vs-rest
    and multinomial alike. ``multinomial_groups`` as in LogisticRegression.
    ``cv_results_`` then also has ``l1``, ``l2`` (the parts), ``l1_share`` and
    ``n_nonzero`` (features kept by the full-data fit at each λ; ``df`` is the folds' mean
    count for k-fold, the effective degrees of freedom Σ cᵢhᵢ for ALO, non-zeros + 1 for
    the lasso), and ``l1_``, ``l1_share_`` are set.

    ``scoring``: "neg_log_loss", "accuracy", "f1", "roc_auc". ``rule``: "min" or "1se".
    Fold fits use λ·n_train/n. ``cv_tol`` is the certificate tolerance of the path fits
    (None: max(tol, 1e-6)); the final refit uses ``tol``. ``cv_results_`` holds l2,
    mean_score, std_error, train_score, gap, df, fold_scores (L × K; L × 0 for ALO),
    best_index, index_min and index_1se over the ascending grid (``selection_``: the same
    as a SelectionResult); ``l2_`` is the choice, refit on all data; ``coef_path_`` the
    full-data coefficients at every λ of the grid, (n_grid, p) for two classes, else
    (n_grid, k, p).
    """

    def __init__(
        self,
        l2: Any = None,
        *,
        l1_share: float | None = None,
        multinomial_groups: str = "ungrouped",
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
        keep_parameters(self, locals())

    def fit(self, X: Any, y: Any = None, sample_weight: Any = None) -> LogisticRegressionCV:
        """Choose the strength on the grid, then refit on all data at the choice (data at
        scale, L2 only: k-fold on hash folds, every fold served by each Newton pass)."""
        if at_scale(X):
            return fit_at_scale(self, X, y, sample_weight)
        self._check_cv_parameters()
        metric = get_classification_metric(self.scoring, "neg_log_loss")
        if self.l1_share is None:
            self._fit_cv(self._logistic_task(X, y, sample_weight), metric)
            return self
        share = self._share()
        task, penalty = self._l1_task(X, y, sample_weight)
        if self.l2 is None:
            top = l1_max(task, penalty) / share
            grid = np.geomspace(top * float(self.l2_min_ratio), top, int(self.n_grid))
        else:
            grid = check_l2_grid(self.l2)
        path_task = replace(task, tol=self._path_tol(task.tol))
        if isinstance(self.cv, str) and self.cv == "alo":
            selection = select_classifier_l1_alo(path_task, penalty, share, grid, metric,
                                                 self.rule)  # fmt: skip
        else:
            folds = fold_indices(resolve_cv(self.cv, classifier=True), task.X, task.y_idx,
                                 sample_weight=task.sample_weight)  # fmt: skip
            selection = select_classifier_l1(path_task, penalty, share, grid, folds, metric,
                                             self.rule)  # fmt: skip
        self.selection_ = selection.result
        self.cv_results_ = selection.result.cv_results()
        self.best_index_ = int(selection.result.best_index[0])
        self.best_score_ = float(selection.result.mean_score[self.best_index_])
        self.l1_share_ = share
        self.l1_ = float(selection.l1[self.best_index_])
        self.l2_ = float(selection.l2[self.best_index_])
        self.coef_path_ = coef_path(selection.path, result_dtype(task.X))
        starts = selection.starts(self.best_index_)
        self._record(task, penalty.fit(task, self.l1_, self.l2_, starts), starts)
        return self

    def _share(self) -> float:
        if np.ndim(self.l1_share) != 0:
            raise ValueError(f"l1_share must be one number in (0, 1]; got {self.l1_share!r}")
        return float(check_l1_share(self.l1_share)[0])

    def _path_tol(self, tol: float) -> float:
        path_tol = max(tol, PATH_TOL) if self.cv_tol is None else float(self.cv_tol)
        if not np.isfinite(path_tol) or path_tol <= 0:
            raise ValueError(f"cv_tol must be None or a finite number > 0; got {self.cv_tol!r}")
        return path_tol
