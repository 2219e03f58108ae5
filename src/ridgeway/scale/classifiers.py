"""LogisticRegression(CV) and LinearSVC(CV) at scale: the pass plan and the fitted attributes.

Passes: one for the classes, their (fold) weights and the feature scales
(:mod:`ridgeway.scale.classes`), then one per Newton step of :mod:`ridgeway.scale.newton`
(every fold and the full fit together). Two classes: one predictor (logistic loss, or the
squared hinge for the SVM); more: the multinomial (softmax) on every class, or one-vs-rest
(``multiclass="ovr"``, the SVM): one binary head per class, every head's folds and full fit
in the same passes, their fold models scored together in one more pass.
The λ grid, Γ (penalty factors, standardize), class weights, fold λ·n_train/n, scores and the
SelectionResult are those of the in-memory fit on the same HashFolds; so are the fitted
attributes, plus ``certificates_`` (λ × (folds + 1)) and ``newton_passes_`` for the CV.
"""

from __future__ import annotations

import warnings
from dataclasses import replace
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
from ridgeway.scale.fold_scores import f1_from_counts, score_pass
from ridgeway.scale.folds import HashFolds
from ridgeway.scale.newton import Design, PathPoint, Penalty, Yardstick, newton_path
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
                 metric: Any, multinomial: bool) -> None:  # fmt: skip
        _refuse(est)
        self.stats = class_stats(source, folds)
        self.class_weight = _class_weights(est, self.stats)
        self.model_weight = _model_weights(self.stats, self.class_weight, folds)
        self.scales: FeatureScales = feature_scales(self.stats, self.class_weight)
        classes = self.stats.labels
        C, p = classes.size, self.scales.mean.size
        # two classes: one predictor; more: the multinomial on all, or one head per class
        K = C if C > 2 and multinomial else 1
        self.heads = C if C > 2 and not multinomial else 1
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
        family = Family(binary_loss, multinomial=multinomial)
        self.design = Design(classes, self.class_weight, loss, K, family, folds, metric)
        self.multinomial = K > 1
        self.fit_intercept = fit_intercept
        est.classes_ = classes

    @property
    def scored_apart(self) -> bool:
        """Fold scores from one pass after the paths (``score_pass``): one-vs-rest heads are
        scored together, and F1 needs confusion sums rather than a mean per sample."""
        metric = self.design.metric
        return self.heads > 1 or (metric is not None and metric.pointwise is None)

    def solve(
        self, source: Source, grid: np.ndarray, fractions: np.ndarray, tols: np.ndarray,
        max_iter: int,
    ) -> tuple[list[list[PathPoint]], list[PathPoint], Yardstick]:  # fmt: skip
        """Every head's path (the binary or multinomial problem, or the one-vs-rest heads,
        all in the same passes), the path of all models together (passes, Hessians) and
        their yardstick."""
        design = replace(self.design, metric=None) if self.scored_apart else self.design
        design = replace(design, heads=self.heads)
        H = self.heads
        path, yardstick = newton_path(source, design, self.penalty, grid,
                                      np.tile(fractions, H), np.tile(tols, H),
                                      max_iter)  # fmt: skip
        per_head = fractions.size
        heads = [[_head_point(pt, slice(h * per_head, (h + 1) * per_head)) for pt in path]
                 for h in range(H)]  # fmt: skip
        return heads, path, yardstick

    def refit(self, source: Source, point: PathPoint, yardstick: Yardstick, l2: float,
              tol: float, max_iter: int) -> tuple[list[PathPoint], int]:  # fmt: skip
        """Each head's full fit at ``l2`` refined from the path's ``point`` to ``tol``, as
        the in-memory refit from the path solution (none where the path is at tol already);
        returns the refined point per head and the passes it took."""
        per_head = point.coef.shape[0] // self.heads
        full = np.arange(self.heads) * per_head + per_head - 1  # each head's full fit
        if np.all(point.certificate[full] <= tol):
            return [_head_point(point, slice(m, m + 1)) for m in full], 0
        design = replace(self.design, folds=None, metric=None, heads=self.heads)
        ones = np.ones(self.heads)
        path, _ = newton_path(source, design, replace(self.penalty), np.array([l2]), ones,
                              np.full(self.heads, tol), max_iter, start=point.coef[full],
                              yardstick=yardstick.of(full))  # fmt: skip
        (refined,) = path
        refined.n_iter = refined.n_iter + point.n_iter[full]  # the path's steps count
        heads = [_head_point(refined, slice(h, h + 1)) for h in range(self.heads)]
        return heads, refined.passes

    def default_grid(self, est: Any) -> np.ndarray:
        """The in-memory default grid (classifier_task.default_l2_grid) from the scales."""
        mean = np.where(self.scales.constant, 0.0, self.scales.mean) if self.fit_intercept else (
            self.scales.mean
        )  # fmt: skip
        return l2_grid_from_scales(self.scales.weight, mean, self.sd, self.gamma2,
                                   self.fit_intercept, est.n_grid, est.l2_min_ratio)  # fmt: skip


