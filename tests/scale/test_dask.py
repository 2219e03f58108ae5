"""Dask on a real LocalCluster (2 worker processes × 1 thread): the same fits as in memory on
the same hash folds, whatever the partitioning, and through a worker lost mid-pass."""

import os
import signal
import sys
import threading
import time

import numpy as np
import pytest

import ridgeway as rw
from ridgeway.scale import HashFolds, Parquet
from scale_data import assert_same_cv, in_memory, make_frame, relative, write_parquet

dd = pytest.importorskip("dask.dataframe")
da = pytest.importorskip("dask.array")
cloudpickle = pytest.importorskip("cloudpickle")
cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the workers cannot import tests


@pytest.fixture
def frame(rng):
    return make_frame(rng, n=1500, weight=True)


@pytest.mark.slow  # 30 partitions × 2 passes of Dask tasks: ~15–30 s on 2 shared cores
def test_dask_dataframe_equals_in_memory_and_ignores_partitioning(cluster, frame):
    folds = HashFolds(5, key="id", seed=1)
    memory = rw.RidgeCV(cv=folds, n_grid=12).fit(
        in_memory(frame), frame["y"], sample_weight=frame["w"], groups=frame["id"]
    )
    curves = []
    for n_partitions in (3, 30):
        ddf = dd.from_pandas(frame.sample(frac=1.0, random_state=n_partitions),
                             npartitions=n_partitions)  # fmt: skip
        source = rw.scale.DaskFrame(ddf, "y", weight="w", key="id")
        fitted = rw.RidgeCV(cv=folds, n_grid=12).fit(source)
        assert relative(memory.coef_, fitted.coef_) <= 1e-10
        curves.append(fitted.cv_results_)
    assert_same_cv(memory.cv_results_, curves[0])
    assert_same_cv(curves[0], curves[1])


def test_dask_array_with_position_folds(cluster, rng):
    X = rng.normal(size=(900, 6)) + 3.0
    y = X @ rng.normal(size=6) + rng.normal(size=900)
    Xd, yd = da.from_array(X, chunks=(100, 6)), da.from_array(y, chunks=250)
    fitted = rw.RidgeCV(cv=4, n_grid=10).fit(Xd, yd)
    memory = rw.RidgeCV(cv=HashFolds(4), n_grid=10).fit(X, y)
    assert_same_cv(memory.cv_results_, fitted.cv_results_)
    lazy = fitted.predict(Xd)
    assert hasattr(lazy, "dask")  # nothing computed yet
    np.testing.assert_allclose(lazy.compute(), memory.predict(X), rtol=1e-10)


def test_dataframe_x_and_series_y_and_lazy_prediction(cluster, frame):
    numeric = frame.drop(columns=["colour"])
    ddf = dd.from_pandas(numeric, npartitions=4)
    X = ddf[[c for c in numeric.columns if c.startswith("x")]]
    fitted = rw.Ridge(l2=4.0).fit(X, ddf["y"], sample_weight=ddf["w"])
    memory = rw.Ridge(l2=4.0).fit(X.compute(), numeric["y"], sample_weight=numeric["w"])
    assert relative(memory.coef_, fitted.coef_) <= 1e-10
    lazy = fitted.predict(X)
    assert hasattr(lazy, "dask")
    np.testing.assert_allclose(lazy.compute().to_numpy(), memory.predict(X.compute()),
                               rtol=1e-10)  # fmt: skip


def test_parquet_row_groups_as_tasks(cluster, frame, tmp_path):
    pattern = write_parquet(frame, tmp_path, 4, row_group_size=200)
    stream = rw.RidgeCV(cv="loo", n_grid=8).fit(Parquet(pattern, target="y", weight="w", key="id"))
    tasks = rw.RidgeCV(cv="loo", n_grid=8).fit(
        Parquet(pattern, target="y", weight="w", key="id", engine="dask")
    )
    assert_same_cv(stream.cv_results_, tasks.cv_results_)


def test_nan_in_one_partition_is_reported_from_the_worker(cluster, frame):
    frame = frame.copy()
    frame.loc[1400, "x3"] = np.nan
    ddf = dd.from_pandas(frame, npartitions=5)
    with pytest.raises(ValueError, match=r"column 'x3' has 1 NaN .* partition 4"):
        rw.Ridge().fit(rw.scale.DaskFrame(ddf, "y", weight="w", key="id"))


def _slow(part):
    time.sleep(0.15)
    return part


@pytest.mark.slow
def test_worker_killed_mid_pass_gives_the_same_result(cluster, frame):
    """One worker process dies while the pass runs; the scheduler recomputes its partitions
    on the survivor (and the restarted worker) and the fit is unchanged."""
    ddf = dd.from_pandas(frame, npartitions=24).map_partitions(_slow)
    source = rw.scale.DaskFrame(ddf, "y", weight="w", key="id")
    expected = rw.RidgeCV(cv=HashFolds(3), n_grid=6).fit(source)
    found = {}

    def run():
        found["model"] = rw.RidgeCV(cv=HashFolds(3), n_grid=6).fit(source)

    worker = threading.Thread(target=run)
    worker.start()
    time.sleep(1.5)  # the first pass (lengths, categories) is done, the moments pass runs
    victim = sorted(cluster.scheduler_info()["workers"])[0]
    pid = cluster.run(os.getpid, workers=[victim])[victim]
    os.kill(pid, signal.SIGKILL)  # the nanny restarts it; its tasks are recomputed
    worker.join(timeout=120)
    assert not worker.is_alive()
    assert_same_cv(expected.cv_results_, found["model"].cv_results_)
    cluster.wait_for_workers(2, timeout=60)


