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
|   … with ``MSELoss`` (mean r², no ½)         | weight_decay = 2·l2 / n        |
|   … with ``BCEWithLogitsLoss``/``CrossEntropyLoss`` | weight_decay = l2 / n   |
| PyTorch AdamW ``weight_decay``               | decoupled: not an L2 penalty   |
| Keras ``regularizers.L2(c)`` (c·Σw², no ½)   | c = l2 / n (MSE), l2 / (2n) (cross-entropy) |
| Keras optimizer ``weight_decay=``            | decoupled: not an L2 penalty   |

Decoupled decay (AdamW, every Keras optimizer's ``weight_decay``) shrinks θ ← θ(1 − lr·wd)
each step outside the gradient: it has no λ equivalent; :func:`decoupled_decay` gives its
timescale instead.

k-fold cross-validation fits on n_train < n samples; ridgeway evaluates a grid value λ on a
fold as λ·n_train/n so that the λ chosen transfers to the full-data refit (see
:func:`fold_l2`). Exact leave-one-out and GCV use λ as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "OBJECTIVE",
    "DecoupledDecay",
    "decoupled_decay",
    "fold_l2",
    "from_glmnet",
    "from_keras_l2",
    "from_sklearn_C",
    "from_sklearn_elastic_net",
    "from_sklearn_logistic",
    "from_sklearn_ridge",
    "from_statsmodels",
    "from_torch_weight_decay",
    "to_glmnet",
    "to_keras_l2",
    "to_sklearn_C",
    "to_sklearn_elastic_net",
    "to_sklearn_logistic",
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


def to_sklearn_logistic(l1: float, l2: float) -> tuple[float, float]:
    """scikit-learn ``LogisticRegression(C=…, l1_ratio=…)``: C·Σ loss + l1_ratio‖w‖₁ +
    ½(1 − l1_ratio)‖w‖², divided by C, is ours with l1 = l1_ratio/C, l2 = (1 − l1_ratio)/C
    (both libraries leave the intercept unpenalized, except liblinear)."""
    l1, l2 = _nonneg(l1, "l1"), _nonneg(l2, "l2")
    total = _positive(l1 + l2, "l1 + l2")
    return 1.0 / total, l1 / total


def from_sklearn_logistic(C: float, l1_ratio: float) -> tuple[float, float]:
    """Our ``(l1, l2)`` from scikit-learn LogisticRegression's ``C`` and ``l1_ratio``."""
    C, l1_ratio = _positive(C, "C"), _nonneg(l1_ratio, "l1_ratio")
    if l1_ratio > 1:
        raise ValueError(f"l1_ratio must be in [0, 1]; got {l1_ratio!r}")
    return l1_ratio / C, (1.0 - l1_ratio) / C


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


#: per-sample value of each named framework loss, in units of our ℓ (½r² or the log-loss)
_LOSS_FACTOR = {None: 1.0, "mse": 2.0, "bce": 1.0, "cross_entropy": 1.0}
_COUPLED = ("sgd", "adam")
_DECOUPLED = ("adamw",)


def _loss_factor(loss: str | None) -> float:
    if loss not in _LOSS_FACTOR:
        names = tuple(k for k in _LOSS_FACTOR if k is not None)
        raise ValueError(f"loss must be one of {names} or None; got {loss!r}")
    return _LOSS_FACTOR[loss]


def _check_coupled(optimizer: str) -> None:
    if optimizer in _DECOUPLED:
        raise ValueError(
            f"optimizer={optimizer!r} applies decoupled weight decay (θ ← θ(1 − lr·wd) outside "
            "the gradient): it is not an L2 penalty and no l2 converts to it; use "
            "decoupled_decay() for its timescale, or SGD/Adam for a real L2 penalty"
        )
    if optimizer not in _COUPLED:
        raise ValueError(f"optimizer must be one of {_COUPLED + _DECOUPLED}; got {optimizer!r}")


def _reduction_scale(reduction: str, n: float) -> float:
    if reduction == "sum":
        return 1.0
    if reduction == "mean":
        return _positive(n, "n")
    raise ValueError(f"reduction must be 'mean' or 'sum'; got {reduction!r}")


def to_torch_weight_decay(
    l2: float,
    n: float,
    reduction: str = "mean",
    *,
    loss: str | None = None,
    optimizer: str = "sgd",
) -> float:
    """PyTorch ``weight_decay`` for SGD or Adam (coupled: wd·w is added to the gradient).

    A coupled weight_decay wd adds (wd/2)‖w‖² to the loss the optimizer sees. The factor
    depends on that loss, so name it: ``loss=None`` means the mean (or sum) of our own ℓ
    (½r², the log-loss), so wd = l2/n; ``"mse"`` is torch's ``MSELoss`` (mean r², no ½:
    twice our ℓ), wd = 2·l2/n; ``"bce"`` (``BCEWithLogitsLoss``) and ``"cross_entropy"``
    are our log-loss, wd = l2/n. With ``reduction="sum"`` drop the 1/n. ``n`` is the number
    of training samples the mean runs over.

    AdamW (``optimizer="adamw"``) decays decoupled, w ← w(1 − lr·wd) outside the adaptive
    step: it is not an L2 penalty, and this raises a ValueError saying so (see
    :func:`decoupled_decay`).
    """
    l2 = _nonneg(l2, "l2")
    factor = _loss_factor(loss)
    _check_coupled(optimizer)
    return factor * l2 / _reduction_scale(reduction, n)


def from_torch_weight_decay(
    weight_decay: float,
    n: float,
    reduction: str = "mean",
    *,
    loss: str | None = None,
    optimizer: str = "sgd",
) -> float:
    """Our l2 from a coupled PyTorch ``weight_decay`` (SGD, Adam) on a mean or sum loss.

    The inverse of :func:`to_torch_weight_decay` (same ``loss`` and ``optimizer``).
    """
    weight_decay = _nonneg(weight_decay, "weight_decay")
    factor = _loss_factor(loss)
    _check_coupled(optimizer)
    return weight_decay * _reduction_scale(reduction, n) / factor


#: Keras losses: c·Σw² is added to the *mean* loss, so c = l2 / (n · _KERAS_DIVISOR[loss])
_KERAS_DIVISOR = {"mse": 1.0, "bce": 2.0, "cross_entropy": 2.0}


def _keras_divisor(loss: str, decay: str) -> float:
    if decay == "optimizer":
        raise ValueError(
            "decay='optimizer': a Keras optimizer's weight_decay is decoupled (θ ← θ(1 − lr·wd) "
            "outside the gradient, biases included unless excluded): it is not an L2 penalty "
            "and no l2 converts to it; use kernel_regularizer=keras.regularizers.L2 instead"
        )
    if decay != "regularizer":
        raise ValueError(f"decay must be 'regularizer' or 'optimizer'; got {decay!r}")
    if loss not in _KERAS_DIVISOR:
        raise ValueError(f"loss must be one of {tuple(_KERAS_DIVISOR)}; got {loss!r}")
    return _KERAS_DIVISOR[loss]


def to_keras_l2(l2: float, n: float, loss: str = "mse", *, decay: str = "regularizer") -> float:
    """Keras ``regularizers.L2(c)`` for our l2.

    Keras adds c·Σw² (no ½) to the mean loss. Its ``"mse"`` is the mean of r² (twice our ℓ):
    (2/n)Σℓ + cΣw² is (2/n)·ours when c = l2/n. Its binary or categorical cross-entropy is
    our log-loss: (1/n)Σℓ + cΣw² is ours/n when c = l2/(2n). ``decay="optimizer"`` (an
    optimizer's ``weight_decay=``) raises: that decay is decoupled.
    """
    l2 = _nonneg(l2, "l2")
    divisor = _keras_divisor(loss, decay)
    return l2 / (divisor * _positive(n, "n"))


def from_keras_l2(c: float, n: float, loss: str = "mse", *, decay: str = "regularizer") -> float:
    """Our l2 from a Keras ``regularizers.L2(c)`` factor (inverse of :func:`to_keras_l2`)."""
    c = _nonneg(c, "c")
    divisor = _keras_divisor(loss, decay)
    return c * divisor * _positive(n, "n")


@dataclass(frozen=True)
class DecoupledDecay:
    """What a decoupled weight decay does: θ ← θ(1 − lr·wd) once per optimizer step.

    ``shrink_per_step`` = lr·wd; ``tau_steps`` = 1/(lr·wd), the steps after which the decay
    alone leaves e⁻¹ of a weight (exactly: (1 − lr·wd)^τ ≈ e⁻¹ for small lr·wd);
    ``tau_epochs`` = tau_steps / steps_per_epoch. ``remaining(epochs)`` is the fraction
    (1 − lr·wd)^(steps) the decay alone leaves after that many epochs.
    """

    weight_decay: float
    lr: float
    steps_per_epoch: float
    shrink_per_step: float
    tau_steps: float
    tau_epochs: float

    def remaining(self, epochs: float) -> float:
        steps = float(epochs) * self.steps_per_epoch
        return float((1.0 - self.shrink_per_step) ** steps)

    def weight_decay_for(self, tau_epochs: float) -> float:
        """The weight_decay (at this lr and steps per epoch) whose timescale is tau_epochs."""
        tau = _positive(tau_epochs, "tau_epochs")
        return 1.0 / (self.lr * tau * self.steps_per_epoch)


def decoupled_decay(weight_decay: float, lr: float, steps_per_epoch: float) -> DecoupledDecay:
    """The timescale of a decoupled weight decay (torch AdamW, Keras optimizer weight_decay).

    With lr = 1e-3 a "typical" wd = 0.1 gives τ = 10 000 steps: in a run of fewer steps the
    decay has barely acted. ``weight_decay=0`` gives τ = inf.
    """
    weight_decay = _nonneg(weight_decay, "weight_decay")
    lr = _positive(lr, "lr")
    steps = _positive(steps_per_epoch, "steps_per_epoch")
    shrink = lr * weight_decay
    if shrink >= 1:
        raise ValueError(
            f"lr·weight_decay must be < 1 (each step multiplies θ by 1 − lr·wd); got {shrink!r}"
        )
    tau = np.inf if shrink == 0 else 1.0 / shrink
    return DecoupledDecay(weight_decay, lr, steps, shrink, tau, tau / steps)


def fold_l2(l2: np.ndarray | float, n_train: float, n: float) -> np.ndarray:
    """λ for a fit on n_train of n samples, so that the choice transfers to the full refit.

    Our loss is a sum: a fold with fewer samples carries less data weight, so the same
    penalty would regularize it more. Scaling λ by n_train/n keeps the ratio of data term
    to penalty of the full fit.
    """
    return np.asarray(l2, dtype=np.float64) * (float(n_train) / float(n))
