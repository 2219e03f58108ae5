"""Model files: save → load → predict is exact; nothing is unpickled; tampering is refused."""

import io
import json
import zipfile

import numpy as np
import pandas as pd
import pytest

import ridgeway as rw
from ridgeway.app.persist import (
    FORMAT_VERSION,
    ModelFileError,
    _sums,
    load_model,
    save_model,
)
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


def _rewrite(path, *, meta=None, arrays=None, raw_meta=None, sums=True):
    """Rewrite a model file; ``sums`` True writes matching SHA256SUMS (a deliberate edit,
    which the other checks must catch), False keeps the old ones (a modification)."""
    with zipfile.ZipFile(path) as z:
        old_meta, old_arrays = json.loads(z.read("metadata.json")), z.read("arrays.npz")
        old_sums = z.read("SHA256SUMS")
    metadata = (
        raw_meta
        if raw_meta is not None
        else json.dumps(meta(old_meta) if meta else old_meta).encode()
    )
    payload = arrays(old_arrays) if arrays else old_arrays
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("metadata.json", metadata)
        z.writestr("arrays.npz", payload)
        z.writestr("SHA256SUMS", _sums(metadata, payload) if sums else old_sums)


def _npz(**arrays):
    out = io.BytesIO()
    np.savez(out, **arrays)
    return out.getvalue()


def _edit_arrays(change):
    def edit(raw):
        with np.load(io.BytesIO(raw)) as data:
            arrays = {k: data[k] for k in data.files}
        change(arrays)
        return _npz(**arrays)

    return edit


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

    _rewrite(saved, arrays=tamper, sums=False)
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
    payload = _npz(coef_=np.array([{"evil": 1}], dtype=object), intercept_=np.array(0.0))
    _rewrite(saved, arrays=lambda _: payload)
    with pytest.raises(ModelFileError, match="dtype object; the format holds real numbers"):
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


def test_a_changed_metadata_digit_is_refused(saved):
    """The checksums cover the metadata too: a preprocessing mean or a parameter."""
    raw = bytearray(zipfile.ZipFile(saved).read("metadata.json"))
    position = raw.index(b'"n_features_in_": ') + len(b'"n_features_in_": ')
    raw[position] = ord("9") if raw[position] != ord("9") else ord("8")
    _rewrite(saved, raw_meta=bytes(raw), sums=False)
    with pytest.raises(ModelFileError, match="SHA256SUMS"):
        load_model(saved)


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda a: a.update(predict=np.zeros(3)), "unexpected member"),
        (lambda a: a.update(coef_=a["coef_"] * np.nan), "coef_ holds NaN"),
        (lambda a: a.update(coef_=a["coef_"] + 1j), "complex"),
        (lambda a: a.update(coef_=a["coef_"][:-1]), "n_features_in_"),
        (lambda a: a.update(intercept_=np.zeros(2)), "intercept_ has shape"),
        (lambda a: a.pop("coef_"), "coef_ or intercept_ missing"),
    ],
)
def test_arrays_the_format_does_not_define_are_refused(saved, edit, message):
    _rewrite(saved, arrays=_edit_arrays(edit))
    with pytest.raises(ModelFileError, match=message):
        load_model(saved)


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda m: {**m, "attributes": {**m["attributes"], "predict": 1}}, "unexpected attrib"),
        (lambda m: {**m, "attributes": {"n_features_in_": "5"}}, "n_features_in_"),
        (lambda m: {**m, "classes": ["a", "b"]}, "regressor has no classes"),
        (lambda m: {**m, "feature_names": ["x"]}, "feature_names do not match"),
        (lambda m: {**m, "extra": {"test_size": 7}}, "extra test_size"),
        (lambda m: {**m, "format_version": "2"}, "invalid format version"),
    ],
)
def test_metadata_the_format_does_not_define_is_refused(saved, edit, message):
    _rewrite(saved, meta=edit)
    with pytest.raises(ModelFileError, match=message):
        load_model(saved)


def test_hostile_json_is_refused(saved):
    original = saved.read_bytes()
    for raw, message in [
        (b'{"format": "ridgeway-model", "x": "\xff\xfe"}', "not UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply|levels deep"),
        (b'{"format": "ridgeway-model", "format": "x"}', "repeats a key"),
        (b'{"format": ', "not valid JSON"),
    ]:
        saved.write_bytes(original)
        _rewrite(saved, raw_meta=raw)
        with pytest.raises(ModelFileError, match=message):
            load_model(saved)


def test_npy_header_declaring_huge_array_is_refused_before_reading(saved):
    """A header declaring 10¹³ float64 elements over 8 bytes of data: refused, no MemoryError."""
    header = {"descr": "<f8", "fortran_order": False, "shape": (10**13,)}
    npy = io.BytesIO()
    np.lib.format.write_array_header_1_0(npy, header)
    npy.write(np.zeros(1).tobytes())

    def huge(raw):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            z.writestr("coef_.npy", npy.getvalue())
            z.writestr("intercept_.npy", _npz_member(raw, "intercept_.npy"))
        return out.getvalue()

    _rewrite(saved, arrays=huge)
    with pytest.raises(ModelFileError, match="10000000000000 elements"):
        load_model(saved)


