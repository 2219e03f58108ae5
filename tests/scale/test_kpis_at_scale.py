"""The KPIs of a fit on files, from passes over the partitions, against ``compute_kpis`` on the
same rows in memory: every number of the KPIs (baseline, error reduction, signed coefficients
against the baseline, cond(XᵀX) and its exact dependencies, effective df); with Dask, the
prediction pass runs on the workers."""

import math
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics

import ridgeway as rw
from ridgeway.evaluation.at_scale import kpis_at_scale
from ridgeway.evaluation.baseline import data_hessian, hessian_df
from ridgeway.evaluation.kpis import compute_kpis
from ridgeway.evaluation.score_sums import ClassifierSums, RegressionSums
from ridgeway.scale import HashFolds, Parquet
from ridgeway.scale.engine import Pass
from ridgeway.scale.split import HashSplit
from scale_data import make_frame, write_parquet

cloudpickle = pytest.importorskip("cloudpickle")
cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the workers cannot import tests


def _numbers(obj, prefix=""):
    if isinstance(obj, dict):
        return {
            k: v for key, val in obj.items() for k, v in _numbers(val, f"{prefix}.{key}").items()
        }
    if isinstance(obj, list | tuple):
        return {
            k: v for i, val in enumerate(obj) for k, v in _numbers(val, f"{prefix}[{i}]").items()
        }
    if isinstance(obj, bool) or not isinstance(obj, int | float):
        return {prefix: obj}  # texts and flags must be equal too
    return {prefix: float(obj)}


def assert_same_kpis(a, b, rtol):
    na, nb = _numbers(a.to_dict()), _numbers(b.to_dict())
    assert na.keys() == nb.keys()
    for key, value in na.items():
        other = nb[key]
        if isinstance(value, float) and isinstance(other, float):
            if math.isnan(value) or math.isinf(value):
                assert (math.isnan(value) and math.isnan(other)) or value == other, key
            else:
                assert math.isclose(value, other, rel_tol=rtol, abs_tol=rtol), (key, value, other)
        elif key != ".headline":  # the headline prints numbers to 3 digits: compared apart
            assert value == other, (key, value, other)


def _in_memory(train, test):
    """The rows of both sides in memory, as the engine memory reads them."""
    names = list(train.layout.feature_names)
    a, b = train.read(), test.read()
    return pd.DataFrame(a.X, columns=names), a.y, pd.DataFrame(b.X, columns=names), b.y


def _split(pattern, **kw):
    source = Parquet(pattern, target="y", **kw)
    return HashSplit(source, 0.3, 5, "train"), HashSplit(source, 0.3, 5, "test")


@pytest.fixture
def regression(rng, tmp_path):
    frame = make_frame(rng, n=700).drop(columns=["id"])
    return frame, write_parquet(frame, tmp_path / "reg", 3, 90)


@pytest.fixture
def binary(rng, tmp_path):
    frame = make_frame(rng, n=800).drop(columns=["id"])
    noisy = frame["y"] + rng.normal(scale=3.0, size=len(frame))
    frame = frame.assign(y=(noisy > noisy.median()).astype(int))
    return frame, write_parquet(frame, tmp_path / "bin", 2, 130)


def test_regression_and_classifier_sums_merge_to_the_scores_of_all_rows(rng):
    y = rng.normal(size=500) * 3 + 10
    pred = y + rng.normal(size=500)
    whole = RegressionSums.of(y, pred)
    merged = RegressionSums.of(y[:0], pred[:0])
    for part in np.array_split(np.arange(500), 7):
        merged = merged.merge(RegressionSums.of(y[part], pred[part]))
    expected = {
        "mse": metrics.mean_squared_error(y, pred),
        "mae": metrics.mean_absolute_error(y, pred),
        "r2": metrics.r2_score(y, pred),
    }
    for name, value in expected.items():
        assert merged.scores()[name] == pytest.approx(value, rel=1e-12)
        assert whole.scores()[name] == pytest.approx(value, rel=1e-12)
    X = pd.DataFrame({"a": rng.normal(size=600), "b": rng.normal(size=600)})
    labels = np.where(X["a"] + rng.normal(size=600) > 0, "up", "down")
    model = rw.LogisticRegression(l2=1.0).fit(X.round(1), labels)  # rounded: tied scores
    parts = [ClassifierSums.of(model, X.round(1).iloc[p], labels[p])
             for p in np.array_split(np.arange(600), 5)]  # fmt: skip
    total = ClassifierSums.empty(model)  # a partition with no row on this side
    for other in parts:
        total = total.merge(other)
    proba = model.predict_proba(X.round(1))
    scores = total.scores()
    assert len(np.unique(proba[:, 1])) < 550  # ties: the sorted merge groups them exactly
    assert scores["roc_auc"] == pytest.approx(
        metrics.roc_auc_score(labels == "up", proba[:, 1]), rel=1e-14
    )
    assert scores["log_loss"] == pytest.approx(
        metrics.log_loss(labels, proba, labels=model.classes_), rel=1e-12
    )
    f1 = metrics.f1_score(labels, model.predict(X.round(1)), pos_label="up")
    assert scores["f1"] == pytest.approx(f1, rel=1e-14)


