"""Benchmark: the monitoring store and dashboard.

Run: .venv/bin/python bench/bench_monitor.py [--ops 300] [--points 1000000] [--no-postgres]

1. Write throughput, 1 and 4 writer processes, SQLite and PostgreSQL (a server started in a
   temporary directory when its binaries exist): single-metric commits (``log_metrics`` with
   one value: one batch row + one metric row per transaction), batched metric rows
   (``log_metrics`` with 500 values per transaction) and full ``log`` calls (a 50-row batch
   scored by a RidgeCV model: 18 metric rows, rules evaluated). Each process waits for a
   common start time; throughput = all rows / (last end − first start).
2. Dashboard on SQLite with ``--points`` stored metric values for one model: p95 latency of
   the model page (its HTML and its data request, each and together, over 30 loads) and the
   bytes a page load sends (gzip, as a browser asks), with the server in its own process.
3. Time to first chart in headless Chromium from starting ``ridgeway dashboard``.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np
import sqlalchemy as sa

import ridgeway as rw
from ridgeway.monitor import Monitor
from ridgeway.monitor.schema import batches, metrics

HERE = Path(__file__).resolve()
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}


def fitted(rng):
    X = rng.normal(size=(500, 4))
    y = X @ np.array([1.5, -2.0, 0.5, 0.0]) + rng.normal(size=500)
    return rw.RidgeCV(cv="loo").fit(X, y), X, y


# --- 1. write throughput ---------------------------------------------------------------------
def writer(url: str, mode: str, ops: int, start_at: float) -> None:
    """One writer process: prints JSON {rows, start, end}."""
    rng = np.random.default_rng(os.getpid())
    mon = Monitor(url)
    X = rng.normal(size=(50, 4))
    y = X @ np.array([1.5, -2.0, 0.5, 0.0]) + rng.normal(size=50)
    wide = {f"m{j}": 0.0 for j in range(500)}
    mon.log_metrics("bench", {"warm": 0.0})
    while time.time() < start_at:
        time.sleep(0.001)
    start, rows = time.time(), 0
    for i in range(ops):
        if mode == "single":
            mon.log_metrics("bench", {"value": float(i)}, at=start + i)
            rows += 1
        elif mode == "batched":
            mon.log_metrics("bench", wide, at=start + i)
            rows += len(wide)
        else:
            mon.log("bench", X, y, at=start + i)
            rows += 18
    print(json.dumps({"rows": rows, "start": start, "end": time.time()}))
    mon.close()


def throughput(url: str, mode: str, ops: int, n_writers: int) -> float:
    start_at = time.time() + 8.0  # every process imported and connected by then
    procs = [
        subprocess.Popen(
            [sys.executable, str(HERE), "--writer", url, mode, str(ops), str(start_at)],
            stdout=subprocess.PIPE,
            text=True,
            env=ENV,
        )
        for _ in range(n_writers)
    ]
    results = [json.loads(p.communicate()[0].strip().splitlines()[-1]) for p in procs]
    span = max(r["end"] for r in results) - min(r["start"] for r in results)
    return sum(r["rows"] for r in results) / span


def prepare(url: str, rng) -> None:
    model, X, y = fitted(rng)
    with Monitor(url) as mon:
        mon.register("bench", model, X, y)
        mon.add_rule("bench", "gap", above=100.0, patience=3)


def pg_binary(name: str) -> str | None:
    """On PATH, or where Debian's postgresql package puts it."""
    found = shutil.which(name) or sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found if isinstance(found, str) else (found[-1] if found else None)


def start_postgres() -> tuple[str, callable] | None:
    initdb, pg_ctl = pg_binary("initdb"), pg_binary("pg_ctl")
    if initdb is None or pg_ctl is None:
        return None
    base = Path(tempfile.mkdtemp(prefix="ridgeway-bench-pg-"))
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    run = lambda *a: subprocess.run(prefix + list(a), check=True, capture_output=True)  # noqa: E731
    run(initdb, "-D", str(base / "data"), "-A", "trust", "-U", "postgres")
    port = free_port()
    options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1"
    run(pg_ctl, "-D", str(base / "data"), "-o", options, "-l", str(base / "log"), "-w", "start")

    def stop() -> None:
        run(pg_ctl, "-D", str(base / "data"), "-m", "fast", "-w", "stop")
        shutil.rmtree(base, ignore_errors=True)

    return f"postgresql+psycopg://postgres@127.0.0.1:{port}", stop


