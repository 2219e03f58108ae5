"""Concurrent writer processes and a writer killed with SIGKILL, on SQLite and PostgreSQL."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from ridgeway.monitor import Monitor
from ridgeway.monitor.schema import batches, metrics, rules

WRITER = str(Path(__file__).with_name("writer_process.py"))
ROWS_PER_BATCH = 18  # 8 task/gap/error rows + 2 × 4 drift rows + psi_max + mean_shift_max


def _writer(url, count, seed):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.Popen(
        [sys.executable, WRITER, url, "house", str(count), str(seed)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _prepare(url, regression):
    model, X, y = regression
    mon = Monitor(url)
    mon.register("house", model, X, y)
    # always breaching: one alert must open after 3 batches, and never a duplicate
    mon.add_rule("house", "mse", above=0.0, patience=3)
    return mon


def _consistent(mon):
    with mon.engine.connect() as connection:
        per_batch = connection.execute(
            sa.select(metrics.c.batch_id, sa.func.count()).group_by(metrics.c.batch_id)
        ).all()
        n_batches = connection.execute(sa.select(sa.func.count()).select_from(batches)).scalar()
        evaluated = connection.execute(sa.select(rules.c.evaluated)).scalar()
        if connection.dialect.name == "sqlite":
            assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
    assert {count for _, count in per_batch} == {ROWS_PER_BATCH}  # no partial batch
    assert len(per_batch) == n_batches
    assert evaluated == n_batches  # the rule moved once per batch: no lost update
    assert len(mon.alerts()) == 1  # de-duplicated across processes
    return {batch for batch, _ in per_batch}


def test_four_writers_lose_no_row(store_url, regression):
    mon = _prepare(store_url, regression)
    writers = [_writer(store_url, 20, seed) for seed in range(4)]
    acknowledged = set()
    for writer in writers:
        out, err = writer.communicate(timeout=300)
        assert writer.returncode == 0, err
        acknowledged |= {int(line) for line in out.split()}
    assert len(acknowledged) == 80
    assert _consistent(mon) == acknowledged
    mon.close()


def test_kill_9_of_a_writer_loses_no_acknowledged_row(store_url, regression):
    mon = _prepare(store_url, regression)
    steady = _writer(store_url, 20, 1)
    victim = _writer(store_url, -1, 2)
    acknowledged = set()
    assert victim.stdout is not None
    while len(acknowledged) < 25:
        line = victim.stdout.readline()
        assert line, victim.stderr.read() if victim.stderr else "writer died"
        acknowledged.add(int(line))
    victim.send_signal(signal.SIGKILL)  # in the middle of its next transactions
    victim.wait(timeout=60)
    assert victim.returncode == -signal.SIGKILL
    victim.stdout.close()
    victim.stderr.close()
    out, err = steady.communicate(timeout=300)
    assert steady.returncode == 0, err
    acknowledged |= {int(line) for line in out.split()}
    stored = _consistent(mon)
    assert acknowledged <= stored
    # the store still takes writes after the crash
    _model, X, y = regression
    mon.log("house", X, y, at=2e9)
    _consistent(mon)
    mon.close()
