"""Linear support vector machines with the L2 penalty and a free (unpenalized) intercept."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from ridgeway._validation import check_l2
from ridgeway.estimators._base import at_scale, fit_at_scale, keep_parameters, predict_at_scale
from ridgeway.estimators._linear_classifier import LinearClassifier
from ridgeway.losses.hinge import HingeLoss
from ridgeway.losses.squared_hinge import SquaredHingeLoss
from ridgeway.selection.classification_scoring import get_classification_metric
from ridgeway.selection.classifier_task import Family

__all__ = ["LinearSVC", "LinearSVCCV"]

LOSSES = {"squared_hinge": SquaredHingeLoss, "hinge": HingeLoss}
#: default certificate tolerance per loss: Newton's relative gradient for the smooth squared
#: hinge, dual coordinate descent's relative duality gap for the hinge
DEFAULT_TOL = {"squared_hinge": 1e-8, "hinge": 1e-6}
DEFAULT_MAX_ITER = {"squared_hinge": 100, "hinge": 100_000}


class LinearSVC(LinearClassifier, ClassifierMixin, BaseEstimator):
    """Linear SVM: minimizes Σ s_i ℓ(y_i, x_iᵀβ + β₀) + (l2/2)‖Γβ‖², y_i ∈ {−1, +1}.

    ``loss="squared_hinge"`` (ℓ = max(0, 1 − yz)², solved by semismooth Newton with a
    Cholesky of the generalized Hessian) or ``"hinge"`` (ℓ = max(0, 1 − yz), dual coordinate
    descent). ``l2`` is scikit-learn's 1/C. Unlike liblinear, the intercept is not penalized.
    More than two classes: one-vs-rest. ``tol``/``max_iter`` None take per-loss defaults
    (relative gradient 1e-8 for squared hinge, relative duality gap 1e-6 for hinge).
    ``solution_`` certifies the fit (the least converged one for one-vs-rest).
    ``standardize``, ``penalty_factor`` and ``tikhonov`` build Γ as in
    :class:`~ridgeway.LogisticRegression` (Γ = I by default); dual coordinate descent (the
    hinge's solver) needs Γ = I, so they need ``loss="squared_hinge"``.
    """

    def __init__(
        self,
        l2: float = 1.0,
        *,
        loss: str = "squared_hinge",
        fit_intercept: bool = True,
        standardize: bool = False,
        penalty_factor: Any = None,
        tikhonov: Any = None,
        class_weight: Any = None,
        solver: str = "auto",
        tol: float | None = None,
        max_iter: int | None = None,
    ) -> None:
        keep_parameters(self, locals())

    def _family(self) -> Family:
        if self.loss not in LOSSES:
            raise ValueError(f"loss must be one of {sorted(LOSSES)}; got {self.loss!r}")
        return Family(LOSSES[self.loss](), multinomial=False)

    def _svm_task(self, X, y, sample_weight):
        # dual CD (always for the hinge) certifies by a duality gap and counts epochs
        key = "hinge" if self.solver == "dual-cd" else self.loss
        tol = DEFAULT_TOL.get(key, 1.0) if self.tol is None else self.tol
        max_iter = DEFAULT_MAX_ITER.get(key) if self.max_iter is None else self.max_iter
        gamma = {"standardize": self.standardize, "penalty_factor": self.penalty_factor,
                 "tikhonov": self.tikhonov}  # fmt: skip
        if self.loss == "hinge" and (self.standardize or self.penalty_factor is not None
                                     or self.tikhonov is not None):  # fmt: skip
            raise ValueError(
                "loss='hinge' is solved by dual coordinate descent, which needs the plain "
                "penalty (l2/2)‖β‖²: standardize, penalty_factor and tikhonov need "
                "loss='squared_hinge'"
            )
        return self._task(X, y, sample_weight, gamma, tol, max_iter)

    def _fit_at(self, task, l2, starts=None) -> None:
        if l2 <= 0:
            raise ValueError(f"l2 must be a finite number > 0 for an SVM; got {l2!r}")
        super()._fit_at(task, l2, starts)
        self.n_iter_ = int(self.n_iter_.max())

    def fit(self, X: Any, y: Any = None, sample_weight: Any = None) -> LinearSVC:
        if at_scale(X):  # a ridgeway.scale source or Dask: semismooth Newton, one pass a step
            return fit_at_scale(self, X, y, sample_weight)
        l2 = float(check_l2(self.l2))
        self._fit_at(self._svm_task(X, y, sample_weight), l2)
        return self

    def predict(self, X: Any) -> np.ndarray:
        if at_scale(X):
            return predict_at_scale(self, X)
        z = self.decision_function(X)
        if z.ndim == 1:
            return self.classes_[(z > 0).astype(np.intp)]
        return self.classes_[np.argmax(z, axis=1)]


class LinearSVCCV(LinearSVC):
    """LinearSVC with λ chosen by k-fold CV, or by ALO (``cv="alo"``, squared hinge only).

    Same grid, ``cv``, ``rule`` and ``cv_results_`` as LogisticRegressionCV; ``scoring`` is
    "accuracy" (default), "f1" or "roc_auc" (an SVM gives no probabilities for log-loss).
    ``cv_tol``: certificate tolerance of the path fits (None: max(tol, 1e-6)).
    ``selection_`` and ``coef_path_`` as LogisticRegressionCV's.
    """

    def __init__(
        self,
        l2: Any = None,
        *,
        n_grid: int = 20,
        l2_min_ratio: float = 1e-4,
        cv: Any = 5,
        scoring: str = "accuracy",
        rule: str = "min",
        cv_tol: float | None = None,
        loss: str = "squared_hinge",
        fit_intercept: bool = True,
        standardize: bool = False,
        penalty_factor: Any = None,
        tikhonov: Any = None,
        class_weight: Any = None,
        solver: str = "auto",
        tol: float | None = None,
        max_iter: int | None = None,
    ) -> None:
        keep_parameters(self, locals())

    def fit(self, X: Any, y: Any = None, sample_weight: Any = None) -> LinearSVCCV:
        """Choose λ on the grid, then refit at it (data at scale, squared hinge: k-fold on
        hash folds, every fold served by each Newton pass)."""
        self._check_cv_parameters()
        if at_scale(X):
            return fit_at_scale(self, X, y, sample_weight)
        metric = get_classification_metric(self.scoring, "accuracy")
        if metric.needs_proba:
            raise ValueError(f"scoring {self.scoring!r} needs probabilities; an SVM has none")
        if self.cv == "alo" and self.loss != "squared_hinge":
            raise ValueError("cv='alo' needs the smooth loss='squared_hinge'; use k-fold cv")
        self._fit_cv(self._svm_task(X, y, sample_weight), metric)
        return self
