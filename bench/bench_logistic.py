"""Benchmark: L2 logistic regression and linear SVM against scikit-learn, side by side.

Run: .venv/bin/python bench/bench_logistic.py [--sizes 100000x100 20000x1000 100000x100x10]
[--repeats 3] [--small]. A size n×p×m has m informative features (default p/2); ``--small``
adds the small and wide cases of issue 10 item 14 (10 × 500, iris with L-BFGS). BLAS is
pinned to 1 thread (threadpoolctl) for every timing; medians of ``--repeats`` runs; the load
average is printed with each table (the machine is shared).

Each CV/ALO row also counts the work: data Hessians (weighted Grams), fused passes over X
(one Newton step of one problem, or of all folds in lockstep), ALO leverage passes.

For CV the grid is scikit-learn's Cs=20 grid converted to our λ and scaled by n/n_train, so
that every fold problem is *identical* in both libraries (we fit folds at λ·n_train/n); the
objective gap to a tightly converged optimum is then reported per fold and λ for both.
"""

from __future__ import annotations

import argparse
import os
import time
import warnings
from collections import Counter
from dataclasses import replace

import numpy as np
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression as SkLR
from sklearn.linear_model import LogisticRegressionCV as SkLRCV
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC as SkSVC
from threadpoolctl import threadpool_limits

import ridgeway.selection.alo as alo_module
import ridgeway.selection.classifier_cv as classifier_cv_module
import ridgeway.solvers.smooth.batched_newton as batched_module
import ridgeway.solvers.smooth.objective as objective_module
from ridgeway.estimators.logistic import PATH_TOL, LogisticRegression, LogisticRegressionCV
from ridgeway.estimators.svm import LinearSVC
from ridgeway.losses.logistic import LogisticLoss
from ridgeway.losses.squared_hinge import SquaredHingeLoss
from ridgeway.penalties.l2 import L2Penalty
from ridgeway.problem import Problem
from ridgeway.selection.path_cv import solve_path
from ridgeway.solvers.choose import choose_solver
from ridgeway.solvers.smooth.batched_newton import solve_weighted_paths

WORK = Counter()


def _count(owner, name, key):
    """Wrap owner.name so that each call adds rows / whole passes to WORK[key]."""
    inner = getattr(owner, name)

    def counted(*args, **kwargs):
        WORK[key] += 1
        return inner(*args, **kwargs)

    setattr(owner, name, counted)


def install_counters():
    """Count Grams, fused passes and leverage passes (benchmark-only instrumentation)."""
    _count(objective_module, "weighted_gram", "Grams")
    _count(objective_module.PackedObjective, "advance", "passes")
    _count(batched_module, "_fused_steps", "lockstep passes")
    _count(alo_module, "_leverages", "leverage chunks")
    if hasattr(classifier_cv_module, "alo_predictors_shared"):  # absent before this round
        _count(classifier_cv_module, "alo_predictors_shared", "shared leverage passes")


def counted(fn, n):
    """Run fn once and describe the work it did."""
    WORK.clear()
    fn()
    work = dict(WORK)
    chunks = work.pop("leverage chunks", 0)
    if chunks:
        work["leverage passes"] = round(chunks / -(-n // alo_module.CHUNK), 1)
    return ", ".join(f"{v} {k}" for k, v in sorted(work.items()))


def load():
    return "load average " + " / ".join(f"{v:.2f}" for v in os.getloadavg())


def timed(fn, repeats):
    times, out = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times)), out


def objective(X, y01, coef, intercept, l2, loss=None):
    loss = LogisticLoss() if loss is None else loss
    return Problem(X, y01, loss, L2Penalty(l2)).objective(np.ravel(coef), float(intercept))


def row(task, ours, theirs, note=""):
    print(f"| {task} | {ours:.3f} s | {theirs:.3f} s | {theirs / ours:.1f}× | {note} |", flush=True)


