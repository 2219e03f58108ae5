"""Prediction at scale: lazy on Dask collections, streamed partition by partition on files."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from ridgeway.scale.fit import as_source, predict_frame
from ridgeway.scale.sources import Partition, Source

__all__ = ["predict", "predict_partitions"]


def _predict_array(block: np.ndarray, est: Any) -> np.ndarray:
    return np.asarray(est.predict(block))


def _predict_part(frame: pd.DataFrame, est: Any) -> pd.Series:
    return pd.Series(np.asarray(predict_frame(est, frame)), index=frame.index)


def predict(est: Any, X: Any, method: str = "predict") -> Any:
    """A lazy Dask result for a Dask collection X; an array for a file source (streamed)."""
    if isinstance(X, Source):
        return np.concatenate([pred for _, pred in predict_partitions(est, X)])
    if hasattr(X, "columns") and hasattr(X, "npartitions"):
        return X.map_partitions(_predict_part, est, meta=pd.Series(dtype=np.float64))
    if hasattr(X, "chunks") and hasattr(X, "__dask_graph__"):
        X = X.rechunk({1: -1})
        # one label per row for a classifier; one column per target for a multi-target fit
        several = np.ndim(est.coef_) == 2 and not hasattr(est, "classes_")
        n_out = np.asarray(est.coef_).shape[0] if several else None
        if n_out is None:
            return X.map_blocks(_predict_array, est, drop_axis=1, dtype=np.float64)
        return X.map_blocks(_predict_array, est, chunks=(X.chunks[0], (n_out,)),
                            dtype=np.float64)  # fmt: skip
    raise TypeError(f"X must be a ridgeway.scale source or a Dask collection; got {type(X)}")


def predict_partitions(est: Any, source: Source) -> Iterator[tuple[Partition, np.ndarray]]:
    """(partition, predictions) one partition at a time, in this process (memory: one)."""
    from ridgeway.scale.sources import _computed

    source = as_source(source)
    fitted = getattr(est, "scale_layout_", None)
    layout = source.layout if fitted is None else replace(fitted, target=None, weight=None,
                                                          key=None)  # fmt: skip
    for data, part in _computed(source.tasks(layout)):
        frame = data.read_frame(layout) if hasattr(data, "read_frame") else data
        yield part, np.asarray(predict_frame(est, frame))
