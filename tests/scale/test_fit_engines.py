"""``ridgeway fit 'glob' --engine memory|stream|dask``: the same hashed split and folds, so
the same kpis.json numbers and the same saved model whichever engine fitted it."""

import json
import math

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from ridgeway.app.cli import app
from ridgeway.app.persist import load_model
from ridgeway.app.scale_workflow import choose_engine, report_files, restore_layout
from ridgeway.scale import Parquet
from ridgeway.scale.fit import predict_frame
from ridgeway.scale.split import HashSplit, held_out
from scale_data import make_frame, write_parquet


def _numbers(obj, prefix=""):
    """Every number of a kpis.json, by its path."""
    if isinstance(obj, dict):
        return {
            k: v for key, val in obj.items() for k, v in _numbers(val, f"{prefix}.{key}").items()
        }
    if isinstance(obj, list):
        return {
            k: v for i, val in enumerate(obj) for k, v in _numbers(val, f"{prefix}[{i}]").items()
        }
    if isinstance(obj, bool) or not isinstance(obj, int | float):
        return {}
    return {prefix: float(obj)}


def _fit(runner, pattern, out, *extra):
    done = runner.invoke(app, ["fit", pattern, "--target", "y", "--cv", "4", "-o", str(out),
                               *extra])  # fmt: skip
    assert done.exit_code == 0, done.output
    model, _, meta = load_model(out / "model.zip")
    return json.loads((out / "kpis.json").read_text()), restore_layout(model, meta)


#: what the in-memory fit's KPIs hold beyond the scores, and the files' KPIs must hold too
BASELINE_KEYS = (
    "baseline_test", "baseline_coef_norm2", "error_reduction_pct", "shrinkage",
    "cond_gram_identified", "gram_nullity", "cond_penalized", "effective_df",
)  # fmt: skip


def _assert_full(kpis, report):
    for key in BASELINE_KEYS:
        assert kpis[key] is not None, key
    assert kpis["gram_nullity"] == 1  # the one-hot colour levels sum to the intercept
    assert all("baseline_coef" in f and "sign_change" in f for f in kpis["features"])
    assert kpis["baseline"] in kpis["headline"]
    html = report.read_text(encoding="utf-8")
    for section in ("Key performance indicators", "Coefficients", "reduction vs baseline",
                    "cond(XᵀX)", kpis["headline"][:40]):  # fmt: skip
        assert section in html, section


def _assert_same(a, b, rtol):
    assert a["headline"] == b["headline"] and a["notes"] == b["notes"]
    na, nb = _numbers(a), _numbers(b)
    assert na.keys() == nb.keys()
    for key, value in na.items():
        assert math.isclose(value, nb[key], rel_tol=rtol, abs_tol=rtol), (key, value, nb[key])


@pytest.fixture
def files(rng, tmp_path):
    frame = make_frame(rng, n=900).drop(columns=["id"])
    return frame, write_parquet(frame, tmp_path / "data", 3, 100)


def test_memory_and_stream_give_the_same_kpis_and_model(files, tmp_path):
    frame, pattern = files
    runner = CliRunner()
    kpis_m, model_m = _fit(runner, pattern, tmp_path / "m", "--engine", "memory")
    kpis_s, model_s = _fit(runner, pattern, tmp_path / "s", "--engine", "stream")
    _assert_same(kpis_m, kpis_s, 1e-8)
    for engine, kpis in (("m", kpis_m), ("s", kpis_s)):
        _assert_full(kpis, tmp_path / engine / "report.html")
    assert kpis_m["n_train"] + kpis_m["n_test"] == len(frame)
    assert abs(kpis_m["n_test"] / len(frame) - 0.25) < 0.05
    np.testing.assert_allclose(predict_frame(model_s, frame), predict_frame(model_m, frame),
                               rtol=1e-9)  # fmt: skip
    assert (tmp_path / "s" / "report.html").stat().st_size > 0


def test_logistic_memory_and_stream_agree_to_the_certificates(files, tmp_path):
    frame, _ = files
    frame = frame.assign(y=(frame["y"] > frame["y"].median()).astype(int))
    pattern = write_parquet(frame, tmp_path / "binary", 2, 150)
    runner = CliRunner()
    kpis_m, model_m = _fit(runner, pattern, tmp_path / "m", "--engine", "memory")
    kpis_s, model_s = _fit(runner, pattern, tmp_path / "s", "--engine", "stream")
    assert kpis_s["model"] == "LogisticRegressionCV"
    _assert_same(kpis_m, kpis_s, 1e-6)  # Newton certified to tol 1e-8 on each side
    for engine, kpis in (("m", kpis_m), ("s", kpis_s)):
        _assert_full(kpis, tmp_path / engine / "report.html")
        assert kpis["error_metric"] == "log_loss" and kpis["baseline_test"]["roc_auc"] > 0.5
    np.testing.assert_array_equal(predict_frame(model_s, frame), predict_frame(model_m, frame))


