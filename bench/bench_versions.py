"""Two versions of ridgeway side by side in one run: the same cases, public API only.

Each case is timed in a fresh worker process per version (BLAS pinned to one thread, one
untimed warm-up fit first so numba compilation is not counted, then the median of
``--repeat`` timed fits); the versions alternate case by case, so a change of machine load
hits both. The table prints both times and new/base (above 1 = slower).

    .venv/bin/python bench/bench_versions.py --base /path/to/old/src            # full sizes
    .venv/bin/python bench/bench_versions.py --base /path/to/old/src --quick    # smoke run

``--base`` is the ``src`` folder of the other checkout (e.g. ``git worktree add ../base REV``);
the new version is this checkout's ``src``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve()


def regression(n: int, p: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n, p))
    return X, X @ rng.standard_normal(p) + np.sqrt(p) * rng.standard_normal(n) + 3.0


def sparse_regression(n: int, p: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n, p))
    coef = np.where(rng.uniform(size=p) < 0.1, rng.normal(size=p), 0.0)
    return X, X @ coef + rng.standard_normal(n) + 1.0


def classification(n: int, p: int) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import make_classification

    return make_classification(n, p, n_informative=p // 2, random_state=0)


def grid(n: int, p: int) -> np.ndarray:
    return np.geomspace(1e-3, 1e4, 100) * n / 100


def cases(quick: bool) -> dict[str, tuple[Callable, tuple[int, int]]]:
    """name -> (fit(rw, X, y), shape)."""
    if quick:
        big, gram, wide, clf, enet, n_inv = (20_000, 100), (4_000, 400), (1_000, 3_000), (
            5_000, 100), (20_000, 100), 512  # fmt: skip
    else:
        big, gram, wide, clf, enet, n_inv = (100_000, 100), (20_000, 1_000), (2_000, 5_000), (
            20_000, 100), (100_000, 200), 2048  # fmt: skip
    out: dict[str, tuple[Callable, tuple[int, int]]] = {}

    def add(name: str, shape: tuple[int, int], fit: Callable) -> None:
        out[f"{name} {shape[0]}x{shape[1]}"] = (fit, shape)

    for shape in (big, gram, wide):
        for cv in ("loo", "gcv", 5):
            add(f"RidgeCV cv={cv}", shape,
                lambda rw, X, y, cv=cv: rw.RidgeCV(l2=grid(*X.shape), cv=cv).fit(X, y))  # fmt: skip
        add("Ridge fit", shape, lambda rw, X, y: rw.Ridge(l2=10.0).fit(X, y))
    add("LogisticRegressionCV cv=5", clf, lambda rw, X, y: rw.LogisticRegressionCV(cv=5).fit(X, y))
    add("LogisticRegressionCV cv=alo", clf,
        lambda rw, X, y: rw.LogisticRegressionCV(cv="alo").fit(X, y))  # fmt: skip
    add("LogisticRegression fit", clf, lambda rw, X, y: rw.LogisticRegression(l2=1.0).fit(X, y))
    add("LinearSVCCV cv=5", clf, lambda rw, X, y: rw.LinearSVCCV(cv=5).fit(X, y))
    add("LinearSVC hinge fit", (clf[0] // 4, clf[1]),
        lambda rw, X, y: rw.LinearSVC(l2=0.1 * X.shape[0], loss="hinge").fit(X, y))  # fmt: skip
    add("LassoCV cv=5", enet, lambda rw, X, y: rw.LassoCV(cv=5).fit(X, y))
    add("ElasticNetCV cv=5", enet, lambda rw, X, y: rw.ElasticNetCV(l1_share=0.5, cv=5).fit(X, y))
    add("ElasticNet fit", enet,
        lambda rw, X, y: rw.ElasticNet(l1=0.05 * X.shape[0], l2=1.0).fit(X, y))  # fmt: skip
    add("inverse.tikhonov gcv shaw", (n_inv, n_inv),
        lambda rw, A, b: rw.inverse.tikhonov(A, b, lam="gcv"))  # fmt: skip
    add("inverse.tikhonov diff2 lcurve shaw", (n_inv, n_inv),
        lambda rw, A, b: rw.inverse.tikhonov(A, b, L="diff2", lam="lcurve"))  # fmt: skip
    return out


def data_for(name: str, shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    if name.startswith("inverse"):
        from ridgeway.inverse import problems

        A, b, _ = problems.shaw(shape[0])
        return A, problems.add_noise(b, 1e-3, 0)
    if name.startswith(("Logistic", "LinearSVC")):
        return classification(*shape)
    if name.startswith(("Lasso", "ElasticNet")):
        return sparse_regression(*shape)
    return regression(*shape)


def worker(name: str, quick: bool, repeat: int) -> None:
    from threadpoolctl import threadpool_limits

    import ridgeway as rw

    fit, shape = cases(quick)[name]
    X, y = data_for(name, shape)
    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit(rw, X, y)  # warm-up: numba compilation and caches
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            fit(rw, X, y)
            times.append(time.perf_counter() - start)
    print(json.dumps({"seconds": statistics.median(times), "file": rw.__file__}))


def run(src: str, name: str, quick: bool, repeat: int) -> float:
    env = {**os.environ, "PYTHONPATH": src}
    cmd = [sys.executable, str(HERE), "--worker", name, "--repeat", str(repeat)]
    if quick:
        cmd.append("--quick")
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        print(done.stderr[-2000:], file=sys.stderr)
        return float("nan")
    return float(json.loads(done.stdout.strip().splitlines()[-1])["seconds"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", help="src folder of the base version")
    parser.add_argument("--new", default=str(HERE.parent.parent / "src"))
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", help="run the cases whose name contains this text")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.quick, args.repeat)
        return
    if not args.base:
        parser.error("--base is required")
    print(f"base: {args.base}\nnew:  {args.new}\nnproc {os.cpu_count()}, load {os.getloadavg()}")
    print("BLAS 1 thread; median of", args.repeat, "after one warm-up fit\n")
    print("| case | base | new | new / base |\n|---|---|---|---|")
    for name in cases(args.quick):
        if args.only and args.only not in name:
            continue
        base = run(args.base, name, args.quick, args.repeat)
        new = run(args.new, name, args.quick, args.repeat)
        print(f"| {name} | {base:.3f} s | {new:.3f} s | {new / base:.2f} |", flush=True)
    print(f"\nload at end {os.getloadavg()}")


if __name__ == "__main__":
    main()
