"""Saved models load back identical, from JSON + arrays, with pickle refused."""

import io
import json
import zipfile

import numpy as np
import pandas as pd
import pytest

import ridgeway.recommend as rec
from ridgeway.recommend import persist


def test_round_trip_with_string_ids(tmp_path, small_ratings):
    coo = small_ratings.tocoo()
    frame = pd.DataFrame({"u": [f"u{r}" for r in coo.row], "i": coo.col, "r": coo.data})
    model = rec.ALS(factors=3, random_state=0).fit(frame, user="u", item="i", rating="r")
    loaded = persist.load(persist.save(model, tmp_path / "model.zip"))
    np.testing.assert_array_equal(loaded.user_factors_, model.user_factors_)
    np.testing.assert_array_equal(loaded.item_bias_, model.item_bias_)
    assert list(loaded.user_ids_) == list(model.user_ids_)
    assert loaded.spec_ == model.spec_
    pd.testing.assert_frame_equal(
        loaded.recommend(["u3", "u9"], n=4),
        model.recommend(["u3", "u9"], n=4),
        check_dtype=False,
    )


def test_implicit_cv_model_round_trips(tmp_path, small_counts):
    model = rec.ALSCV(l2=[1.0, 10.0], factors=3, feedback="implicit", cv=2).fit(small_counts)
    loaded = persist.load(persist.save(model, tmp_path / "m.zip"))
    np.testing.assert_allclose(loaded.predict([0, 1], [2, 3]), model.predict([0, 1], [2, 3]))
    assert loaded.spec_.l2 == model.l2_


def test_pickled_arrays_are_refused(tmp_path, small_ratings):
    path = persist.save(rec.ALS(factors=2).fit(small_ratings), tmp_path / "m.zip")
    with zipfile.ZipFile(path) as archive:
        meta = archive.read("model.json")
    buffer = io.BytesIO()
    np.savez(buffer, user_factors_=np.array([{"code": 1}], dtype=object))
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr("model.json", meta)
        archive.writestr("arrays.npz", buffer.getvalue())
    with pytest.raises(ValueError, match="pickle"):
        persist.load(evil)


def test_not_a_model(tmp_path):
    (tmp_path / "x.zip").write_text("hello")
    with pytest.raises(persist.ModelFileError, match="not a ridgeway recommender model"):
        persist.load(tmp_path / "x.zip")
    other = tmp_path / "y.zip"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("model.json", json.dumps({"format": "other"}))
        archive.writestr("arrays.npz", b"")
    with pytest.raises(persist.ModelFileError, match="format"):
        persist.load(other)