def bench_size(n, p, repeats, informative=None):
    informative = p // 2 if informative is None else informative
    X, y = make_classification(n, p, n_informative=informative, random_state=0)
    y01 = y.astype(float)
    print(f"\n### make_classification {n} × {p}, {informative} informative (1 BLAS thread, "
          f"median of {repeats}; {load()})\n")  # fmt: skip
    print("| task | ridgeway | scikit-learn | speed-up | notes |\n|---|---|---|---|---|")

    # one fit at l2 = 1 (C = 1)
    t_ours, ours = timed(lambda: LogisticRegression(l2=1.0).fit(X, y), repeats)
    f_ours = objective(X, y01, ours.coef_, ours.intercept_[0], 1.0)
    for solver in ("lbfgs", "newton-cholesky"):
        t_sk, sk = timed(lambda s=solver: SkLR(C=1.0, solver=s).fit(X, y), repeats)
        f_sk = objective(X, y01, sk.coef_, sk.intercept_[0], 1.0)
        row(
            f"one fit, vs {solver}",
            t_ours,
            t_sk,
            f"objective ours − theirs = {f_ours - f_sk:.2e}; {ours.solution_.summary()}",
        )

    # 5-fold CV over 20 λ, identical fold problems
    Cs = np.logspace(-4, 4, 20)
    folds = list(StratifiedKFold(5).split(X, y))
    n_train = len(folds[0][0])
    grid = (1.0 / Cs) * n / n_train
    t_cv, _ = timed(lambda: LogisticRegressionCV(l2=grid, cv=5).fit(X, y), repeats)
    sk_kw = {"scoring": "neg_log_loss", "l1_ratios": (0,), "use_legacy_attributes": True}
    t_skcv, skcv = timed(lambda: SkLRCV(Cs=Cs, cv=5, **sk_kw).fit(X, y), repeats)
    gaps = fold_gaps(X, y01, folds, Cs, skcv)
    work = counted(lambda: LogisticRegressionCV(l2=grid, cv=5).fit(X, y), n)
    row(
        "5-fold CV, 20 λ",
        t_cv,
        t_skcv,
        f"worst relative objective gap per (fold, λ): ours {gaps[0]:.1e}, sklearn {gaps[1]:.1e}; "
        f"ours ≤ sklearn at {gaps[2]:.0%} of the 100 fits; work: {work}",
    )
    # one warm-started full-data path on the same grid: the yardstick for ALO
    full = Problem(X, y01, LogisticLoss(), L2Penalty(float(grid.max())))
    grid_desc = np.sort(grid)[::-1]
    t_path, _ = timed(lambda: solve_path(full, grid_desc, choose_solver(full), tol=PATH_TOL),
                      repeats)  # fmt: skip
    work = counted(lambda: solve_path(full, grid_desc, choose_solver(full), tol=PATH_TOL), n)
    row("one warm-started path, 20 λ (no selection)", t_path, t_skcv, f"work: {work}")

    # ALO on scikit-learn's grid (the CV's): the same 20 fits on all n rows
    t_alo_sk, alo_sk = timed(lambda: LogisticRegressionCV(l2=grid, cv="alo").fit(X, y), repeats)
    ours_cv = LogisticRegressionCV(l2=grid, cv=5).fit(X, y)
    curve = ours_cv.cv_results_["mean_score"]
    loss_at = -curve[np.searchsorted(ours_cv.cv_results_["l2"], alo_sk.l2_)]
    best = -curve[ours_cv.best_index_]
    work = counted(lambda: LogisticRegressionCV(l2=grid, cv="alo").fit(X, y), n)
    row(
        "ALO selection, scikit-learn's 20 λ, vs sklearn CV",
        t_alo_sk,
        t_skcv,
        f"k-fold log-loss at ALO's λ {loss_at:.5f} vs at k-fold's λ {best:.5f} "
        f"({(loss_at - best) / best:+.2%}); ALO = {t_alo_sk / t_path:.2f}× the path; "
        f"work: {work}",
    )

    # ALO selection on the default grid vs k-fold on the same grid
    t_alo, alo = timed(lambda: LogisticRegressionCV(cv="alo").fit(X, y), repeats)
    kfold = LogisticRegressionCV(cv=5).fit(X, y)
    curve = kfold.cv_results_["mean_score"]
    loss_at = -curve[np.searchsorted(kfold.cv_results_["l2"], alo.l2_)]
    best = -curve[kfold.best_index_]
    row(
        "ALO selection, default 20 λ, vs sklearn CV",
        t_alo,
        t_skcv,
        f"k-fold log-loss at ALO's λ {loss_at:.5f} vs at k-fold's λ {best:.5f} "
        f"({(loss_at - best) / best:+.2%})",
    )

    # linear SVM, squared hinge, no intercept (liblinear penalizes it; we do not)
    ypm = 2.0 * y - 1.0
    t_svm, svm = timed(lambda: LinearSVC(l2=1.0, fit_intercept=False).fit(X, y), repeats)
    t_sksvm, sksvm = timed(lambda: SkSVC(C=1.0, fit_intercept=False).fit(X, y), repeats)
    sq = SquaredHingeLoss()
    f_svm = objective(X, ypm, svm.coef_, 0.0, 1.0, sq)
    f_sksvm = objective(X, ypm, sksvm.coef_, 0.0, 1.0, sq)
    row(
        "LinearSVC (squared hinge)",
        t_svm,
        t_sksvm,
        f"objective ours − liblinear = {f_svm - f_sksvm:.2e} (relative "
        f"{(f_svm - f_sksvm) / f_sksvm:.1e})",
    )


