"""Ridge benchmark: rw.RidgeCV against the hardware bound and scikit-learn, in one run.

For each shape (n × p) on random data (``np.random.default_rng(0)``, y = Xβ + noise) it times

- the bound: X.T @ X + eigh of the p × p Gram (n < p: X @ X.T + eigh of the n × n kernel),
- rw.RidgeCV with an explicit geometric grid of 100 λ and cv = "loo", "gcv", 5 (KFold),
- scikit-learn RidgeCV(alphas=same grid) (its exact-LOO "gcv" mode) and
  GridSearchCV(Ridge(), 5-fold) (20 λ for p ≥ 1000, as in issue 2),
- a single fit at one λ: rw.Ridge against scikit-learn Ridge (default solver),

checks that rw and scikit-learn agree (chosen λ and coefficients for LOO; per-fold scores
against refitting scikit-learn Ridge(alpha=λ·n_train/n) for k-fold) and measures the peak
memory of rw.RidgeCV with tracemalloc. BLAS is limited to one thread (threadpoolctl).

Anything scikit-learn would spend more than ``--max-seconds`` on is measured on a subset of
the grid and extrapolated linearly in the number of λ (marked "~" in the table).

    .venv/bin/python bench/bench_ridge.py            # 100000x100, 20000x1000, 2000x5000
    .venv/bin/python bench/bench_ridge.py --quick    # 20000x100, 4000x400, 500x2000
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np
import scipy
import sklearn
from sklearn.linear_model import Ridge as SkRidge
from sklearn.linear_model import RidgeCV as SkRidgeCV
from sklearn.model_selection import GridSearchCV, KFold
from threadpoolctl import threadpool_info, threadpool_limits

import ridgeway as rw

FULL_SHAPES = "100000x100,20000x1000,2000x5000"
QUICK_SHAPES = "20000x100,4000x400,500x2000"
FAST_SECONDS = 2.0  # below this a timing is the median of 3 runs, above it a single run


def timed(fn: Callable[[], Any]) -> tuple[float, int, Any]:
    """(seconds, repeats, result): median of 3 for fast calls, a single run for slow ones."""
    start = time.perf_counter()
    result = fn()
    times = [time.perf_counter() - start]
    if times[0] < FAST_SECONDS:
        for _ in range(2):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
    return statistics.median(times), len(times), result


def make_data(n: int, p: int) -> tuple[np.ndarray, np.ndarray]:
    """y = Xβ + noise with signal-to-noise ratio 1, so the best λ lies inside the grid."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n, p))
    beta = rng.standard_normal(p)
    y = X @ beta + np.sqrt(p) * rng.standard_normal(n) + 3.0
    return X, y


def bound(X: np.ndarray) -> None:
    """The hardware bound: one Gram (or kernel) and one symmetric eigendecomposition."""
    n, p = X.shape
    gram = X.T @ X if n >= p else X @ X.T
    np.linalg.eigh(gram)


