"""Data for the ridgeway.scale tests (tests/scale): frames, Parquet files, comparisons."""

from itertools import pairwise

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq


def make_frame(rng, n=1200, p=5, categorical=True, weight=False, shift=4.0):
    """A regression frame: numeric features with large means, a categorical, an id column."""
    X = rng.normal(size=(n, p)) * 2.0 + shift
    frame = pd.DataFrame(X, columns=[f"x{j}" for j in range(p)])
    coef = rng.normal(size=p)
    y = X @ coef + rng.normal(size=n)
    if categorical:
        colour = rng.choice(["red", "green", "blue"], size=n)
        frame["colour"] = colour
        y = y + pd.Series(colour).map({"red": 1.0, "green": -2.0, "blue": 0.5}).to_numpy()
    frame["id"] = rng.permutation(n) * 7 + 3
    if weight:
        frame["w"] = rng.uniform(0.2, 3.0, size=n)
    frame["y"] = y
    return frame


def write_parquet(frame, directory, n_files, row_group_size=None, name="part"):
    """``frame`` cut into ``n_files`` consecutive files (zero-row files allowed)."""
    directory.mkdir(parents=True, exist_ok=True)
    bounds = np.linspace(0, len(frame), n_files + 1).astype(int)
    for i, (a, b) in enumerate(pairwise(bounds)):
        table = pa.Table.from_pandas(frame.iloc[a:b], preserve_index=False)
        pq.write_table(table, directory / f"{name}{i:03d}.parquet",
                       row_group_size=row_group_size)  # fmt: skip
    return str(directory / f"{name}*.parquet")


def in_memory(frame, features=None, drop=("y", "id", "w")):
    """The in-memory design the scale layout builds: one-hot columns in sorted order."""
    columns = [c for c in frame.columns if c not in drop] if features is None else features
    parts = []
    for c in columns:
        if frame[c].dtype == object or str(frame[c].dtype).startswith("str"):
            for value in sorted(frame[c].unique()):
                parts.append((frame[c] == value).astype(float).rename(f"{c}={value}"))
        else:
            parts.append(frame[c].astype(float))
    return pd.concat(parts, axis=1)


def relative(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    scale = np.maximum(np.abs(a), np.abs(b))
    finite = np.isfinite(a) & np.isfinite(b) & (scale > 0)
    assert np.array_equal(np.isfinite(a), np.isfinite(b))
    return float(np.max(np.abs(a - b)[finite] / scale[finite], initial=0.0))


def assert_same_cv(a, b, rtol=1e-10):
    """Every numeric entry of two cv_results_ agrees to ``rtol`` (relative)."""
    assert a.keys() == b.keys()
    for key in a:
        if key == "gap":  # train − validation: a difference, compare against its parts
            scale = np.max(np.abs(a["train_score"]))
            assert np.max(np.abs(np.asarray(a[key]) - b[key])) <= rtol * scale, key
            continue
        assert relative(a[key], b[key]) <= rtol, key
