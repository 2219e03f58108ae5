"""`make demo`: the two business examples end to end, with KPIs, comparison, reports, models.

1. Credit scoring: L2 logistic regression on the German credit data (13 categorical columns
   one-hot encoded), λ by 5-fold CV, against unpenalized logistic regression.
2. Demand forecasting: ridge on hourly bike-sharing demand, λ by exact leave-one-out; then
   ridge, lasso, elastic net (λ by 5-fold CV on shared folds) and least squares side by side;
   then the small-sample case where regularization earns its keep.

Everything lands under one folder (``./out/demo-<timestamp>``, or ``RIDGEWAY_DEMO_OUT``),
whose path is printed first and last.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd
from rich.console import Console

import ridgeway as rw
from ridgeway.app.tables import comparison_table, kpi_table
from ridgeway.app.workflow import FitResult, Options, run_fit
from ridgeway.evaluation.kpis import compute_kpis
from ridgeway.monitor.demo import demo_act as monitor_demo
from ridgeway.nn.demo import demo_act as nn_demo
from ridgeway.recommend.demo import demo_act as recommend_act

CATEGORICAL = ("season", "mnth", "hr", "weekday", "weathersit")
LEAKY = ["casual", "registered"]  # bikers = casual + registered: not features

console = Console()


def output_folder() -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path(os.environ.get("RIDGEWAY_DEMO_OUT", f"out/demo-{stamp}")).resolve()


def show(result: FitResult, seconds: float) -> None:
    console.print(result.kpis.headline, highlight=False)
    console.print(kpi_table(result.kpis))
    if result.comparison is not None:
        console.print(comparison_table(result.comparison.table, result.comparison.title))
        for note in result.comparison.notes:
            console.print(f"  note: {note}", highlight=False)
    console.print(
        f"  ({seconds:.1f} s)  " + "  ".join(f"{k}: {v}" for k, v in result.files.items())
    )


def credit(out: Path) -> None:
    console.rule("1. Credit scoring — L2 logistic regression, German credit (UCI Statlog)")
    data = rw.datasets.load_german_credit()
    categorical = [
        c
        for c in data.columns
        if not pd.api.types.is_numeric_dtype(data[c]) and c != "creditability"
    ]
    console.print(
        f"{len(data)} applicants, {data.shape[1] - 1} attributes ({len(categorical)} categorical, "
        "one-hot encoded); target creditability (good/bad); 25 % held out, stratified"
    )
    start = time.perf_counter()
    options = Options(target="creditability", model="logistic", cv=5)
    result = run_fit(data, options, out / "credit", compare=True, title="Credit scoring")
    show(result, time.perf_counter() - start)


def bikeshare(out: Path) -> pd.DataFrame:
    console.rule("2. Demand forecasting — ridge, hourly bike-sharing demand (UCI, 2011)")
    data = rw.datasets.load_bikeshare().drop(columns=LEAKY)
    # demand is multiplicative: model log(1 + count)
    data["log_bikers"] = np.log1p(data.pop("bikers"))
    console.print(
        f"{len(data)} hours; {', '.join(CATEGORICAL)} one-hot encoded; target log(1 + bikers); "
        "the model's λ by exact leave-one-out (one decomposition for the whole grid), the "
        "comparison's by 5-fold CV on folds they share (its 'λ chosen by' row)"
    )
    start = time.perf_counter()
    options = Options(target="log_bikers", model="ridge", cv="loo", categorical=CATEGORICAL)
    result = run_fit(data, options, out / "bikeshare", compare=True, title="Bike-sharing demand")
    show(result, time.perf_counter() - start)
    return data


def small_training_set(data: pd.DataFrame, n_small: int = 120) -> None:
    """Where regularization earns its keep: few rows for many one-hot features."""
    console.rule(f"3. The same demand model trained on only {n_small} random hours")
    options = Options(target="log_bikers", model="ridge", cv="loo", categorical=CATEGORICAL)
    full = run_fit(data, options, None)
    rows = np.random.default_rng(0).choice(len(full.split.y_train), n_small, replace=False)
    X, y = full.split.X_train.iloc[rows], full.split.y_train.iloc[rows]
    model = rw.RidgeCV(cv="loo").fit(X, y)
    kpis = compute_kpis(model, X, y, full.split.X_test, full.split.y_test)
    console.print(kpis.headline, highlight=False)
    console.print(
        f"  chosen l2 = {kpis.l2:.4g} (effective df {kpis.effective_df:.1f} of "
        f"{X.shape[1] + 1}, intercept included); test MSE {kpis.test['mse']:.4f} against "
        f"least squares "
        f"{kpis.baseline_test['mse']:.4f}: prediction-error reduction "
        f"{kpis.error_reduction_pct:.1f} %; ‖β‖₂ {kpis.coef_norm2:.2f} vs "
        f"{kpis.baseline_coef_norm2:.2f}; gap (test − train MSE) {kpis.gap:.3f}",
        highlight=False,
    )


def monitor_act(out: Path) -> None:
    """The credit model watched over twelve monthly batches; the gap rule fires; retune."""
    console.rule("Monitoring a deployed model: gap alerts and the retune loop")
    start = time.perf_counter()
    monitor_demo(out / "monitor", say=lambda text: console.print(text, highlight=False))
    console.print(f"({time.perf_counter() - start:.0f} s)\n", highlight=False)


def nn_act(out: Path) -> None:
    """An MLP on the bike-sharing data that overfits without weight decay."""
    console.rule("Weight decay for a neural network (PyTorch)")
    start = time.perf_counter()
    result = nn_demo(out)
    for line in result["lines"]:
        console.print(line, highlight=False)
    console.print(f"({time.perf_counter() - start:.0f} s)\n", highlight=False)


def main() -> None:
    out = output_folder()
    console.print(f"ridgeway demo — writing reports and models to {out}\n", highlight=False)
    credit(out)
    data = bikeshare(out)
    small_training_set(data)
    monitor_act(out)
    nn_act(out)
    recommend_act(out)
    console.print(f"\nreports and models are in {out}", highlight=False)
    for path in sorted(out.rglob("*.html")):
        console.print(f"  open {path}", highlight=False)


if __name__ == "__main__":
    main()
