"""The ``make demo`` act for networks: an MLP on hourly bike rentals that overfits without
decay, the λ search (successive halving), the chosen λ against λ = 0 on a test split.

``demo_act(out_dir)`` writes ``nn_weight_decay.html`` there and returns the numbers and the
lines to print (the app layer prints; this module does not). ``python -m ridgeway.nn.demo``
runs it alone. About 20 s on 2 CPU cores.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch
from torch import nn

from ridgeway.datasets import load_bikeshare
from ridgeway.nn.groups import decay_table, param_groups
from ridgeway.nn.report import render_search_html, search_table
from ridgeway.nn.search import WeightDecaySearch

__all__ = ["demo_act"]

CATEGORICAL = ["season", "mnth", "hr", "weekday", "weathersit"]
N_TRAIN, N_TEST = 600, 3000  # a small training set: a wide MLP overfits it
SETTINGS: dict[str, Any] = {
    "epochs": 80,
    "lr": 1e-3,
    "batch_size": 64,
    "early_stopping": False,  # the error reduction shown is the decay's, not early stopping's
    "validation_fraction": 0.25,
    "random_state": 0,
}


def bike_data(
    seed: int = 0, n_train: int = N_TRAIN, n_test: int = N_TEST
) -> tuple[np.ndarray, ...]:
    """Standardized one-hot features and log1p(bikers) z-scores; train and test splits."""
    frame = load_bikeshare()
    y = np.log1p(frame["bikers"].to_numpy(np.float64))
    features = frame.drop(columns=["bikers", "casual", "registered", "day"])
    X = pd.get_dummies(features, columns=CATEGORICAL, dtype=np.float64).to_numpy(np.float64)
    order = np.random.default_rng(seed).permutation(len(y))
    train, test = order[:n_train], order[n_train : n_train + n_test]
    mean, sd = X[train].mean(axis=0), X[train].std(axis=0)
    sd[sd == 0] = 1.0  # a one-hot level absent from the small training split
    y_mean, y_sd = y[train].mean(), y[train].std()
    Xs, ys = (X - mean) / sd, (y - y_mean) / y_sd
    return Xs[train], ys[train], Xs[test], ys[test], np.array([y_sd])


def network(p: int) -> nn.Module:
    return nn.Sequential(
        nn.Linear(p, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 1)
    )


def _test_mse(model: nn.Module, X: np.ndarray, y: np.ndarray, scale: float) -> float:
    model.eval()
    with torch.no_grad():
        pred = model(torch.from_numpy(X)).numpy().ravel()
    return float(np.mean((pred - y) ** 2) * scale**2)


def demo_act(out_dir: str | Path) -> dict[str, Any]:
    """Run the act; returns chosen λ, test MSEs, error reduction %, report path, lines."""
    X, y, X_test, y_test, scale = bike_data()
    p = X.shape[1]
    grid = np.r_[0.0, np.geomspace(1.0, 3000.0, 7)]
    with torch.random.fork_rng(devices=[]):
        torch.set_num_threads(1)  # small layers: a second thread only contends on 2 cores
        search = WeightDecaySearch(
            lambda: network(p), "adam", l2=grid, budget="halving", **SETTINGS
        ).fit(X, y)
        baseline = WeightDecaySearch(lambda: network(p), "adam", l2=[0.0], **SETTINGS).fit(X, y)
    mse_decay = _test_mse(search.best_model_, X_test, y_test, float(scale[0]))
    mse_none = _test_mse(baseline.best_model_, X_test, y_test, float(scale[0]))
    reduction = 100.0 * (mse_none - mse_decay) / mse_none
    lines = _lines(search, baseline, mse_none, mse_decay, reduction)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    chosen = search.best_model_
    grouping = decay_table(chosen, param_groups(chosen, search.weight_decay_))
    report = out / "nn_weight_decay.html"
    report.write_text(
        render_search_html(
            search,
            "Weight decay for an MLP (bike sharing)",
            lines,
            grouping,
            baseline.histories_[0],
        ),
        encoding="utf-8",
    )
    return {
        "l2": search.l2_,
        "weight_decay": search.weight_decay_,
        "test_mse_no_decay": mse_none,
        "test_mse_chosen": mse_decay,
        "error_reduction_pct": reduction,
        "total_epochs": search.total_epochs_,
        "report": str(report),
        "lines": lines,
    }


def _lines(
    search: WeightDecaySearch,
    baseline: WeightDecaySearch,
    mse_none: float,
    mse_decay: float,
    reduction: float,
) -> list[str]:
    table = search_table(search.cv_results_)
    gap0 = float(baseline.cv_results_["gap"][0])
    gap = float(search.cv_results_["gap"][search.best_index_])
    return [
        f"MLP 57→256→256→1 (Adam) on {N_TRAIN} hourly bike-rental rows; test on {N_TEST}.",
        "λ search by successive halving: "
        + ", ".join(f"{r['l2']:.3g}: {r['validation loss']:.3f}" for _, r in table.iterrows())
        + f" (validation loss; {search.total_epochs_} epochs for {len(table)} λ,"
        f" {len(table) * SETTINGS['epochs']} for full runs)",
        f"chosen λ = {search.l2_:.4g} (Adam weight_decay = {search.weight_decay_:.3g});"
        f" gap (validation − train) {gap:.3f} against {gap0:.3f} without decay",
        f"test MSE of log1p(bikers): {mse_decay:.4f} with decay, {mse_none:.4f} without:"
        f" {reduction:.1f}% less prediction error",
    ]


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    result = demo_act(args[0] if args else "out/nn-demo")
    print("\n".join(result["lines"]))
    print(f"report: {result['report']}")


if __name__ == "__main__":
    main()
