"""Streaming (one process, row group by row group) equals the in-memory fit on the same
hash folds: coefficients, the chosen λ and every entry of cv_results_ to 1e-10 relative."""

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import ridgeway as rw
from ridgeway.scale import CSV, HashFolds, Parquet
from scale_data import assert_same_cv, in_memory, make_frame, relative, write_parquet


@pytest.fixture
def frame(rng):
    return make_frame(rng, weight=True)


@pytest.mark.parametrize("cv", [HashFolds(5, seed=2), "gcv", "loo"])
def test_ridge_cv_equals_in_memory(frame, tmp_path, cv):
    source = Parquet(write_parquet(frame, tmp_path, 4, row_group_size=111), target="y",
                     weight="w", key="id")  # fmt: skip
    X = in_memory(frame)
    a = rw.RidgeCV(cv=cv, n_grid=15).fit(X, frame["y"], sample_weight=frame["w"])
    b = rw.RidgeCV(cv=cv, n_grid=15).fit(source)
    assert relative(a.coef_, b.coef_) <= 1e-10 and a.l2_ == pytest.approx(b.l2_, rel=1e-12)
    assert relative(a.intercept_, b.intercept_) <= 1e-10
    if cv == "gcv":  # one pass of moments has no per-sample residuals: no standard error
        assert np.all(np.isnan(b.cv_results_["std_error"]))
        for key in ("std_error", "index_1se"):
            a.cv_results_[key] = b.cv_results_[key]
    assert_same_cv(a.cv_results_, b.cv_results_)
    assert list(b.feature_names_in_) == list(X.columns)


def test_key_column_folds_and_repartitioning(frame, tmp_path):
    """3 files vs 30 files: identical CV curves (folds follow the id, not the partition)."""
    folds = HashFolds(4, key="id", seed=5)
    shuffled = frame.sample(frac=1.0, random_state=0)
    few = Parquet(write_parquet(frame, tmp_path / "few", 3), target="y", key="id", weight="w")
    many = Parquet(write_parquet(shuffled, tmp_path / "many", 30), target="y", key="id",
                   weight="w")  # fmt: skip
    a = rw.RidgeCV(cv=folds, n_grid=12).fit(few)
    b = rw.RidgeCV(cv=folds, n_grid=12).fit(many)
    assert len(many.partitions) == 30
    assert_same_cv(a.cv_results_, b.cv_results_)
    memory = rw.RidgeCV(cv=folds, n_grid=12).fit(
        in_memory(frame), frame["y"], sample_weight=frame["w"], groups=frame["id"]
    )
    assert_same_cv(memory.cv_results_, a.cv_results_)


def test_position_folds_are_invariant_to_row_groups(frame, tmp_path):
    a = rw.RidgeCV(cv=3, n_grid=10).fit(
        Parquet(write_parquet(frame, tmp_path / "a", 3), target="y", key="id", weight="w")
    )
    b = rw.RidgeCV(cv=3, n_grid=10).fit(
        Parquet(write_parquet(frame, tmp_path / "b", 7, 50), target="y", key="id", weight="w")
    )
    assert_same_cv(a.cv_results_, b.cv_results_)


def test_ridge_and_prediction_stream(frame, tmp_path):
    source = Parquet(write_parquet(frame, tmp_path, 5), target="y", key="id", weight="w")
    X = in_memory(frame)
    a = rw.Ridge(l2=2.5, standardize=True).fit(X, frame["y"], sample_weight=frame["w"])
    b = rw.Ridge(l2=2.5, standardize=True).fit(source)
    assert relative(a.coef_, b.coef_) <= 1e-10
    np.testing.assert_allclose(b.predict(source), a.predict(X), rtol=1e-10)


