"""Benchmark: L1 logistic regression paths and 5-fold CV against scikit-learn (saga, liblinear).

Run: .venv/bin/python bench/bench_logistic_l1.py [--sizes 100000x100 20000x1000]
     [--n-grid 100] [--ratio 1e-2] [--repeats 1] [--l1-share 1.0] [--skip-sklearn-path]

The grid is the total strength λ = l1 + l2 (l1 = ``--l1-share``·λ; 1: the lasso) from λ_max
(computed exactly: every coefficient zero there) down to ratio·λ_max, ``--n-grid`` values,
scikit-learn's C = 1/λ and l1_ratio = l1-share (liblinear only for the lasso). Beside
5-fold CV, ridgeway's ALO on the active set (``cv="alo"``: one path, one leverage pass per
λ) on the same grid. Ours is one
warm-started proximal-Newton path at its default certificate (relative KKT 1e-8; CV path
fits at 1e-6); saga runs warm-started along the same grid (``warm_start=True``), liblinear
cold at each C (it cannot warm-start), both at their default tol=1e-4. At each λ the
objective Σℓ + l1‖β‖₁ of every answer is compared with the best of the three: the table
reports the largest relative excess over the grid. For CV the fold problems are identical:
scikit-learn's Cs are 1/(l1·n_train/n), as our folds use. BLAS pinned to 1 thread.
"""

from __future__ import annotations

import argparse
import os
import time
import warnings
from dataclasses import replace

import numpy as np
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression as SkLR
from sklearn.linear_model import LogisticRegressionCV as SkLRCV
from sklearn.model_selection import StratifiedKFold
from threadpoolctl import threadpool_limits

from ridgeway.estimators.logistic import PATH_TOL, LogisticRegressionCV
from ridgeway.losses.logistic import LogisticLoss
from ridgeway.penalties.elastic_net import ElasticNetPenalty
from ridgeway.problem import Problem
from ridgeway.selection.classifier_task import ClassifierTask, Family
from ridgeway.selection.l1_classifier_cv import L1Penalty, l1_max, solve_l1_path


class Seconds(float):
    """A median wall time that prints with the median CPU time of the process beside it
    (on a shared machine the wall time also counts the time other jobs held the cores)."""

    cpu: float

    def __format__(self, spec: str) -> str:
        return f"{format(float(self), spec)} s wall ({format(self.cpu, spec)} CPU)"


def timed(fn, repeats):
    times, cpu, out = [], [], None
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        out = fn()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    wall = Seconds(np.median(times))
    wall.cpu = float(np.median(cpu))
    return wall, out


def objectives(X, y, coefs, intercepts, grid, share):
    return np.array([
        Problem(X, y.astype(float), LogisticLoss(),
                ElasticNetPenalty(share * lam, (1 - share) * lam)).objective(
            np.ravel(c), float(np.ravel(b)[0]))
        for c, b, lam in zip(coefs, intercepts, grid)
    ])  # fmt: skip


def sk_path(X, y, grid, solver, share):
    model = SkLR(l1_ratio=share, solver=solver, warm_start=solver == "saga", max_iter=1000)
    coefs, intercepts = [], []
    for lam in grid:
        model.set_params(C=1.0 / lam)
        model.fit(X, y)
        coefs.append(model.coef_.ravel().copy())
        intercepts.append(model.intercept_.copy())
    return np.array(coefs), np.array(intercepts)


