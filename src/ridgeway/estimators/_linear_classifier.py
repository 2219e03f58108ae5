"""What LogisticRegression and LinearSVC share: labels, weights, Γ, the task, coef_ layout.

The estimators turn their parameters into a ``selection.classifier_task.ClassifierTask``;
fitting at one λ is ``task.fit`` and choosing λ is ``selection.classifier_cv``.
"""

from __future__ import annotations

import warnings
from dataclasses import replace
from typing import Any

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, column_or_1d

from ridgeway._validation import check_classes_weighted, check_l2_grid
from ridgeway.estimators._base import (
    ParameterHints,
    check_fit_input,
    check_predict_input,
    feature_moments,
)
from ridgeway.penalties.l2 import penalty_operator
from ridgeway.selection.classification_scoring import ClassificationMetric
from ridgeway.selection.classifier_cv import select_classifier_l2
from ridgeway.selection.classifier_task import ClassifierTask, Family, default_l2_grid
from ridgeway.selection.parameters import check_count, check_fraction
from ridgeway.selection.rules import check_rule
from ridgeway.selection.splits import resolve_cv
from ridgeway.solution import Solution
from ridgeway.statistics import prepare_design

#: default certificate tolerance of the fits along a CV / ALO path (see ``cv_tol``)
PATH_TOL = 1e-6


# input, labels and weights --------------------------------------------------------------------
def encode_labels(y: Any) -> tuple[np.ndarray, np.ndarray]:
    """classes_ and class indices; at least two classes, or a clear error."""
    y = column_or_1d(y, warn=True)
    if y.dtype.kind in "fc" and not np.all(np.isfinite(y)):
        raise ValueError("y must not contain NaN or infinity")
    check_classification_targets(y)
    classes, y_idx = np.unique(y, return_inverse=True)
    if classes.size < 2:
        raise ValueError(
            "y must contain at least 2 classes to train a classifier; got "
            + (f"only one class, {classes[0]!r}" if classes.size else "no labels")
        )
    return classes, y_idx.astype(np.intp)


def effective_weights(sample_weight, class_weight, classes, y_idx) -> np.ndarray | None:
    """sample_weight × class_weight[y] (None when both are absent)."""
    if class_weight is None:
        return sample_weight
    per_class = compute_class_weight(
        class_weight, classes=classes, y=classes[y_idx], sample_weight=sample_weight
    )
    w = per_class[y_idx]
    return w if sample_weight is None else sample_weight * w


def build_gamma(X, s, *, standardize: bool, penalty_factor, tikhonov):
    """Γ from the options; standardize penalizes β_j·sd_j (sd 0 → 1: constant columns)."""
    scale = None
    if standardize:
        _, sd = feature_moments(X, s)
        scale = np.where(sd > 0, sd, 1.0)
    return penalty_operator(
        X.shape[1], penalty_factor=penalty_factor, tikhonov=tikhonov, scale=scale
    )


# fitted attributes ---------------------------------------------------------------------------
def result_dtype(X: Any) -> np.dtype:
    """float32 data give float32 coefficients (solved in float64, rounded once at the end),
    as scikit-learn's estimators and Ridge do; anything else gives float64."""
    return np.dtype(np.float32 if X.dtype == np.float32 else np.float64)


def coef_rows(solutions: list[Solution], dtype: Any = np.float64) -> tuple[np.ndarray, np.ndarray]:
    """coef (classes or 1, p) and intercept from the heads' solutions, in ``dtype``."""
    coefs = [np.atleast_2d(np.asarray(sol.coef).T) for sol in solutions]
    intercepts = [np.atleast_1d(np.asarray(sol.intercept, dtype=np.float64)) for sol in solutions]
    return np.vstack(coefs).astype(dtype), np.concatenate(intercepts).astype(dtype)


def coef_path(path: list[list[Solution]], dtype: Any = np.float64) -> np.ndarray:
    """(n_grid, p) for one binary head, else (n_grid, n_classes, p), along the ascending grid."""
    rows = [coef_rows([head[j] for head in path], dtype)[0] for j in range(len(path[0]))]
    out = np.stack(rows)
    return out[:, 0] if out.shape[1] == 1 else out


