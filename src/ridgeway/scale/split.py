"""A train/test split that streams: a row is a test row when a hash of its global position
falls below ``test_size``, so the split needs no pass over the data, never depends on how
the data is partitioned, and is the same in memory (``held_out``) and out of core
(``HashSplit``).

``HashSplit(source, test_size, seed, side)`` is a source holding one side of the split; its
partitions are renumbered with the kept rows' positions, so ``HashFolds(k)`` on the training
side hashes a row's position among the training rows, exactly as ``HashFolds(k)`` does on the
in-memory training rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ridgeway.scale.folds import _splitmix64
from ridgeway.scale.layout import Layout
from ridgeway.scale.sources import Partition, Source

__all__ = ["HashSplit", "held_out"]

#: keeps the split's hash independent of HashFolds(seed=...) on the same positions
_SALT = np.uint64(0x5DEECE66D1234567)
SIDES = ("train", "test")


def held_out(positions: Any, test_size: float, seed: int = 0) -> np.ndarray:
    """True where the row at this global position is a test row (a share ``test_size``)."""
    if not 0.0 < test_size < 1.0:
        raise ValueError(f"test_size must be in (0, 1); got {test_size!r}")
    keys = np.asarray(positions, dtype=np.int64).astype(np.uint64)
    with np.errstate(over="ignore"):
        mixed = keys ^ _splitmix64(np.asarray([seed], dtype=np.uint64) ^ _SALT)
    uniform = (_splitmix64(mixed) >> np.uint64(11)).astype(np.float64) / 2.0**53
    return uniform < test_size


@dataclass(frozen=True)
class _SideRows:
    """A partition's loader restricted to the rows of one side of the split."""

    inner: Any
    offset: int  # the partition's first row's position in the whole data
    test_size: float
    seed: int
    test: bool

    def read_frame(self, layout: Layout) -> pd.DataFrame:
        frame = self.inner.read_frame(layout)
        positions = np.arange(self.offset, self.offset + len(frame))
        keep = held_out(positions, self.test_size, self.seed) == self.test
        return frame.loc[keep].reset_index(drop=True)


class HashSplit(Source):
    """One side ("train" or "test") of a hashed split of a file source (Parquet or CSV)."""

    def __init__(self, source: Source, test_size: float, seed: int = 0, side: str = "train"):
        if side not in SIDES:
            raise ValueError(f"side must be one of {SIDES}; got {side!r}")
        held_out(np.zeros(0), test_size, seed)  # checks test_size
        self.source = source
        self.test_size = float(test_size)
        self.seed = int(seed)
        self.side = side
        self.engine = source.engine
        self.target = source.target

    def __repr__(self) -> str:
        return f"HashSplit({self.source!r}, test_size={self.test_size}, side={self.side!r})"

    def prepare(self) -> tuple[Layout, list[Partition]]:
        layout, whole = self.source.prepared
        parts, offset = [], 0
        for part in whole:
            positions = np.arange(part.offset, part.offset + part.n_rows)
            kept = int(np.sum(held_out(positions, self.test_size, self.seed) == self._test))
            parts.append(Partition(part.index, offset, kept, f"{part.where}, {self.side} rows"))
            offset += kept
        return layout, parts

    @property
    def _test(self) -> bool:
        return self.side == "test"

    def tasks(self, layout: Layout) -> list[tuple[Any, Partition]]:
        inner = self.source.tasks(layout)
        return [
            (_SideRows(data, full.offset, self.test_size, self.seed, self._test), part)
            for (data, full), part in zip(inner, self.partitions)
        ]
