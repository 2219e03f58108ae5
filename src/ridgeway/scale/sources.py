"""Data sources for ridgeway.scale: Parquet and CSV files, Dask DataFrames and Dask arrays.

A source is a sequence of partitions (a Parquet row group, a CSV file, a Dask partition or
block). Before the statistics pass it learns, cheaply, what every partition must agree on
(:meth:`Source.prepare`): the column layout with the categories of the categorical columns,
and each partition's length, hence its rows' global positions (what ``HashFolds(key=None)``
hashes). ``tasks()`` are the partitions as work: a loader that reads itself (files), a
Dask delayed object (collections), each with its :class:`Partition` description.
"""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pv
import pyarrow.parquet as pq

from ridgeway.scale.layout import Block, Layout, categorical_columns

__all__ = ["CSV", "DaskArrays", "DaskFrame", "Parquet", "Partition", "Source", "load"]

ENGINES = ("stream", "dask")


@dataclass(frozen=True)
class Partition:
    """Where a partition is (for errors and progress), its first row's global position, size."""

    index: int
    offset: int
    n_rows: int
    where: str


def _targets(target: Any) -> list[str]:
    if target is None:
        return []
    return [target] if isinstance(target, str) else list(target)


def check_engine(engine: str) -> str:
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {list(ENGINES)}; got {engine!r}")
    return engine


class Source:
    """What every source shares: the layout, the partitions and the engine that runs them."""

    engine = "stream"
    target: Any = None
    #: what ``estimators._base.at_scale`` looks for (no import of this module there)
    ridgeway_source = True

    def prepare(self) -> tuple[Layout, list[Partition]]:
        raise NotImplementedError

    def tasks(self, layout: Layout) -> list[tuple[Any, Partition]]:
        raise NotImplementedError

    @cached_property
    def prepared(self) -> tuple[Layout, list[Partition]]:
        return self.prepare()

    @property
    def layout(self) -> Layout:
        return self.prepared[0]

    @property
    def partitions(self) -> list[Partition]:
        return self.prepared[1]

    @property
    def n_rows(self) -> int:
        return sum(part.n_rows for part in self.partitions)

    def read(self) -> Block:
        """Every partition in order, in memory (for small data and exact comparisons)."""
        layout = self.layout
        blocks = [load(data, layout, part) for data, part in _computed(self.tasks(layout))]
        return Block(
            np.concatenate([b.X for b in blocks]),
            np.concatenate([b.y for b in blocks]),
            None if layout.weight is None else np.concatenate([b.sample_weight for b in blocks]),
            None if layout.key is None else np.concatenate([b.keys for b in blocks]),
        )


def _computed(tasks: list[tuple[Any, Partition]]) -> list[tuple[Any, Partition]]:
    from ridgeway.scale.engine import is_dask

    if tasks and is_dask(tasks[0][0]):
        import dask

        values = dask.compute(*[data for data, _ in tasks])
        return list(zip(values, [part for _, part in tasks]))
    return tasks


def load(data: Any, layout: Layout, part: Partition, *, need_target: bool = True) -> Block:
    """A partition's Block from whatever its task holds: a loader, a DataFrame, arrays."""
    if isinstance(data, Block):
        return data
    if hasattr(data, "read_frame"):
        data = data.read_frame(layout)
    if isinstance(data, tuple):  # Dask arrays' blocks (X, y, w)
        return arrays_block(data, part, layout)
    return layout.encode(data, part.where, need_target=need_target)


def arrays_block(data: tuple, part: Partition, layout: Layout) -> Block:
    from ridgeway.scale.layout import check_finite

    X, y, w = data
    X = np.asarray(X, dtype=np.float64)
    for j, name in enumerate(layout.features):
        check_finite(name, X[:, j], part.where)
    y = np.asarray(y, dtype=np.float64)
    check_finite("y", y, part.where)
    if w is not None:
        w = np.asarray(w, dtype=np.float64)
        check_finite("sample_weight", w, part.where)
    return Block(np.ascontiguousarray(X), y, w, None)


def _paths(pattern: str | list[str]) -> list[str]:
    patterns = [pattern] if isinstance(pattern, (str, os.PathLike)) else list(pattern)
    paths = sorted(p for pat in patterns for p in glob.glob(os.fspath(pat)))
    if not paths:
        raise FileNotFoundError(f"no files match {pattern!r}")
    return paths