class LinearClassifier(ParameterHints):
    """The fit, CV and predict steps both classifier families share (a mixin)."""

    def _family(self) -> Family:
        raise NotImplementedError

    def _task(self, X, y, sample_weight, gamma_options: dict | None, tol, max_iter):
        """The ClassifierTask of a fit (``tol``/``max_iter``: the resolved settings)."""
        tol = float(tol)
        if not np.isfinite(tol) or tol <= 0:
            raise ValueError(f"tol must be a finite number > 0; got {self.tol!r}")
        if max_iter is not None and int(max_iter) < 1:
            raise ValueError(f"max_iter must be None or an integer >= 1; got {self.max_iter!r}")
        max_iter = None if max_iter is None else int(max_iter)
        self._family()  # a bad family option is reported before the data are checked
        X, y, w = check_fit_input(self, X, y, sample_weight)
        y = np.asarray(y)
        if y.ndim == 0 or y.shape[0] != X.shape[0]:
            raise ValueError(f"y must have one label per sample of X ({X.shape[0]}); got {y.shape}")
        self.classes_, y_idx = encode_labels(y)
        s = effective_weights(w, self.class_weight, self.classes_, y_idx)
        check_classes_weighted(self.classes_, y_idx, s)
        X, _ = prepare_design(X, s, bool(self.fit_intercept))
        gamma = None if gamma_options is None else build_gamma(X, s, **gamma_options)
        return ClassifierTask(X, y_idx, len(self.classes_), s, gamma, self._family(),
                              bool(self.fit_intercept), self.solver, tol, max_iter)  # fmt: skip

    def _fit_at(self, task: ClassifierTask, l2: float, starts=None) -> None:
        self._record(task, task.fit(l2, starts), starts)

    def _record(self, task: ClassifierTask, solutions: list[Solution], starts=None) -> None:
        """Fitted attributes from the heads' solutions (``starts``: the path solutions a refit
        started from, whose steps count)."""
        self.solutions_ = solutions
        # steps at this λ, counting those of the path solution the refit started from
        before = [0] * len(self.solutions_) if starts is None else [st.n_iter for st in starts]
        self.n_iter_ = np.array([sol.n_iter + b for sol, b in zip(self.solutions_, before)])
        self.coef_, self.intercept_ = coef_rows(self.solutions_, result_dtype(task.X))
        self.solution_ = max(
            self.solutions_, key=lambda sol: sol.certificate / max(sol.tol, 1e-300)
        )
        if not self.solution_.converged:
            warnings.warn(
                f"{type(self).__name__} did not converge: {self.solution_.summary()}. The fit "
                "is usable but not certified; check for separable classes with unpenalized "
                "features, or raise max_iter.",
                ConvergenceWarning,
                stacklevel=3,
            )

    def _check_cv_parameters(self) -> None:
        """Every λ-search setting of the CV classifiers, checked in one place before the data."""
        check_rule(self.rule)
        if self.l2 is None:
            check_count(self.n_grid, "n_grid")
            check_fraction(self.l2_min_ratio, "l2_min_ratio", closed_top=True)
        if not (isinstance(self.cv, str) and self.cv == "alo"):
            resolve_cv(self.cv, classifier=True)

    def _fit_cv(self, task: ClassifierTask, metric: ClassificationMetric) -> None:
        """Choose λ on the grid (k-fold or ALO), refit at it from the path's solution
        (the caller has run :meth:`_check_cv_parameters`)."""
        if self.l2 is None:
            mean, sd = feature_moments(task.X, task.sample_weight)
            grid = default_l2_grid(task, mean, sd, self.n_grid, self.l2_min_ratio)
        else:
            grid = check_l2_grid(self.l2)
        # the path fits only rank λ values: a looser certificate (still far below what changes
        # a score) saves Newton steps; the final refit uses ``tol``
        path_tol = max(task.tol, PATH_TOL) if self.cv_tol is None else float(self.cv_tol)
        if not np.isfinite(path_tol) or path_tol <= 0:
            raise ValueError(f"cv_tol must be None or a finite number > 0; got {self.cv_tol!r}")
        selection = select_classifier_l2(replace(task, tol=path_tol), grid, self.cv, metric,
                                         self.rule)  # fmt: skip
        self.selection_ = selection.result
        self.cv_results_ = selection.result.cv_results()
        self.best_index_ = int(selection.result.best_index[0])
        self.best_score_ = float(selection.result.mean_score[self.best_index_])
        self.l2_ = float(grid[self.best_index_])
        self.coef_path_ = coef_path(selection.path, result_dtype(task.X))
        self._fit_at(task, self.l2_, selection.starts(self.best_index_))

    def decision_function(self, X: Any) -> np.ndarray:
        """Linear predictors: (n,) for two classes (positive: classes_[1]), else (n, k)."""
        check_is_fitted(self)
        X = check_predict_input(self, X)
        z = np.asarray(X @ self.coef_.T) + self.intercept_
        return z[:, 0] if z.shape[1] == 1 else z

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()  # type: ignore[misc]
        tags.input_tags.sparse = True
        return tags
