"""What one training run did, epoch by epoch: losses, the gap, weight norms, the decay per step.

The same record serves the torch loop, the Keras callback and the λ search, so plots and the
report read one shape whatever trained the model.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import numpy as np

from ridgeway.progress import advance

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "EpochCallback",
    "EpochRecord",
    "MetricSink",
    "ProgressCallback",
    "SinkCallback",
    "TrainingHistory",
]


@dataclass(frozen=True)
class EpochRecord:
    """One epoch. ``gap`` = val_loss − train_loss (positive: the model fits its training data
    better than held-out data); ``norms`` maps a group ("decayed", "undecayed") to ‖W‖₂;
    ``decay_per_step`` is lr·weight_decay (exact shrink for decoupled decay, the nominal rate
    before adaptive scaling for coupled Adam); ``run`` is the grid index in a search."""

    epoch: int
    train_loss: float
    val_loss: float
    norms: Mapping[str, float]
    decay_per_step: float
    run: int = 0

    @property
    def gap(self) -> float:
        return self.val_loss - self.train_loss


class EpochCallback(Protocol):
    """Anything told about each finished epoch (the recorder, a monitor, a progress bar)."""

    def on_epoch_end(self, record: EpochRecord) -> None: ...


class MetricSink(Protocol):
    """The small interface a monitor must offer to watch training: one call per epoch.

    ``rw.monitor`` (written in parallel) can satisfy it with a method
    ``log(metrics, step)``; the keys are train_loss, val_loss, gap, decay_per_step,
    ``norm_<group>`` and run (the grid index in a search).
    """

    def log(self, metrics: Mapping[str, float], step: int) -> None: ...


@dataclass
class SinkCallback:
    """Forward each epoch's numbers to a :class:`MetricSink`."""

    sink: MetricSink
    prefix: str = ""

    def on_epoch_end(self, record: EpochRecord) -> None:
        metrics = {
            "train_loss": record.train_loss,
            "val_loss": record.val_loss,
            "gap": record.gap,
            "decay_per_step": record.decay_per_step,
            "run": record.run,
            **{f"norm_{k}": v for k, v in record.norms.items()},
        }
        self.sink.log({self.prefix + k: float(v) for k, v in metrics.items()}, record.epoch)


class ProgressCallback:
    """Epochs trained so far against those planned, told to :mod:`ridgeway.progress` (silent
    unless a caller listens, as the command line does); early stopping may end before the plan."""

    def __init__(self, planned: int, what: str = "training epochs") -> None:
        self.planned, self.what, self.done = int(planned), what, 0

    def on_epoch_end(self, record: EpochRecord) -> None:
        self.done += 1
        advance(self.done, max(self.planned, self.done), self.what)


@dataclass
class TrainingHistory:
    """All epochs of one run, with the arrays plots need."""

    records: list[EpochRecord] = field(default_factory=list)

    def on_epoch_end(self, record: EpochRecord) -> None:
        self.records.append(record)

    def __len__(self) -> int:
        return len(self.records)

    def column(self, name: str) -> np.ndarray:
        """``train_loss``, ``val_loss``, ``gap``, ``decay_per_step`` or ``norm_<group>``."""
        if name.startswith("norm_"):
            group = name[len("norm_") :]
            return np.array([r.norms.get(group, np.nan) for r in self.records])
        return np.array([getattr(r, name) for r in self.records], dtype=np.float64)

    @property
    def best_epoch(self) -> int:
        """The epoch (1-based) with the lowest validation loss; 0 when none is finite."""
        val = self.column("val_loss")
        if not np.any(np.isfinite(val)):
            return 0
        return self.records[int(np.argmin(np.where(np.isfinite(val), val, np.inf)))].epoch

    def to_frame(self) -> pd.DataFrame:
        import pandas as pd

        groups = sorted({g for r in self.records for g in r.norms})
        data = {
            "epoch": [r.epoch for r in self.records],
            **{c: self.column(c) for c in ("train_loss", "val_loss", "gap", "decay_per_step")},
            **{f"norm_{g}": self.column(f"norm_{g}") for g in groups},
        }
        return pd.DataFrame(data)
