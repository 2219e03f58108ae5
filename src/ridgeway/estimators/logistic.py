"""L2-regularized logistic regression, and its cross-validated λ (k-fold or ALO)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from ridgeway._validation import check_l2, check_l2_grid
from ridgeway.estimators import _linear_classifier as lc
from ridgeway.losses.logistic import LogisticLoss
from ridgeway.selection.classification_scoring import get_classification_metric
from ridgeway.selection.path_cv import kfold_path_cv
from ridgeway.selection.rules import check_rule, select_index
from ridgeway.selection.splits import fold_indices, resolve_cv

__all__ = ["LogisticRegression", "LogisticRegressionCV"]

MULTICLASS = ("multinomial", "ovr")
#: default certificate tolerance of the fits along a CV / ALO path (see ``cv_tol``)
PATH_TOL = 1e-6


class LogisticRegression(ClassifierMixin, BaseEstimator):
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

    # shared by the CV subclass --------------------------------------------------------------
    def _family(self) -> lc.Family:
        if self.multiclass not in MULTICLASS:
            raise ValueError(f"multiclass must be one of {MULTICLASS}; got {self.multiclass!r}")
        return lc.Family(LogisticLoss(), self.multiclass == "multinomial", True)

    def _settings(self) -> lc.Settings:
        tol = float(self.tol)
        if not np.isfinite(tol) or tol <= 0:
            raise ValueError(f"tol must be a finite number > 0; got {self.tol!r}")
        max_iter = None if self.max_iter is None else int(self.max_iter)
        if max_iter is not None and max_iter < 1:
            raise ValueError(f"max_iter must be None or an integer >= 1; got {self.max_iter!r}")
        return lc.Settings(self._family(), bool(self.fit_intercept), self.solver, tol, max_iter)

    def _prepare(self, X, y, sample_weight):
        X, y, w = lc.check_classifier_input(self, X, y, sample_weight)
        self.classes_, y_idx = lc.encode_labels(y)
        if len(y_idx) != X.shape[0]:
            raise ValueError(
                f"y must have one entry per sample of X ({X.shape[0]}); got {len(y_idx)}"
            )
        s = lc.effective_weights(w, self.class_weight, self.classes_, y_idx)
        gamma = lc.build_gamma(
            X,
            s,
            standardize=self.standardize,
            penalty_factor=self.penalty_factor,
            tikhonov=self.tikhonov,
        )
        return X, y_idx, s, gamma

    def _fit_at(self, X, y_idx, s, gamma, l2, cfg, warm=None) -> None:
        k = len(self.classes_)
        self.coef_, self.intercept_, self.solutions_ = lc.fit_heads(
            X, y_idx, k, s, gamma, l2, cfg, warm=warm
        )
        if self.multiclass == "multinomial" and k > 2:
            self.intercept_ = self.intercept_ - self.intercept_.mean()
        self.solution_ = lc.worst(self.solutions_)
        self.n_iter_ = np.array([sol.n_iter for sol in self.solutions_])
        lc.warn_if_not_converged(self.solution_, type(self).__name__)

    # public API -----------------------------------------------------------------------------
    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> LogisticRegression:
        """Fit at ``l2``; ``sample_weight`` multiplies each sample's loss."""
        l2 = float(check_l2(self.l2))
        cfg = self._settings()
        X, y_idx, s, gamma = self._prepare(X, y, sample_weight)
        self._fit_at(X, y_idx, s, gamma, l2, cfg)
        return self

    def decision_function(self, X: Any) -> np.ndarray:
        """Linear predictors: (n,) log-odds of classes_[1] for two classes, else (n, k)."""
        check_is_fitted(self)
        X = lc.check_predict_X(self, X)
        z = np.asarray(X @ self.coef_.T) + self.intercept_
        return z[:, 0] if z.shape[1] == 1 else z

    def predict_proba(self, X: Any) -> np.ndarray:
        """(n, k) class probabilities (softmax, or normalized one-vs-rest sigmoids)."""
        z = self.decision_function(X)
        return self._family().scores(z.reshape(len(z), -1), len(self.classes_))

    def predict_log_proba(self, X: Any) -> np.ndarray:
        return np.log(self.predict_proba(X))

    def predict(self, X: Any) -> np.ndarray:
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


