"""MLP model files: save → load predicts bit for bit (float64 and float32; regression, binary
and multiclass), the search summary and history survive, every inconsistency between the
tensors and the declared architecture is a ModelFileError, and the CLI's fit → predict →
report works on the file."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from ridgeway.app.cli import app, read_table
from ridgeway.app.mlp_workflow import report_saved_mlp
from ridgeway.app.persist import ModelFileError, load_model, save_model
from ridgeway.nn import MLPClassifier, MLPRegressor

FAST = dict(optimizer="sgd", epochs=3, batch_size=16, random_state=0)


@pytest.fixture
def data(rng):
    X = rng.standard_normal((60, 3))
    y = np.sin(X[:, 0]) + X[:, 1] + 0.1 * rng.standard_normal(60)
    return X, y


def _outputs(model, X):
    out = [model.predict(X)]
    if hasattr(model, "predict_proba"):
        out += [model.predict_proba(X), model.decision_function(X)]
    return out


def _assert_same(a, b, X):
    for got, want in zip(_outputs(a, X), _outputs(b, X), strict=True):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_searched_regressor_round_trip_is_exact(data, tmp_path, dtype):
    X, y = data
    model = MLPRegressor(hidden=(5, 3), l2=None, dtype=dtype, early_stopping=True,
                         l2_grid=[0.1, 10.0], **FAST).fit(X, y)  # fmt: skip
    loaded, pre, meta = load_model(save_model(model, tmp_path / "m.zip"))
    assert pre is None and "baseline_model" not in meta
    _assert_same(loaded, model, X)
    assert next(loaded.model_.parameters()).dtype == next(model.model_.parameters()).dtype
    assert loaded.get_params() == model.get_params()  # l2=None kept (searched), not a default
    assert (loaded.l2_, loaded.weight_decay_, loaded.n_iter_) == (
        model.l2_,
        model.weight_decay_,
        model.n_iter_,
    )
    for key, value in model.cv_results_.items():
        np.testing.assert_array_equal(loaded.cv_results_[key], value, err_msg=key)
    assert loaded.search_.best_index_ == model.search_.best_index_
    pd.testing.assert_frame_equal(loaded.history_.to_frame(), model.history_.to_frame())
    assert loaded.search_.histories_[loaded.search_.best_index_] is loaded.history_


def test_multi_output_regressor_and_linear_coefficients(data, tmp_path):
    X, y = data
    Y = np.column_stack([y, -y])
    model = MLPRegressor(hidden=(), l2=1.0, optimizer="lbfgs", random_state=0).fit(X, Y)
    loaded, _, _ = load_model(save_model(model, tmp_path / "m.zip"))
    _assert_same(loaded, model, X)
    np.testing.assert_array_equal(loaded.coef_, model.coef_)
    np.testing.assert_array_equal(loaded.intercept_, model.intercept_)


@pytest.mark.parametrize("k", [2, 3])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_classifier_round_trip_with_its_baseline(data, tmp_path, k, dtype):
    X, y = data
    labels = np.array(["ant", "bee", "cat"])[
        np.digitize(y, np.quantile(y, [1 / k, 2 / k])[: k - 1])
    ]
    model = MLPClassifier(hidden=(4,), l2=2.0, dtype=dtype, **FAST).fit(X, labels)
    baseline = MLPClassifier(hidden=(4,), l2=0.0, dtype=dtype, **FAST).fit(X, labels)
    loaded, _, meta = load_model(save_model(model, tmp_path / "m.zip", baseline=baseline))
    assert list(loaded.classes_) == list(model.classes_) and len(loaded.classes_) == k
    _assert_same(loaded, model, X)
    _assert_same(meta["baseline_model"], baseline, X)
    assert meta["baseline_model"].l2 == 0.0


def test_a_fitted_network_is_required_and_nothing_is_pickled(data, tmp_path):
    X, y = data
    with pytest.raises(ValueError, match="fitted"):
        save_model(MLPRegressor(), tmp_path / "m.zip")
    path = save_model(MLPRegressor(hidden=(2,), l2=1.0, **FAST).fit(X, y), tmp_path / "m.zip")
    with zipfile.ZipFile(path) as z:
        assert sorted(z.namelist()) == ["SHA256SUMS", "arrays.npz", "metadata.json"]
        with np.load(io.BytesIO(z.read("arrays.npz")), allow_pickle=False) as arrays:
            assert {"state/0.weight", "state/0.bias", "state/2.weight", "state/2.bias"} <= set(
                arrays.files
            )


# ---- files whose contents disagree (written with matching SHA256SUMS: deliberate edits) ----


def _rewrite(path, *, meta=None, arrays=None):
    with zipfile.ZipFile(path) as z:
        old_meta = json.loads(z.read("metadata.json"))
        with np.load(io.BytesIO(z.read("arrays.npz")), allow_pickle=False) as npz:
            old_arrays = {k: npz[k] for k in npz.files}
    if meta:
        meta(old_meta)
    if arrays:
        arrays(old_arrays)
    metadata = json.dumps(old_meta).encode()
    buffer = io.BytesIO()
    np.savez(buffer, **old_arrays)
    payload = buffer.getvalue()
    sums = "".join(f"{hashlib.sha256(d).hexdigest()}  {n}\n"
                   for n, d in (("metadata.json", metadata), ("arrays.npz", payload)))  # fmt: skip
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("metadata.json", metadata)
        z.writestr("arrays.npz", payload)
        z.writestr("SHA256SUMS", sums.encode())
    return path


@pytest.fixture
def network_file(data, tmp_path):
    X, y = data
    model = MLPRegressor(hidden=(4,), l2=1.0, **FAST).fit(X, y)
    baseline = MLPRegressor(hidden=(4,), l2=0.0, **FAST).fit(X, y)
    return save_model(model, tmp_path / "m.zip", baseline=baseline)


def _set(key, value):
    def change(arrays):
        arrays[key] = value(arrays[key]) if callable(value) else value

    return change


def _drop(key):
    return lambda arrays: arrays.pop(key)


@pytest.mark.parametrize(
    "arrays, message",
    [
        (_set("state/0.weight", lambda w: np.zeros((5, 3))), "shape"),
        (_set("state/0.weight", lambda w: w.T.copy()), "shape"),
        (_set("state/2.bias", lambda b: np.zeros((2,))), "shape"),
        (_set("baseline/state/0.bias", lambda b: np.zeros((3,))), "shape"),
        (_set("state/0.weight", lambda w: w.astype(np.float32)), "dtype"),
        (_set("state/0.bias", lambda b: b.astype(np.int64)), "dtype"),
        (_set("state/0.weight", lambda w: np.where(w > 0, np.nan, w)), "NaN"),
        (_drop("state/2.bias"), "missing"),
        (_set("state/4.weight", np.zeros((1, 1))), "unexpected member"),
        (_set("history/epoch", lambda e: e[:-1]), "history"),
    ],
)
def test_tensors_that_disagree_with_the_architecture_are_refused(network_file, arrays, message):
    with pytest.raises(ModelFileError, match=message):
        load_model(_rewrite(network_file, arrays=arrays))


def _meta(path, value):
    def change(meta):
        target = meta
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def _both(hidden):
    """The parameters and the architecture agree on other widths than the tensors have."""

    def change(meta):
        meta["params"]["hidden"] = hidden
        meta["network"]["architecture"]["hidden"] = hidden

    return change


@pytest.mark.parametrize(
    "meta, message",
    [
        (_meta(["network", "architecture", "hidden"], [5]), "disagree"),
        (_both([5]), "state/0.weight has shape \\(4, 3\\); the architecture gives \\(5, 3\\)"),
        (_both([4, 4]), "missing \\['state/4.bias'"),
        (_meta(["network", "architecture", "n_features_in"], 4), "shape"),
        (_meta(["network", "architecture", "hidden"], [2**40]), "hidden"),
        (_meta(["network", "architecture", "dtype"], "float32"), "dtype"),
        (_meta(["network", "architecture", "activation"], "os.system"), "activation"),
        (_meta(["network", "architecture", "n_outputs"], 0), "n_outputs"),
        (_meta(["network", "l2_"], -1.0), "l2_"),
        (_meta(["network", "surprise"], 1), "spec"),
        (_meta(["params", "hidden"], [3]), "disagree"),
        (_meta(["params", "hidden"], "4"), "hidden must be a list"),
        (_meta(["params", "dtype"], "float16"), "disagree"),
        (_meta(["attributes", "n_features_in_"], 7), "n_features_in_"),
        (_meta(["classes"], ["a", "b"]), "regressor has no classes"),
        (_meta(["pickle"], "yes"), "unexpected metadata"),
    ],
)
def test_metadata_that_disagrees_is_refused(network_file, meta, message):
    with pytest.raises(ModelFileError, match=message):
        load_model(_rewrite(network_file, meta=meta))


def test_classifier_outputs_must_match_its_classes(data, tmp_path):
    X, y = data
    model = MLPClassifier(hidden=(3,), l2=1.0, **FAST).fit(X, y > 0)
    path = save_model(model, tmp_path / "m.zip")
    with pytest.raises(ModelFileError, match="3 classes"):
        load_model(_rewrite(path, meta=_meta(["classes"], [0, 1, 2])))


# ---- the command line ---------------------------------------------------------------------


def test_cli_fit_writes_a_model_that_predict_and_report_use(rng, tmp_path):
    n = 120
    frame = pd.DataFrame(rng.standard_normal((n, 2)), columns=["a", "b"])
    frame["colour"] = rng.choice(["red", "green"], n)
    frame["y"] = frame["a"] ** 2 - frame["b"] + 0.2 * rng.standard_normal(n)
    frame["row"] = np.arange(n) + 1000
    train = tmp_path / "train.csv"
    frame.drop(columns="row").to_csv(train, index=False)
    new = tmp_path / "new.csv"
    frame.drop(columns="y").to_csv(new, index=False)
    runner = CliRunner()
    fit = runner.invoke(app, ["fit", str(train), "--target", "y", "--model", "mlp", "--hidden",
                              "4", "--epochs", "3", "--batch-size", "32", "--l2", "1", "--out",
                              str(tmp_path / "out")])  # fmt: skip
    assert fit.exit_code == 0, fit.output
    model_file = tmp_path / "out" / "model.zip"
    assert model_file.is_file()
    preds = tmp_path / "preds.csv"
    run = runner.invoke(app, ["predict", str(model_file), str(new), "--id", "row", "--out",
                              str(preds)])  # fmt: skip
    assert run.exit_code == 0, run.output
    got = pd.read_csv(preds)
    assert list(got.columns) == ["row", "prediction"]
    np.testing.assert_array_equal(got["row"], frame["row"])
    model, pre, _ = load_model(model_file)
    np.testing.assert_allclose(got["prediction"], model.predict(pre.transform(frame)), rtol=1e-15)
    report = runner.invoke(app, ["report", str(model_file), str(train), "--out",
                                 str(tmp_path / "rep")])  # fmt: skip
    assert report.exit_code == 0, report.output
    html = (tmp_path / "rep" / "report.html").read_text(encoding="utf-8")
    assert "Neural network (hidden=(4,))" in html and "Which parameters are decayed" in html
    # the rebuilt KPIs are those of fit time: same rows, same networks (the baseline saved)
    before = json.loads((tmp_path / "out" / "kpis.json").read_text(encoding="utf-8"))
    model, pre, meta = load_model(model_file)
    again = report_saved_mlp(model, pre, meta, read_table(train), tmp_path / "rep2")
    assert json.loads(again.kpis.to_json()) == before
    assert before["headline"].split(";")[0] in " ".join(report.output.split())
