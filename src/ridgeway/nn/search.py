"""Choosing a network's weight decay: train per λ, score by validation loss, halve the budget.

Each λ trains the same initial network (one seed) on the same split, so the curve compares
penalties and not initializations. λ is picked by the validation loss — the gap only
explains — under the ``min`` or ``1se`` rule; the standard error is that of the mean
per-sample validation loss. With ``budget="halving"`` every λ trains a few epochs, the
better half resumes, and so on: 8 λ cost 2.5 full runs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch
from torch import nn

from ridgeway.conventions import decoupled_decay, to_torch_weight_decay
from ridgeway.nn.data import as_dataset, split_indices
from ridgeway.nn.grids import coupled_grid, decoupled_grid, halving_rungs
from ridgeway.nn.history import EpochCallback, ProgressCallback, TrainingHistory
from ridgeway.nn.training import (
    OPTIMIZERS,
    Dataset,
    TrainingRun,
    decayed_norm,
    evaluate,
    make_run,
    train_epochs,
)
from ridgeway.selection.result import SelectionResult
from ridgeway.selection.rules import check_rule, select_index

__all__ = ["WeightDecaySearch"]

DEFAULT_LR = {"sgd": 1e-2, "adam": 1e-3, "adamw": 1e-3}
BUDGETS = ("full", "halving")
#: a run whose decayed weights end below this fraction of their initial norm has collapsed
COLLAPSE_RATIO = 0.1


class WeightDecaySearch:
    """Train ``build_model()`` once per weight decay and choose by validation loss.

    Parameters
    ----------
    build_model : callable returning a fresh ``torch.nn.Module`` (called under a fixed seed).
    optimizer : "sgd" or "adam" (coupled: ``l2`` is our λ, an L2 penalty on the summed loss)
        or "adamw" (decoupled: ``l2`` holds AdamW's own weight_decay; there is no λ).
    l2 : grid of values, or None for the default (log-spaced λ; AdamW: τ from 1 to all epochs).
    loss : "mse", "bce" or "cross_entropy" (torch's mean losses; λ is converted for each).
    epochs, batch_size (None: full batch), lr (None: 1e-2 for SGD, 1e-3 for Adam/AdamW).
    early_stopping : False, True (patience 10) or a patience; the best epoch's weights are kept.
    rule : "min" or "1se". budget : "full" (every λ all epochs) or "halving".
    validation_fraction / validation_data : the held-out split that scores each λ.

    Attributes
    ----------
    l2_, weight_decay_ : the choice, in our units and in the optimizer's. best_index_.
    cv_results_ : l2, mean_score (−validation loss), std_error, train_score, gap, df (NaN),
        best_index, index_min, index_1se, fold_scores (one column: the held-out split) — the
        keys of the other CV estimators — and weight_decay, epochs, collapsed, diverged,
        norm_decayed, decay_per_step, tau_epochs, finalist (trained to the last rung).
        ``index_min`` and ``index_1se`` are both rules' choices among the finalists.
    runs_ : one TrainingRun per λ (model, optimizer, history); best_model_; total_epochs_.
    """

    def __init__(
        self,
        build_model: Callable[[], nn.Module],
        optimizer: str = "sgd",
        l2: Sequence[float] | None = None,
        *,
        loss: str = "mse",
        epochs: int = 50,
        batch_size: int | None = 64,
        lr: float | None = None,
        momentum: float = 0.0,
        early_stopping: bool | int = True,
        rule: str = "min",
        budget: str = "full",
        n_grid: int = 8,
        halving_factor: int = 2,
        validation_fraction: float = 0.2,
        validation_data: tuple[Any, Any] | None = None,
        random_state: int = 0,
        device: str = "cpu",
        dtype: torch.dtype = torch.float64,
        callbacks: Sequence[EpochCallback] = (),
    ) -> None:
        self.build_model = build_model
        self.optimizer = optimizer
        self.l2 = l2
        self.loss = loss
        self.epochs = epochs
        self.batch_size = batch_size
        self.lr = lr
        self.momentum = momentum
        self.early_stopping = early_stopping
        self.rule = rule
        self.budget = budget
        self.n_grid = n_grid
        self.halving_factor = halving_factor
        self.validation_fraction = validation_fraction
        self.validation_data = validation_data
        self.random_state = random_state
        self.device = device
        self.dtype = dtype
        self.callbacks = callbacks

    # --- setup ---------------------------------------------------------------------------

    def _check(self) -> None:
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"optimizer must be one of {OPTIMIZERS}; got {self.optimizer!r}")
        if self.budget not in BUDGETS:
            raise ValueError(f"budget must be one of {BUDGETS}; got {self.budget!r}")
        check_rule(self.rule)
        if not (isinstance(self.epochs, int) and self.epochs >= 1):
            raise ValueError(f"epochs must be an integer >= 1; got {self.epochs!r}")

    @property
    def _patience(self) -> int | None:
        if self.early_stopping is True:
            return 10
        if self.early_stopping is False:
            return None
        return int(self.early_stopping)

    def _data(self, X: Any, y: Any) -> Dataset:
        if self.validation_data is not None:
            Xv, yv = self.validation_data
            return as_dataset(X, y, Xv, yv, self.loss, self.dtype, self.device)
        X, y = np.asarray(X), np.asarray(y)
        train, val = split_indices(len(X), self.validation_fraction, self.random_state)
        return as_dataset(X[train], y[train], X[val], y[val], self.loss, self.dtype, self.device)

    def _grid(self, n_train: int, lr: float, steps: int) -> np.ndarray:
        if self.l2 is not None:
            grid = np.asarray(self.l2, dtype=np.float64).ravel()
            if grid.size == 0 or not np.all(np.isfinite(grid)) or np.any(grid < 0):
                raise ValueError(f"l2 must be finite numbers >= 0; got {self.l2!r}")
            return np.sort(grid)
        if self.optimizer == "adamw":
            return decoupled_grid(self.n_grid, lr, steps, self.epochs)
        return coupled_grid(self.n_grid, n_train, self.loss)

    def _weight_decay(self, l2: float, n_train: int) -> float:
        if self.optimizer == "adamw":
            return float(l2)
        return to_torch_weight_decay(l2, n_train, loss=self.loss, optimizer=self.optimizer)

    def _new_run(self, weight_decay: float, lr: float) -> TrainingRun:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(self.random_state)
            model = self.build_model().to(device=self.device, dtype=self.dtype)
        return make_run(model, self.optimizer, weight_decay, lr, self.loss, self.momentum)

    # --- fit -----------------------------------------------------------------------------

    def fit(self, X: Any, y: Any) -> WeightDecaySearch:
        self._check()
        data = self._data(X, y)
        lr = DEFAULT_LR[self.optimizer] if self.lr is None else float(self.lr)
        batch = data.n if self.batch_size is None else int(self.batch_size)
        steps = int(np.ceil(data.n / batch))
        grid = self._grid(data.n, lr, steps)
        runs = [self._new_run(self._weight_decay(v, data.n), lr) for v in grid]
        initial = [_decayed_norm(r) for r in runs]
        generator = torch.Generator().manual_seed(self.random_state)
        finalists = self._train(runs, data, batch, generator)
        self._summarize(grid, runs, initial, finalists, data, lr, steps)
        return self

    def _train(
        self, runs: list[TrainingRun], data: Dataset, batch: int, generator: torch.Generator
    ) -> list[int]:
        """Train by the budget; returns the indices that trained to the end."""
        alive = list(range(len(runs)))
        rungs = [(self.epochs, len(runs))]
        if self.budget == "halving":
            rungs = halving_rungs(len(runs), self.epochs, self.halving_factor)
        previous = [0] + [reach for reach, _ in rungs[:-1]]
        planned = sum(k * (r - p) for (r, k), p in zip(rungs, previous))
        counter = ProgressCallback(planned, "epochs of the λ search")
        callbacks = [*self.callbacks, counter]
        for reach, kept in rungs:
            alive = sorted(alive, key=lambda i: self._score_now(runs[i]))[:kept]
            for i in sorted(alive):
                more = reach - runs[i].epochs
                train_epochs(runs[i], data, more, batch, generator, self._patience, callbacks, i)
        return sorted(alive)

    def _score_now(self, run: TrainingRun) -> float:
        """Validation loss the rung ranks by (lower is better; untrained runs tie)."""
        if not len(run.history):
            return 0.0
        if self._patience is not None:
            return run.best_val
        value = run.history.records[-1].val_loss
        return value if np.isfinite(value) else np.inf

    def _summarize(
        self,
        grid: np.ndarray,
        runs: list[TrainingRun],
        initial: list[float],
        finalists: list[int],
        data: Dataset,
        lr: float,
        steps: int,
    ) -> None:
        rows = [self._scored(run, data) for run in runs]
        mean_score = -np.array([r[0] for r in rows])
        std_error = np.array([r[1] for r in rows])
        train_score = -np.array([r[2] for r in rows])
        eligible = np.full(len(runs), -np.inf)
        eligible[finalists] = mean_score[finalists]
        best = select_index(grid, eligible, std_error, self.rule)
        final_norm = np.array([_decayed_norm(r) for r in runs])
        collapsed = final_norm < COLLAPSE_RATIO * np.maximum(np.array(initial), 1e-300)
        wd = np.array([r.weight_decay for r in runs])
        self.selection_ = SelectionResult(
            l2=grid,
            mean_score=mean_score,
            std_error=std_error,
            train_score=train_score,
            df=np.full(len(grid), np.nan),
            best_index=np.array([best]),
            rule=self.rule,
            method=f"holdout-{self.budget}",
            fold_scores=mean_score[:, None],  # one held-out split: one "fold" per λ
            extra={
                "weight_decay": wd,
                "epochs": np.array([r.epochs for r in runs]),
                "collapsed": collapsed,
                "diverged": ~np.isfinite(mean_score),
                "norm_decayed": final_norm,
                "decay_per_step": lr * wd,
                "tau_epochs": np.array([_tau_epochs(w, lr, steps) for w in wd]),
                "finalist": np.isin(np.arange(len(runs)), finalists),
            },
        )
        self.cv_results_ = self.selection_.cv_results()
        # both rules' choices among the runs that trained to the end (all, unless halving)
        index_min = select_index(grid, eligible, std_error, "min")
        self.cv_results_["index_min"] = index_min
        self.cv_results_["index_1se"] = (
            select_index(grid, eligible, std_error, "1se")
            if np.isfinite(std_error[index_min])
            else -1
        )
        self.runs_ = runs
        self.histories_: list[TrainingHistory] = [r.history for r in runs]
        self.best_index_ = best
        self.l2_ = float(grid[best])
        self.weight_decay_ = float(wd[best])
        self.best_model_ = runs[best].model
        self.total_epochs_ = int(sum(r.epochs for r in runs))
        self.collapsed_ = collapsed

    def _scored(self, run: TrainingRun, data: Dataset) -> tuple[float, float, float]:
        """(validation loss, its standard error, training loss) at the state that is kept."""
        if self._patience is not None:
            run.restore_best()
        per_sample = evaluate(run, data.X_val, data.y_val, reduction="none").reshape(-1)
        losses = per_sample.detach().to("cpu", torch.float64).numpy()
        history = run.history
        epoch = history.best_epoch if self._patience is not None else len(history)
        train = history.records[epoch - 1].train_loss if epoch else float("nan")
        if not np.all(np.isfinite(losses)):  # diverged (or no validation rows): no score
            return float("nan"), float("nan"), train
        se = float(losses.std(ddof=1) / np.sqrt(losses.size)) if losses.size > 1 else np.nan
        return float(losses.mean()), se, train


def _decayed_norm(run: TrainingRun) -> float:
    return decayed_norm(run.optimizer)


def _tau_epochs(weight_decay: float, lr: float, steps: int) -> float:
    if lr * weight_decay >= 1:
        return float("nan")
    return decoupled_decay(weight_decay, lr, steps).tau_epochs
