"""Fixtures of the monitoring tests: fitted models, SQLite files, a real PostgreSQL server."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import numpy as np
import pytest

import ridgeway as rw

pytest.importorskip("sqlalchemy", reason="the monitor extra is not installed")


def make_regression(rng, n=200, shift=0.0, noise=1.0):
    X = rng.normal(size=(n, 4)) + shift
    y = X @ np.array([1.5, -2.0, 0.5, 0.0]) + 3.0 + noise * rng.normal(size=n)
    return X, y


@pytest.fixture
def regression(rng):
    X, y = make_regression(rng)
    return rw.RidgeCV(cv="loo").fit(X, y), X, y


@pytest.fixture
def classification(rng):
    X = rng.normal(size=(300, 3))
    y = np.where(X @ np.array([2.0, -1.0, 0.5]) + 0.3 * rng.normal(size=300) > 0, "bad", "good")
    return rw.LogisticRegressionCV(cv=3, n_grid=8).fit(X, y), X, y


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'monitor.db'}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _pg_binary(name: str) -> str | None:
    found = shutil.which(name) or sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found if isinstance(found, str) else (found[-1] if found else None)


def _as_postgres(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    # initdb refuses to run as root: run the server as the postgres user
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run(prefix + command, check=True, capture_output=True, text=True, **kwargs)


@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL server in a temporary directory on 127.0.0.1; its base URL."""
    initdb, pg_ctl = _pg_binary("initdb"), _pg_binary("pg_ctl")
    if initdb is None or pg_ctl is None:
        pytest.skip("PostgreSQL binaries (initdb, pg_ctl) are absent: apt-get install postgresql")
    pytest.importorskip("psycopg", reason="psycopg is not installed (the monitor extra)")
    base = Path(tempfile.mkdtemp(prefix="ridgeway-pg-"))
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    data = base / "data"
    _as_postgres([initdb, "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8"])
    port = free_port()
    options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=on"
    _as_postgres([pg_ctl, "-D", str(data), "-o", options, "-l", str(base / "log"), "-w", "start"])
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    finally:
        _as_postgres([pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"])
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server):
    """A fresh database on the session's PostgreSQL server."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    dsn = postgres_server.replace("postgresql+psycopg", "postgresql") + "/postgres"
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')  # a generated identifier, not input
    return f"{postgres_server}/{name}"


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'monitor.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def make_batch(rng):
    """make_batch(n=..., shift=..., noise=...) -> (X, y) from the regression fixture's law."""
    return lambda **kwargs: make_regression(rng, **kwargs)


@pytest.fixture
def watched(sqlite_url, regression, make_batch):
    """A store with one model, a gap rule and 30 daily batches, the middle ones bad: one
    resolved alert and one open alert at the end."""
    from ridgeway.monitor import Monitor

    model, X, y = regression
    mon = Monitor(sqlite_url)
    mon.register("house", model, X, y)
    mon.add_rule("house", "gap", above=2.0, patience=2, severity="critical")
    for day in range(30):
        noise = 3.0 if 10 <= day < 16 or day >= 27 else 1.0
        Xb, yb = make_batch(n=200, noise=noise, shift=0.8 if day > 15 else 0.0)
        mon.log("house", Xb, yb, at=1.7e9 + day * 86400)
    yield sqlite_url, mon
    mon.close()


@pytest.fixture
def dashboard(watched):
    from ridgeway.monitor.dashboard.server import start_in_thread

    running = start_in_thread(watched[0])
    yield running
    running.stop()