class _Files(Source):
    """Files named by a glob pattern (sorted) with a target, features, weight and key column."""

    def __init__(
        self,
        path: str | list[str],
        target: Any = None,
        *,
        features: list[str] | None = None,
        weight: str | None = None,
        key: str | None = None,
        engine: str = "stream",
    ) -> None:
        self.path = path
        self.target = target
        self.features = None if features is None else list(features)
        self.weight = weight
        self.key = key
        self.engine = check_engine(engine)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.path!r}, target={self.target!r})"

    @cached_property
    def paths(self) -> list[str]:
        return _paths(self.path)

    def _layout(self, schema_frame: pd.DataFrame, categorical: list[str], values) -> Layout:
        columns = list(schema_frame.columns)
        used = {*_targets(self.target), self.weight, self.key}
        features = self.features or [c for c in columns if c not in used]
        missing = [c for c in [*features, *(u for u in used if u is not None)] if c not in columns]
        if missing:
            raise ValueError(f"columns {missing} are not in {self.paths[0]!r} (it has {columns})")
        categories = {c: tuple(sorted(values[c])) for c in categorical if c in features}
        return Layout(tuple(features), self.target, self.weight, self.key, categories)


@dataclass(frozen=True)
class _RowGroup:
    path: str
    row_group: int

    def read_frame(self, layout: Layout) -> pd.DataFrame:
        table = pq.ParquetFile(self.path).read_row_group(
            self.row_group, columns=layout.read_columns
        )
        return table.to_pandas()


class Parquet(_Files):
    """Parquet files (a glob pattern or a list), streamed one row group at a time.

    ``target``: the target column (or a list of them); ``features``: the feature columns
    (default: every other column but ``weight`` and ``key``); ``weight``: a sample-weight
    column; ``key``: an id column (for ``HashFolds(key=...)``); ``engine``: "stream" (this
    process, the default) or "dask" (each row group read inside a task on the active Dask
    scheduler). The first pass reads only the file footers and the categorical columns.
    """

    def prepare(self) -> tuple[Layout, list[Partition]]:
        first = pq.ParquetFile(self.paths[0])
        schema = first.schema_arrow
        empty = schema.empty_table().to_pandas()
        categorical = categorical_columns(empty, list(empty.columns))
        parts: list[Partition] = []
        offset = 0
        values: dict[str, set] = {c: set() for c in categorical}
        for path in self.paths:
            handle = pq.ParquetFile(path)
            for group in range(handle.num_row_groups):
                n = handle.metadata.row_group(group).num_rows
                where = f"partition {len(parts)} ({os.path.basename(path)}, row group {group})"
                parts.append(Partition(len(parts), offset, n, where))
                offset += n
            wanted = [c for c in categorical if self.features is None or c in self.features]
            if wanted:
                table = handle.read(columns=wanted)
                for c in wanted:
                    values[c].update(v for v in pc.unique(table[c]).to_pylist() if v is not None)
        return self._layout(empty, categorical, values), parts

    def tasks(self, layout: Layout) -> list[tuple[Any, Partition]]:
        loaders = [
            _RowGroup(path, g)
            for path in self.paths
            for g in range(pq.ParquetFile(path).num_row_groups)
        ]
        return list(zip(loaders, self.partitions))


@dataclass(frozen=True)
class _CSVFile:
    path: str

    def read_frame(self, layout: Layout) -> pd.DataFrame:
        options = pv.ConvertOptions(include_columns=layout.read_columns)
        return pv.read_csv(self.path, convert_options=options).to_pandas()


class CSV(_Files):
    """CSV files (a glob pattern or a list), one file at a time; options as :class:`Parquet`.

    CSV has no footer: the first pass reads every file once (row counts and categories).
    """

    def prepare(self) -> tuple[Layout, list[Partition]]:
        parts: list[Partition] = []
        offset = 0
        values: dict[str, set] = {}
        frame0 = None
        for path in self.paths:
            table: pa.Table = pv.read_csv(path)
            frame = table.slice(0, 0).to_pandas()
            frame0 = frame if frame0 is None else frame0
            for c in categorical_columns(frame, list(frame.columns)):
                values.setdefault(c, set()).update(
                    v for v in pc.unique(table[c]).to_pylist() if v is not None
                )
            where = f"partition {len(parts)} ({os.path.basename(path)})"
            parts.append(Partition(len(parts), offset, table.num_rows, where))
            offset += table.num_rows
        assert frame0 is not None
        return self._layout(frame0, sorted(values), values), parts

    def tasks(self, layout: Layout) -> list[tuple[Any, Partition]]:
        return list(zip([_CSVFile(p) for p in self.paths], self.partitions))