def test_ridge_cv_kpis_from_passes_equal_the_in_memory_kpis(regression):
    _, pattern = regression
    train, test = _split(pattern)
    X_tr, y_tr, X_te, y_te = _in_memory(train, test)
    memory = rw.RidgeCV(cv=HashFolds(4), n_grid=15).fit(X_tr, y_tr)
    scaled = rw.RidgeCV(cv=HashFolds(4), n_grid=15).fit(train)
    Pass.reset()
    at_scale = kpis_at_scale(scaled, train)
    assert Pass.passes == 2  # the training moments and one prediction pass: no refit
    in_memory = compute_kpis(memory, X_tr, y_tr, X_te, y_te)
    assert_same_kpis(in_memory, at_scale, 1e-9)
    assert at_scale.headline == in_memory.headline
    assert at_scale.gram_nullity == 1  # the one-hot colour levels sum to the intercept
    assert math.isfinite(at_scale.error_reduction_pct) and at_scale.effective_df > 1
    assert all(math.isfinite(f[2]) for f in at_scale.features)  # the baseline's coefficients


def test_elastic_net_and_standardized_ridge_kpis_from_moments(regression):
    """The least-squares baseline from the moments (no spectrum to read it off), and the
    Gram of XΓ⁻¹ for a standardized penalty."""
    _, pattern = regression
    train, test = _split(pattern)
    X_tr, y_tr, X_te, y_te = _in_memory(train, test)
    for make in (lambda: rw.ElasticNetCV(cv=HashFolds(3), l1_share=0.5, n_grid=8),
                 lambda: rw.RidgeCV(cv=HashFolds(3), n_grid=8, standardize=True)):  # fmt: skip
        memory = compute_kpis(make().fit(X_tr, y_tr), X_tr, y_tr, X_te, y_te)
        at_scale = kpis_at_scale(make().fit(train), train)
        assert_same_kpis(memory, at_scale, 1e-7)


def test_logistic_kpis_from_passes_agree_to_the_certificates(binary):
    _, pattern = binary
    train, test = _split(pattern)
    X_tr, y_tr, X_te, y_te = _in_memory(train, test)
    make = lambda: rw.LogisticRegressionCV(cv=HashFolds(3), n_grid=6, standardize=True)  # noqa: E731
    memory = compute_kpis(make().fit(X_tr, y_tr), X_tr, y_tr, X_te, y_te)
    at_scale = kpis_at_scale(make().fit(train), train)
    assert_same_kpis(memory, at_scale, 1e-6)  # Newton certified to 1e-8 on either side
    assert at_scale.baseline.startswith("LogisticRegression(l2=")
    assert (
        at_scale.error_metric == "log_loss" and at_scale.positive_class == "1"
    )  # the integer label as written in the files, not 1.0
    assert 1 < at_scale.effective_df < at_scale.n_features + 1


def test_hessian_df_is_the_alo_trace_and_tends_to_p_plus_one(rng):
    X = rng.normal(size=(300, 5))
    y = (X[:, 0] - X[:, 1] + rng.normal(size=300) > 0).astype(int)
    alo = rw.LogisticRegressionCV(cv="alo", n_grid=8, tol=1e-10, cv_tol=1e-10).fit(X, y)
    fit = rw.LogisticRegression(l2=alo.l2_, tol=1e-10).fit(X, y)
    df = hessian_df(fit, data_hessian(fit, X, y), None)
    assert df == pytest.approx(alo.cv_results_["df"][alo.best_index_], rel=1e-6)
    loose = rw.LogisticRegression(l2=1e-9, tol=1e-10).fit(X, y)
    assert hessian_df(loose, data_hessian(loose, X, y), None) == pytest.approx(6.0, rel=1e-6)
    assert compute_kpis(fit, X, y, X, y).effective_df == pytest.approx(df)


def test_dask_kpi_pass_runs_on_the_workers_and_gives_the_stream_kpis(cluster, binary):
    from distributed import get_task_stream

    _, pattern = binary
    train_s, _ = _split(pattern)
    train_d, _ = _split(pattern, engine="dask")
    model = rw.LogisticRegressionCV(cv=HashFolds(3), n_grid=4).fit(train_s)
    stream = kpis_at_scale(model, train_s)
    with get_task_stream(cluster) as tasks:
        dask = kpis_at_scale(model, train_d)
    assert_same_kpis(stream, dask, 1e-10)
    on_workers = [t for t in tasks.data if str(t["key"]).startswith("('_pinned") or
                  str(t["key"]).startswith("_pinned")]  # fmt: skip
    assert len(on_workers) >= len(train_d.partitions)  # at least the prediction pass's


def test_a_zero_row_file_and_a_partition_without_test_rows(regression, tmp_path):
    """Partitions that hold no row of one side (or none at all) add nothing to the sums."""
    frame, _ = regression
    pattern = write_parquet(frame.iloc[:400], tmp_path / "gaps", 4, 100)
    frame.iloc[:0].to_parquet(tmp_path / "gaps" / "part900.parquet", index=False)
    frame.iloc[400:401].to_parquet(tmp_path / "gaps" / "part901.parquet", index=False)
    train, test = _split(pattern)
    sides = [HashSplit(train.source, 0.3, 5, s).partitions[-1].n_rows for s in ("train", "test")]
    assert sorted(sides) == [0, 1]  # the one-row file has rows on one side only
    X_tr, y_tr, X_te, y_te = _in_memory(train, test)
    memory = compute_kpis(rw.RidgeCV(cv=HashFolds(3), n_grid=8).fit(X_tr, y_tr), X_tr, y_tr,
                          X_te, y_te)  # fmt: skip
    at_scale = kpis_at_scale(rw.RidgeCV(cv=HashFolds(3), n_grid=8).fit(train), train)
    assert_same_kpis(memory, at_scale, 1e-9)