def new_pg_database(server: str, name: str) -> str:
    import psycopg

    with psycopg.connect(server.replace("+psycopg", "") + "/postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}"')
        c.execute(f'CREATE DATABASE "{name}"')
    return f"{server}/{name}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_writes(ops: int, use_postgres: bool, rng) -> list[str]:
    lines = ["| store | mode | writers | rows/s | transactions/s |", "|---|---|---:|---:|---:|"]
    stores = [("SQLite", None)]
    pg = start_postgres() if use_postgres else None
    if pg is not None:
        stores.append(("PostgreSQL", pg[0]))
    try:
        for label, server in stores:
            for mode, rows_per_op in (("single", 1), ("batched", 500), ("log", 18)):
                for n in (1, 4):
                    folder = tempfile.mkdtemp(prefix="ridgeway-bench-")
                    name = f"bench_{mode}_{n}"
                    url = (
                        f"sqlite:///{folder}/m.db"
                        if server is None
                        else new_pg_database(server, name)
                    )
                    prepare(url, rng)
                    count = ops if mode != "batched" else max(ops // 10, 10)
                    rate = throughput(url, mode, count, n)
                    lines.append(
                        f"| {label} | {mode} | {n} | {rate:,.0f} | {rate / rows_per_op:,.0f} |"
                    )
                    print(lines[-1], flush=True)
    finally:
        if pg is not None:
            pg[1]()
    return lines


# --- 2. dashboard --------------------------------------------------------------------------
def fill(url: str, points: int, rng) -> None:
    """``points`` metric values for model 'bench': 10 model-level KPIs and PSI/mean shift of
    20 features per batch (50 values), one batch an hour."""
    model, X, y = fitted(rng)
    with Monitor(url) as mon:
        mon.register("bench", model, X, y)
        mon.add_rule("bench", "gap", above=1.0, patience=3)
        model_id = mon.model_id("bench")
        kpis = [
            "gap",
            "mse",
            "rmse",
            "mae",
            "r2",
            "error_change_pct",
            "prediction_mean",
            "psi_max",
            "mean_shift_max",
            "n_rows",
        ]
        per_batch = len(kpis) + 40
        n_batches = points // per_batch
        t0 = 1.6e9
        with mon.engine.begin() as connection:
            connection.execute(
                sa.insert(batches),
                [
                    {
                        "model_id": model_id,
                        "version": 1,
                        "ts": t0 + 3600 * b,
                        "n_rows": 100,
                        "labelled": True,
                    }
                    for b in range(n_batches)
                ],
            )
        for start in range(0, n_batches, 2000):
            rows = []
            for b in range(start, min(start + 2000, n_batches)):
                ts = t0 + 3600 * b
                values = rng.normal(size=per_batch)
                rows += [
                    {
                        "model_id": model_id,
                        "version": 1,
                        "batch_id": b + 1,
                        "ts": ts,
                        "metric": m,
                        "feature": None,
                        "value": float(v),
                    }
                    for m, v in zip(kpis, values)
                ]
                rows += [
                    {
                        "model_id": model_id,
                        "version": 1,
                        "batch_id": b + 1,
                        "ts": ts,
                        "metric": metric,
                        "feature": f"x{j}",
                        "value": float(values[10 + 2 * j + k]),
                    }
                    for j in range(20)
                    for k, metric in enumerate(("psi", "mean_shift"))
                ]
            with mon.engine.begin() as connection:
                connection.execute(sa.insert(metrics), rows)
        mon.log("bench", X[:100], y[:100], at=t0 + 3600 * n_batches)  # a real last batch


def append_batch(db: str, at: float) -> None:
    """New values of the page's KPIs written while the dashboard serves."""
    with Monitor(db) as mon:
        mon.log_metrics("bench", {"gap": 0.5, "mse": 1.0, "r2": 0.9}, at=at)


def get(url: str, gzip: bool = True) -> tuple[float, int]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if gzip else {})
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        body = response.read()
    return time.perf_counter() - start, len(body)


def start_dashboard(db: str, port: int) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ridgeway.monitor.cli",
            "dashboard",
            "--db",
            db,
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=ENV,
    )