def test_newton_on_the_cluster_with_one_class_partitions(cluster, frame):
    """Sorted by label, the first and last partitions hold one class each; the Newton sums
    do not care, and the fit equals the in-memory one."""
    frame = frame.assign(y=(frame["y"] > frame["y"].median()).astype(int))
    frame = frame.sort_values("y", kind="stable").reset_index(drop=True)
    ddf = dd.from_pandas(frame.drop(columns=["colour"]), npartitions=4)
    parts = ddf["y"].map_partitions(lambda s: s.nunique()).compute()
    assert parts.iloc[0] == 1 and parts.iloc[-1] == 1
    source = rw.scale.DaskFrame(ddf, "y", weight="w", key="id")
    fitted = rw.LogisticRegression(l2=2.0, tol=1e-10).fit(source)
    memory = rw.LogisticRegression(l2=2.0, tol=1e-10).fit(
        in_memory(frame.drop(columns=["colour"])), frame["y"], sample_weight=frame["w"]
    )
    assert fitted.solution_.certificate <= 1e-10
    assert relative(memory.coef_, fitted.coef_) <= 1e-8


def _three_classes(frame):
    cuts = np.quantile(frame["y"], [1 / 3, 2 / 3])
    return frame.assign(y=np.digitize(frame["y"], cuts))


def test_multinomial_cv_on_the_cluster_equals_in_memory(cluster, frame):
    """Three classes, sorted so that partitions hold one class each, balanced class weights:
    the distributed multinomial Newton on the workers equals the in-memory CV."""
    frame = _three_classes(frame).sort_values("y", kind="stable").reset_index(drop=True)
    ddf = dd.from_pandas(frame, npartitions=6)
    parts = ddf["y"].map_partitions(lambda s: s.nunique()).compute()
    assert parts.iloc[0] == 1 and parts.iloc[-1] == 1
    params = {"cv": HashFolds(3), "n_grid": 4, "tol": 1e-10, "cv_tol": 1e-10,
              "class_weight": "balanced"}  # fmt: skip
    fitted = rw.LogisticRegressionCV(**params).fit(rw.scale.DaskFrame(ddf, "y", weight="w",
                                                                      key="id"))  # fmt: skip
    memory = rw.LogisticRegressionCV(**params).fit(in_memory(frame), frame["y"],
                                                   sample_weight=frame["w"])  # fmt: skip
    assert np.all(fitted.certificates_ <= 1e-10)
    assert_same_cv(memory.cv_results_, fitted.cv_results_, rtol=1e-8)
    scale = np.max(np.abs(memory.coef_))
    assert np.max(np.abs(memory.coef_ - fitted.coef_)) <= 1e-8 * scale


@pytest.mark.slow  # 3 and 30 partitions of Dask tasks, one pass per Newton step
def test_multinomial_on_the_cluster_ignores_partitioning(cluster, frame):
    frame = _three_classes(frame)
    folds = HashFolds(3, key="id", seed=3)
    found = []
    for n_partitions in (3, 30):
        shuffled = frame.sample(frac=1.0, random_state=n_partitions)
        ddf = dd.from_pandas(shuffled, npartitions=n_partitions)
        source = rw.scale.DaskFrame(ddf, "y", weight="w", key="id")
        found.append(rw.LogisticRegressionCV(cv=folds, n_grid=4, tol=1e-10, cv_tol=1e-10)
                     .fit(source))  # fmt: skip
    assert_same_cv(found[0].cv_results_, found[1].cv_results_, rtol=1e-8)
    scale = np.max(np.abs(found[0].coef_))
    assert np.max(np.abs(found[0].coef_ - found[1].coef_)) <= 1e-8 * scale


def test_multinomial_on_dask_arrays_and_lazy_labels(cluster, rng):
    X = rng.normal(size=(600, 4)) + 2.0
    y = np.argmax(X @ rng.normal(size=(4, 3)) + rng.normal(size=(600, 3)), axis=1)
    Xd, yd = da.from_array(X, chunks=(150, 4)), da.from_array(y, chunks=150)
    fitted = rw.LogisticRegression(l2=1.0, tol=1e-10).fit(Xd, yd)
    memory = rw.LogisticRegression(l2=1.0, tol=1e-10).fit(X, y)
    assert np.max(np.abs(memory.coef_ - fitted.coef_)) <= 1e-8 * np.max(np.abs(memory.coef_))
    lazy = fitted.predict(Xd)
    assert hasattr(lazy, "dask")
    np.testing.assert_array_equal(lazy.compute(), memory.predict(X))


def test_one_vs_rest_svm_on_the_cluster_equals_in_memory(cluster, frame):
    """LinearSVCCV beyond two classes: one head per class in the same passes on the workers,
    scored by F1 from confusion sums in one more pass."""
    frame = _three_classes(frame)
    ddf = dd.from_pandas(frame, npartitions=5)
    params = {"cv": HashFolds(3, seed=1), "n_grid": 4, "tol": 1e-10, "cv_tol": 1e-10,
              "scoring": "f1"}  # fmt: skip
    fitted = rw.LinearSVCCV(**params).fit(rw.scale.DaskFrame(ddf, "y", weight="w", key="id"))
    memory = rw.LinearSVCCV(**params).fit(in_memory(frame), frame["y"], sample_weight=frame["w"])
    assert fitted.coef_.shape == (3, 8)
    assert_same_cv(memory.cv_results_, fitted.cv_results_, rtol=1e-8)
    scale = np.max(np.abs(memory.coef_))
    assert np.max(np.abs(memory.coef_ - fitted.coef_)) <= 1e-8 * scale
