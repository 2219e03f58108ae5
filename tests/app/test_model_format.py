"""Model files of every format version keep loading; today's files have the current layout.

``data/*-format-1.zip`` were written by :func:`write_files` at the commit that added this test
(before the core redesign); ``data/format-1-expected.npz`` holds what those models predicted
then. ``data/*-format-2.zip`` (and ``format-2-expected.npz``) were written the same way when
format 2 (checksums over the whole content, the preprocessing's dates and rare categories)
replaced it. The format must not change silently: a file written now has the format-2 layout.
"""

import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import ridgeway as rw
from ridgeway.app.persist import FORMAT_VERSION, load_model, save_model
from ridgeway.app.preprocess import fit_preprocessor
from ridgeway.estimators._base import RENAMED_PARAMETERS
from ridgeway.estimators.logistic import LogisticRegressionCV

DATA = Path(__file__).parent / "data"


def frame() -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(0)
    f = pd.DataFrame(
        {
            "x": rng.normal(size=40),
            "z": rng.normal(size=40) * 10,
            "colour": rng.choice(["red", "green", "blue"], size=40),
        }
    )
    return f, f["x"] * 2 + (f["colour"] == "red") + rng.normal(size=40) * 0.1


def write_files(folder: Path, version: int = FORMAT_VERSION) -> None:
    """The two files, as the CLI writes them (RidgeCV with its split notes) and as a user does."""
    f, y = frame()
    pre = fit_preprocessor(f)
    X = pre.transform(f)
    extra = {"seed": 0, "test_size": 0.25, "task": "regression", "cv": "loo", "rule": "min",
             "categorical": []}  # fmt: skip
    ridge = rw.RidgeCV(cv="loo", n_grid=10).fit(X, y)
    save_model(
        ridge, folder / f"ridge_cv-format-{version}.zip", preprocessor=pre, target="y", extra=extra
    )
    labels = np.where(y > y.median(), "high", "low")
    logit = LogisticRegressionCV(cv=3, n_grid=5).fit(X, labels)
    save_model(
        logit, folder / f"logistic_cv-format-{version}.zip", preprocessor=pre, target="label"
    )


def layout(path: Path) -> tuple[dict, list[str], set[str]]:
    """Metadata keys (nested one level) and array names: what the format consists of.

    New arrays, ``cv_results_`` entries and constructor parameters (more of the same kind, with
    defaults for files that lack them) are not a change of format."""
    with zipfile.ZipFile(path) as archive:
        members = sorted(archive.namelist())
        meta = json.loads(archive.read("metadata.json"))
        with np.load(io.BytesIO(archive.read("arrays.npz")), allow_pickle=False) as arrays:
            names = sorted(a for a in arrays.files if not a.startswith("cv_results_/"))
            results = {a for a in arrays.files if a.startswith("cv_results_/")}
    keys = {k: sorted(v) if isinstance(v, dict) else None for k, v in meta.items()}
    keys["members"] = members
    keys.pop("extra")
    params = set(keys.pop("params") or ())
    attributes = set(keys.pop("attributes") or ())  # new fitted scalars are no format change
    renamed = {RENAMED_PARAMETERS.get(p, p) for p in params}
    return (
        keys,
        names,
        results | {f"params/{p}" for p in renamed} | {f"attributes/{a}" for a in attributes},
    )


def test_format_1_files_load_and_predict_as_they_did():
    f, _ = frame()
    expected = np.load(DATA / "format-1-expected.npz", allow_pickle=False)
    ridge, pre, meta = load_model(DATA / "ridge_cv-format-1.zip")
    assert type(ridge) is rw.RidgeCV and meta["format_version"] == 1 and meta["target"] == "y"
    assert meta["extra"]["cv"] == "loo"
    np.testing.assert_allclose(ridge.predict(pre.transform(f)), expected["ridge"], rtol=1e-12)
    np.testing.assert_array_equal(ridge.cv_results_["mean_score"], expected["ridge_mean_score"])
    logit, pre, _ = load_model(DATA / "logistic_cv-format-1.zip")
    proba = logit.predict_proba(pre.transform(f))
    np.testing.assert_allclose(proba, expected["logistic_proba"], rtol=1e-12)
    assert list(logit.classes_) == ["high", "low"]


def test_format_2_files_load_and_predict_as_they_did():
    f, _ = frame()
    expected = np.load(DATA / "format-2-expected.npz", allow_pickle=False)
    ridge, pre, meta = load_model(DATA / "ridge_cv-format-2.zip")
    assert meta["format_version"] == 2 and meta["extra"]["cv"] == "loo"
    np.testing.assert_allclose(ridge.predict(pre.transform(f)), expected["ridge"], rtol=1e-12)
    logit, pre, _ = load_model(DATA / "logistic_cv-format-2.zip")
    proba = logit.predict_proba(pre.transform(f))
    np.testing.assert_allclose(proba, expected["logistic_proba"], rtol=1e-12)


@pytest.mark.parametrize("name", ["ridge_cv-format-2.zip", "logistic_cv-format-2.zip"])
def test_files_written_today_have_the_format_2_layout(tmp_path, name):
    write_files(tmp_path)
    assert FORMAT_VERSION == 2
    keys, names, results = layout(tmp_path / name)
    old_keys, old_names, old_results = layout(DATA / name)
    assert keys == old_keys and set(old_names) <= set(names) and old_results <= results