def _head_point(point: PathPoint, rows: slice) -> PathPoint:
    """One one-vs-rest head's models of a path point (its folds, then its full fit)."""
    if rows.start == 0 and rows.stop == point.coef.shape[0]:
        return point
    return replace(point, coef=point.coef[rows], objective=point.objective[rows],
                   certificate=point.certificate[rows], converged=point.converged[rows],
                   loss=point.loss[rows], weight=point.weight[rows],
                   n_iter=point.n_iter[rows])  # fmt: skip


def _solution(point: PathPoint, m: int, K: int, tol: float) -> Solution:
    """Model m of a path point as a certified Solution (m = last: the full-data fit)."""
    coef = point.coef[m]  # (K, q)
    beta = coef[0, :-1].copy() if K == 1 else coef[:, :-1].T.copy()
    intercept: Any = float(coef[0, -1]) if K == 1 else coef[:, -1].copy()
    return Solution(coef=beta, intercept=intercept, objective=float(point.objective[m]),
                    converged=bool(point.converged[m]), certificate=float(point.certificate[m]),
                    certificate_name="relative gradient norm", solver="distributed-newton",
                    n_iter=int(point.n_iter[m]), tol=tol)  # fmt: skip


def _record(est: Any, solutions: list[Solution], multinomial: bool) -> None:
    """Fitted attributes from the heads' solutions, as ``LinearClassifier._record``."""
    est.solutions_ = solutions
    est.solution_ = sol = max(solutions, key=lambda one: one.certificate / max(one.tol, 1e-300))
    if not sol.converged:
        warnings.warn(
            f"{type(est).__name__} at scale did not converge: {sol.summary()}. The fit is "
            "usable but not certified; check for separable classes with unpenalized "
            "features, or raise max_iter.",
            ConvergenceWarning,
            stacklevel=4,
        )
    est.coef_ = np.vstack([np.atleast_2d(np.asarray(one.coef).T) for one in solutions])
    intercept = np.concatenate([np.atleast_1d(np.asarray(one.intercept, dtype=np.float64))
                                for one in solutions])  # fmt: skip
    est.intercept_ = intercept - intercept.mean() if multinomial else intercept
    est.n_iter_ = np.array([one.n_iter for one in solutions])
    est.n_features_in_ = est.coef_.shape[1]


def _max_iter(est: Any) -> int:
    return 100 if est.max_iter is None else int(est.max_iter)


def _single(est: Any, source: Source, binary_loss: Any, tol: float, multinomial: bool) -> Any:
    l2 = float(check_l2(est.l2))
    setup = _Setup(est, source, None, binary_loss, None, multinomial)
    heads, _, _ = setup.solve(source, np.array([l2]), np.ones(1), np.array([tol]),
                              _max_iter(est))  # fmt: skip
    K = setup.design.n_outputs
    _record(est, [_solution(path[0], 0, K, tol) for path in heads], setup.multinomial)
    return est


