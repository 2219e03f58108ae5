"""Downsampled series kept warm between requests: fine time buckets per series, in memory,
topped up with only the rows written since the last request.

The first request for a model aggregates its stored values into ``FINE`` buckets in the
database (one pass); every later request reads the rows whose id is above the last one seen
(a primary-key range: cheap however much is stored) and adds them in. A page then merges
fine buckets into at most ``points`` (count, sum, min and max merge exactly). A value older
than the first bucket rebuilds the model's cache; a newer one beyond the last doubles the
bucket width (pairs merge) until it fits.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np
import sqlalchemy as sa

from ridgeway.monitor.schema import batches, metrics

__all__ = ["SeriesCache"]

FINE = 4096
#: per-feature metrics cached (the drift charts); all model-level metrics are cached
FEATURE_METRICS = ("psi",)
Key = tuple[str, "str | None"]


@dataclass
class Buckets:
    """Mergeable aggregates of one series on the model's fine grid."""

    rows: np.ndarray = field(default_factory=lambda: np.zeros(FINE, np.int64))
    ts_sum: np.ndarray = field(default_factory=lambda: np.zeros(FINE))
    values: np.ndarray = field(default_factory=lambda: np.zeros(FINE, np.int64))
    value_sum: np.ndarray = field(default_factory=lambda: np.zeros(FINE))
    low: np.ndarray = field(default_factory=lambda: np.full(FINE, np.inf))
    high: np.ndarray = field(default_factory=lambda: np.full(FINE, -np.inf))
    version: np.ndarray = field(default_factory=lambda: np.zeros(FINE, np.int64))

    def add(
        self, index: np.ndarray, ts: np.ndarray, value: np.ndarray, version: np.ndarray
    ) -> None:
        present = ~np.isnan(value)
        np.add.at(self.rows, index, 1)
        np.add.at(self.ts_sum, index, ts)
        np.add.at(self.values, index[present], 1)
        np.add.at(self.value_sum, index[present], value[present])
        np.minimum.at(self.low, index[present], value[present])
        np.maximum.at(self.high, index[present], value[present])
        np.maximum.at(self.version, index, version)

    def halve(self) -> None:
        """Merge neighbouring pairs: the grid's width doubles, its second half empties."""
        for name, merge, empty in (
            ("rows", np.add, 0),
            ("ts_sum", np.add, 0.0),
            ("values", np.add, 0),
            ("value_sum", np.add, 0.0),
            ("low", np.minimum, np.inf),
            ("high", np.maximum, -np.inf),
            ("version", np.maximum, 0),
        ):
            array = getattr(self, name)
            merged = merge(array[0::2], array[1::2])
            setattr(self, name, np.concatenate([merged, np.full(FINE // 2, empty, array.dtype)]))

    def downsample(self, points: int) -> dict[str, list]:
        used = int(np.flatnonzero(self.rows)[-1]) + 1 if self.rows.any() else 0
        factor = max(1, -(-used // points))
        n = -(-used // factor) * factor

        def fold(array: np.ndarray, merge: np.ufunc) -> np.ndarray:
            return merge.reduce(array[:n].reshape(-1, factor), axis=1)

        rows, values = fold(self.rows, np.add), fold(self.values, np.add)
        keep = rows > 0
        with np.errstate(invalid="ignore", divide="ignore"):
            out = {
                "ts": (fold(self.ts_sum, np.add) / np.maximum(rows, 1))[keep],
                "mean": np.where(
                    values > 0, fold(self.value_sum, np.add) / np.maximum(values, 1), np.nan
                )[keep],
                "min": np.where(values > 0, fold(self.low, np.minimum), np.nan)[keep],
                "max": np.where(values > 0, fold(self.high, np.maximum), np.nan)[keep],
                "count": values[keep],
                "version": fold(self.version, np.maximum)[keep],
            }
        # NaN → None here; the page rounds (one pass over the values, not two)
        return {k: [None if x != x else x for x in v.tolist()] for k, v in out.items()}


@dataclass
class ModelSeries:
    start: float
    width: float
    last_id: int
    series: dict[Key, Buckets] = field(default_factory=dict)


def _wanted(model_id: int) -> list[sa.ColumnElement[bool]]:
    return [
        metrics.c.model_id == model_id,
        sa.or_(metrics.c.feature.is_(None), metrics.c.metric.in_(FEATURE_METRICS)),
    ]


class SeriesCache:
    """One per dashboard process; thread-safe (requests run on a thread pool)."""

    def __init__(self) -> None:
        self._models: dict[int, ModelSeries] = {}
        self._lock = threading.Lock()

    def series(
        self,
        connection: sa.Connection,
        model_id: int,
        names: list[str],
        features: list[str] | None = None,
        points: int = 150,
    ) -> dict[str, dict[str, list]]:
        """Like :func:`ridgeway.monitor.dashboard.data.series_many`, from the cache."""
        with self._lock:
            cached = self._refresh(connection, model_id)
            if features is None:
                keys: list[tuple[str, Key]] = [(name, (name, None)) for name in names]
            else:
                keys = [(feature, (names[0], feature)) for feature in features]
            return {
                label: cached.series.get(key, Buckets()).downsample(points)
                if cached
                else Buckets().downsample(points)
                for label, key in keys
            }

    def _refresh(self, connection: sa.Connection, model_id: int) -> ModelSeries | None:
        cached = self._models.get(model_id)
        if cached is None:
            cached = self._build(connection, model_id)
            if cached is None:
                return None
            self._models[model_id] = cached
            return cached
        # the id range alone, so that SQLite walks the primary key from the last id seen
        # (with a model filter it may pick the series index and read every stored row)
        fresh = connection.execute(
            sa.select(
                metrics.c.id,
                metrics.c.model_id,
                metrics.c.metric,
                metrics.c.feature,
                metrics.c.ts,
                metrics.c.value,
                metrics.c.version,
            )
            .where(metrics.c.id > cached.last_id)
            .order_by(metrics.c.id)
        ).all()
        if not fresh:
            return cached
        newest = int(fresh[-1].id)
        rows = [
            r
            for r in fresh
            if r.model_id == model_id and (r.feature is None or r.metric in FEATURE_METRICS)
        ]
        if not rows:
            cached.last_id = newest
            return cached
        ts = np.array([r.ts for r in rows], dtype=np.float64)
        if ts.min() < cached.start:  # back-filled history: rebuild on the grid it needs
            del self._models[model_id]
            return self._refresh(connection, model_id)
        while ts.max() >= cached.start + cached.width * FINE:
            for buckets in cached.series.values():
                buckets.halve()
            cached.width *= 2
        index = np.minimum(((ts - cached.start) / cached.width).astype(np.int64), FINE - 1)
        value = np.array([np.nan if r.value is None else r.value for r in rows], dtype=np.float64)
        version = np.array([r.version for r in rows], dtype=np.int64)
        groups: dict[Key, list[int]] = {}
        for i, r in enumerate(rows):
            groups.setdefault((r.metric, r.feature), []).append(i)
        for key, members in groups.items():
            at = np.asarray(members)
            cached.series.setdefault(key, Buckets()).add(index[at], ts[at], value[at], version[at])
        cached.last_id = newest
        return cached

    def _build(self, connection: sa.Connection, model_id: int) -> ModelSeries | None:
        span = connection.execute(
            sa.select(sa.func.min(batches.c.ts), sa.func.max(batches.c.ts)).where(
                batches.c.model_id == model_id
            )
        ).first()
        last_id = connection.execute(sa.select(sa.func.max(metrics.c.id))).scalar()
        if span is None or span[0] is None or last_id is None:
            return None
        start, stop = float(span[0]), float(span[1])
        # half the grid now, so that the series can double in span before a re-bucketing
        width = max(stop - start, 1.0) / (FINE // 2)
        cached = ModelSeries(start=start, width=width, last_id=int(last_id))
        bucket = sa.func.min(sa.cast((metrics.c.ts - start) / width, sa.Integer), FINE - 1).label(
            "bucket"
        )
        query = (
            sa.select(
                metrics.c.metric,
                metrics.c.feature,
                bucket,
                sa.func.count(),
                sa.func.sum(metrics.c.ts),
                sa.func.count(metrics.c.value),
                sa.func.sum(metrics.c.value),
                sa.func.min(metrics.c.value),
                sa.func.max(metrics.c.value),
                sa.func.max(metrics.c.version),
            )
            .where(metrics.c.id <= last_id, metrics.c.ts >= start, *_wanted(model_id))
            .group_by(metrics.c.metric, metrics.c.feature, bucket)
        )
        for row in connection.execute(query):
            buckets = cached.series.setdefault((row[0], row[1]), Buckets())
            i = int(row[2])
            buckets.rows[i], buckets.ts_sum[i] = row[3], row[4]
            buckets.values[i], buckets.value_sum[i] = row[5], row[6] or 0.0
            if row[5]:
                buckets.low[i], buckets.high[i] = row[7], row[8]
            buckets.version[i] = row[9]
        return cached