def test_svm_memory_and_stream_agree_to_the_certificates(files, tmp_path):
    """--model svm on files: LinearSVCCV (squared hinge) by the distributed Newton, its
    kpis.json, report and model equal to the in-memory fit on the same split and folds."""
    frame, _ = files
    frame = frame.assign(y=(frame["y"] > frame["y"].median()).astype(int))
    pattern = write_parquet(frame, tmp_path / "svm", 2, 150)
    runner = CliRunner()
    kpis_m, model_m = _fit(runner, pattern, tmp_path / "m", "--engine", "memory", "--model", "svm")
    kpis_s, model_s = _fit(runner, pattern, tmp_path / "s", "--engine", "stream", "--model", "svm")
    assert kpis_s["model"] == kpis_m["model"] == "LinearSVCCV"
    _assert_same(kpis_m, kpis_s, 1e-6)  # Newton certified to tol 1e-8 on each side
    for engine, kpis in (("m", kpis_m), ("s", kpis_s)):
        _assert_full(kpis, tmp_path / engine / "report.html")
    np.testing.assert_array_equal(predict_frame(model_s, frame), predict_frame(model_m, frame))


def _three_classes(frame):
    cuts = np.quantile(frame["y"], [1 / 3, 2 / 3])
    return frame.assign(y=np.digitize(frame["y"], cuts))


def test_three_classes_memory_and_stream_agree_to_the_certificates(files, tmp_path):
    """The multinomial: the distributed Newton's model, kpis.json and report match the
    in-memory LogisticRegressionCV on the same hashed split and folds."""
    frame, _ = files
    frame = _three_classes(frame)
    pattern = write_parquet(frame, tmp_path / "three", 2, 150)
    runner = CliRunner()
    kpis_m, model_m = _fit(runner, pattern, tmp_path / "m", "--engine", "memory")
    kpis_s, model_s = _fit(runner, pattern, tmp_path / "s", "--engine", "stream")
    assert kpis_s["model"] == "LogisticRegressionCV" and list(model_s.classes_) == [0, 1, 2]
    assert model_s.coef_.shape == model_m.coef_.shape == (3, 8)
    _assert_same(kpis_m, kpis_s, 1e-6)  # Newton certified to tol 1e-8 on each side
    assert np.isfinite(kpis_s["test"]["roc_auc"]) and kpis_s["test"]["f1"] > 0.5
    np.testing.assert_array_equal(predict_frame(model_s, frame), predict_frame(model_m, frame))
    assert (tmp_path / "s" / "report.html").stat().st_size > 0


@pytest.mark.slow
def test_dask_on_a_local_cluster_gives_the_stream_kpis(files, tmp_path):
    distributed = pytest.importorskip("distributed")
    import logging

    frame, pattern = files
    binary = frame.assign(y=(frame["y"] > frame["y"].median()).astype(int))
    patterns = {
        "ridge": pattern,
        "logistic": write_parquet(binary, tmp_path / "binary", 2, 150),
        "three": write_parquet(_three_classes(frame), tmp_path / "three", 2, 150),
    }
    runner = CliRunner()
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
        scheduler_port=0, silence_logs=logging.ERROR,
    ) as cluster:  # fmt: skip
        for name, glob in patterns.items():
            kpis_s, _ = _fit(runner, glob, tmp_path / f"s{name}", "--engine", "stream")
            kpis_d, _ = _fit(runner, glob, tmp_path / f"d{name}", "--engine", "dask",
                             "--scheduler", cluster.scheduler_address)  # fmt: skip
            # the same passes; the multinomial's sums merged in another order
            _assert_same(kpis_s, kpis_d, 1e-9 if name == "three" else 1e-10)
            if name != "three":  # the effective df is the binary logistic's (or ridge's)
                _assert_full(kpis_d, tmp_path / f"d{name}" / "report.html")


def test_split_is_a_hash_of_positions_and_partition_free(files):
    frame, pattern = files
    source = Parquet(pattern, target="y")
    train, test = (HashSplit(source, 0.25, 3, side) for side in ("train", "test"))
    mask = held_out(np.arange(len(frame)), 0.25, 3)
    np.testing.assert_array_equal(test.read().y, frame["y"].to_numpy()[mask])
    np.testing.assert_array_equal(train.read().y, frame["y"].to_numpy()[~mask])
    assert train.n_rows == int((~mask).sum())
    offsets = [p.offset for p in train.partitions]
    assert offsets == list(np.cumsum([0] + [p.n_rows for p in train.partitions])[:-1])


