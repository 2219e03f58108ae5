"""The statistics passes for ridge and elastic net: per-fold Moments, and LOO leverages.

One pass gives, for every partition, the moments of each hash fold's rows (centred on the
partition's own fold means), merged over partitions with Chan's update; their merge is the
whole data's moments, and a training fold is the total minus its block. A second pass (exact
LOO) reads every row's fitted values and leverages off the spectrum of the total.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from itertools import pairwise
from typing import Any

import numpy as np

from ridgeway.scale.engine import map_reduce
from ridgeway.scale.folds import HashFolds
from ridgeway.scale.layout import Block, Layout
from ridgeway.scale.sources import Partition, Source, load
from ridgeway.selection.validation_pass import ScoreSums
from ridgeway.solvers.spectral.spectrum import Spectrum
from ridgeway.statistics import Moments, moments

__all__ = ["fold_keys", "fold_moments", "loo_pass", "total_moments"]


def empty_moments(p: int, k: int) -> Moments:
    zeros = np.zeros
    return Moments(0.0, 0, zeros(p), zeros(k), zeros((p, p)), zeros((p, k)), zeros(k))


def fold_keys(block: Block, part: Partition, folds: HashFolds) -> np.ndarray:
    """The hashed keys of a partition's rows: the key column, or global positions."""
    if folds.key is None:
        return np.arange(part.offset, part.offset + block.n_rows)
    assert block.keys is not None  # the layout reads the key column (checked before)
    return block.keys


def _fold_blocks(data: Any, layout: Layout, part: Partition, folds: HashFolds | None, k: int):
    block = load(data, layout, part)
    X, n = block.X, block.n_rows
    n_folds = 1 if folds is None else folds.n_splits
    if n == 0:
        return [empty_moments(X.shape[1], k)] * n_folds
    Y = block.y.reshape(n, -1)
    if folds is None:
        return [moments(X, Y, block.sample_weight)]
    ids = folds.assign(fold_keys(block, part, folds))
    order = np.argsort(ids, kind="stable")
    bounds = np.searchsorted(ids[order], np.arange(n_folds + 1))
    X, Y = X[order], Y[order]
    w = None if block.sample_weight is None else block.sample_weight[order]
    out = []
    for a, b in pairwise(bounds):
        if a == b:
            out.append(empty_moments(X.shape[1], k))
        else:
            out.append(moments(X[a:b], Y[a:b], None if w is None else w[a:b]))
    return out


def _merge_lists(a: list[Moments], b: list[Moments]) -> list[Moments]:
    return [x.merge(y) for x, y in zip(a, b)]


def check_key(source: Source, folds: HashFolds | None) -> None:
    if folds is not None and folds.key is not None and source.layout.key != folds.key:
        raise ValueError(
            f"HashFolds(key={folds.key!r}) needs the source to read that column as its key "
            f"(key={folds.key!r}, so that it is not a feature); the source has "
            f"key={source.layout.key!r}"
        )


def n_targets(source: Source) -> int:
    target = source.layout.target
    return 1 if target is None or isinstance(target, str) else len(target)


def fold_moments(source: Source, folds: HashFolds) -> list[Moments]:
    """The moments of each fold's rows, from one pass."""
    check_key(source, folds)
    return map_reduce(source, _fold_blocks, _merge_lists, folds, n_targets(source),
                      what="fold moments")  # fmt: skip


def total_moments(source: Source) -> Moments:
    """The moments of all rows, from one pass."""
    (total,) = map_reduce(source, _fold_blocks, _merge_lists, None, n_targets(source),
                          what="moments")  # fmt: skip
    return total


def merged(blocks: list[Moments]) -> Moments:
    return reduce(Moments.merge, blocks)


@dataclass
class _LooSums:
    sums: ScoreSums

    def __add__(self, other: _LooSums) -> _LooSums:
        a, b = self.sums, other.sums
        out = ScoreSums()
        out.weight, out.sum_sq_weight = a.weight + b.weight, a.sum_sq_weight + b.sum_sq_weight
        out.sum, out.sum_w2x, out.sum_w2x2 = (
            a.sum + b.sum,
            a.sum_w2x + b.sum_w2x,
            (a.sum_w2x2 + b.sum_w2x2),
        )
        return _LooSums(out)


def _loo_block(data: Any, layout: Layout, part: Partition, spec: Spectrum, grid: np.ndarray):
    """Σ s·(r/(1 − h))² terms of a partition's rows at every λ (exact LOO residuals)."""
    block = load(data, layout, part)
    sums = ScoreSums()
    if block.n_rows == 0:
        return _LooSums(sums)
    Y = block.y.reshape(block.n_rows, -1)
    step = int(np.clip(2**18 // max(1, grid.size * Y.shape[1]), 32, 8192))
    w = block.sample_weight
    for rows, fitted, leverage in spec.fitted_blocks(block.X, w, grid, step, leverage=True):
        s = np.ones(rows.size) if w is None else w[rows]
        resid = Y[rows][:, None, :] - fitted
        denom = 1.0 - leverage
        with np.errstate(divide="ignore", invalid="ignore"):
            held_out = resid / denom[:, :, None]
        held_out[np.broadcast_to((denom <= 1e-12)[:, :, None], resid.shape)] = np.nan
        squared = -(held_out * held_out)
        sums.add(np.concatenate([squared, squared.mean(axis=2, keepdims=True)], axis=2), s)
    return _LooSums(sums)


def loo_pass(source: Source):
    """The callback RidgeCV.fit_moments takes for exact LOO: one more pass over the data."""

    def run(spec: Spectrum, grid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        found = map_reduce(source, _loo_block, _LooSums.__add__, spec, grid, what="leverages")
        shape = (grid.size, n_targets(source) + 1)
        return found.sums.mean().reshape(shape), found.sums.std_error().reshape(shape)

    return run