class LogisticRegressionCV(LogisticRegression):
    """LogisticRegression with λ chosen by k-fold CV or approximate leave-one-out ("alo").

    ``l2`` None builds a geometric grid of ``n_l2`` values from a data-driven l2_max (the
    model is nearly intercept-only there) down to ``l2_min_ratio``·l2_max; or pass a grid.
    ``cv``: an int (stratified folds), a splitter, an iterable of splits, or "alo" (Rad &
    Maleki 2020: left-out predictions from the full-data fit, no refits). ``scoring``:
    "neg_log_loss", "accuracy", "f1", "roc_auc". ``rule``: "min" or "1se". Fold fits use
    λ·n_train/n. ``cv_tol`` is the certificate tolerance of the path fits (None:
    max(tol, 1e-6)); the final refit uses ``tol``. ``cv_results_`` holds l2, mean_score,
    std_error, train_score, df and fold_scores (L × K; L × 0 for ALO) over the ascending
    grid; ``l2_`` is the choice, refit on all data.
    """

    def __init__(
        self,
        l2: Any = None,
        *,
        n_l2: int = 20,
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
        self.n_l2 = n_l2
        self.l2_min_ratio = l2_min_ratio
        self.cv = cv
        self.scoring = scoring
        self.rule = rule
        self.cv_tol = cv_tol

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> LogisticRegressionCV:
        """Choose λ on the grid, then refit on all data at the chosen λ."""
        check_rule(self.rule)
        metric = get_classification_metric(self.scoring, "neg_log_loss")
        cfg = self._settings()
        X, y_idx, s, gamma = self._prepare(X, y, sample_weight)
        memo = lc.PathMemo(len(lc.heads(cfg.family, y_idx, len(self.classes_))))
        self.cv_results_ = select_classifier_l2(self, X, y_idx, s, gamma, cfg, metric, memo)
        self.best_index_ = select_index(
            self.cv_results_["l2"],
            self.cv_results_["mean_score"],
            self.cv_results_["std_error"],
            self.rule,
        )
        self.l2_ = float(self.cv_results_["l2"][self.best_index_])
        # the path solutions at the chosen λ (fold mean or the ALO fit) start the refit
        warm = memo.warm(len(self.cv_results_["l2"]) - 1 - self.best_index_)
        self._fit_at(X, y_idx, s, gamma, self.l2_, cfg, warm=warm)
        return self


def select_classifier_l2(est, X, y_idx, s, gamma, cfg, metric, memo=None) -> dict:
    """cv_results_ of a CV classifier (shared with LinearSVCCV); ``memo``: a
    _linear_classifier.PathMemo that the paths fill (warm starts)."""
    if est.l2 is None:
        n_l2 = int(est.n_l2)
        ratio = float(est.l2_min_ratio)
        if n_l2 < 1 or not 0 < ratio <= 1:
            raise ValueError(f"n_l2 must be >= 1 and l2_min_ratio in (0, 1]; got {n_l2}, {ratio}")
        grid = lc.default_grid(X, s, cfg.fit_intercept, gamma, n_l2, ratio)
    else:
        grid = check_l2_grid(est.l2)
    k = len(est.classes_)
    # the path fits only rank λ values: a looser certificate (still far below what changes a
    # score) saves Newton steps; the final refit uses ``tol``
    path_tol = max(cfg.tol, PATH_TOL) if est.cv_tol is None else float(est.cv_tol)
    if not np.isfinite(path_tol) or path_tol <= 0:
        raise ValueError(f"cv_tol must be None or a finite number > 0; got {est.cv_tol!r}")
    cfg = replace(cfg, tol=path_tol)
    if isinstance(est.cv, str) and est.cv == "alo":
        return _alo_results(X, y_idx, k, s, gamma, grid, cfg, metric, memo)
    if isinstance(est.cv, str):
        raise ValueError(f"cv must be an int, a splitter, splits or 'alo'; got {est.cv!r}")
    folds = fold_indices(resolve_cv(est.cv, classifier=True), X, y_idx)
    fold_path = lc.fold_path_scores(X, y_idx, k, s, gamma, cfg, memo)
    all_folds = lc.folds_together(X, y_idx, k, s, gamma, cfg, memo)
    return kfold_path_cv(grid, folds, fold_path, metric, y_idx, s, all_folds)


def _alo_results(X, y_idx, k, s, gamma, grid, cfg, metric, memo=None) -> dict:
    loo, fit, df = lc.alo_path(X, y_idx, k, s, gamma, grid[::-1], cfg, memo)
    mean = metric.score(y_idx, loo, s)[::-1]
    train = metric.score(y_idx, fit, s)[::-1]
    if metric.pointwise is not None:
        values = metric.per_sample(y_idx, loo)[:, ::-1]
        std_error = values.std(axis=0, ddof=1) / np.sqrt(len(values))
    else:
        std_error = np.full(len(grid), np.nan)
    return {
        "l2": grid.copy(),
        "mean_score": mean,
        "std_error": std_error,
        "train_score": train,
        "df": df[::-1],
        "fold_scores": np.empty((len(grid), 0)),
    }
