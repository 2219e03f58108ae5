"""Model files: save → load → predict is exact; nothing is unpickled; tampering is refused."""

import hashlib
import io
import json
import zipfile

import numpy as np
import pandas as pd
import pytest

import ridgeway as rw
from ridgeway.app.persist import FORMAT_VERSION, ModelFileError, load_model, save_model
from ridgeway.app.preprocess import fit_preprocessor
from ridgeway.estimators.elastic_net import LassoCV
from ridgeway.estimators.logistic import LogisticRegressionCV
from ridgeway.estimators.svm import LinearSVC


def _data(rng):
    frame = pd.DataFrame(
        {
            "x": rng.normal(size=60),
            "z": rng.normal(size=60) * 100,
            "colour": rng.choice(["red", "green", "blue"], size=60),
        }
    )
    y = frame["x"] * 2 + (frame["colour"] == "red") + rng.normal(size=60) * 0.1
    return frame, y


@pytest.mark.parametrize(
    "make, classify",
    [
        (lambda: rw.RidgeCV(cv="loo"), False),
        (lambda: rw.Ridge(l2=0.5, standardize=True), False),
        (lambda: LassoCV(cv=3), False),
        (lambda: LogisticRegressionCV(cv=3, n_grid=5), True),
        (lambda: LinearSVC(l2=1.0), True),
        (lambda: rw.RidgeClassifierCV(), True),
    ],
)
def test_round_trip_predicts_identically(rng, tmp_path, make, classify):
    frame, y = _data(rng)
    target = np.where(y > y.median(), "high", "low") if classify else y
    pre = fit_preprocessor(frame)
    X = pre.transform(frame)
    model = make().fit(X, target)
    path = save_model(model, tmp_path / "m.zip", preprocessor=pre, target="y")
    loaded, pre2, meta = load_model(path)
    assert type(loaded) is type(model) and meta["target"] == "y"
    X2 = pre2.transform(frame)
    np.testing.assert_array_equal(loaded.predict(X2), model.predict(X))
    if hasattr(model, "predict_proba"):
        np.testing.assert_array_equal(loaded.predict_proba(X2), model.predict_proba(X))
    assert pre2 == pre
    if hasattr(model, "cv_results_"):
        np.testing.assert_array_equal(
            loaded.cv_results_["mean_score"], model.cv_results_["mean_score"]
        )


def _rewrite(path, *, meta=None, arrays=None):
    with zipfile.ZipFile(path) as z:
        old_meta, old_arrays = json.loads(z.read("metadata.json")), z.read("arrays.npz")
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("metadata.json", json.dumps(meta(old_meta) if meta else old_meta))
        z.writestr("arrays.npz", arrays(old_arrays) if arrays else old_arrays)


@pytest.fixture
def saved(rng, tmp_path):
    frame, y = _data(rng)
    X = fit_preprocessor(frame).transform(frame)
    return save_model(rw.Ridge(l2=1.0).fit(X, y), tmp_path / "m.zip")


def test_tampered_arrays_are_rejected(saved):
    def tamper(raw):
        with np.load(io.BytesIO(raw)) as data:
            arrays = {k: data[k] for k in data.files}
        arrays["coef_"] = arrays["coef_"] * 2
        out = io.BytesIO()
        np.savez(out, **arrays)
        return out.getvalue()

    _rewrite(saved, arrays=tamper)
    with pytest.raises(ModelFileError, match="SHA-256"):
        load_model(saved)


def test_newer_format_is_refused(saved):
    _rewrite(saved, meta=lambda m: {**m, "format_version": FORMAT_VERSION + 1})
    with pytest.raises(ModelFileError, match="upgrade ridgeway"):
        load_model(saved)


def test_unknown_estimator_is_refused(saved):
    _rewrite(saved, meta=lambda m: {**m, "estimator": "os.system"})
    with pytest.raises(ModelFileError, match="unknown estimator"):
        load_model(saved)


def test_pickled_arrays_are_never_loaded(saved):
    """An object array (which only pickle can hold) with a matching hash is still refused."""
    out = io.BytesIO()
    np.savez(out, coef_=np.array([{"evil": 1}], dtype=object))
    payload = out.getvalue()
    digest = hashlib.sha256(payload).hexdigest()
    _rewrite(saved, meta=lambda m: {**m, "arrays_sha256": digest}, arrays=lambda _: payload)
    with pytest.raises(ModelFileError, match="unreadable"):
        load_model(saved)


def test_not_a_model_file(tmp_path):
    bad = tmp_path / "x.zip"
    bad.write_bytes(b"not a zip")
    with pytest.raises(ModelFileError, match="not a ridgeway model file"):
        load_model(bad)
    with pytest.raises(ModelFileError, match="does not exist"):
        load_model(tmp_path / "missing.zip")


def test_unfitted_model_cannot_be_saved(tmp_path):
    with pytest.raises(ValueError, match="fitted"):
        save_model(rw.Ridge(), tmp_path / "m.zip")


def test_public_persist_module(rng, tmp_path):
    """``from ridgeway.persist import ...`` and ``rw.persist`` are the documented entry."""
    from ridgeway.persist import load_model as public_load
    from ridgeway.persist import save_model as public_save

    assert rw.persist.save_model is public_save is save_model and public_load is load_model
