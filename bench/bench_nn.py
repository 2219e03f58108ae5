"""Weight-decay benchmark (ridgeway.nn), in one run, on the demo's data and network.

1. Overhead per epoch of rw.nn's loop (history: running train loss, validation loss, ‖W‖ per
   group, best-state copy) against a bare torch loop doing the same training and the same
   validation pass; and against a bare loop without any validation pass.
2. The λ search: 8 λ with successive halving against 8 full runs (rw.nn.WeightDecaySearch),
   and against skorch's NeuralNetRegressor + scikit-learn GridSearchCV on the same grid, the
   same held-out split, network, optimizer, epochs and batch size (skorch: the sklearn-side
   anchor for torch; skipped when it is not installed).
3. The cost per epoch of logging to rw.monitor (MonitorSink into a SQLite store with one gap
   rule), to set against the ms per epoch of part 1 (skipped without the monitor extra).

Torch runs on one thread (small layers: a second thread only contends on 2 cores).

    .venv/bin/python bench/bench_nn.py            # 2000 rows, 40 epochs
    .venv/bin/python bench/bench_nn.py --quick    # 600 rows, 8 epochs
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from typing import Any

import numpy as np
import torch
from torch import nn

from ridgeway.conventions import to_torch_weight_decay
from ridgeway.nn import WeightDecaySearch
from ridgeway.nn.data import as_dataset
from ridgeway.nn.demo import bike_data, network
from ridgeway.nn.training import make_run, train_epochs

LR, BATCH = 1e-3, 64


def bare_epochs(model: nn.Module, data: Any, epochs: int, wd: float, validate: bool) -> None:
    opt = torch.optim.Adam(
        [
            {
                "params": [p for n, p in model.named_parameters() if n.endswith("weight")],
                "weight_decay": wd,
            },
            {"params": [p for n, p in model.named_parameters() if n.endswith("bias")]},
        ],
        lr=LR,
    )
    gen = torch.Generator().manual_seed(0)
    for _ in range(epochs):
        model.train()
        order = torch.randperm(data.n, generator=gen)
        for start in range(0, data.n, BATCH):
            index = order[start : start + BATCH]
            opt.zero_grad(set_to_none=True)
            nn.functional.mse_loss(model(data.X[index]).reshape(-1), data.y[index]).backward()
            opt.step()
        if validate:
            model.eval()
            with torch.no_grad():
                nn.functional.mse_loss(model(data.X_val).reshape(-1), data.y_val)


def ours(model: nn.Module, data: Any, epochs: int, wd: float) -> None:
    run = make_run(model, "adam", wd, LR, "mse")
    train_epochs(run, data, epochs, BATCH, torch.Generator().manual_seed(0), patience=None)


def best_of(repeats: int, variants: dict[str, Any]) -> dict[str, tuple[float, float]]:
    """(min, median) time of each variant after one warm-up call each; the variants are
    interleaved so that load from other processes hits all alike."""
    for fn in variants.values():
        fn()
    times: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(repeats):
        for name, fn in variants.items():
            t = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t)
    return {name: (min(v), statistics.median(v)) for name, v in times.items()}


def overhead(
    X: np.ndarray, y: np.ndarray, epochs: int, repeats: int
) -> dict[str, tuple[float, float]]:
    n_val = len(y) // 4
    data = as_dataset(X[n_val:], y[n_val:], X[:n_val], y[:n_val], "mse", torch.float64, "cpu")
    p, wd = X.shape[1], 1e-3

    def fresh() -> nn.Module:
        torch.manual_seed(0)
        return network(p).double()

    out = best_of(
        repeats,
        {
            "bare, no validation": lambda: bare_epochs(fresh(), data, epochs, wd, False),
            "bare + validation pass": lambda: bare_epochs(fresh(), data, epochs, wd, True),
            "rw.nn train_epochs": lambda: ours(fresh(), data, epochs, wd),
        },
    )
    return {k: (lo / epochs, mid / epochs) for k, (lo, mid) in out.items()}


def searches(X: np.ndarray, y: np.ndarray, epochs: int) -> list[tuple[str, float, int, float]]:
    p = X.shape[1]
    grid = np.r_[0.0, np.geomspace(1.0, 3000.0, 7)]
    common = {
        "l2": grid,
        "epochs": epochs,
        "lr": LR,
        "batch_size": BATCH,
        "early_stopping": False,
        "validation_fraction": 0.25,
        "random_state": 0,
    }
    rows = []
    for budget in ("full", "halving"):
        t = time.perf_counter()
        s = WeightDecaySearch(lambda: network(p), "adam", budget=budget, **common).fit(X, y)
        rows.append(
            (
                f"rw.nn WeightDecaySearch budget={budget}",
                time.perf_counter() - t,
                s.total_epochs_,
                s.l2_,
            )
        )
    try:
        rows.append(skorch_grid(X, y, grid, epochs))
    except ImportError as exc:
        rows.append((f"skorch + GridSearchCV: not run ({exc})", float("nan"), 0, float("nan")))
    return rows


def skorch_grid(X: np.ndarray, y: np.ndarray, grid: np.ndarray, epochs: int) -> tuple:
    from sklearn.model_selection import GridSearchCV
    from skorch import NeuralNetRegressor

    from ridgeway.nn.data import split_indices

    train, val = split_indices(len(y), 0.25, 0)
    n_train, p = len(train), X.shape[1]
    # skorch decays every parameter (biases too): the closest it gets with one knob
    wds = [to_torch_weight_decay(v, n_train, loss="mse") for v in grid]
    net = NeuralNetRegressor(
        network(p).double(),
        optimizer=torch.optim.Adam,
        lr=LR,
        max_epochs=epochs,
        batch_size=BATCH,
        train_split=None,
        verbose=0,
    )
    search = GridSearchCV(
        net,
        {"optimizer__weight_decay": wds},
        cv=[(train, val)],
        scoring="neg_mean_squared_error",
        refit=False,
    )
    t = time.perf_counter()
    search.fit(X, y.reshape(-1, 1))
    best = grid[int(search.best_index_)]
    return ("skorch + GridSearchCV (8 full runs)", time.perf_counter() - t, 8 * epochs, best)


def monitor_sink_ms(epochs: int = 200) -> tuple[float, float]:
    """(min, median) ms of one MonitorSink.log: a batch of 8 metrics, one gap rule moved."""
    import tempfile

    from ridgeway.monitor import Monitor
    from ridgeway.nn.monitoring import MonitorSink

    metrics = {"train_loss": 1.0, "val_loss": 1.2, "gap": 0.2, "decay_per_step": 1e-5,
               "run": 0.0, "norm_decayed": 3.0, "norm_undecayed": 1.0}  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        with Monitor(f"sqlite:///{folder}/bench.db") as monitor:
            sink = MonitorSink(monitor, "bench")
            sink.watch_gap(above=0.1, patience=3)
            times = []
            for epoch in range(1, epochs + 1):
                start = time.perf_counter()
                sink.log(metrics, epoch)
                times.append(time.perf_counter() - start)
    return 1e3 * min(times), 1e3 * statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(1)
    n_rows, epochs, repeats = (600, 8, 3) if args.quick else (2000, 40, 9)
    X, y, _, _, _ = bike_data(n_train=n_rows)
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
        f"torch {torch.__version__}, 1 thread; {len(y)} rows × {X.shape[1]} features, "
        f"MLP {X.shape[1]}→256→256→1, Adam, batch {BATCH}"
    )
    per_epoch = overhead(X, y, max(epochs // 8, 2), repeats)
    print(
        "\n| loop | ms per epoch (min) | vs bare + validation | ms per epoch (median) | vs bare "
        "+ validation |\n|---|---:|---:|---:|---:|"
    )
    lo0, mid0 = per_epoch["bare + validation pass"]
    for name, (lo, mid) in per_epoch.items():
        print(
            f"| {name} | {1e3 * lo:.1f} | {100 * (lo / lo0 - 1):+.1f}% | {1e3 * mid:.1f} | "
            f"{100 * (mid / mid0 - 1):+.1f}% |"
        )
    print("\n| search (8 λ) | seconds | epochs trained | chosen λ |\n|---|---:|---:|---:|")
    for name, seconds, total, chosen in searches(X, y, epochs):
        print(f"| {name} | {seconds:.1f} | {total} | {chosen:.4g} |")
    try:
        lo, mid = monitor_sink_ms()
    except ImportError as exc:
        print(f"\nMonitorSink: not run ({exc})")
        return
    print(
        f"\nMonitorSink.log (SQLite, one gap rule): {lo:.2f} ms min, {mid:.2f} ms median per "
        f"epoch = {100 * mid / (1e3 * mid0):.1f}% of a bare + validation epoch (median)"
    )


if __name__ == "__main__":
    main()