def bench_small(repeats):
    """Issue 10 item 14: small and wide data, where fixed costs and p × p systems dominate."""
    from sklearn.datasets import load_iris

    print(f"\n### Small and wide data (1 BLAS thread, median of {repeats}; {load()})\n")
    print("| task | ridgeway | scikit-learn | speed-up | notes |\n|---|---|---|---|---|")
    sk_kw = {"scoring": "neg_log_loss", "l1_ratios": (0,), "use_legacy_attributes": True}
    X, y = make_classification(10, 500, random_state=0)
    t_ours, ours = timed(lambda: LogisticRegressionCV().fit(X, y), repeats)
    t_sk, _ = timed(lambda: SkLRCV(**sk_kw).fit(X, y), repeats)
    row("LogisticRegressionCV, 10 × 500 (defaults)", t_ours, t_sk, f"λ = {ours.l2_:.3g}")
    X, y = load_iris(return_X_y=True)
    for solver in ("lbfgs", "newton-cholesky"):
        t_ours, ours = timed(lambda s=solver: LogisticRegressionCV(solver=s).fit(X, y), repeats)
        t_sk, _ = timed(lambda s=solver: SkLRCV(solver=s, **sk_kw).fit(X, y), repeats)
        row(f"LogisticRegressionCV(solver={solver!r}), iris", t_ours, t_sk,
            f"λ = {ours.l2_:.4g}")  # fmt: skip


def fold_gaps(X, y01, folds, Cs, skcv):
    """Relative objective gaps to a tight optimum, for the fold solutions our CV computes (all
    folds solved together, solvers.batched_newton, at the CV's certificate) and sklearn's."""
    grid_desc = np.sort(1.0 / Cs)[::-1]
    ours_gap, sk_gap, wins, total = 0.0, 0.0, 0, 0
    paths = np.asarray(skcv.coefs_paths_[skcv.classes_[1]])  # (folds, Cs[, l1_ratios], p + 1)
    paths = paths[:, :, 0] if paths.ndim == 4 else paths
    weights = []
    for train, _ in folds:
        w = np.zeros(len(y01))
        w[train] = 1.0
        weights.append(w)
    full = Problem(X, y01, LogisticLoss(), L2Penalty(grid_desc[0]))
    grids = np.tile(grid_desc, (len(folds), 1))
    ours = solve_weighted_paths(full, weights, grids, tol=PATH_TOL)
    assert np.all(ours.certificate <= PATH_TOL)
    for f, (train, _) in enumerate(folds):
        pb = Problem(X[train], y01[train], LogisticLoss(), L2Penalty(grid_desc[0]))
        tight = solve_path(pb, grid_desc, choose_solver(pb), tol=1e-13, max_iter=100)
        for j, l2 in enumerate(grid_desc):
            pj = replace(pb, penalty=L2Penalty(l2))
            c = int(np.argmin(np.abs(1.0 / Cs - l2)))
            f_sk = pj.objective(paths[f, c, :-1], paths[f, c, -1])
            f_ours = pj.objective(ours.coef[f, j], ours.intercept[f, j])
            f_star = tight[j].objective
            g_ours = (f_ours - f_star) / abs(f_star)
            g_sk = (f_sk - f_star) / abs(f_star)
            ours_gap, sk_gap = max(ours_gap, g_ours), max(sk_gap, g_sk)
            wins += g_ours <= g_sk
            total += 1
    return ours_gap, sk_gap, wins / total


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", nargs="*",
                        default=["100000x100", "20000x1000", "100000x100x10"])  # fmt: skip
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--small", action="store_true")
    args = parser.parse_args()
    warnings.simplefilter("ignore", ConvergenceWarning)
    install_counters()
    with threadpool_limits(1):
        if args.small:
            bench_small(args.repeats)
        for size in args.sizes:
            n, p, *informative = (int(v) for v in size.split("x"))
            bench_size(n, p, args.repeats, *informative)


if __name__ == "__main__":
    main()
