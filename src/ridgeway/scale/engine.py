"""One pass over a source: map a function over its partitions, merge the results.

"stream" runs the partitions one after another in this process (memory: one partition plus
the accumulated statistics); "dask" makes one task per partition on the active Dask scheduler
(a ``distributed.Client`` if one is set as default, else threads) and merges the results in a
tree of tasks (fan-in 8), so the driver receives one result. Either way each partition's work
runs with BLAS pinned to one thread (threadpoolctl), so parallel workers never
oversubscribe the cores; a partition lost with its worker is recomputed by the scheduler.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from threadpoolctl import threadpool_limits

from ridgeway.progress import advance
from ridgeway.scale.layout import Layout
from ridgeway.scale.sources import Partition, Source

__all__ = ["is_dask", "map_reduce"]

FAN_IN = 8


def is_dask(obj: Any) -> bool:
    """A Dask collection or delayed object (without importing Dask)."""
    return hasattr(obj, "__dask_graph__")


def _pinned(fn: Callable, data: Any, layout: Layout, part: Partition, *args: Any) -> Any:
    with threadpool_limits(limits=1, user_api="blas"):
        return fn(data, layout, part, *args)


def _combine_all(combine: Callable[[Any, Any], Any], results: list[Any]) -> Any:
    out = results[0]
    for other in results[1:]:
        out = combine(out, other)
    return out


class Pass:
    """Counts the passes over the data (the cost model's unit) and the partitions read."""

    passes = 0
    partitions = 0

    @classmethod
    def reset(cls) -> None:
        cls.passes = cls.partitions = 0


def map_reduce(
    source: Source, fn: Callable, combine: Callable[[Any, Any], Any], *args: Any, what: str = ""
) -> Any:
    """``combine`` over ``fn(data, layout, partition, *args)`` for every partition."""
    layout = source.layout
    tasks = source.tasks(layout)
    Pass.passes += 1
    Pass.partitions += len(tasks)
    label = f"{what or 'pass'} over {len(tasks)} partitions"
    if source.engine == "stream":
        out = None
        for i, (data, part) in enumerate(tasks):
            result = _pinned(fn, data, layout, part, *args)
            out = result if out is None else combine(out, result)
            advance(i + 1, len(tasks), label)
        return out
    import dask

    level = [
        dask.delayed(_pinned, pure=True)(fn, data, layout, part, *args) for data, part in tasks
    ]
    while len(level) > 1:
        level = [
            dask.delayed(_combine_all, pure=True)(combine, level[i : i + FAN_IN])
            for i in range(0, len(level), FAN_IN)
        ]
    (out,) = dask.compute(level[0])
    advance(len(tasks), len(tasks), label)
    return out
