"""Training watched by ``rw.monitor``: each epoch becomes one logged batch of a training run.

:class:`MonitorSink` is a :class:`~ridgeway.nn.history.MetricSink`: give it to the torch
loop (``SinkCallback(sink)`` in ``WeightDecaySearch(callbacks=…)`` or
``MLPRegressor.fit(X, y, callbacks=…)``) or to Keras (``DecayRecorder(sink=sink)``). It
registers a new version of ``name`` as a training run in the store, then logs per epoch
``train_loss, val_loss, gap, decay_per_step, norm_decayed, norm_undecayed, run, epoch``.
The monitor's rules then watch training as they watch a deployed model: ``gap`` is
validation − training loss, positive when held-out data does worse, so
``sink.watch_gap(above=0.1, patience=3)`` opens an alert when the model has been
overfitting for three epochs and resolves it when the gap comes back.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

__all__ = ["MonitorSink"]


class MonitorSink:
    """Log each epoch's numbers to ``monitor`` (an ``rw.monitor.Monitor``) under ``name``.

    ``task``: "regression" or "classification" (what the store files the run under);
    ``l2``: the λ trained with, kept with the version. ``version``: the version registered.
    """

    def __init__(
        self, monitor: Any, name: str, *, task: str = "regression", l2: float | None = None
    ) -> None:
        self.monitor = monitor
        self.name = name
        self.version = monitor.register_training(name, task=task, l2=l2)

    def log(self, metrics: Mapping[str, float], step: int) -> None:
        values = {key: float(value) for key, value in metrics.items()}
        values["epoch"] = float(step)
        # NaN (no validation rows) is stored as missing; the rules skip it
        self.monitor.log_metrics(
            self.name, {k: v if math.isfinite(v) else math.nan for k, v in values.items()}
        )

    def watch_gap(self, above: float, patience: int = 3, severity: str = "warning") -> int:
        """The gap rule on this training: an alert after ``patience`` epochs with validation −
        training loss above ``above``. An identical rule already on ``name`` is reused.
        Returns the rule id."""
        rules = self.monitor.rules(self.name)
        if len(rules):
            same = rules[
                (rules["metric"] == "gap")
                & (rules["direction"] == "above")
                & (rules["threshold"] == float(above))
                & (rules["patience"] == patience)
            ]
            if len(same):
                return int(same["id"].iloc[0])
        return int(
            self.monitor.add_rule(
                self.name, "gap", above=above, patience=patience, severity=severity
            )
        )
