"""What the report costs beside the fit it describes (issue 11 item 10).

On a wide synthetic regression (n × p, default 150 × 3000: more features than rows) and, with
``--logistic``, a binary classification, it times through the workflow the command line uses:

- the model fit alone (``RidgeCV``/``LogisticRegressionCV`` on the CLI's shuffled folds);
- the KPIs alone and the three figures alone (the report's own cost);
- ``run_fit(..., compare=False)`` with an output folder (fit + KPIs + figures + HTML + model);
- ``run_fit(..., compare=True)`` (plus lasso, elastic net and the baseline on the same folds);

and counts eigendecompositions of order >= 10 during each. BLAS is pinned to one thread;
the machine may be shared (load printed). Median of ``--repeats``.

    PYTHONPATH=src .venv/bin/python bench/bench_report_cost.py [--n 150 --p 3000 --repeats 3]
"""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import scipy.linalg
from threadpoolctl import threadpool_limits

from ridgeway.app.workflow import Options, run_fit, shared_folds
from ridgeway.estimators.logistic import LogisticRegressionCV
from ridgeway.estimators.ridge_cv import RidgeCV
from ridgeway.evaluation.curves import validation_curve_of
from ridgeway.evaluation.kpis import compute_kpis
from ridgeway.report import plots
from ridgeway.report.paths import coefficient_path

EIGH = {"count": 0}


def _count(fn: Callable) -> Callable:
    @functools.wraps(fn)
    def counted(a: Any, *args: Any, **kwargs: Any) -> Any:
        if np.shape(a)[0] >= 10:
            EIGH["count"] += 1
        return fn(a, *args, **kwargs)

    return counted


def install() -> None:
    for owner in (np.linalg, scipy.linalg):
        for name in ("eigh", "eigvalsh"):
            setattr(owner, name, _count(getattr(owner, name)))


def data(n: int, p: int, classification: bool) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, p))
    y = X[:, :10] @ rng.normal(size=10) + rng.normal(size=n)
    frame = pd.DataFrame(X, columns=[f"x{j}" for j in range(p)])
    frame["y"] = np.where(y > 0, "yes", "no") if classification else y
    return frame


def figures(model: Any, X: Any, y: Any) -> None:
    """The three figures ``ridgeway fit`` draws, rendered to PNG."""
    curve = validation_curve_of(model)
    for fig in (
        plots.regularization_path(coefficient_path(model, X, y), list(X.columns)),
        plots.validation_curve(curve),
        plots.train_validation_curve(curve),
    ):
        plots.figure_png(fig)


def timed(fn: Callable[[], Any], repeats: int) -> tuple[float, int]:
    seconds, eigh = [], 0
    for _ in range(repeats):
        EIGH["count"] = 0
        start = time.perf_counter()
        fn()
        seconds.append(time.perf_counter() - start)
        eigh = EIGH["count"]
    return statistics.median(seconds), eigh


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=150)
    parser.add_argument("--p", type=int, default=3000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--logistic", action="store_true")
    args = parser.parse_args()
    install()
    frame = data(args.n, args.p, args.logistic)
    options = Options(target="y", cv=5)
    classification = args.logistic
    rows = {}
    with threadpool_limits(1), tempfile.TemporaryDirectory() as tmp:
        n_train = args.n - int(np.ceil(0.25 * args.n))
        X = frame.drop(columns="y").iloc[:n_train]
        y = frame["y"].iloc[:n_train]
        folds = shared_folds(X, y, classification=classification, n_folds=5, seed=0)
        make = LogisticRegressionCV if classification else RidgeCV
        rows["model fit alone"] = timed(lambda: make(cv=folds).fit(X, y), args.repeats)
        model = make(cv=folds).fit(X, y)
        X_test = frame.drop(columns="y").iloc[n_train:]
        y_test = frame["y"].iloc[n_train:]
        rows["KPIs alone (reference + compute_kpis)"] = timed(
            lambda: compute_kpis(model, X, y, X_test, y_test), args.repeats
        )
        rows["figures alone (3 PNGs)"] = timed(lambda: figures(model, X, y), args.repeats)
        rows["fit (KPIs, figures, report)"] = timed(
            lambda: run_fit(frame, options, f"{tmp}/fit"), args.repeats
        )
        rows["compare (all penalties, report)"] = timed(
            lambda: run_fit(frame, options, f"{tmp}/cmp", compare=True), args.repeats
        )
    load = os.getloadavg()
    kind = "logistic" if classification else "regression"
    print(f"{kind} {args.n} × {args.p}; BLAS 1 thread; median of {args.repeats}; "
          f"load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (shared machine)")  # fmt: skip
    print("\n| step | wall s | eigh (order >= 10) |")
    print("| --- | ---: | ---: |")
    for name, (sec, eigh) in rows.items():
        print(f"| {name} | {sec:.2f} | {eigh} |")


if __name__ == "__main__":
    main()