def _cv(est: Any, source: Source, binary_loss: Any, tol: float, default_scoring: str,
        multinomial: bool) -> Any:  # fmt: skip
    """k-fold on hash folds: every fold and the full fit in each pass; scores per sample."""
    est._check_cv_parameters()  # rule, n_grid, l2_min_ratio: as in memory, before any pass
    metric = get_classification_metric(est.scoring, default_scoring)
    if metric.needs_proba and not binary_loss.probabilistic:
        raise ValueError(f"scoring {est.scoring!r} needs probabilities; an SVM has none")
    if metric.name == "roc_auc":
        raise ValueError("at scale the CV score must be a sum over rows ('neg_log_loss', "
                         f"'accuracy' or 'f1'); got scoring={est.scoring!r}")  # fmt: skip
    if isinstance(est.cv, str):
        raise ValueError(f"at scale cv must be an int or a HashFolds; got {est.cv!r}")
    folds = scale_folds(est.cv)
    rule = check_rule(est.rule)
    setup = _Setup(est, source, folds, binary_loss, metric, multinomial)
    grid = setup.default_grid(est) if est.l2 is None else check_l2_grid(est.l2)
    path_tol = max(tol, 1e-6) if est.cv_tol is None else float(est.cv_tol)
    if not np.isfinite(path_tol) or path_tol <= 0:
        raise ValueError(f"cv_tol must be None or a finite number > 0; got {est.cv_tol!r}")
    F = folds.n_splits
    fractions = setup.model_weight / setup.model_weight[-1]
    # as in memory: the path (folds and full fit) at cv_tol, then the chosen full fit to tol
    tols = np.full(F + 1, path_tol)
    paths, together, yardstick = setup.solve(source, grid, fractions, tols, _max_iter(est))
    if not setup.scored_apart:  # the scores came with the Newton passes
        path = paths[0]
        fold_scores = np.array([pt.held_score / pt.held_weight for pt in path])  # (L, F)
        train = np.array([np.mean(pt.train_score / pt.weight[:-1]) for pt in path])
    else:  # the fold models (every head's predictors together) scored in one more pass
        # (L, F, outputs or heads, q): a model's K outputs, or the one-vs-rest heads
        coefs = np.concatenate([np.stack([pt.coef[:F] for pt in path]) for path in paths], 2)
        sums = score_pass(source, setup.design, coefs)
        if metric.pointwise is None:
            fold_scores = f1_from_counts(sums.held_counts)
            train = f1_from_counts(sums.train_counts).mean(axis=1)
        else:
            fold_scores = sums.held_score / sums.held_weight
            train = np.mean(sums.train_score / sums.train_weight, axis=1)
    # as in memory (path_cv.kfold_result): folds count equally; the training score is the
    # mean over folds of each fold model's score on its own training rows
    mean = fold_scores.mean(axis=1)
    se = fold_standard_error(fold_scores.T, axis=0)
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
    heads = [[_solution(pt, -1, K, path_tol) for pt in path] for path in paths]
    est.coef_path_ = np.array([np.vstack([np.atleast_2d(head[j].coef.T) for head in heads])
                               for j in range(grid.size)])  # fmt: skip
    if est.coef_path_.shape[1] == 1:
        est.coef_path_ = est.coef_path_[:, 0]
    refits, est.refit_passes_ = setup.refit(source, together[index], yardstick, est.l2_, tol,
                                            _max_iter(est))  # fmt: skip
    _record(est, [_solution(refit, 0, K, tol) for refit in refits], setup.multinomial)
    # (L, F + 1): folds, then the full fit (one-vs-rest: the largest over the heads)
    est.certificates_ = np.max([[pt.certificate for pt in path] for path in paths], axis=0)
    est.newton_passes_ = np.array([pt.passes for pt in together])
    est.newton_hessians_ = np.array([pt.hessians for pt in together])
    return est


def fit_logistic(est: Any, source: Source, groups: Any) -> Any:
    return _single(est, source, LogisticLoss(), float(est.tol), _multinomial(est))


def fit_logistic_cv(est: Any, source: Source, groups: Any) -> Any:
    """k-fold on hash folds (binary, multinomial or one-vs-rest), scored per sample."""
    return _cv(est, source, LogisticLoss(), float(est.tol), "neg_log_loss", _multinomial(est))


def _multinomial(est: Any) -> bool:
    if est.multiclass not in ("multinomial", "ovr"):
        raise ValueError(
            f"multiclass must be one of ('multinomial', 'ovr'); got {est.multiclass!r}"
        )
    return est.multiclass == "multinomial"


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