def wait_ready(base: str, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            get(base + "/healthz")
            return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError("the dashboard did not start")


def bench_dashboard(points: int, rng) -> list[str]:
    folder = tempfile.mkdtemp(prefix="ridgeway-bench-dash-")
    db = f"sqlite:///{folder}/m.db"
    start = time.perf_counter()
    fill(db, points, rng)
    with sa.create_engine(db).connect() as connection:
        stored = connection.execute(sa.select(sa.func.count()).select_from(metrics)).scalar()
    print(f"filled {stored:,} metric values in {time.perf_counter() - start:.0f} s", flush=True)
    port = free_port()
    server = start_dashboard(db, port)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base)
        page, api = base + "/models/bench", base + "/api/models/bench"
        cold = get(api)[0]  # the first request aggregates the stored values (SQLite cache)
        for _ in range(3):
            get(page), get(api)  # warm the caches
        html, data, both = [], [], []
        next_at = 1.6e9 + 3600 * (points // 50 + 1)
        for i in range(30):
            if i % 3 == 0:  # live writes between loads: the cache is topped up, not rebuilt
                append_batch(db, next_at + 3600 * i)
            t_html, _ = get(page)
            t_api, _ = get(api)
            html.append(t_html), data.append(t_api), both.append(t_html + t_api)
        assets = [
            "/static/dashboard.css",
            "/static/uPlot.min.css",
            "/static/uPlot.iife.min.js",
            "/static/dashboard.js",
        ]
        gz = get(page)[1] + get(api)[1] + sum(get(base + a)[1] for a in assets)
        raw = (
            get(page, False)[1] + get(api, False)[1] + sum(get(base + a, False)[1] for a in assets)
        )
        data_gz, data_raw = get(api)[1], get(api, False)[1]
    finally:
        server.terminate()
        server.wait(30)
    p95 = lambda values: 1000 * float(np.percentile(values, 95))  # noqa: E731
    med = lambda values: 1000 * float(np.median(values))  # noqa: E731
    return [
        f"stored metric values: {stored:,} (one model; 10 KPIs + PSI and mean shift of 20 "
        "features per batch)",
        "",
        "| request | median ms | p95 ms |",
        "|---|---:|---:|",
        f"| model page HTML | {med(html):.1f} | {p95(html):.1f} |",
        "| model page data (/api/models/bench: 10 KPI series, 3 drift series, drift table, "
        f"versions, alerts) | {med(data):.1f} | {p95(data):.1f} |",
        f"| page load (both) | {med(both):.1f} | {p95(both):.1f} |",
        f"| first data request after the server starts (cold cache, once) | {1000 * cold:.0f} "
        "| — |",
        "",
        f"bytes of one page load (HTML + data + CSS + JS): {gz / 1000:.1f} kB gzip-encoded "
        f"({raw / 1000:.1f} kB uncompressed); the data request alone {data_gz / 1000:.1f} kB "
        f"({data_raw / 1000:.1f} kB uncompressed); a refresh fetches only the data",
    ]


# --- 3. time to first chart ------------------------------------------------------------------
def bench_first_chart(rng) -> list[str]:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    if chromium is None:
        return ["time to first chart: skipped (no chromium)"]
    folder = tempfile.mkdtemp(prefix="ridgeway-bench-chart-")
    db = f"sqlite:///{folder}/m.db"
    fill(db, 50_000, rng)
    times, ready = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        for _ in range(5):
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            start = time.perf_counter()
            server = start_dashboard(db, port)
            try:
                wait_ready(base)
                ready.append(time.perf_counter() - start)
                page = browser.new_page()
                page.goto(base + "/models/bench")
                page.wait_for_selector('.chart[data-metric="gap"] canvas')
                times.append(time.perf_counter() - start)
                page.close()
            finally:
                server.terminate()
                server.wait(30)
        browser.close()
    return [
        f"time to first chart from starting `ridgeway dashboard` (a fresh process; Chromium "
        f"already running): median {np.median(times):.2f} s (server accepting requests after "
        f"{np.median(ready):.2f} s), 5 runs, 50 000 stored values"
    ]


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--writer":
        writer(sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5]))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--ops", type=int, default=300, help="transactions per writer")
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--only", choices=["writes", "dashboard", "chart"], default=None)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    out = [
        f"machine: {os.cpu_count()} cores; Python {sys.version.split()[0]}; "
        f"SQLAlchemy {sa.__version__}",
        "",
    ]
    if args.only in (None, "writes"):
        out += (
            ["## Write throughput", ""] + bench_writes(args.ops, not args.no_postgres, rng) + [""]
        )
    if args.only in (None, "dashboard"):
        out += ["## Dashboard", ""] + bench_dashboard(args.points, rng) + [""]
    if args.only in (None, "chart"):
        out += ["## Time to first chart", ""] + bench_first_chart(rng)
    print("\n".join(out))


if __name__ == "__main__":
    main()