def test_csv_source(frame, tmp_path):
    paths = []
    for i, rows in enumerate(np.array_split(np.arange(len(frame)), 3)):
        paths.append(tmp_path / f"f{i}.csv")
        frame.iloc[rows].to_csv(paths[-1], index=False)
    source = CSV(str(tmp_path / "f*.csv"), target="y", key="id", weight="w")
    a = rw.RidgeCV(cv=HashFolds(3), n_grid=8).fit(source)
    b = rw.RidgeCV(cv=HashFolds(3), n_grid=8).fit(in_memory(frame), frame["y"],
                                                sample_weight=frame["w"])  # fmt: skip
    assert_same_cv(a.cv_results_, b.cv_results_, rtol=1e-9)  # CSV rounds to 17 digits


def test_zero_row_partition_and_category_in_one_file_only(rng, tmp_path):
    frame = make_frame(rng, n=400)
    frame.loc[frame.index[-40:], "colour"] = "violet"  # only in the last file
    pattern = write_parquet(frame, tmp_path, 4)
    empty = pa.Table.from_pandas(frame.iloc[:0], preserve_index=False)
    pq.write_table(empty, tmp_path / "part000a.parquet")  # a file with no rows
    source = Parquet(pattern, target="y", key="id")
    assert 0 in [part.n_rows for part in source.partitions]
    assert "colour=violet" in source.layout.feature_names
    b = rw.RidgeCV(cv=HashFolds(3), n_grid=6).fit(source)
    a = rw.RidgeCV(cv=HashFolds(3), n_grid=6).fit(in_memory(frame), frame["y"])
    assert_same_cv(a.cv_results_, b.cv_results_)


def test_nan_names_column_and_partition(rng, tmp_path):
    frame = make_frame(rng, n=300, categorical=False)
    frame.loc[250, "x2"] = np.nan
    source = Parquet(write_parquet(frame, tmp_path, 3), target="y", key="id")
    with pytest.raises(ValueError, match=r"column 'x2' has 1 NaN .* partition 2 \(part002"):
        rw.Ridge().fit(source)


def test_key_must_be_read_by_the_source(frame, tmp_path):
    source = Parquet(write_parquet(frame, tmp_path, 2), target="y", weight="w")
    with pytest.raises(ValueError, match="key='id'"):
        rw.RidgeCV(cv=HashFolds(3, key="id")).fit(source)
    with pytest.raises(ValueError, match="names its own target"):
        rw.Ridge().fit(source, frame["y"])
    with pytest.raises(ValueError, match="at scale cv must be"):
        rw.RidgeCV(cv=[(np.arange(3), np.arange(3, 6))]).fit(source)
    with pytest.raises(FileNotFoundError, match="no files match"):
        rw.Ridge().fit(Parquet(str(tmp_path / "nothing*.parquet"), target="y"))


def test_multi_target_k_fold(rng, tmp_path):
    frame = make_frame(rng, n=500, categorical=False)
    frame["y2"] = frame["y"] * 0.5 + rng.normal(size=500)
    source = Parquet(write_parquet(frame, tmp_path, 3), target=["y", "y2"], key="id")
    X = in_memory(frame, drop=("y", "y2", "id"))
    a = rw.RidgeCV(cv=HashFolds(3), n_grid=6, per_target=True).fit(X, frame[["y", "y2"]])
    b = rw.RidgeCV(cv=HashFolds(3), n_grid=6, per_target=True).fit(source)
    assert relative(a.coef_, b.coef_) <= 1e-10
    assert_same_cv(a.cv_results_, b.cv_results_)
    assert isinstance(pd.Series(b.l2_), pd.Series) and np.shape(b.l2_) == (2,)


def test_read_gives_the_in_memory_design(frame, tmp_path):
    source = Parquet(write_parquet(frame, tmp_path, 3, 97), target="y", weight="w", key="id")
    block = source.read()
    np.testing.assert_array_equal(block.X, in_memory(frame).to_numpy())
    np.testing.assert_array_equal(block.keys, frame["id"].to_numpy())
    assert source.n_rows == len(frame) and len(source.partitions) == 3 * 5