def sklearn_ridgecv(X: np.ndarray, y: np.ndarray, grid: np.ndarray, max_s: float) -> dict:
    """scikit-learn's exact LOO; extrapolated from 5 and 10 λ when all would be too slow."""
    sub5 = grid[:: len(grid) // 5]
    t5 = timed(lambda: SkRidgeCV(alphas=sub5).fit(X, y))[0]
    sub = grid[:: len(grid) // 10]
    t10, _, est10 = timed(lambda: SkRidgeCV(alphas=sub).fit(X, y))
    # cost = a + b·L, so t10·L/10 bounds the full run from above: decide on that bound,
    # and when skipping report a + b·L from the two probes (noisy on a loaded machine).
    if t10 * len(grid) / len(sub) > max_s:
        slope = max(t10 - t5, 0.0) / (len(sub) - len(sub5))
        estimate = max(t10 + slope * (len(grid) - len(sub)), t10)
        print(f"  sklearn RidgeCV probes: 5 λ {t5:.2f} s, 10 λ {t10:.2f} s", flush=True)
        return {"time": estimate, "reps": 0, "est": est10, "grid": sub, "extrapolated": True}
    t, reps, est = timed(lambda: SkRidgeCV(alphas=grid).fit(X, y))
    return {"time": t, "reps": reps, "est": est, "grid": grid, "extrapolated": False}


def grid_search(X: np.ndarray, y: np.ndarray, grid: np.ndarray, max_s: float) -> dict:
    """GridSearchCV(Ridge, 5-fold); each λ is 5 independent fits, so time scales with λ."""

    def run(alphas: np.ndarray) -> float:
        search = GridSearchCV(
            SkRidge(), {"alpha": alphas}, cv=KFold(5), scoring="neg_mean_squared_error"
        )
        start = time.perf_counter()
        search.fit(X, y)
        return time.perf_counter() - start

    per_l2 = run(grid[len(grid) // 2 : len(grid) // 2 + 1])
    if per_l2 * len(grid) <= max_s:
        t, reps, _ = timed(lambda: run(grid))
        return {"time": t, "reps": reps, "n_l2": len(grid), "measured": len(grid)}
    m = int(np.clip(max_s / 2 / per_l2, 2, len(grid)))
    sub = grid[np.linspace(0, len(grid) - 1, m).round().astype(int)]
    t = run(sub)
    return {"time": t * len(grid) / m, "reps": 1, "n_l2": len(grid), "measured": m}


def peak_memory(fn: Callable[[], Any]) -> float:
    """Peak bytes allocated (numpy reports its buffers to tracemalloc) while fn runs."""
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def kfold_check(X: np.ndarray, y: np.ndarray, grid: np.ndarray, fold_scores: np.ndarray) -> float:
    """Max relative difference of rw fold scores against sklearn Ridge(alpha=λ·n_train/n)."""
    n = X.shape[0]
    worst = 0.0
    for j in (len(grid) // 4, len(grid) // 2, 3 * len(grid) // 4):
        for f, (train, test) in enumerate(KFold(5).split(X)):
            fit = SkRidge(alpha=grid[j] * train.size / n).fit(X[train], y[train])
            ref = -np.mean((y[test] - fit.predict(X[test])) ** 2)
            worst = max(worst, abs(fold_scores[j, f] - ref) / abs(ref))
    return worst


def bench_shape(n: int, p: int, n_l2: int, max_s: float) -> dict:
    X, y = make_data(n, p)
    grid = np.geomspace(1e-3, 1e3, n_l2) * p
    out: dict[str, Any] = {"shape": f"{n} x {p}", "X_MB": X.nbytes / 1e6}
    out["bound"] = timed(lambda: bound(X))[:2]
    fits = {}
    for cv in ("loo", "gcv", 5):
        t, reps, est = timed(lambda cv=cv: rw.RidgeCV(l2=grid, cv=cv).fit(X, y))
        out[f"rw_{cv}"], fits[cv] = (t, reps), est
    print(f"  rw done: {[out[f'rw_{c}'] for c in ('loo', 'gcv', 5)]}", flush=True)
    sk = sklearn_ridgecv(X, y, grid, max_s)
    out["sk_ridgecv"] = sk
    print(f"  sklearn RidgeCV: {sk['time']:.2f} s (extrapolated={sk['extrapolated']})", flush=True)
    gs_grid = grid if p < 1000 else grid[:: max(len(grid) // 20, 1)]
    out["gridsearch"] = grid_search(X, y, gs_grid, max_s)
    print(f"  GridSearchCV: {out['gridsearch']}", flush=True)

    # single fit at the LOO choice
    l2 = float(fits["loo"].l2_)
    out["rw_fit"] = timed(lambda: rw.Ridge(l2=l2).fit(X, y))[:2]
    t, reps, sk_fit = timed(lambda: SkRidge(alpha=l2).fit(X, y))
    out["sk_fit"] = (t, reps)
    rw_fit = rw.Ridge(l2=l2).fit(X, y)
    out["fit_coef_diff"] = float(np.max(np.abs(rw_fit.coef_ - sk_fit.coef_)))

    # agreement: LOO choice and coefficients (on the grid scikit-learn actually ran)
    rw_loo = fits["loo"] if not sk["extrapolated"] else rw.RidgeCV(l2=sk["grid"]).fit(X, y)
    out["loo_l2"] = (float(rw_loo.l2_), float(sk["est"].alpha_), len(sk["grid"]))
    out["loo_coef_diff"] = float(np.max(np.abs(rw_loo.coef_ - sk["est"].coef_)))
    out["gcv_l2"] = float(fits["gcv"].l2_)
    kf = fits[5]
    out["kfold_l2"] = float(kf.l2_)
    out["kfold_score_rel_diff"] = kfold_check(X, y, grid, kf.cv_results_["fold_scores"])
    refit = SkRidge(alpha=kf.l2_).fit(X, y)
    out["kfold_coef_diff"] = float(np.max(np.abs(kf.coef_ - refit.coef_)))

    out["mem_loo"] = peak_memory(lambda: rw.RidgeCV(l2=grid, cv="loo").fit(X, y))
    out["mem_kfold"] = peak_memory(lambda: rw.RidgeCV(l2=grid, cv=5).fit(X, y))
    return out


def fmt(t: float, reps: int = 3, approx: bool = False) -> str:
    mark = "~" if approx else ""
    star = "" if reps != 1 else "¹"
    return f"{mark}{t:.3g} s{star}"


def report(rows: list[dict]) -> None:
    print("\n## Timings (median of 3 where < 2 s; ¹ = single run; ~ = extrapolated)\n")
    print(
        "| n × p | X.T@X + eigh | rw LOO | rw GCV | rw 5-fold | sklearn RidgeCV (LOO) "
        "| GridSearchCV 5-fold | rw Ridge fit | sklearn Ridge fit |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        b = r["bound"][0]
        cells = [fmt(*r["bound"])]
        for cv in ("loo", "gcv", 5):
            t, reps = r[f"rw_{cv}"]
            cells.append(f"{fmt(t, reps)} ({t / b:.1f}× bound)")
        loo = r["rw_loo"][0]
        sk = r["sk_ridgecv"]
        cells.append(
            f"{fmt(sk['time'], sk['reps'], sk['extrapolated'])} ({sk['time'] / loo:.0f}× rw)"
        )
        gs = r["gridsearch"]
        note = f"{gs['n_l2']} λ" + (
            f", {gs['measured']} run" if gs["measured"] < gs["n_l2"] else ""
        )
        approx = gs["measured"] < gs["n_l2"]
        cells.append(
            f"{fmt(gs['time'], gs['reps'], approx)} [{note}] ({gs['time'] / r['rw_5'][0]:.0f}× rw)"
        )
        cells.append(fmt(*r["rw_fit"]))
        cells.append(f"{fmt(*r['sk_fit'])} ({r['sk_fit'][0] / r['rw_fit'][0]:.1f}× rw)")
        print(f"| {r['shape']} | " + " | ".join(cells) + " |")

    print("\n## Agreement and memory\n")
    print(
        "| n × p | LOO λ rw / sklearn (grid) | LOO coef max|Δ| | GCV λ | 5-fold λ "
        "| fold score rel. Δ vs sklearn(λ·n_train/n) | 5-fold coef max|Δ| "
        "| single fit coef max|Δ| | peak mem LOO / 5-fold (× X) |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        a, b, m = r["loo_l2"]
        mem = f"{r['mem_loo'] / 1e6:.0f} / {r['mem_kfold'] / 1e6:.0f} MB "
        mem += f"({r['mem_loo'] / 1e6 / r['X_MB']:.2f} / {r['mem_kfold'] / 1e6 / r['X_MB']:.2f})"
        print(
            f"| {r['shape']} | {a:.4g} / {b:.4g} ({m} λ) | {r['loo_coef_diff']:.1e} "
            f"| {r['gcv_l2']:.4g} | {r['kfold_l2']:.4g} | {r['kfold_score_rel_diff']:.1e} "
            f"| {r['kfold_coef_diff']:.1e} | {r['fit_coef_diff']:.1e} | {mem} |"
        )


def environment() -> None:
    print(f"python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}")
    print(f"scikit-learn {sklearn.__version__}, ridgeway {getattr(rw, '__version__', '?')}")
    print(f"nproc {os.cpu_count()}, load average {os.getloadavg()}")
    git = ["git", "log", "-1", "--format=%h %ad %s", "--date=iso"]
    commit = subprocess.run(git, capture_output=True, text=True, check=False).stdout.strip()
    print(f"ridgeway commit: {commit or 'unknown'}")
    for lib in threadpool_info():
        keys = ("internal_api", "version", "num_threads", "threading_layer", "architecture")
        print("  BLAS:", {k: lib.get(k) for k in keys}, lib.get("filepath"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"shapes {QUICK_SHAPES}")
    parser.add_argument("--shapes", help=f"comma-separated NxP (default {FULL_SHAPES})")
    parser.add_argument("--n-l2", type=int, default=100)
    parser.add_argument("--max-seconds", type=float, default=60.0)
    args = parser.parse_args()
    shapes = args.shapes or (QUICK_SHAPES if args.quick else FULL_SHAPES)
    with threadpool_limits(limits=1):
        print("BLAS limited to 1 thread with threadpoolctl.threadpool_limits(limits=1)")
        environment()
        rows = []
        for shape in shapes.split(","):
            n, p = (int(v) for v in shape.lower().split("x"))
            print(f"shape {n} x {p} ...", flush=True)
            start = time.perf_counter()
            rows.append(bench_shape(n, p, args.n_l2, args.max_seconds))
            print(f"  shape done in {time.perf_counter() - start:.0f} s", flush=True)
        report(rows)
        print(f"\nload average at end {os.getloadavg()}")


if __name__ == "__main__":
    main()
