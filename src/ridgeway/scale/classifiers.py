"""LogisticRegression(CV) and LinearSVC(CV) at scale: the pass plan and the fitted attributes.

Passes: one for the classes, their (fold) weights and the feature scales
(:mod:`ridgeway.scale.classes`), then one per Newton step of :mod:`ridgeway.scale.newton`
(every fold and the full fit together). Two classes: one predictor (logistic loss, or the
squared hinge for the SVM); more, for the logistic: the multinomial (softmax) on every class.
The λ grid, Γ (penalty factors, standardize), class weights, fold λ·n_train/n, scores and the
SelectionResult are those of the in-memory fit on the same HashFolds; so are the fitted
attributes, plus ``certificates_`` (λ × (folds + 1)) and ``newton_passes_`` for the CV.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.class_weight import compute_class_weight

from ridgeway._validation import check_l2, check_l2_grid, check_vector
from ridgeway.losses.logistic import LogisticLoss
from ridgeway.losses.multinomial import MultinomialLoss
from ridgeway.losses.squared_hinge import SquaredHingeLoss
from ridgeway.scale.classes import ClassStats, FeatureScales, class_stats, feature_scales
from ridgeway.scale.fit import scale_folds
from ridgeway.scale.folds import HashFolds
from ridgeway.scale.newton import Design, PathPoint, Penalty, newton_path
from ridgeway.scale.sources import Source
from ridgeway.selection.classification_scoring import get_classification_metric
from ridgeway.selection.classifier_task import Family, l2_grid_from_scales
from ridgeway.selection.result import SelectionResult, fold_standard_error
from ridgeway.selection.rules import check_rule, select_index
from ridgeway.solution import Solution

__all__ = ["fit_linear_svc", "fit_linear_svc_cv", "fit_logistic", "fit_logistic_cv"]

#: largest Newton system (K·(p + 1)) a pass may form per model
MAX_NEWTON_SIZE = 4096


def _refuse(est: Any) -> None:
    name = type(est).__name__
    if getattr(est, "tikhonov", None) is not None:
        raise ValueError(f"at scale {name} needs tikhonov=None (diagonal Γ: penalty_factor, "
                         f"standardize); got {est.tikhonov!r}")  # fmt: skip
    if getattr(est, "l1", 0) or getattr(est, "l1_share", None) is not None:
        raise ValueError(f"at scale {name} is L2 only (l1=0, l1_share=None); "
                         "L1 / elastic-net logistic regression runs in memory")  # fmt: skip
    if getattr(est, "solver", "auto") not in ("auto", "newton-cholesky"):
        raise ValueError(f"at scale {name} is solved by distributed Newton-Cholesky: solver "
                         f"must be 'auto' or 'newton-cholesky'; got {est.solver!r}")  # fmt: skip


def _label(value: Any) -> Any:
    """A class label as the user wrote it (the targets are read as float64)."""
    value = float(value)
    return int(value) if value.is_integer() else value


def _class_weights(est: Any, stats: ClassStats) -> np.ndarray:
    """scikit-learn's class weights from the per-class weights (what in memory computes from
    every row): 'balanced' is Σ s / (C · Σ_c s)."""
    labels = stats.labels
    if labels.size < 2:
        raise ValueError(
            "y must contain at least 2 classes to train a classifier; got "
            + (f"only one class, {_label(labels[0])}" if labels.size else "no labels")
        )
    if est.class_weight is None:
        weights = np.ones(labels.size)
    else:
        weights = compute_class_weight(est.class_weight, classes=labels, y=labels,
                                       sample_weight=stats.weight)  # fmt: skip
    weighted = labels[stats.weight * weights > 0]
    if weighted.size < 2:
        raise ValueError(
            "y must contain at least 2 classes with positive sample_weight (times class_weight)"
            f" to train a classifier; only class {[_label(v) for v in weighted]} has positive "
            "weight"
        )
    return np.asarray(weights, dtype=np.float64)


def _model_weights(stats: ClassStats, weights: np.ndarray, folds: HashFolds | None):
    """Each model's weight (folds' training rows, then the full data), every training fold
    checked to hold every class (a class missing there has no finite optimum)."""
    per_fold = stats.fold_weight * weights[:, None]  # (C, F)
    total = per_fold.sum(axis=1)
    if folds is None:
        return np.array([total.sum()])
    empty = np.flatnonzero(per_fold.sum(axis=0) <= 0)
    if empty.size:
        raise ValueError(f"cross-validation fold {int(empty[0])} has no rows")
    train = total[:, None] - per_fold  # (C, F)
    missing = np.argwhere(train <= 0)
    if missing.size:
        c, f = missing[0]
        raise ValueError(
            f"at scale every training fold needs every class: the training rows of fold {f} "
            f"have no weight in class {_label(stats.labels[c])}; use fewer folds (or HashFolds "
            "with another seed)"
        )
    return np.concatenate([train.sum(axis=0), [total.sum()]])


class _Setup:
    """The first pass and what it fixes: classes, class weights, Γ², fixed columns, design."""

    def __init__(self, est: Any, source: Source, folds: HashFolds | None, binary_loss: Any,
                 metric: Any, multiclass_ok: bool) -> None:  # fmt: skip
        _refuse(est)
        self.stats = class_stats(source, folds)
        self.class_weight = _class_weights(est, self.stats)
        self.model_weight = _model_weights(self.stats, self.class_weight, folds)
        self.scales: FeatureScales = feature_scales(self.stats, self.class_weight)
        classes = self.stats.labels
        C, p = classes.size, self.scales.mean.size
        if C > 2 and not multiclass_ok:
            raise ValueError(
                f"at scale {type(est).__name__} fits two classes (one-vs-rest is in memory "
                f"only); the target has {C}: {[_label(v) for v in classes[:5]]}"
            )
        K = 1 if C == 2 else C
        if K * (p + 1) > MAX_NEWTON_SIZE:
            raise ValueError(
                f"at scale the Newton system has {K} × {p + 1} = {K * (p + 1)} unknowns per "
                f"model, above {MAX_NEWTON_SIZE}; use fewer features or classes"
            )
        gamma2 = np.ones(p)
        if est.penalty_factor is not None:
            gamma2 = check_vector(est.penalty_factor, p, name="penalty_factor")
            if np.any(gamma2 < 0):
                raise ValueError("penalty_factor must be >= 0 (0 leaves a feature unpenalized)")
        fit_intercept = bool(est.fit_intercept)
        sd = np.where(self.scales.constant, 0.0, self.scales.sd) if fit_intercept else (
            self.scales.sd
        )  # fmt: skip
        if est.standardize:
            gamma2 = gamma2 * np.where(sd > 0, sd, 1.0) ** 2
        self.gamma2, self.sd = gamma2, sd
        fixed = np.zeros(p + 1, dtype=bool)
        fixed[:-1] = self.scales.constant if fit_intercept else False
        fixed[-1] = not fit_intercept
        self.penalty = Penalty(gamma2, fixed)
        loss = MultinomialLoss() if K > 1 else binary_loss
        family = Family(binary_loss, multinomial=True)
        self.design = Design(classes, self.class_weight, loss, K, family, folds, metric)
        self.fit_intercept = fit_intercept
        est.classes_ = classes

    def default_grid(self, est: Any) -> np.ndarray:
        """The in-memory default grid (classifier_task.default_l2_grid) from the scales."""
        mean = np.where(self.scales.constant, 0.0, self.scales.mean) if self.fit_intercept else (
            self.scales.mean
        )  # fmt: skip
        return l2_grid_from_scales(self.scales.weight, mean, self.sd, self.gamma2,
                                   self.fit_intercept, est.n_grid, est.l2_min_ratio)  # fmt: skip


def _solution(point: PathPoint, m: int, K: int, tol: float) -> Solution:
    """Model m of a path point as a certified Solution (m = last: the full-data fit)."""
    coef = point.coef[m]  # (K, q)
    beta = coef[0, :-1].copy() if K == 1 else coef[:, :-1].T.copy()
    intercept: Any = float(coef[0, -1]) if K == 1 else coef[:, -1].copy()
    return Solution(coef=beta, intercept=intercept, objective=float(point.objective[m]),
                    converged=bool(point.converged[m]), certificate=float(point.certificate[m]),
                    certificate_name="relative gradient norm", solver="distributed-newton",
                    n_iter=int(point.n_iter[m]), tol=tol)  # fmt: skip


def _record(est: Any, sol: Solution) -> None:
    if not sol.converged:
        warnings.warn(
            f"{type(est).__name__} at scale did not converge: {sol.summary()}. The fit is "
            "usable but not certified; check for separable classes with unpenalized "
            "features, or raise max_iter.",
            ConvergenceWarning,
            stacklevel=4,
        )
    est.solution_ = sol
    est.solutions_ = [sol]
    coef = np.atleast_2d(np.asarray(sol.coef).T)
    est.coef_ = coef.copy()
    intercept = np.atleast_1d(np.asarray(sol.intercept, dtype=np.float64))
    est.intercept_ = intercept - intercept.mean() if intercept.size > 2 else intercept
    est.n_iter_ = np.array([sol.n_iter])
    est.n_features_in_ = est.coef_.shape[1]


def _max_iter(est: Any) -> int:
    return 100 if est.max_iter is None else int(est.max_iter)


def _single(est: Any, source: Source, binary_loss: Any, tol: float, multiclass_ok: bool) -> Any:
    l2 = float(check_l2(est.l2))
    setup = _Setup(est, source, None, binary_loss, None, multiclass_ok)
    (point,) = newton_path(source, setup.design, setup.penalty, np.array([l2]), np.ones(1),
                           np.array([tol]), _max_iter(est))  # fmt: skip
    _record(est, _solution(point, 0, setup.design.n_outputs, tol))
    return est


def _cv(est: Any, source: Source, binary_loss: Any, tol: float, default_scoring: str,
        multiclass_ok: bool) -> Any:  # fmt: skip
    """k-fold on hash folds: every fold and the full fit in each pass; scores per sample."""
    est._check_cv_parameters()  # rule, n_grid, l2_min_ratio: as in memory, before any pass
    metric = get_classification_metric(est.scoring, default_scoring)
    if metric.needs_proba and not binary_loss.probabilistic:
        raise ValueError(f"scoring {est.scoring!r} needs probabilities; an SVM has none")
    if metric.pointwise is None:
        raise ValueError(f"at scale the CV score must be a mean over samples ('neg_log_loss' "
                         f"or 'accuracy'); got scoring={est.scoring!r}")  # fmt: skip
    if isinstance(est.cv, str):
        raise ValueError(f"at scale cv must be an int or a HashFolds; got {est.cv!r}")
    folds = scale_folds(est.cv)
    rule = check_rule(est.rule)
    setup = _Setup(est, source, folds, binary_loss, metric, multiclass_ok)
    grid = setup.default_grid(est) if est.l2 is None else check_l2_grid(est.l2)
    path_tol = max(tol, 1e-6) if est.cv_tol is None else float(est.cv_tol)
    if not np.isfinite(path_tol) or path_tol <= 0:
        raise ValueError(f"cv_tol must be None or a finite number > 0; got {est.cv_tol!r}")
    F = folds.n_splits
    fractions = setup.model_weight / setup.model_weight[-1]
    tols = np.append(np.full(F, path_tol), tol)  # the folds rank λ; the full fit is the refit
    path = newton_path(source, setup.design, setup.penalty, grid, fractions, tols,
                       _max_iter(est))  # fmt: skip
    fold_scores = np.array([pt.held_score / pt.held_weight for pt in path])  # (L, F)
    # as in memory (path_cv.kfold_result): folds count equally; the training score is the
    # mean over folds of each fold model's score on its own training rows
    mean = fold_scores.mean(axis=1)
    se = fold_standard_error(fold_scores.T, axis=0)
    train = np.array([np.mean(pt.train_score / pt.weight[:-1]) for pt in path])
    index = select_index(grid, mean, se, rule)
    result = SelectionResult(l2=grid, mean_score=mean, std_error=se, train_score=train,
                             df=np.full(grid.size, np.nan), best_index=np.array([index]),
                             rule=rule, method="kfold", fold_scores=fold_scores)  # fmt: skip
    K = setup.design.n_outputs
    est.selection_ = result
    est.cv_results_ = result.cv_results()
    est.best_index_ = int(index)
    est.best_score_ = float(mean[index])
    est.l2_ = float(grid[index])
    est.coef_path_ = np.array([_solution(pt, -1, K, tol).coef.T for pt in path])
    if K == 1:
        est.coef_path_ = est.coef_path_.reshape(grid.size, -1)
    _record(est, _solution(path[index], -1, K, tol))
    est.certificates_ = np.array([pt.certificate for pt in path])  # (L, F + 1): folds, full
    est.newton_passes_ = np.array([pt.passes for pt in path])
    est.newton_hessians_ = np.array([pt.hessians for pt in path])  # model Hessians per λ
    return est


def fit_logistic(est: Any, source: Source, groups: Any) -> Any:
    _check_multiclass(est)
    return _single(est, source, LogisticLoss(), float(est.tol), True)


def fit_logistic_cv(est: Any, source: Source, groups: Any) -> Any:
    """k-fold on hash folds (binary or multinomial), scored per sample (log-loss, accuracy)."""
    _check_multiclass(est)
    return _cv(est, source, LogisticLoss(), float(est.tol), "neg_log_loss", True)


def _check_multiclass(est: Any) -> None:
    if est.multiclass != "multinomial":
        raise ValueError(f"at scale LogisticRegression fits the multinomial (multiclass="
                         f"'multinomial'; one-vs-rest is in memory only); got "
                         f"multiclass={est.multiclass!r}")  # fmt: skip


def _svm_checks(est: Any) -> float:
    if est.loss != "squared_hinge":
        raise ValueError(
            f"at scale {type(est).__name__} needs the smooth loss: pass loss='squared_hinge' "
            f"(distributed Newton; the plain hinge is solved by dual coordinate descent, which "
            f"needs every row in memory); got loss={est.loss!r}"
        )
    return 1e-8 if est.tol is None else float(est.tol)


def fit_linear_svc(est: Any, source: Source, groups: Any) -> Any:
    """LinearSVC with the squared hinge: semismooth Newton (generalized Hessian 2·[yz < 1]),
    one pass per step, certified by the relative gradient norm as in memory."""
    tol = _svm_checks(est)
    l2 = float(check_l2(est.l2))
    if l2 <= 0:
        raise ValueError(f"l2 must be a finite number > 0 for an SVM; got {est.l2!r}")
    _single(est, source, SquaredHingeLoss(), tol, False)
    est.n_iter_ = int(est.n_iter_.max())
    return est


def fit_linear_svc_cv(est: Any, source: Source, groups: Any) -> Any:
    """LinearSVCCV (squared hinge) on hash folds, scored by accuracy as in memory."""
    tol = _svm_checks(est)
    if est.l2 is not None and np.any(check_l2_grid(est.l2) <= 0):
        raise ValueError(f"l2 must be a grid of numbers > 0 for an SVM; got {est.l2!r}")
    _cv(est, source, SquaredHingeLoss(), tol, "accuracy", False)
    est.n_iter_ = int(est.n_iter_.max())
    return est
