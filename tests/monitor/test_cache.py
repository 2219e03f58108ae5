"""The dashboard's series cache against the stored values and the database's own buckets."""

import numpy as np
import pytest

from ridgeway.monitor.dashboard import data
from ridgeway.monitor.dashboard.cache import FINE, SeriesCache

DAY = 86400.0


def stored(mon, metric, feature=None):
    frame = mon.metrics("house", metric=metric, feature=feature)
    frame = frame[frame.feature.isna()] if feature is None else frame
    return frame.sort_values("ts")["value"].to_numpy()


def test_every_batch_in_its_own_bucket_matches_the_stored_values(watched):
    _, mon = watched
    cache, model_id = SeriesCache(), mon.model_id("house")
    with mon.engine.connect() as connection:
        s = cache.series(connection, model_id, ["gap", "mse"], points=FINE)
        drift = cache.series(connection, model_id, ["psi"], ["x0"], points=FINE)
    assert np.allclose(s["gap"]["mean"], stored(mon, "gap"))
    assert s["gap"]["min"] == s["gap"]["mean"] == s["gap"]["max"]
    assert np.allclose(drift["x0"]["mean"], stored(mon, "psi", "x0"))


def test_top_up_widening_and_backfill_stay_exact(watched, make_batch):
    _, mon = watched
    cache, model_id = SeriesCache(), mon.model_id("house")
    with mon.engine.connect() as connection:
        cache.series(connection, model_id, ["gap"])
    # newer rows (far beyond the grid: it must widen), then a back-filled older one (rebuild)
    for at in (1.7e9 + 31 * DAY, 1.7e9 + 400 * DAY, 1.7e9 - 10 * DAY):
        Xb, yb = make_batch(n=100)
        mon.log("house", Xb, yb, at=at)
        with mon.engine.connect() as connection:
            warm = cache.series(connection, model_id, ["gap", "mse"], points=40)
            cold = SeriesCache().series(connection, model_id, ["gap", "mse"], points=40)
            direct = data.series_many(connection, model_id, ["gap", "mse"], points=40)
        values = stored(mon, "gap")
        for s in (warm["gap"], cold["gap"], direct["gap"]):
            assert sum(s["count"]) == len(values)
            assert min(s["min"]) == pytest.approx(values.min())
            assert max(s["max"]) == pytest.approx(values.max())
            assert np.dot(s["mean"], s["count"]) == pytest.approx(values.sum())
            assert len(s["ts"]) <= 41
    assert mon.metrics("house", metric="gap")["ts"].min().year == 2023


def test_a_model_without_data(sqlite_url, regression):
    from ridgeway.monitor import Monitor

    model, X, y = regression
    with Monitor(sqlite_url) as mon:
        mon.register("empty", model, X, y)
        with mon.engine.connect() as connection:
            s = SeriesCache().series(connection, mon.model_id("empty"), ["gap"])
    assert s["gap"]["ts"] == []