def test_auto_streams_only_large_files(tmp_path):
    small = tmp_path / "a.parquet"
    pd.DataFrame({"x": [1.0, 2.0], "y": [0.0, 1.0]}).to_parquet(small)
    assert choose_engine("auto", [str(small)]) == "memory"
    assert choose_engine("stream", [str(small)]) == "stream"


def test_bad_engine_options_exit_2_in_one_line(files, tmp_path):
    _, pattern = files
    runner = CliRunner()
    cases = [
        (["--scheduler", "tcp://x:1"], "--scheduler needs --engine dask"),
        (["--engine", "stream", "--cv", "loo"], "not available on files"),
        (["--engine", "stream", "--model", "mlp"], "not available on files"),
        (["--engine", "stream", "--model", "svm"], "got svm for regression"),  # y is numeric
        (["--engine", "stream", "--impute", "mean"], "do not apply to files"),
    ]
    for extra, message in cases:
        done = runner.invoke(app, ["fit", pattern, "-t", "y", "-o", str(tmp_path / "o"), *extra])
        assert done.exit_code == 2 and message in done.output, done.output
    done = runner.invoke(app, ["fit", str(tmp_path / "none*.parquet"), "-t", "y", "-o",
                               str(tmp_path / "o")])  # fmt: skip
    assert done.exit_code == 2 and "no files match" in done.output, done.output


def test_predict_streams_a_glob_into_parquet_with_ids(files, tmp_path):
    frame, pattern = files
    runner = CliRunner()
    _, model = _fit(runner, pattern, tmp_path / "s", "--engine", "stream")
    fresh = frame.drop(columns=["y"]).assign(row_id=np.arange(len(frame)) * 10)
    new = write_parquet(fresh, tmp_path / "new", 4, 50)
    preds = tmp_path / "preds.parquet"
    done = runner.invoke(app, ["predict", str(tmp_path / "s" / "model.zip"), new, "--out",
                               str(preds), "--id", "row_id"])  # fmt: skip
    assert done.exit_code == 0, done.output
    found = pd.read_parquet(preds)
    np.testing.assert_array_equal(found["row_id"], fresh["row_id"])
    np.testing.assert_allclose(found["prediction"], predict_frame(model, frame), rtol=1e-12)
    done = runner.invoke(app, ["predict", str(tmp_path / "s" / "model.zip"), new, "--id", "nope"])
    assert done.exit_code == 2 and "--id column 'nope'" in done.output, done.output


def test_predict_a_glob_with_an_in_memory_model_and_its_preprocessing(files, tmp_path):
    frame, pattern = files
    single = tmp_path / "all.csv"
    frame.to_csv(single, index=False)
    runner = CliRunner()
    done = runner.invoke(app, ["fit", str(single), "-t", "y", "-o", str(tmp_path / "m")])
    assert done.exit_code == 0, done.output
    model, pre, _ = load_model(tmp_path / "m" / "model.zip")
    out = tmp_path / "preds.csv"
    done = runner.invoke(app, ["predict", str(tmp_path / "m" / "model.zip"), pattern, "-o",
                               str(out)])  # fmt: skip
    assert done.exit_code == 0, done.output
    expected = model.predict(pre.transform(frame.drop(columns=["y"])))
    np.testing.assert_allclose(pd.read_csv(out)["prediction"], expected, rtol=1e-10)


def test_auto_streams_a_single_file_larger_than_the_memory_share(files, tmp_path, monkeypatch):
    import ridgeway.app.scale_workflow as workflow

    frame, _ = files
    single = tmp_path / "one.parquet"
    frame.to_parquet(single)
    monkeypatch.setattr(workflow, "available_memory", lambda: single.stat().st_size)
    done = CliRunner().invoke(app, ["fit", str(single), "-t", "y", "-o", str(tmp_path / "o")])
    assert done.exit_code == 0, done.output
    assert "(engine stream)" in done.output
    assert json.loads((tmp_path / "o" / "kpis.json").read_text())["n_train"] > 0


def test_report_of_a_model_fitted_on_files_gives_the_fit_time_kpis(files, tmp_path):
    """``ridgeway report MODEL GLOB``: the saved seed and test size split the files again, the
    KPIs come from passes (the loaded model has no spectrum: the baseline from the moments)."""
    _, pattern = files
    runner = CliRunner()
    kpis, _ = _fit(runner, pattern, tmp_path / "s", "--engine", "stream")
    done = runner.invoke(app, ["report", str(tmp_path / "s" / "model.zip"), pattern, "-o",
                               str(tmp_path / "r")])  # fmt: skip
    assert done.exit_code == 0, done.output
    _assert_full(kpis, tmp_path / "r" / "report.html")  # the fit's headline in the report
    model, _, meta = load_model(tmp_path / "s" / "model.zip")
    again = report_files(model, meta, pattern, tmp_path / "r2")["kpis"]
    _assert_same(kpis, json.loads(again.to_json()), 1e-9)
