"""The one objective of ridgeway, and converters to other libraries' parameters.

Every model in ridgeway minimizes

    Σ_i s_i · ℓ(y_i, x_iᵀβ + β₀)  +  (l2/2) · ‖Γ(β − β_prior)‖²  +  l1 · Σ_j f_j |β_j|

with s_i the sample weights (default 1), ℓ the loss (squared: ½(y − ŷ)²; logistic: the
negative log-likelihood), Γ the Tikhonov operator (default I; per-feature factors f give
Γ = diag(√f)), and β₀ the intercept, which is never penalized. The loss is a *sum*, not a
mean: λ does not change meaning with the number of samples, and ridge is exactly
β = (XᵀSX + λΓᵀΓ)⁻¹XᵀSy on centred data.

Other libraries write the same problem differently; the converters below map both ways.
``n`` is the (weighted) sample size Σ s_i where a library uses a mean loss.

| library, parameter                           | in terms of ridgeway          |
|----------------------------------------------|-------------------------------|
| scikit-learn Ridge ``alpha``                 | alpha = l2                    |
| scikit-learn LogisticRegression/LinearSVC C  | C = 1 / l2                    |
| scikit-learn ElasticNet/Lasso alpha,l1_ratio | alpha = (l1 + l2)/n, ratio = l1/(l1 + l2) |
| glmnet ``lambda``, ``alpha`` (gaussian)      | same as scikit-learn ElasticNet |
| statsmodels fit_regularized alpha, L1_wt     | same as scikit-learn ElasticNet |
| PyTorch SGD/Adam ``weight_decay`` (mean loss)| weight_decay = l2 / n (coupled L2) |
| PyTorch AdamW ``weight_decay``               | decoupled: not an L2 penalty   |

k-fold cross-validation fits on n_train < n samples; ridgeway evaluates a grid value λ on a
fold as λ·n_train/n so that the λ chosen transfers to the full-data refit (see
:func:`fold_l2`). Exact leave-one-out and GCV use λ as it is.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "OBJECTIVE",
    "fold_l2",
    "from_glmnet",
    "from_sklearn_C",
    "from_sklearn_elastic_net",
    "from_sklearn_ridge",
    "from_statsmodels",
    "from_torch_weight_decay",
    "to_glmnet",
    "to_sklearn_C",
    "to_sklearn_elastic_net",
    "to_sklearn_ridge",
    "to_statsmodels",
    "to_torch_weight_decay",
]

OBJECTIVE = "Σ s_i ℓ(y_i, x_iᵀβ + β₀) + (l2/2)‖Γ(β − β_prior)‖² + l1 Σ f_j|β_j|"


def _nonneg(value: float, name: str) -> float:
    value = float(value)
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0; got {value!r}")
    return value


def _positive(value: float, name: str) -> float:
    value = float(value)
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0; got {value!r}")
    return value


def to_sklearn_ridge(l2: float) -> float:
    """scikit-learn ``Ridge(alpha=…)``: ‖y − Xw‖² + alpha‖w‖² is twice our objective."""
    return _nonneg(l2, "l2")


def from_sklearn_ridge(alpha: float) -> float:
    """Our l2 from scikit-learn Ridge's ``alpha``."""
    return _nonneg(alpha, "alpha")


def to_sklearn_C(l2: float) -> float:
    """scikit-learn ``C`` (LogisticRegression, LinearSVC): C·Σ loss + ½‖w‖², so C = 1/l2."""
    return 1.0 / _positive(l2, "l2")


def from_sklearn_C(C: float) -> float:
    """Our l2 from scikit-learn's ``C``."""
    return 1.0 / _positive(C, "C")


def to_sklearn_elastic_net(l1: float, l2: float, n: float) -> tuple[float, float]:
    """scikit-learn ElasticNet ``(alpha, l1_ratio)``.

    scikit-learn minimizes 1/(2n)Σ s_i r_i² + alpha·l1_ratio‖w‖₁ + ½alpha(1 − l1_ratio)‖w‖²
    with weights rescaled to sum to n; times n this is ours with l1 = n·alpha·l1_ratio and
    l2 = n·alpha·(1 − l1_ratio). ``n`` is Σ s_i (the number of samples without weights).
    """
    l1, l2, n = _nonneg(l1, "l1"), _nonneg(l2, "l2"), _positive(n, "n")
    total = l1 + l2
    if total == 0:
        return 0.0, 1.0
    return total / n, l1 / total


