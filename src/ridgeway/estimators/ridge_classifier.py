"""Ridge classifiers: ridge on ±1 targets (one column per class), with the same exact LOO.

Popular because choosing λ is nearly free (the classifier of ROCKET-style time-series
pipelines): every class column shares one decomposition of X.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import ClassifierMixin

from ridgeway._validation import check_l2
from ridgeway.estimators._base import check_predict_input, keep_parameters
from ridgeway.estimators._linear_classifier import effective_weights, encode_labels
from ridgeway.estimators.ridge import _RidgeBase, ridge_problem, with_l2
from ridgeway.estimators.ridge_cv import SelectedRidge
from ridgeway.problem import Problem
from ridgeway.selection.scoring import SIGN_CODE_METRICS, get_metric, predicted_class
from ridgeway.selection.spectral_cv import ridge_solver, select_ridge

__all__ = ["RidgeClassifier", "RidgeClassifierCV"]


def _encode(est: Any, y: Any, sample_weight: Any) -> tuple[np.ndarray, Any]:
    """±1 one-vs-all columns (one column for two classes); class weights folded into s."""
    if y is None:
        raise ValueError(f"{type(est).__name__} requires y to be passed, but the target y is None")
    est.classes_, y_idx = encode_labels(y)
    if est.classes_.size == 2:  # one column: +1 for classes_[1], as scikit-learn
        Y = (2.0 * y_idx - 1.0)[:, None]
    else:
        Y = -np.ones((y_idx.size, est.classes_.size))
        Y[np.arange(y_idx.size), y_idx] = 1.0
    if sample_weight is not None and not np.isscalar(sample_weight):
        sample_weight = np.asarray(sample_weight)
    return Y, effective_weights(sample_weight, est.class_weight, est.classes_, y_idx)


class _ClassifierMixin(ClassifierMixin):
    def decision_function(self, X: Any) -> np.ndarray:
        """Ridge scores: (n,) for two classes (positive means classes_[1]), else (n, K)."""
        X = check_predict_input(self, X)
        scores = np.asarray(X @ self.coef_.T) + self.intercept_
        return scores[:, 0] if scores.shape[1] == 1 else scores

    def predict(self, X: Any) -> np.ndarray:
        scores = self.decision_function(X)
        return self.classes_[predicted_class(scores.reshape(scores.shape[0], -1))]

    def _problem(self, X: Any, y: Any, sample_weight: Any, min_samples: int = 1) -> Problem:
        """The ±1 columns as targets; coef_ stays 2-D (sklearn: (1, p) for two classes)."""
        Y, sample_weight = _encode(self, y, sample_weight)
        return ridge_problem(self, X, Y, sample_weight, min_samples=min_samples)[0]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = False
        return tags


class RidgeClassifier(_ClassifierMixin, _RidgeBase):
    """Ridge on ±1-coded classes; predicts the class with the largest score.

    Parameters are those of :class:`Ridge` (``l2`` one value, ``solver``), plus
    ``class_weight`` (None, "balanced" or a dict), folded into the sample weights.
    """

    def __init__(
        self,
        l2: float = 1.0,
        *,
        fit_intercept: bool = True,
        standardize: bool = False,
        penalty_factor: Any = None,
        tikhonov: Any = None,
        prior: Any = None,
        class_weight: Any = None,
        solver: str = "auto",
    ) -> None:
        keep_parameters(self, locals())

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> RidgeClassifier:
        problem = with_l2(self._problem(X, y, sample_weight), check_l2(self.l2))
        solution = ridge_solver(self.solver, problem).solve(problem)
        self._set_solution(solution, False, problem.X.dtype)
        return self


class RidgeClassifierCV(_ClassifierMixin, SelectedRidge):
    """RidgeClassifier with λ chosen by exact LOO, GCV or (stratified) k-fold.

    ``scoring`` is "accuracy" (default) or "neg_mean_squared_error" on the ±1 codes; the
    other parameters and attributes are those of :class:`RidgeCV`.
    """

    _is_classifier_cv = True

    def __init__(
        self,
        l2: Any = None,
        *,
        cv: Any = "loo",
        rule: str = "min",
        scoring: str | None = None,
        n_grid: int = 100,
        fit_intercept: bool = True,
        standardize: bool = False,
        penalty_factor: Any = None,
        tikhonov: Any = None,
        prior: Any = None,
        class_weight: Any = None,
        solver: str = "auto",
    ) -> None:
        keep_parameters(self, locals())

    def fit(
        self, X: Any, y: Any, sample_weight: Any = None, groups: Any = None
    ) -> RidgeClassifierCV:
        metric = get_metric(self.scoring, SIGN_CODE_METRICS)
        problem = self._problem(X, y, sample_weight, min_samples=2)
        # accuracy scores all class columns at once: no per-target curves
        opts = self._grid_options(per_target_curves=metric.name != "accuracy")
        sel = select_ridge(problem, self.solver, opts, metric, groups, y_for_split=y)
        self._set_selection(sel, False, problem.X.dtype)
        return self
