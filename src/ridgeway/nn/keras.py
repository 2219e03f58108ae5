"""Keras 3 (any backend: torch, TensorFlow, JAX): L2 in our λ, decay exclusions, a recorder.

Keras offers two different decays. ``kernel_regularizer=regularizers.L2(c)`` adds c·Σw² (no ½)
to the mean loss: a coupled L2 penalty, c = λ/n with MSE and λ/(2n) with cross-entropy
(:func:`l2_regularizer` converts). An optimizer's ``weight_decay=`` is decoupled
(θ ← θ(1 − lr·wd) each step), is not an L2 penalty, and decays biases and normalization scales
too unless ``exclude_from_weight_decay`` is called (:func:`exclude_from_decay` does).
Import this module after setting ``KERAS_BACKEND``.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import Any

import keras
import numpy as np

from ridgeway.conventions import to_keras_l2
from ridgeway.nn.history import EpochRecord, MetricSink, SinkCallback, TrainingHistory

__all__ = [
    "DecayRecorder",
    "decayed_variables",
    "exclude_from_decay",
    "l2_regularizer",
    "to_numpy",
    "warn_if_decoupled",
]

_NORM_LAYERS: tuple[type, ...] = (
    keras.layers.BatchNormalization,
    keras.layers.LayerNormalization,
    keras.layers.GroupNormalization,
    keras.layers.UnitNormalization,
    keras.layers.RMSNormalization,
)


def l2_regularizer(l2: float, n_samples: float, loss: str = "mse") -> keras.regularizers.L2:
    """``keras.regularizers.L2`` whose c·Σw² on the mean ``loss`` is our (λ/2)‖w‖² on the sum."""
    return keras.regularizers.L2(to_keras_l2(l2, n_samples, loss))


def _is_norm_layer(layer: Any) -> bool:
    return isinstance(layer, _NORM_LAYERS) or type(layer).__name__.endswith("Normalization")


def _layers(model: Any) -> Iterable[Any]:
    """Every layer that owns variables, nested models and layers included."""
    for layer in model._flatten_layers(include_self=False, recursive=True):
        if layer.weights:
            yield layer


def decayed_variables(model: Any) -> tuple[list[Any], list[Any]]:
    """(decayed, excluded) trainable variables: biases and normalization layers are excluded."""
    decayed: list[Any] = []
    excluded: list[Any] = []
    seen: set[int] = set()
    for layer in _layers(model):
        for variable in layer._trainable_variables:
            if id(variable) in seen:
                continue
            seen.add(id(variable))
            skip = _is_norm_layer(layer) or variable.name == "bias"
            (excluded if skip else decayed).append(variable)
    return decayed, excluded


def exclude_from_decay(optimizer: Any, model: Any) -> list[str]:
    """Exclude biases and normalization variables from an optimizer's decoupled decay.

    Call before the first ``fit`` (Keras reads the list when the optimizer is built).
    Returns the excluded variable paths.
    """
    _, excluded = decayed_variables(model)
    optimizer.exclude_from_weight_decay(var_list=excluded)
    return [v.path for v in excluded]


def _has_l2(model: Any) -> bool:
    return any(getattr(layer, "kernel_regularizer", None) is not None for layer in _layers(model))


def warn_if_decoupled(model: Any, optimizer: Any | None = None) -> bool:
    """Warn when an optimizer's decoupled ``weight_decay`` is set beside L2 regularizers.

    That combination usually means the user asked for an L2 penalty and got a second,
    different decay. Returns True when it warned.
    """
    optimizer = optimizer if optimizer is not None else getattr(model, "optimizer", None)
    wd = getattr(optimizer, "weight_decay", None)
    if not wd or not _has_l2(model):
        return False
    warnings.warn(
        f"{type(optimizer).__name__}(weight_decay={wd}) is a decoupled decay "
        "(θ ← θ(1 − lr·wd), biases included unless excluded), not the L2 penalty the "
        "kernel regularizers already apply; set weight_decay=None for L2 alone",
        UserWarning,
        stacklevel=2,
    )
    return True


def to_numpy(x: Any) -> np.ndarray:
    """A backend tensor or variable as numpy (torch: detached first; TF: .numpy(); JAX)."""
    x = getattr(x, "value", x)
    if hasattr(x, "detach"):
        x = x.detach().cpu()
    return np.asarray(x.numpy() if hasattr(x, "numpy") else x)


def _norm(variables: list[Any]) -> float:
    return float(np.sqrt(sum(float(np.sum(to_numpy(v) ** 2)) for v in variables)))


def _regularization(model: Any) -> float:
    return float(sum(float(to_numpy(x)) for x in model.losses))


class DecayRecorder(keras.callbacks.Callback):
    """Record per epoch: data loss (train, validation), the gap, ‖W‖ per group, lr·wd.

    Keras' logged ``loss`` includes the regularization terms; the recorder subtracts their
    end-of-epoch value so that train and validation losses are data losses and the gap
    means what it means on the torch side. Records go into ``history`` (a
    rw.nn.TrainingHistory) and, when given, to a :class:`~ridgeway.nn.history.MetricSink`.
    Warns at the start of training when a decoupled optimizer decay is set beside L2.
    """

    def __init__(self, sink: MetricSink | None = None) -> None:
        super().__init__()
        self.history = TrainingHistory()
        self._listeners: list[Any] = [self.history]
        if sink is not None:
            self._listeners.append(SinkCallback(sink))

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        warn_if_decoupled(self.model)

    def _decay_per_step(self) -> float:
        optimizer = self.model.optimizer
        lr = float(to_numpy(optimizer.learning_rate))
        return lr * float(getattr(optimizer, "weight_decay", None) or 0.0)

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        logs = logs or {}
        penalty = _regularization(self.model)
        decayed, excluded = decayed_variables(self.model)
        record = EpochRecord(
            epoch=len(self.history) + 1,
            train_loss=float(logs.get("loss", np.nan)) - penalty,
            val_loss=float(logs.get("val_loss", np.nan)) - penalty,
            norms={"decayed": _norm(decayed), "undecayed": _norm(excluded)},
            decay_per_step=self._decay_per_step(),
        )
        for listener in self._listeners:
            listener.on_epoch_end(record)