def from_sklearn_elastic_net(alpha: float, l1_ratio: float, n: float) -> tuple[float, float]:
    """Our ``(l1, l2)`` from scikit-learn ElasticNet's ``alpha`` and ``l1_ratio``."""
    alpha, n = _nonneg(alpha, "alpha"), _positive(n, "n")
    l1_ratio = _nonneg(l1_ratio, "l1_ratio")
    if l1_ratio > 1:
        raise ValueError(f"l1_ratio must be in [0, 1]; got {l1_ratio!r}")
    return n * alpha * l1_ratio, n * alpha * (1.0 - l1_ratio)


def to_glmnet(l1: float, l2: float, n: float) -> tuple[float, float]:
    """glmnet's ``(lambda, alpha)`` for family="gaussian".

    glmnet minimizes 1/(2n)Σ w_i r_i² + lambda[(1 − alpha)/2‖β‖² + alpha‖β‖₁] with weights
    rescaled to sum to n: the scikit-learn ElasticNet form with alpha ↔ lambda and
    l1_ratio ↔ alpha. (glmnet also rescales ``penalty.factor`` to sum to the number of
    features; pass factors already scaled that way.)
    """
    return to_sklearn_elastic_net(l1, l2, n)


def from_glmnet(lambda_: float, alpha: float, n: float) -> tuple[float, float]:
    """Our ``(l1, l2)`` from glmnet's ``lambda`` and ``alpha`` (gaussian family)."""
    return from_sklearn_elastic_net(lambda_, alpha, n)


def to_statsmodels(l1: float, l2: float, n: float) -> tuple[float, float]:
    """statsmodels ``fit_regularized(alpha=…, L1_wt=…)`` for OLS.

    statsmodels minimizes RSS/(2n) + alpha[(1 − L1_wt)/2‖β‖² + L1_wt‖β‖₁]: the glmnet form.
    Note that statsmodels penalizes every column it is given, including a constant.
    """
    return to_sklearn_elastic_net(l1, l2, n)


def from_statsmodels(alpha: float, L1_wt: float, n: float) -> tuple[float, float]:
    """Our ``(l1, l2)`` from statsmodels' ``alpha`` and ``L1_wt``."""
    return from_sklearn_elastic_net(alpha, L1_wt, n)


def to_torch_weight_decay(l2: float, n: float, reduction: str = "mean") -> float:
    """PyTorch ``weight_decay`` for SGD or Adam (coupled: wd·w is added to the gradient).

    Training a mean loss (1/n)Σℓ with weight_decay wd minimizes (1/n)Σℓ + (wd/2)‖w‖², so
    wd = l2/n; with ``reduction="sum"``, wd = l2. AdamW's weight_decay is *decoupled*
    (w ← w − lr·wd·w outside the adaptive step): it is not an L2 penalty and has no exact
    l2 equivalent; this value only gives AdamW the same per-step shrinkage rate.
    """
    l2 = _nonneg(l2, "l2")
    if reduction == "sum":
        return l2
    if reduction == "mean":
        return l2 / _positive(n, "n")
    raise ValueError(f"reduction must be 'mean' or 'sum'; got {reduction!r}")


def from_torch_weight_decay(weight_decay: float, n: float, reduction: str = "mean") -> float:
    """Our l2 from a coupled PyTorch ``weight_decay`` (SGD, Adam) on a mean or sum loss."""
    weight_decay = _nonneg(weight_decay, "weight_decay")
    if reduction == "sum":
        return weight_decay
    if reduction == "mean":
        return weight_decay * _positive(n, "n")
    raise ValueError(f"reduction must be 'mean' or 'sum'; got {reduction!r}")


def fold_l2(l2: np.ndarray | float, n_train: float, n: float) -> np.ndarray:
    """λ for a fit on n_train of n samples, so that the choice transfers to the full refit.

    Our loss is a sum: a fold with fewer samples carries less data weight, so the same
    penalty would regularize it more. Scaling λ by n_train/n keeps the ratio of data term
    to penalty of the full fit.
    """
    return np.asarray(l2, dtype=np.float64) * (float(n_train) / float(n))