def _npz_member(raw, name):
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        return z.read(name)


def test_inflating_member_is_refused_before_inflating(saved, tmp_path):
    """100 MiB of zeros deflate to ~100 KiB: the declared size is refused from the directory."""
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(saved) as z:
        metadata = z.read("metadata.json")
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("metadata.json", metadata)
        with z.open("arrays.npz", "w") as member:
            for _ in range(100):
                member.write(bytes(2**20))
    assert bomb.stat().st_size < 2**20
    with pytest.raises(ModelFileError, match="refused before inflating"):
        load_model(bomb)


def test_encrypted_and_unsupported_compression_members(saved, tmp_path):
    raw = bytearray(saved.read_bytes())
    central = raw.rindex(b"PK\x01\x02")  # the last member's central directory entry
    encrypted = bytearray(raw)
    encrypted[central + 8] |= 0x1  # general purpose flag bit 0: encrypted
    (tmp_path / "enc.zip").write_bytes(bytes(encrypted))
    with pytest.raises(ModelFileError, match="is encrypted"):
        load_model(tmp_path / "enc.zip")
    with zipfile.ZipFile(saved) as z:
        members = {n: z.read(n) for n in z.namelist()}
    with zipfile.ZipFile(tmp_path / "lzma.zip", "w", compression=zipfile.ZIP_LZMA) as z:
        for name, data in members.items():
            z.writestr(name, data)
    with pytest.raises(ModelFileError, match="unsupported compression method 14"):
        load_model(tmp_path / "lzma.zip")


def _predictions(model, X):
    out = [model.predict(X)]
    if hasattr(model, "predict_proba"):
        out.append(model.predict_proba(X))
    return out


@pytest.mark.slow
@pytest.mark.parametrize("classify", [False, True])
def test_bit_flips_load_identically_or_raise_model_file_error(rng, tmp_path, classify):
    """Fuzz: one bit flipped in every byte of a saved file (a seeded bit per byte). Each flip
    either loads a model that predicts exactly as the original, or raises ModelFileError —
    never another exception, never different predictions."""
    frame, y = _data(rng)
    pre = fit_preprocessor(frame)
    X = pre.transform(frame)
    model = (
        LogisticRegressionCV(cv=3, n_grid=4).fit(X, np.where(y > y.median(), "hi", "lo"))
        if classify
        else LassoCV(cv=3, n_grid=4).fit(X, y)
    )
    path = save_model(model, tmp_path / "m.zip", preprocessor=pre, target="y",
                      extra={"seed": 0, "test_size": 0.25})  # fmt: skip
    _assert_flips_load_identically_or_are_refused(path, _predictions(model, X), frame, tmp_path)


def _assert_flips_load_identically_or_are_refused(path, expected, frame, tmp_path):
    """Flip one seeded bit in every byte of ``path``: each flip loads a model predicting
    ``expected`` on ``frame`` (through its saved preprocessing) or raises ModelFileError."""
    raw = path.read_bytes()
    bits = np.random.default_rng(1).integers(0, 8, size=len(raw))
    outcomes = {"identical": 0, "refused": 0}
    flipped = tmp_path / "flipped.zip"
    for position, bit in enumerate(bits):
        data = bytearray(raw)
        data[position] ^= 1 << int(bit)
        flipped.write_bytes(bytes(data))
        try:
            loaded, pre2, _ = load_model(flipped)
        except ModelFileError:
            outcomes["refused"] += 1
            continue
        got = _predictions(loaded, pre2.transform(frame))
        for a, b in zip(got, expected):
            np.testing.assert_array_equal(a, b, err_msg=f"byte {position} bit {bit}")
        outcomes["identical"] += 1
    assert outcomes["refused"] > 0.9 * len(raw)  # nearly every byte is covered by a check
    return outcomes


@pytest.mark.slow
@pytest.mark.parametrize("classify", [False, True])
def test_bit_flips_in_a_network_file_load_identically_or_raise(rng, tmp_path, classify):
    """The same fuzz on a small MLP file (tensors, history and the λ = 0 baseline inside)."""
    torch = pytest.importorskip("torch", reason="MLP files need the nn extra (torch)")
    from ridgeway.nn import MLPClassifier, MLPRegressor

    torch.set_num_threads(1)
    frame, y = _data(rng)
    pre = fit_preprocessor(frame)
    X = pre.transform(frame)
    target = np.where(y > y.median(), "hi", "lo") if classify else y
    cls = MLPClassifier if classify else MLPRegressor
    settings = dict(hidden=(2,), optimizer="sgd", epochs=2, batch_size=None, random_state=0)
    model = cls(l2=1.0, **settings).fit(X, target)
    baseline = cls(l2=0.0, **settings).fit(X, target)
    path = save_model(model, tmp_path / "m.zip", preprocessor=pre, target="y",
                      extra={"seed": 0, "test_size": 0.25}, baseline=baseline)  # fmt: skip
    outcomes = _assert_flips_load_identically_or_are_refused(
        path, _predictions(model, X), frame, tmp_path
    )
    assert outcomes["refused"] > 0
