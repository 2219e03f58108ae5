"""ridgeway.scale: RidgeCV (50 λ, 5 hash folds) from Parquet, streamed and on Dask, against a
hand-written pyarrow + numpy one-pass reference measured in the same run; peak RSS per mode;
the cost model (passes × bytes ÷ bandwidth + driver O(folds·p³)) against the measurements.

    python bench/bench_scale.py --rows 2000000 --features 100 --files 20 --repeat 3

Each mode runs in a fresh child process (its own peak RSS), BLAS pinned to one thread; the
median of ``--repeat`` runs is reported with the machine's load average. The data are
generated here (float64, one row group per 100 000 rows) into ``--dir``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from itertools import pairwise
from pathlib import Path

import numpy as np

ROWS_PER_GROUP = 100_000


def generate(directory: Path, rows: int, p: int, files: int, seed: int = 0,
             binary: bool = False, classes: int = 0) -> None:  # fmt: skip
    import pyarrow as pa
    import pyarrow.parquet as pq

    directory.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    coef = rng.normal(size=p)
    per_file = rows // files
    for f in range(files):
        X = rng.normal(size=(per_file, p)) + rng.normal(size=p) * 3.0
        y = X @ coef + rng.normal(size=per_file) * 2.0
        columns = {f"x{j}": X[:, j] for j in range(p)}
        columns["y"] = (y > np.median(y)).astype(np.int64) if binary else y
        if classes > 2:  # a softmax of K linear predictors (the first from coef)
            scores = X @ np.column_stack([coef, rng.normal(size=(p, classes - 1))])
            noise = rng.gumbel(size=(per_file, classes)) * 2.0
            columns["y"] = np.argmax(scores / np.sqrt(p) + noise, axis=1).astype(np.int64)
        pq.write_table(pa.table(columns), directory / f"part{f:03d}.parquet",
                       row_group_size=ROWS_PER_GROUP)  # fmt: skip


def grid_of(p: int) -> np.ndarray:
    return np.geomspace(1e-2, 1e5, 50)


def reference(pattern: str, folds: int = 5) -> dict:
    """One pass by hand: per row group and hash fold, centred moments merged (Chan); then per
    fold the training Gram by subtraction, one eigh, 50 λ scored from held-out moments."""
    import glob

    import pyarrow.parquet as pq

    from ridgeway.scale.folds import fold_ids

    stats = None
    offset = 0
    for path in sorted(glob.glob(pattern)):
        handle = pq.ParquetFile(path)
        for g in range(handle.num_row_groups):
            table = handle.read_row_group(g)
            A = np.column_stack([c.to_numpy() for c in table.columns])  # (n, p + 1)
            n = A.shape[0]
            ids = fold_ids(np.arange(offset, offset + n), folds, 0)
            offset += n
            order = np.argsort(ids, kind="stable")
            A, ids = A[order], ids[order]
            bounds = np.searchsorted(ids, np.arange(folds + 1))
            parts = []
            for a, b in pairwise(bounds):
                block = A[a:b]
                mean = block.mean(axis=0)
                centred = block - mean
                parts.append((float(b - a), mean, centred.T @ centred))
            stats = parts if stats is None else [_chan(s, t) for s, t in zip(stats, parts)]
    assert stats is not None
    total = stats[0]
    for s in stats[1:]:
        total = _chan(total, s)
    grid = grid_of(total[1].size - 1)
    scores = []
    for held in stats:
        w, mean, C = _remove(total, held)
        lam = grid * w / total[0]
        Cxx, cxy = C[:-1, :-1], C[:-1, -1]
        e, V = np.linalg.eigh(Cxx)
        vy = V.T @ cxy
        B = V @ (vy[:, None] / (e[:, None] + lam[None, :]))  # (p, L)
        b0 = mean[-1] - mean[:-1] @ B
        hw, hm, hC = held
        offset_ = hm[-1] - b0 - hm[:-1] @ B
        rss = hC[-1, -1] - 2 * B.T @ hC[:-1, -1] + np.einsum("pl,pq,ql->l", B, hC[:-1, :-1], B)
        scores.append(-(rss + hw * offset_**2) / hw)
    return {"best_l2": float(grid[np.argmax(np.mean(scores, axis=0))])}


def _chan(a, b):
    wa, ma, Ca = a
    wb, mb, Cb = b
    w = wa + wb
    d = mb - ma
    return w, ma + d * (wb / w), Ca + Cb + (wa * wb / w) * np.outer(d, d)


def _remove(total, part):
    w, m, C = total
    wp, mp, Cp = part
    wr = w - wp
    mr = (w * m - wp * mp) / wr
    d = mp - mr
    return wr, mr, C - Cp - (wr * wp / w) * np.outer(d, d)


def run_mode(mode: str, pattern: str) -> dict:
    from threadpoolctl import threadpool_limits

    import ridgeway as rw
    from ridgeway.scale import HashFolds, Parquet, Pass

    out: dict = {"mode": mode}
    with threadpool_limits(limits=1, user_api="blas"):
        if mode == "reference":
            start = time.perf_counter()
            out.update(reference(pattern))
            out["seconds"] = time.perf_counter() - start
        elif mode == "logistic":
            source = Parquet(pattern, target="y")
            Pass.reset()
            start = time.perf_counter()
            model = rw.LogisticRegressionCV(n_grid=20, cv=HashFolds(5)).fit(source)
            out["seconds"] = time.perf_counter() - start
            out["passes"] = Pass.passes
            out["newton_passes_per_l2"] = model.newton_passes_.tolist()
            out["best_l2"] = float(model.l2_)
            out["max_certificate"] = float(model.certificates_.max())
        elif mode == "multinomial":
            out.update(multinomial(pattern))
        elif mode.startswith("daskml:"):
            import dask

            with dask.config.set(scheduler="threads", num_workers=2):
                _, l2, solvers = mode.split(":")
                out.update(daskml_comparison(pattern, float(l2), solvers.split(",")))
        elif mode in ("stream", "dask"):
            client = None
            if mode == "dask":
                from distributed import Client, LocalCluster

                start = time.perf_counter()
                cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=":0")  # fmt: skip
                client = Client(cluster)
                client.run(_warm_up)  # the workers import ridgeway once: start-up, not the pass
                out["startup_seconds"] = time.perf_counter() - start
            start = time.perf_counter()
            source = Parquet(pattern, target="y", engine=mode)
            Pass.reset()
            model = rw.RidgeCV(l2=grid_of(0), cv=HashFolds(5)).fit(source)
            out["seconds"] = time.perf_counter() - start
            out["passes"] = Pass.passes
            out["best_l2"] = float(model.l2_)
            if client is not None:
                client.close()
                cluster.close()
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def multinomial(pattern: str) -> dict:
    """LogisticRegressionCV on K classes, 20 λ × 5 hash folds: streamed (passes, Newton
    Hessians, time) and in memory on the same folds (time; agreement of the two)."""
    import ridgeway as rw
    from ridgeway.scale import HashFolds, Parquet, Pass

    source = Parquet(pattern, target="y")
    Pass.reset()
    start = time.perf_counter()
    model = rw.LogisticRegressionCV(n_grid=20, cv=HashFolds(5)).fit(source)
    out = {"seconds": time.perf_counter() - start, "passes": Pass.passes,
           "newton_passes_per_l2": model.newton_passes_.tolist(),
           "hessians": int(model.newton_hessians_.sum()), "best_l2": float(model.l2_),
           "max_certificate": float(model.certificates_.max()),
           "classes": len(model.classes_)}  # fmt: skip
    block = source.read()
    start = time.perf_counter()
    memory = rw.LogisticRegressionCV(n_grid=20, cv=HashFolds(5)).fit(block.X, block.y)
    out["memory_seconds"] = time.perf_counter() - start
    scale = np.max(np.abs(memory.coef_))
    out["coef_difference"] = float(np.max(np.abs(memory.coef_ - model.coef_)) / scale)
    out["score_difference"] = float(np.max(np.abs(memory.cv_results_["mean_score"]
                                                  - model.cv_results_["mean_score"])))  # fmt: skip
    return out


def _objective(X, y, coef, intercept, l2, penalize_intercept):
    """Σ log(1 + e^z) − y·z + (l2/2)‖β‖² (+ (l2/2)β₀² in dask-ml's convention) and the
    relative gradient norm ‖∇f‖∞ / ‖∇loss(0)‖∞ of the same objective, on Dask arrays."""
    import dask
    import dask.array as da

    z = X @ coef + intercept
    residual = 1.0 / (1.0 + da.exp(-z)) - y
    loss = da.logaddexp(0.0, z).sum() - (y * z).sum()
    grad, grad_b, grad0, grad0_b = X.T @ residual, residual.sum(), X.T @ (0.5 - y), (0.5 - y).sum()
    loss, grad, grad_b, grad0, grad0_b = dask.compute(loss, grad, grad_b, grad0, grad0_b)
    value = float(loss) + 0.5 * l2 * float(coef @ coef)
    grad = np.r_[grad + l2 * coef, grad_b + (l2 * intercept if penalize_intercept else 0.0)]
    value += 0.5 * l2 * intercept**2 if penalize_intercept else 0.0
    return value, float(np.max(np.abs(grad)) / np.max(np.abs(np.r_[grad0, grad0_b])))


def daskml_comparison(pattern: str, l2: float, solvers: list[str]) -> dict:
    """ridgeway's LogisticRegression at one λ (streamed from Parquet; on the Dask array) and
    dask-ml's at C = 1/λ (dask-glm's lbfgs and its default admm) on the same data, held in
    memory as one Dask array (dask-ml's usual input), Dask's threaded scheduler with 2
    workers, BLAS at one thread. dask-ml penalizes the intercept (dask-glm#65); ridgeway
    never does, so ridgeway is also fitted with a column of ones as a penalized feature and
    no intercept: exactly dask-ml's objective, for a like-for-like comparison."""
    import dask.array as da
    import dask.dataframe as dd
    from dask.callbacks import Callback

    import ridgeway as rw
    from ridgeway.scale import Parquet, Pass

    class Computes(Callback):
        count = 0

        def _start(self, dsk):
            Computes.count += 1

    out: dict = {"l2": l2, "C": 1.0 / l2}
    frame = dd.read_parquet(pattern)
    names = [c for c in frame.columns if c != "y"]
    # one array, then sliced: to_dask_array(lengths=True) of a lone column can disagree on
    # the partitions (dask-expr fuses a narrow selection's partitions)
    A = frame[[*names, "y"]].to_dask_array(lengths=True).astype(np.float64)
    X, y = A[:, :-1].persist(), A[:, -1].persist()
    out["rows"], out["features"], out["blocks"] = int(X.shape[0]), len(names), X.numblocks[0]
    ones = da.ones((X.shape[0], 1), chunks=(X.chunks[0], 1))
    X1 = da.hstack([X, ones]).rechunk({1: -1}).persist()
    runs = {}

    def timed(name, fit, passes):
        Pass.reset()
        Computes.count = 0
        with Computes():
            start = time.perf_counter()
            coef, intercept = fit()
            seconds = time.perf_counter() - start
        runs[name] = {"seconds": seconds, "passes": passes(), "coef": coef,
                      "intercept": intercept}  # fmt: skip
        print(f"{name}: {seconds:.1f} s, {runs[name]['passes']} passes; load "
              f"{os.getloadavg()[0]:.2f}", file=sys.stderr, flush=True)  # fmt: skip

    def ridgeway_fit(data, *args, fit_intercept=True):
        model = rw.LogisticRegression(l2=l2, fit_intercept=fit_intercept, tol=1e-8)
        model.fit(data, *args)
        coef = np.ravel(model.coef_)
        if not fit_intercept:  # the last column is the penalized stand-in for the intercept
            return coef[:-1], float(coef[-1])
        return coef, float(np.ravel(model.intercept_)[0])

    def daskml_fit(solver):
        from dask_ml.linear_model import LogisticRegression

        name, _, tight = solver.partition("-")  # "lbfgs-tight": tol 1e-10, max_iter 1000
        options = {"tol": 1e-10, "max_iter": 1000} if tight else {}
        model = LogisticRegression(penalty="l2", C=1.0 / l2, solver=name, **options).fit(X, y)
        return np.ravel(model.coef_), float(model.intercept_)

    timed("ridgeway stream (Parquet)", lambda: ridgeway_fit(Parquet(pattern, target="y")),
          lambda: Pass.passes)  # fmt: skip
    timed("ridgeway on the Dask array", lambda: ridgeway_fit(X, y), lambda: Pass.passes)
    timed("ridgeway, intercept penalized (dask-ml's objective)",
          lambda: ridgeway_fit(X1, y, fit_intercept=False), lambda: Pass.passes)  # fmt: skip
    for solver in solvers:
        timed(f"dask-ml {solver}", lambda solver=solver: daskml_fit(solver),
              lambda: Computes.count)  # fmt: skip
    exact = runs["ridgeway, intercept penalized (dask-ml's objective)"]
    plain = runs["ridgeway on the Dask array"]
    for name, run in runs.items():
        daskml_convention = name.startswith("dask-ml") or "penalized" in name
        target = exact if daskml_convention else plain
        run["objective"], run["certificate"] = _objective(X, y, run["coef"], run["intercept"], l2,
                                                          daskml_convention)  # fmt: skip
        scale = np.max(np.abs(np.r_[target["coef"], target["intercept"]]))
        run["max_coef_diff"] = float(np.max(np.abs(np.r_[run["coef"] - target["coef"],
                                     run["intercept"] - target["intercept"]])) / scale)  # fmt: skip
        run["compared_with"] = "penalized-intercept ridgeway" if daskml_convention else "ridgeway"
        run["intercept_vs_ridgeway"] = float(run["intercept"] - plain["intercept"])
    for run in runs.values():
        run["intercept"] = float(run["intercept"])
        run["coef_head"] = [float(c) for c in run.pop("coef")[:3]]
    out["runs"] = runs
    return out


def _warm_up() -> None:
    import ridgeway.scale.ridge_pass  # noqa: F401


def driver_seconds(p: int, folds: int = 5) -> float:
    """The driver's share: one eigh per fold and the full data, 50 λ each (median of 5)."""
    from threadpoolctl import threadpool_limits

    rng = np.random.default_rng(0)
    A = rng.normal(size=(4 * p, p))
    C = A.T @ A
    times = []
    with threadpool_limits(limits=1, user_api="blas"):
        for _ in range(5):
            start = time.perf_counter()
            for _ in range(folds + 1):
                np.linalg.eigh(C)
            times.append(time.perf_counter() - start)
    return float(np.median(times))


def out_of_core(directory: Path, rows: int, p: int) -> None:
    """The CLI on data larger than half this machine's memory: generate (one file of
    100 000 rows at a time), fit by streaming in a child process, report, delete."""
    import shutil

    from ridgeway.app.scale_workflow import available_memory

    shutil.rmtree(directory, ignore_errors=True)
    start = time.perf_counter()
    generate(directory, rows, p, max(1, rows // ROWS_PER_GROUP))
    size = sum(f.stat().st_size for f in directory.glob("part*.parquet"))
    print(f"generated {rows} × {p}: {size / 1e9:.2f} GB in {time.perf_counter() - start:.0f} s;"
          f" memory available {available_memory() / 1e9:.1f} GB; load "
          f"{os.getloadavg()[0]:.2f}")  # fmt: skip
    out = directory / "fit"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
           "MKL_NUM_THREADS": "1"}  # fmt: skip
    command = [sys.executable, "-m", "ridgeway.app.cli", "fit", str(directory / "part*.parquet"),
               "--target", "y", "--cv", "5", "--engine", "stream", "-o", str(out)]  # fmt: skip
    try:
        start = time.perf_counter()
        child = subprocess.run(command, capture_output=True, text=True, env=env)
        seconds = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        if child.returncode != 0:
            print(child.stdout, child.stderr)
            raise SystemExit(child.returncode)
        kpis = json.loads((out / "kpis.json").read_text())
        print(child.stdout.strip())
        print(f"out-of-core `ridgeway fit --engine stream`: {seconds:.0f} s, peak RSS "
              f"{peak:.0f} MB, {kpis['n_train']} train / {kpis['n_test']} test rows, test r2 "
              f"{kpis['test']['r2']:.6f}, l2 {kpis['l2']:.4g}; load "
              f"{os.getloadavg()[0]:.2f}")  # fmt: skip
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def compare_daskml(directory: Path, rows: int, p: int, files: int, l2: float,
                   solvers: str) -> None:  # fmt: skip
    marker = directory / f"done-{rows}-{p}-{files}"
    if not marker.exists():
        for old in directory.glob("part*.parquet"):
            old.unlink()
        generate(directory, rows, p, files, seed=2, binary=True)
        marker.touch()
    print(f"dask-ml comparison: {rows} × {p} binary in {files} files; load {os.getloadavg()}")
    child = subprocess.run([sys.executable, __file__, "--mode", f"daskml:{l2}:{solvers}", "--dir",
                            str(directory)], stdout=subprocess.PIPE, text=True)  # fmt: skip
    if child.returncode != 0:  # (the child's progress went to stderr as it ran)
        print(child.stdout)
        raise SystemExit(child.returncode)
    found = json.loads(child.stdout.strip().splitlines()[-1])
    print(
        f"l2 = {found['l2']:g} (dask-ml C = {found['C']:g}); {found['blocks']} blocks; "
        f"peak RSS {found['peak_rss_mb']:.0f} MB"
    )
    print("| fit | seconds | passes | objective | rel. gradient norm | max rel. coef diff |")
    for name, run in found["runs"].items():
        print(
            f"| {name} | {run['seconds']:.1f} | {run['passes']} | {run['objective']:.10g} | "
            f"{run['certificate']:.1e} | {run['max_coef_diff']:.1e} vs {run['compared_with']} |"
        )
    print(f"load after: {os.getloadavg()}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--features", type=int, default=100)
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/ridgeway-bench-scale"))
    parser.add_argument(
        "--logistic",
        type=int,
        default=0,
        help="also LogisticRegressionCV (20 λ × 5 folds) on this many rows",
    )
    parser.add_argument(
        "--multinomial",
        type=int,
        default=0,
        help="also the multinomial LogisticRegressionCV (3 classes, 20 λ × 5 folds) on this "
        "many rows, streamed and in memory",
    )
    parser.add_argument(
        "--out-of-core",
        action="store_true",
        help="generate --rows × --features (files of 100 000 rows), run `ridgeway fit GLOB "
        "--engine stream` once in a child (time, peak RSS), then delete the data",
    )
    parser.add_argument(
        "--skip-ridge",
        action="store_true",
        help="only the classifier cases (--logistic, --multinomial)",
    )
    parser.add_argument(
        "--daskml",
        type=int,
        default=0,
        help="ridgeway LogisticRegression at one λ against dask-ml's (C = 1/λ) on this many "
        "rows of binary data (needs the bench extra: dask-ml)",
    )
    parser.add_argument("--l2", type=float, default=1000.0, help="λ of the --daskml comparison")
    parser.add_argument(
        "--daskml-solvers",
        default="lbfgs,lbfgs-tight,admm",
        help="dask-ml solvers to time (lbfgs-tight: tol 1e-10, max_iter 1000)",
    )
    parser.add_argument("--mode", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.out_of_core:
        out_of_core(args.dir / "ooc", args.rows, args.features)
        return
    pattern = str(args.dir / "part*.parquet")
    if args.mode is not None:  # a child: one measurement, as JSON on stdout
        print(json.dumps(run_mode(args.mode, pattern)))
        return
    if args.daskml:
        compare_daskml(args.dir / "daskml", args.daskml, args.features, args.files, args.l2,
                       args.daskml_solvers)  # fmt: skip
        return
    if not args.skip_ridge:
        ridge(args, pattern)
    if args.logistic:
        logistic_dir = args.dir / "logistic"
        marker = logistic_dir / f"done-{args.logistic}"
        if not marker.exists():
            generate(logistic_dir, args.logistic, args.features, 4, seed=1, binary=True)
            marker.touch()
        child = subprocess.run([sys.executable, __file__, "--mode", "logistic", "--dir",
                                str(logistic_dir)], capture_output=True, text=True,
                               check=True)  # fmt: skip
        found = json.loads(child.stdout.strip().splitlines()[-1])
        per_pass = found["seconds"] / found["passes"]
        print(
            f"LogisticRegressionCV 20 λ × 5 folds on {args.logistic} × {args.features}: "
            f"{found['seconds']:.1f} s, {found['passes']} passes ({per_pass:.2f} s each; "
            f"Newton passes per λ {found['newton_passes_per_l2']}), max certificate "
            f"{found['max_certificate']:.1e}, peak RSS {found['peak_rss_mb']:.0f} MB"
        )
    if args.multinomial:
        run_multinomial(args.dir / "multinomial", args.multinomial, args.features, args.repeat)
    print(f"load after: {os.getloadavg()}")


def ridge(args: argparse.Namespace, pattern: str) -> None:
    """RidgeCV streamed and on Dask against the reference, and the cost model."""
    marker = args.dir / f"done-{args.rows}-{args.features}-{args.files}"
    if not marker.exists():
        start = time.perf_counter()
        for old in args.dir.glob("part*.parquet"):
            old.unlink()
        generate(args.dir, args.rows, args.features, args.files)
        marker.touch()
        print(f"generated in {time.perf_counter() - start:.1f} s")
    size = sum(f.stat().st_size for f in args.dir.glob("part*.parquet"))
    print(
        f"data: {args.rows} × {args.features} in {args.files} files, {size / 1e9:.2f} GB; "
        f"load {os.getloadavg()[0]:.2f}"
    )
    results: dict[str, list[dict]] = {}
    for _ in range(args.repeat):
        for mode in ("reference", "stream", "dask"):
            child = subprocess.run([sys.executable, __file__, "--mode", mode, "--dir",
                                    str(args.dir)], capture_output=True, text=True,
                                   check=True)  # fmt: skip
            results.setdefault(mode, []).append(json.loads(child.stdout.strip().splitlines()[-1]))
    ref = float(np.median([r["seconds"] for r in results["reference"]]))
    for mode, runs in results.items():
        seconds = float(np.median([r["seconds"] for r in runs]))
        extra = ""
        if mode == "dask":
            extra = f", start-up {np.median([r['startup_seconds'] for r in runs]):.2f} s"
        if "passes" in runs[0]:
            extra += f", {runs[0]['passes']} pass(es)"
        rss = max(r["peak_rss_mb"] for r in runs)
        print(
            f"{mode:9s} {seconds:7.2f} s  ×{seconds / ref:4.2f} of reference  peak RSS "
            f"{rss:6.0f} MB  best l2 {runs[0]['best_l2']:.4g}{extra}"
        )
    # cost model: time ≈ passes × bytes / bandwidth + driver; bandwidth from the reference
    driver = driver_seconds(args.features)
    bandwidth = size / max(ref - driver, 1e-9)
    stream = float(np.median([r["seconds"] for r in results["stream"]]))
    print(
        f"cost model: reference bandwidth {bandwidth / 1e6:.0f} MB/s per core, driver "
        f"{driver:.3f} s (6 eigh of {args.features}²); predicted stream "
        f"{1 * size / bandwidth + driver:.2f} s, measured {stream:.2f} s"
    )
    billion = 1e9 * (args.features + 1) * 8 * (size / (args.rows * (args.features + 1) * 8))
    print(
        f"1e9 rows × {args.features} on 100 workers (same per-core bandwidth, one pass): "
        f"{billion / (100 * bandwidth):.1f} s + driver {driver:.3f} s + scheduling"
    )


def run_multinomial(directory: Path, rows: int, p: int, repeat: int = 1) -> None:
    marker = directory / f"done-{rows}-{p}"
    if not marker.exists():
        for old in directory.glob("part*.parquet"):
            old.unlink()
        generate(directory, rows, p, 4, seed=2, classes=3)
        marker.touch()
    print(f"multinomial: load {os.getloadavg()[0]:.2f}")
    runs = []
    for _ in range(max(1, repeat)):
        child = subprocess.run([sys.executable, __file__, "--mode", "multinomial", "--dir",
                                str(directory)], capture_output=True, text=True,
                               check=True)  # fmt: skip
        runs.append(json.loads(child.stdout.strip().splitlines()[-1]))
    found = dict(runs[0])
    for key in ("seconds", "memory_seconds"):  # medians of the repeats
        found[key] = float(np.median([r[key] for r in runs]))
    print(
        f"multinomial LogisticRegressionCV ({found['classes']} classes) 20 λ × 5 folds on "
        f"{rows} × {p}: streamed {found['seconds']:.1f} s, {found['passes']} passes "
        f"({found['seconds'] / found['passes']:.2f} s each; Newton passes per λ "
        f"{found['newton_passes_per_l2']}; {found['hessians']} model Hessians), max "
        f"certificate {found['max_certificate']:.1e}, peak RSS {found['peak_rss_mb']:.0f} MB; "
        f"in memory {found['memory_seconds']:.1f} s; coefficients differ by "
        f"{found['coef_difference']:.1e} (relative), mean scores by "
        f"{found['score_difference']:.1e}; median of {len(runs)}, load {os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    main()
