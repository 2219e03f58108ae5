"""Training watched by rw.monitor in a real SQLite store: every epoch a batch, the gap rule
opening an alert on an overfitting run and resolving it when a decayed run follows."""

from __future__ import annotations

import numpy as np
import pytest
import torch

pytest.importorskip("sqlalchemy", reason="rw.monitor needs the monitor extra")

from ridgeway.monitor import Monitor
from ridgeway.nn import MLPRegressor, SinkCallback, WeightDecaySearch
from ridgeway.nn.monitoring import MonitorSink

THRESHOLD, PATIENCE = 0.5, 3


def build():
    return torch.nn.Sequential(torch.nn.Linear(8, 64), torch.nn.ReLU(), torch.nn.Linear(64, 1))


def expected_alerts(gaps, threshold, patience):
    """The rule written out: [(index opened, index resolved or None)], 0-based."""
    alerts, streak, open_at = [], 0, None
    for i, gap in enumerate(gaps):
        if gap > threshold:
            streak += 1
            if open_at is None and streak >= patience:
                open_at = i
        else:
            streak = 0
            if open_at is not None:
                alerts.append((open_at, i))
                open_at = None
    return alerts + ([(open_at, None)] if open_at is not None else [])


@pytest.fixture
def monitor(tmp_path):
    with Monitor(f"sqlite:///{tmp_path / 'monitor.db'}") as mon:
        yield mon


def test_gap_rule_watches_a_search_epoch_by_epoch(rng, monitor):
    X = rng.standard_normal((60, 8))
    y = X[:, 0] + rng.standard_normal(60)
    sink = MonitorSink(monitor, "mlp-training", l2=0.0)
    rule_id = sink.watch_gap(above=THRESHOLD, patience=PATIENCE)
    assert sink.watch_gap(above=THRESHOLD, patience=PATIENCE) == rule_id  # not duplicated
    search = WeightDecaySearch(
        build, "adam", l2=[0.0, 1e4], epochs=25, batch_size=None, lr=1e-2,
        early_stopping=False, validation_fraction=0.3, callbacks=[SinkCallback(sink)],
    ).fit(X, y)  # fmt: skip
    overfit, decayed = (h.column("gap") for h in search.histories_)
    stored = monitor.metrics("mlp-training", "gap").sort_values("batch_id")
    np.testing.assert_allclose(stored["value"], np.r_[overfit, decayed], rtol=1e-12)
    epochs = monitor.metrics("mlp-training", "epoch").sort_values("batch_id")["value"]
    assert list(epochs) == [*range(1, 26), *range(1, 26)]
    runs = monitor.metrics("mlp-training", "run").sort_values("batch_id")["value"]
    assert list(runs) == [0.0] * 25 + [1.0] * 25

    gaps = np.r_[overfit, decayed]
    expected = expected_alerts(gaps, THRESHOLD, PATIENCE)
    assert expected and expected[0][0] < 25, "the λ = 0 run must overfit for the test to mean it"
    alerts = monitor.alerts("mlp-training").sort_values("opened_at")
    assert len(alerts) == len(expected)
    for (opened, resolved), (_, alert) in zip(expected, alerts.iterrows()):
        assert alert["status"] == ("open" if resolved is None else "resolved")
        evidence = [point["value"] for point in alert["evidence"]]
        np.testing.assert_allclose(evidence, gaps[opened - PATIENCE + 1 : opened + 1], rtol=1e-12)


def test_estimator_callbacks_reach_the_store_and_runs_are_versions(rng, monitor):
    X = rng.standard_normal((50, 8))
    y = X[:, 1] + 0.1 * rng.standard_normal(50)
    first = MonitorSink(monitor, "mlp-fit")
    model = MLPRegressor(hidden=(4,), l2=1.0, epochs=4, early_stopping=True, patience=100,
                         random_state=0).fit(X, y, callbacks=[SinkCallback(first)])  # fmt: skip
    second = MonitorSink(monitor, "mlp-fit")
    assert (first.version, second.version) == (1, 2)
    stored = monitor.metrics("mlp-fit", "val_loss").sort_values("batch_id")
    np.testing.assert_allclose(stored["value"], model.history_.column("val_loss"), rtol=1e-12)
    assert set(stored["version"]) == {1}
    versions = monitor.versions("mlp-fit")
    assert len(versions) == 2


def test_a_training_run_scores_no_batches(rng, monitor):
    MonitorSink(monitor, "run-only", task="classification")
    with pytest.raises(ValueError, match="records a training run"):
        monitor.log("run-only", rng.standard_normal((3, 2)), np.zeros(3))
    with pytest.raises(ValueError, match=r"^task must be"):
        MonitorSink(monitor, "bad", task="ranking")