def bench_size(n, p, n_grid, ratio, repeats, skip_sklearn_cv, share, skip_sklearn_path):
    X, y = make_classification(n, p, n_informative=10, random_state=0)
    task = ClassifierTask(X, y, 2, None, None, Family(LogisticLoss(), True), True, "auto", 1e-8)
    top = l1_max(task, L1Penalty()) / share
    grid = np.geomspace(top, top * ratio, n_grid)  # descending: the path order
    load = os.getloadavg()[0]
    print(f"\n### make_classification {n} × {p}, 10 informative; l1_share {share:g}; {n_grid} λ "
          f"from λ_max to {ratio:g}·λ_max (1 BLAS thread, median of {repeats}; load "
          f"{load:.2f})\n")  # fmt: skip
    print("| task | time | max relative objective excess over the best | kept at λ_min |")
    print("|---|---|---|---|")

    def ours(at=task):
        path = solve_l1_path(at, L1Penalty(), share * grid, (1 - share) * grid)[0]
        return (np.array([s.coef for s in path]), np.array([s.intercept for s in path]))

    results = {}
    results["ridgeway (proximal Newton)"] = timed(ours, repeats)
    # the certificate the CV and ALO path fits use (cv_tol default): ALO's own path
    loose = replace(task, tol=PATH_TOL)
    results[f"ridgeway at KKT {PATH_TOL:g} (the CV / ALO path fits)"] = timed(
        lambda: ours(loose), repeats
    )
    solvers = ("saga", "liblinear") if share == 1.0 else ("saga",)
    if not skip_sklearn_path:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            for solver in solvers:
                label = "scikit-learn saga (warm)" if solver == "saga" else "scikit-learn liblinear"
                results[label] = timed(lambda s=solver: sk_path(X, y, grid, s, share), repeats)
    objs = {name: objectives(X, y, *out, grid, share) for name, (_, out) in results.items()}
    best = np.min(np.array(list(objs.values())), axis=0)
    for name, (t, (coefs, _)) in results.items():
        excess = float(np.max((objs[name] - best) / np.abs(best)))
        print(f"| path: {name} | {t:.2f} | {excess:.1e} | {np.count_nonzero(coefs[-1])} |",
              flush=True)  # fmt: skip

    folds = list(StratifiedKFold(5, shuffle=True, random_state=0).split(X, y))
    asc = grid[::-1]
    for label, cv in (("5-fold CV", folds), ("ALO", "alo")):
        t_cv, model = timed(
            lambda cv=cv: LogisticRegressionCV(l1_share=share, l2=asc, cv=cv).fit(X, y), repeats
        )
        print(f"| {label}: ridgeway | {t_cv:.2f} | (chosen λ {model.l1_ + model.l2_:.4g}, "
              f"index {model.best_index_}) | {np.count_nonzero(model.coef_)} |",
              flush=True)  # fmt: skip
    if skip_sklearn_cv:
        return
    frac = len(folds[0][0]) / n
    for solver in solvers:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            warnings.simplefilter("ignore", FutureWarning)
            t, sk = timed(lambda solver=solver: SkLRCV(
                Cs=1.0 / (grid * frac), l1_ratios=(share,), solver=solver, cv=folds,
                scoring="neg_log_loss", max_iter=1000, use_legacy_attributes=False,
            ).fit(X, y), repeats)  # fmt: skip
        chosen = float(np.ravel(sk.C_)[0])
        print(f"| 5-fold CV: scikit-learn {solver} | {t:.2f} | (chosen C {chosen:.4g} = λ "
              f"{1 / (chosen * frac):.4g}) | {np.count_nonzero(sk.coef_)} |",
              flush=True)  # fmt: skip


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", nargs="+", default=["100000x100", "20000x1000"])
    parser.add_argument("--n-grid", type=int, default=100)
    parser.add_argument("--ratio", type=float, default=1e-2)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--skip-sklearn-cv", action="store_true")
    parser.add_argument("--skip-sklearn-path", action="store_true")
    parser.add_argument("--l1-share", type=float, default=1.0)
    args = parser.parse_args()
    with threadpool_limits(1):
        # compile the sweeps first (numba, cached): the first path would otherwise pay it
        Xw, yw = make_classification(200, 5, random_state=0)
        LogisticRegressionCV(l1_share=args.l1_share, n_grid=3, cv="alo").fit(Xw, yw)
        for size in args.sizes:
            n, p = (int(v) for v in size.split("x"))
            bench_size(
                n,
                p,
                args.n_grid,
                args.ratio,
                args.repeats,
                args.skip_sklearn_cv,
                args.l1_share,
                args.skip_sklearn_path,
            )


if __name__ == "__main__":
    main()