class DaskFrame(Source):
    """A Dask DataFrame with its target column (or a Dask DataFrame X and a Dask Series y with
    the same partitions), computed on the active Dask scheduler."""

    engine = "dask"

    def __init__(
        self, frame: Any, target: Any = None, *, features: list[str] | None = None,
        weight: str | None = None, key: str | None = None, y: Any = None,
        sample_weight: Any = None,
    ) -> None:  # fmt: skip
        self.frame, self.y, self.sample_weight = frame, y, sample_weight
        self.target = target if y is None else "__target__"
        self.features = None if features is None else list(features)
        self.weight = weight if sample_weight is None else "__weight__"
        self.key = key
        for other, what in ((y, "y"), (sample_weight, "sample_weight")):
            if other is not None and other.npartitions != frame.npartitions:
                raise ValueError(
                    f"{what} must have X's {frame.npartitions} partitions; got {other.npartitions}"
                )

    def prepare(self) -> tuple[Layout, list[Partition]]:
        import dask

        meta = self.frame._meta
        used = {self.target, self.weight, self.key}
        features = self.features or [c for c in meta.columns if c not in used]
        categorical = categorical_columns(meta, features)
        # one task per partition: its length and its categories (no shuffle, no second pass)
        found = dask.compute(*[
            dask.delayed(_length_and_values)(part, categorical)
            for part in self.frame[categorical or list(meta.columns[:1])].to_delayed()
        ])  # fmt: skip
        values: dict[str, set] = {c: set() for c in categorical}
        for _, seen in found:
            for c in categorical:
                values[c].update(seen[c])
        categories = {c: tuple(sorted(values[c])) for c in categorical}
        layout = Layout(tuple(features), self.target, self.weight, self.key, categories)
        parts: list[Partition] = []
        offset = 0
        for i, (n, _) in enumerate(found):
            parts.append(Partition(i, offset, int(n), f"partition {i}"))
            offset += int(n)
        return layout, parts

    def tasks(self, layout: Layout) -> list[tuple[Any, Partition]]:
        import dask

        columns = [c for c in layout.read_columns if c in self.frame.columns]
        pieces = self.frame[columns].to_delayed()
        if self.y is not None:
            ys = self.y.to_delayed()
            ws = [None] * len(ys) if self.sample_weight is None else self.sample_weight.to_delayed()
            pieces = [dask.delayed(_with_columns)(x, y, w) for x, y, w in zip(pieces, ys, ws)]
        return list(zip(pieces, self.partitions))


def _length_and_values(frame: pd.DataFrame, categorical: list[str]) -> tuple[int, dict]:
    return len(frame), {c: set(frame[c].dropna().unique()) for c in categorical}


def _with_columns(X: pd.DataFrame, y: Any, w: Any) -> pd.DataFrame:
    out = X.copy()
    out["__target__"] = np.asarray(y)
    if w is not None:
        out["__weight__"] = np.asarray(w)
    return out


class DaskArrays(Source):
    """Dask arrays X (n, p), y (n,) and optional weights, blocked along rows only."""

    engine = "dask"
    target = "y"

    def __init__(self, X: Any, y: Any, sample_weight: Any = None) -> None:
        if X.ndim != 2:
            raise ValueError(f"X must be a 2-D Dask array; got {X.ndim}-D")
        self.X = X.rechunk({1: -1})
        rows = self.X.chunks[0]
        self.y = None if y is None else _as_dask(y).rechunk({0: rows})
        self.sample_weight = None if sample_weight is None else (
            _as_dask(sample_weight).rechunk({0: rows})
        )  # fmt: skip

    def prepare(self) -> tuple[Layout, list[Partition]]:
        if any(np.isnan(c) for c in self.X.chunks[0]):
            raise ValueError("X has unknown chunk sizes; call X.compute_chunk_sizes() first")
        names = tuple(f"x{j}" for j in range(self.X.shape[1]))
        weight = None if self.sample_weight is None else "sample_weight"
        parts: list[Partition] = []
        offset = 0
        for i, n in enumerate(self.X.chunks[0]):
            parts.append(Partition(i, offset, int(n), f"partition {i}"))
            offset += int(n)
        return Layout(names, "y", weight), parts

    def tasks(self, layout: Layout) -> list[tuple[Any, Partition]]:
        import dask

        xs = self.X.to_delayed().ravel()
        ys = self.y.to_delayed().ravel() if self.y is not None else [None] * len(xs)
        ws: list[Any] = [None] * len(xs)
        if self.sample_weight is not None:
            ws = list(self.sample_weight.to_delayed().ravel())
        pieces = [dask.delayed(_triple)(x, y, w) for x, y, w in zip(xs, ys, ws)]
        return list(zip(pieces, self.partitions))


def _triple(X: Any, y: Any, w: Any) -> tuple:
    return (X, np.zeros(len(X)) if y is None else y, w)


def _as_dask(values: Any) -> Any:
    import dask.array as da

    return values if hasattr(values, "dask") else da.from_array(np.asarray(values))
