"""What the MLP estimators share: the network, the penalty in our convention, the two trainers.

``l2`` is our λ: the network minimizes Σ_i ℓ(y_i, f(x_i)) + (λ/2)‖W‖² with ℓ = ½r² or the
log-loss, biases and normalization layers unpenalized. Mini-batch training (SGD, Adam) passes
λ as the optimizer's coupled weight_decay for torch's mean loss; full-batch L-BFGS adds the
same penalty explicitly (torch's L-BFGS has no weight_decay). ``hidden=()`` is then exactly
rw.Ridge(λ) / rw.LogisticRegression(λ). AdamW's decay is decoupled and has no λ: with
``optimizer="adamw"``, ``l2`` holds AdamW's own weight_decay, passed as is.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from torch import nn

from ridgeway.conventions import to_torch_weight_decay
from ridgeway.nn.data import as_dataset, split_indices, to_tensor
from ridgeway.nn.groups import l2_penalty, param_groups
from ridgeway.nn.history import EpochCallback, ProgressCallback
from ridgeway.nn.search import WeightDecaySearch
from ridgeway.nn.training import (
    Dataset,
    TrainingRun,
    loss_function,
    make_run,
    train_epochs,
)

__all__ = ["ACTIVATIONS", "MLPTrainer", "build_network"]

ACTIVATIONS: dict[str, Callable[[], nn.Module]] = {
    "relu": nn.ReLU,
    "tanh": nn.Tanh,
    "gelu": nn.GELU,
    "sigmoid": nn.Sigmoid,
}
SOLVERS = ("lbfgs", "sgd", "adam", "adamw")
DTYPES = {"float64": torch.float64, "float32": torch.float32}


def build_network(n_in: int, hidden: tuple[int, ...], n_out: int, activation: str) -> nn.Module:
    """Linear layers of widths ``hidden`` with ``activation`` between; () is one Linear layer."""
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {tuple(ACTIVATIONS)}; got {activation!r}")
    widths = [n_in, *hidden]
    layers: list[nn.Module] = []
    for a, b in itertools.pairwise(widths):
        layers += [nn.Linear(a, b), ACTIVATIONS[activation]()]
    layers.append(nn.Linear(widths[-1], n_out))
    return nn.Sequential(*layers)


def check_hidden(hidden: Any) -> tuple[int, ...]:
    widths = tuple(hidden)
    if not all(isinstance(w, (int, np.integer)) and w >= 1 for w in widths):
        raise ValueError(f"hidden must be a tuple of integers >= 1; got {hidden!r}")
    return tuple(int(w) for w in widths)


def check_l2(l2: Any) -> float | None:
    if l2 is None:
        return None
    value = float(l2)
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"l2 must be a finite number >= 0 or None; got {l2!r}")
    return value


class MLPTrainer:
    """Trains one estimator's network; holds the run so ``partial_fit`` can resume it."""

    def __init__(self, est: Any, n_in: int, n_out: int, loss: str) -> None:
        if est.optimizer not in SOLVERS:
            raise ValueError(f"optimizer must be one of {SOLVERS}; got {est.optimizer!r}")
        if est.dtype not in DTYPES:
            raise ValueError(f"dtype must be one of {tuple(DTYPES)}; got {est.dtype!r}")
        self.est, self.loss, self.dtype = est, loss, DTYPES[est.dtype]
        self.hidden = check_hidden(est.hidden)
        self.seed = _seed(est.random_state)
        self.generator = torch.Generator().manual_seed(self.seed)
        self.shape = (n_in, n_out)
        self.run: TrainingRun | None = None
        self.n_iter = 0
        self.search: WeightDecaySearch | None = None
        self.applied_decay = float("nan")  # the optimizer's weight_decay of the kept network
        #: told about every epoch (rw.nn.history.EpochCallback): set by the estimator per call
        self.callbacks: tuple[EpochCallback, ...] = ()

    def network(self) -> nn.Module:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(self.seed)
            model = build_network(self.shape[0], self.hidden, self.shape[1], self.est.activation)
        return model.to(device=self.est.device, dtype=self.dtype)

    def weight_decay(self, l2: float, n_elements: int) -> float:
        """Our λ in torch's units for the mean loss; AdamW's decay is its own (no λ)."""
        if self.est.optimizer == "adamw":
            return l2
        return to_torch_weight_decay(l2, n_elements, loss=self.loss)

    def lr(self) -> float:
        return float(self.est.lr) if self.est.lr is not None else _DEFAULT_LR[self.est.optimizer]

    def fit(self, X: np.ndarray, y: np.ndarray) -> nn.Module:
        l2 = check_l2(self.est.l2)
        if l2 is None:
            return self._search(X, y)
        n_elements = _elements(y, self.loss)
        if self.est.optimizer == "lbfgs":
            return self._lbfgs(X, y, self.weight_decay(l2, n_elements))
        return self._minibatch(X, y, self.weight_decay(l2, n_elements))

    def _search(self, X: np.ndarray, y: np.ndarray) -> nn.Module:
        if self.est.optimizer == "lbfgs":
            raise ValueError(
                "l2=None searches λ by mini-batch training: use optimizer='sgd', 'adam' or 'adamw' "
                "(or give l2 a value)"
            )
        self.search = WeightDecaySearch(
            self.network,
            optimizer=self.est.optimizer,
            l2=self.est.l2_grid,
            loss=self.loss,
            epochs=self.est.epochs,
            batch_size=self.est.batch_size,
            lr=self.lr(),
            early_stopping=self.est.patience if self.est.early_stopping else False,
            rule=self.est.rule,
            budget=self.est.budget,
            validation_fraction=self.est.validation_fraction,
            random_state=self.seed,
            device=self.est.device,
            dtype=self.dtype,
            callbacks=self.callbacks,
        ).fit(X, y)
        self.run = self.search.runs_[self.search.best_index_]
        self.applied_decay = self.search.weight_decay_
        return self.search.best_model_

    def _dataset(self, X: np.ndarray, y: np.ndarray, hold_out: bool) -> Dataset:
        if not hold_out:
            return as_dataset(X, y, X[:0], y[:0], self.loss, self.dtype, self.est.device)
        train, val = split_indices(len(X), self.est.validation_fraction, self.seed)
        return as_dataset(
            X[train], y[train], X[val], y[val], self.loss, self.dtype, self.est.device
        )

    def _minibatch(self, X: np.ndarray, y: np.ndarray, wd: float) -> nn.Module:
        data = self._dataset(X, y, bool(self.est.early_stopping))
        if data.n != len(X) and self.est.optimizer != "adamw":
            wd *= len(X) / data.n  # the penalty is per training row: convert λ on those rows
        self.applied_decay = wd
        self.run = make_run(self.network(), self.est.optimizer, wd, self.lr(), self.loss)
        self._epochs(data, self.est.epochs)
        return self.run.model

    def _epochs(self, data: Dataset, epochs: int) -> None:
        assert self.run is not None
        patience = self.est.patience if self.est.early_stopping else None
        batch = data.n if self.est.batch_size is None else int(self.est.batch_size)
        progress = ProgressCallback(epochs)
        callbacks = [*self.callbacks, progress]
        train_epochs(self.run, data, epochs, batch, self.generator, patience, callbacks)
        if patience is not None:
            self.run.restore_best()

    def partial_fit(self, X: np.ndarray, y: np.ndarray) -> nn.Module:
        """One epoch over (X, y); the first call converts λ with its number of rows."""
        if self.est.optimizer == "lbfgs":
            raise ValueError("partial_fit needs optimizer='sgd', 'adam' or 'adamw'; got 'lbfgs'")
        if self.run is None:
            l2 = check_l2(self.est.l2)
            if l2 is None:
                raise ValueError("partial_fit needs a value of l2; got None")
            wd = self.weight_decay(l2, _elements(y, self.loss))
            self.applied_decay = wd
            self.run = make_run(self.network(), self.est.optimizer, wd, self.lr(), self.loss)
        self.run.stopped = False
        data = as_dataset(X, y, X[:0], y[:0], self.loss, self.dtype, self.est.device)
        self._epochs(data, 1)
        return self.run.model

    def _lbfgs(self, X: np.ndarray, y: np.ndarray, wd: float) -> nn.Module:
        """Full batch to the tolerance: mean loss + (wd/2)‖W‖², the same objective as SGD."""
        model = self.network()
        self.applied_decay = wd
        groups = param_groups(model, wd)
        Xt = to_tensor(X, self.dtype, self.est.device, "X")
        target = torch.long if self.loss == "cross_entropy" else self.dtype
        yt = to_tensor(y, target, self.est.device, "y")
        loss_fn = loss_function(self.loss)
        optimizer = torch.optim.LBFGS(
            model.parameters(),
            lr=1.0,
            max_iter=self.est.max_iter,
            tolerance_grad=self.est.tol,
            tolerance_change=1e-300,
            history_size=50,
            line_search_fn="strong_wolfe",
        )

        def closure() -> torch.Tensor:
            optimizer.zero_grad()
            value = loss_fn(model(Xt), yt) + l2_penalty(model, wd, groups)
            value.backward()
            return value

        optimizer.step(closure)
        self.n_iter = int(optimizer.state[optimizer._params[0]].get("n_iter", 0))
        return model


_DEFAULT_LR = {"sgd": 1e-2, "adam": 1e-3, "adamw": 1e-3, "lbfgs": 1.0}


def _elements(y: np.ndarray, loss: str) -> int:
    """Entries torch's mean loss averages over: n·k for multi-output MSE, else n."""
    y = np.asarray(y)
    return int(y.size) if loss == "mse" else int(y.shape[0])


def _seed(random_state: Any) -> int:
    if random_state is None:
        return int(np.random.default_rng().integers(2**31))
    if isinstance(random_state, (int, np.integer)):
        return int(random_state)
    raise ValueError(f"random_state must be None or an integer; got {random_state!r}")
