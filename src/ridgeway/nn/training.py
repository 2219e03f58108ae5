"""The training loop every torch piece shares: mini-batch epochs that record what decay did.

A :class:`TrainingRun` holds a model, its optimizer and its history, so a run can be trained
for a few epochs, compared, and resumed (successive halving does exactly that).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from torch import nn

from ridgeway.nn.groups import param_groups
from ridgeway.nn.history import EpochCallback, EpochRecord, TrainingHistory

__all__ = ["LOSSES", "OPTIMIZERS", "Dataset", "TrainingRun", "make_run", "train_epochs"]

OPTIMIZERS = ("sgd", "adam", "adamw")
LOSSES = ("mse", "bce", "cross_entropy")


def loss_function(loss: str) -> Callable[..., torch.Tensor]:
    """``(output, target, reduction)`` for torch's MSELoss, BCEWithLogitsLoss, CrossEntropyLoss."""
    functional = torch.nn.functional
    if loss == "mse":
        return lambda out, y, reduction="mean": functional.mse_loss(
            out.reshape(y.shape), y, reduction=reduction
        )
    if loss == "bce":
        return lambda out, y, reduction="mean": functional.binary_cross_entropy_with_logits(
            out.reshape(y.shape), y, reduction=reduction
        )
    if loss == "cross_entropy":
        return lambda out, y, reduction="mean": functional.cross_entropy(
            out, y, reduction=reduction
        )
    raise ValueError(f"loss must be one of {LOSSES}; got {loss!r}")


@dataclass(frozen=True)
class Dataset:
    """Training and validation tensors (validation may be empty: then val_loss is NaN)."""

    X: torch.Tensor
    y: torch.Tensor
    X_val: torch.Tensor
    y_val: torch.Tensor

    @property
    def n(self) -> int:
        return int(self.X.shape[0])


@dataclass
class TrainingRun:
    """A model, its optimizer and everything recorded while training it."""

    model: nn.Module
    optimizer: torch.optim.Optimizer
    loss: str
    weight_decay: float
    history: TrainingHistory = field(default_factory=TrainingHistory)
    best_state: dict[str, Any] | None = None
    best_val: float = float("inf")
    stale_epochs: int = 0
    stopped: bool = False

    @property
    def epochs(self) -> int:
        return len(self.history)

    def restore_best(self) -> None:
        """Load the weights of the best validation epoch (early stopping's result)."""
        if self.best_state is not None:
            self.model.load_state_dict(self.best_state)


def make_optimizer(
    optimizer: str, groups: list[dict[str, Any]], lr: float, momentum: float = 0.0
) -> torch.optim.Optimizer:
    if optimizer == "sgd":
        return torch.optim.SGD(groups, lr=lr, momentum=momentum)
    if optimizer == "adam":
        return torch.optim.Adam(groups, lr=lr)
    if optimizer == "adamw":
        return torch.optim.AdamW(groups, lr=lr)
    raise ValueError(f"optimizer must be one of {OPTIMIZERS}; got {optimizer!r}")


def make_run(
    model: nn.Module,
    optimizer: str,
    weight_decay: float,
    lr: float,
    loss: str,
    momentum: float = 0.0,
) -> TrainingRun:
    """A fresh run: ``weight_decay`` (the optimizer's units) on the "auto" decayed group."""
    groups = param_groups(model, weight_decay)
    return TrainingRun(model, make_optimizer(optimizer, groups, lr, momentum), loss, weight_decay)


def group_norms(optimizer: torch.optim.Optimizer) -> dict[str, float]:
    """‖W‖₂ of the decayed and undecayed groups (cheap: one reduction per tensor)."""
    totals = {"decayed": 0.0, "undecayed": 0.0}
    with torch.no_grad():
        for group in optimizer.param_groups:
            key = "decayed" if is_decayed_group(group) else "undecayed"
            params = group["params"]
            if params:
                totals[key] += float(torch.stack([p.pow(2).sum() for p in params]).sum())
    return {k: float(np.sqrt(v)) for k, v in totals.items()}


def is_decayed_group(group: dict[str, Any]) -> bool:
    """Our groups say so (even at weight_decay 0, the λ = 0 end of a grid); others by value."""
    return bool(group.get("decayed", group["weight_decay"] > 0))


def decayed_norm(optimizer: torch.optim.Optimizer) -> float:
    return group_norms(optimizer)["decayed"]


def _decay_per_step(optimizer: torch.optim.Optimizer) -> float:
    return max((g["lr"] * g["weight_decay"] for g in optimizer.param_groups), default=0.0)


def evaluate(run: TrainingRun, X: torch.Tensor, y: torch.Tensor, reduction: str = "mean") -> Any:
    """The data loss (no penalty) on (X, y) in eval mode; NaN for no rows."""
    if X.shape[0] == 0:
        return torch.tensor(float("nan"))
    was_training = run.model.training
    run.model.eval()
    with torch.no_grad():
        value = loss_function(run.loss)(run.model(X), y, reduction=reduction)
    run.model.train(was_training)
    return value


def _epoch(run: TrainingRun, data: Dataset, batch_size: int, generator: torch.Generator) -> float:
    """One pass in shuffled mini-batches; returns the running mean of the batch data losses."""
    loss_fn = loss_function(run.loss)
    order = torch.randperm(data.n, generator=generator, device="cpu").to(data.X.device)
    run.model.train()
    total = torch.zeros((), dtype=torch.float64, device=data.X.device)
    for start in range(0, data.n, batch_size):
        index = order[start : start + batch_size]
        run.optimizer.zero_grad(set_to_none=True)
        value = loss_fn(run.model(data.X[index]), data.y[index])
        value.backward()
        run.optimizer.step()
        total += value.detach().to(torch.float64) * index.shape[0]
    return float(total) / data.n


def train_epochs(
    run: TrainingRun,
    data: Dataset,
    epochs: int,
    batch_size: int,
    generator: torch.Generator,
    patience: int | None = None,
    callbacks: Sequence[EpochCallback] = (),
    run_index: int = 0,
) -> TrainingRun:
    """Train ``epochs`` more epochs (fewer if early stopping fires), recording each one.

    ``patience``: stop after that many epochs without a better validation loss and keep the
    best weights in ``run.best_state`` (None: never stop; the best state is still kept).
    """
    for _ in range(epochs):
        if run.stopped:
            break
        train_loss = _epoch(run, data, batch_size, generator)
        val_loss = float(evaluate(run, data.X_val, data.y_val))
        record = EpochRecord(
            run.epochs + 1,
            train_loss,
            val_loss,
            group_norms(run.optimizer),
            _decay_per_step(run.optimizer),
            run_index,
        )
        run.history.on_epoch_end(record)
        for callback in callbacks:
            callback.on_epoch_end(record)
        if data.X_val.shape[0]:
            _track_best(run, val_loss, patience)
    return run


def _track_best(run: TrainingRun, val_loss: float, patience: int | None) -> None:
    if not np.isfinite(val_loss):  # diverged: nothing later can be trusted
        run.stopped = True
        return
    if val_loss < run.best_val:
        run.best_val = val_loss
        run.best_state = {k: v.detach().clone() for k, v in run.model.state_dict().items()}
        run.stale_epochs = 0
        return
    run.stale_epochs += 1
    if patience is not None and run.stale_epochs >= patience:
        run.stopped = True
