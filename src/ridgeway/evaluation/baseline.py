"""What the KPIs need to know about a model: its unregularized baseline, λ, df, conditioning."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import is_classifier

from ridgeway.estimators.logistic import LogisticRegression
from ridgeway.estimators.ridge import Ridge
from ridgeway.estimators.ridge_classifier import RidgeClassifier
from ridgeway.estimators.svm import LinearSVC

__all__ = ["baseline_model", "conditioning", "effective_df", "penalty_strength"]

#: λ of the "unpenalized" classifiers, per sample: the exact maximum-likelihood / hard-margin
#: fit does not exist when the classes are separable, so a vanishing penalty stands in for it
TINY_L2_PER_SAMPLE = 1e-8


def baseline_model(model: Any, n_samples: int) -> tuple[Any, str | None]:
    """The unregularized counterpart of ``model`` (unfitted) and a note on how it is built."""
    params = model.get_params()
    intercept = params.get("fit_intercept", True)
    tiny = TINY_L2_PER_SAMPLE * n_samples
    note = (
        f"unpenalized baseline approximated by l2 = 1e-8·n = {tiny:.2g} (the exact "
        "unpenalized fit does not exist when the classes are separable)"
    )
    if isinstance(model, LogisticRegression):
        multiclass = params.get("multiclass", "multinomial")
        return LogisticRegression(l2=tiny, fit_intercept=intercept, multiclass=multiclass), note
    if isinstance(model, LinearSVC):
        return LinearSVC(l2=tiny, loss=params["loss"], fit_intercept=intercept), note
    if is_classifier(model):
        return RidgeClassifier(l2=0.0, fit_intercept=intercept), (
            "baseline: least squares on ±1 class codes (minimum-norm where singular)"
        )
    return Ridge(l2=0.0, fit_intercept=intercept), (
        "baseline: ordinary least squares (minimum-norm where XᵀX is singular)"
    )


def penalty_strength(model: Any) -> tuple[float | None, float | None]:
    """(l2, l1) the fitted model used: the chosen values for CV models, else the parameters."""
    params = model.get_params()

    def first(value: Any) -> float | None:
        if value is None:
            return None
        return float(np.ravel(np.asarray(value, dtype=np.float64))[0])

    l2 = first(getattr(model, "l2_", params.get("l2", 0.0)))
    if "l1" in params or hasattr(model, "l1_"):
        l1 = first(getattr(model, "l1_", params.get("l1")))
        l2 = 0.0 if l2 is None else l2  # Lasso has no l2
        return l2, l1
    return l2, None


def effective_df(model: Any) -> float | None:
    """Effective degrees of freedom at the fitted λ, where the model reports it."""
    if hasattr(model, "df_"):
        return float(model.df_)
    results = getattr(model, "cv_results_", None)
    if not results or "df" not in results:
        return None
    index = getattr(model, "best_index_", None)
    if index is None and "best_index" in results:
        index = int(np.ravel(results["best_index"])[0])
    if index is None or isinstance(index, tuple):
        return None
    return float(np.asarray(results["df"])[index])


def _cond(matrix: np.ndarray) -> float:
    """2-norm condition number of a symmetric PSD matrix; inf when numerically singular."""
    if matrix.size == 0:
        return float("nan")
    eig = np.linalg.eigvalsh(matrix)
    top = eig.max()
    if top <= 0 or eig.min() <= top * matrix.shape[0] * np.finfo(float).eps:
        return float("inf")
    return float(top / eig.min())


def conditioning(model: Any, X: np.ndarray, l2: float | None) -> tuple[float, float]:
    """cond(XᵀX) and cond(XᵀX + λΓᵀΓ), X centred when an intercept is fitted.

    Γ is the model's: diag(sd) with ``standardize``, times ``penalty_factor`` where given;
    a ``tikhonov`` matrix is not reconstructed here (Γ = I is used instead).
    """
    params = model.get_params()
    Xc = X - X.mean(axis=0) if params.get("fit_intercept", True) else X
    gram = Xc.T @ Xc
    diag = np.ones(X.shape[1])
    if params.get("standardize", False):
        sd = Xc.std(axis=0)
        diag = np.where(sd > 0, sd, 1.0) ** 2
    factor = params.get("penalty_factor")
    if factor is not None:
        diag = diag * np.asarray(factor, dtype=np.float64)
    penalized = gram + (l2 or 0.0) * np.diag(diag)
    return _cond(gram), _cond(penalized)
