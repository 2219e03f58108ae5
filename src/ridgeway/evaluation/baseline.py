"""What the KPIs need to know about a model: its unregularized baseline, λ, df, penalty."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import is_classifier

from ridgeway.estimators.logistic import LogisticRegression
from ridgeway.estimators.ridge import Ridge
from ridgeway.estimators.ridge_classifier import RidgeClassifier
from ridgeway.estimators.svm import LinearSVC

__all__ = [
    "baseline_model",
    "data_hessian",
    "effective_df",
    "hessian_df",
    "penalty_diagonal",
    "penalty_strength",
]

#: λ of the "unpenalized" classifiers, per sample: the exact maximum-likelihood / hard-margin
#: fit does not exist when the classes are separable, so a vanishing penalty stands in for it
TINY_L2_PER_SAMPLE = 1e-8


def baseline_model(model: Any, n_samples: int) -> tuple[Any, str | None]:
    """The unregularized counterpart of ``model`` (unfitted) and a note on how it is built."""
    params = model.get_params()
    intercept = params.get("fit_intercept", True)
    tiny = TINY_L2_PER_SAMPLE * n_samples
    note = (
        f"baseline: the same classifier with a vanishing penalty, l2 = 1e-8·n = {tiny:.2g} "
        "(the unpenalized fit, where it exists)"
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


def penalty_diagonal(model: Any, variance: np.ndarray | None) -> np.ndarray | None:
    """diag(ΓᵀΓ) of the model's penalty: the feature variances with ``standardize``, times
    ``penalty_factor`` where given; None for the identity. A ``tikhonov`` matrix is not
    reconstructed here (the identity is used instead)."""
    params = model.get_params()
    diag = None
    if params.get("standardize", False) and variance is not None:
        sd = np.sqrt(variance)
        diag = np.where(sd > 0, sd, 1.0) ** 2
    factor = params.get("penalty_factor")
    if factor is not None:
        factor = np.asarray(factor, dtype=np.float64)
        diag = factor if diag is None else diag * factor
    return diag


def data_hessian(model: Any, X: Any, y: Any) -> np.ndarray | None:
    """X̃ᵀDX̃ at the fitted coefficients of a two-class L2 classifier with a twice
    differentiable loss (X̃ = [X, 1] with an intercept; D = ℓ″(y, z) per row): the data part
    of the Hessian its Newton solver certified at. None for other models (multinomial, an l1
    part, the hinge, ridge). A sum over rows: blocks of rows add up (a pass at scale)."""
    family = getattr(model, "_family", None)  # LogisticRegression, LinearSVC
    coef = np.atleast_2d(np.asarray(getattr(model, "coef_", np.zeros((0, 0)))))
    _, l1 = penalty_strength(model)
    if family is None or coef.shape[0] != 1 or len(model.classes_) != 2 or (l1 or 0.0) > 0:
        return None
    loss = family().binary_loss
    if not loss.twice_differentiable:
        return None
    z = np.asarray(model.decision_function(X), dtype=np.float64).ravel()
    X = np.asarray(X, dtype=np.float64)
    d = loss.curvature(loss.binary_target(np.asarray(y) == model.classes_[1]), z)
    if model.get_params().get("fit_intercept", True):
        X = np.hstack([X, np.ones((X.shape[0], 1))])
    return np.asarray((X * d[:, None]).T @ X)


def hessian_df(model: Any, hessian: np.ndarray, variance: np.ndarray | None) -> float | None:
    """Effective degrees of freedom tr((H + λΓᵀΓ)⁻¹H) of a smooth L2 classifier from its data
    Hessian H at the solution (the trace approximate leave-one-out reads, intercept
    included); ``variance``: the feature variances (for ``standardize``)."""
    l2, _ = penalty_strength(model)
    p = int(np.shape(model.coef_)[-1])
    diag = penalty_diagonal(model, variance)
    penalty = np.zeros(hessian.shape[0])
    penalty[:p] = (l2 or 0.0) * (np.ones(p) if diag is None else diag)
    K = hessian + np.diag(penalty)
    try:
        solved = np.linalg.solve(K, hessian)
    except np.linalg.LinAlgError:
        return None
    df = float(np.trace(solved))
    return df if np.isfinite(df) else None
