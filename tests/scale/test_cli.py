"""``ridgeway scale fit`` / ``predict`` on a glob of Parquet files: the saved model equals the
library's fit, and predictions stream into one Parquet file."""

import numpy as np
import pandas as pd
from typer.testing import CliRunner

import ridgeway as rw
from ridgeway.app.cli import app
from ridgeway.app.persist import load_model
from ridgeway.scale import HashFolds, Parquet
from scale_data import make_frame, write_parquet


def test_fit_then_predict_streaming(rng, tmp_path):
    frame = make_frame(rng, n=800)
    pattern = write_parquet(frame, tmp_path / "data", 3, 100)
    runner = CliRunner()
    done = runner.invoke(app, ["scale", "fit", pattern, "--target", "y", "--key", "id",
                               "--cv", "4", "-o", str(tmp_path / "out")])  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "9 partitions" in done.output  # 3 files × 3 row groups
    model, _, meta = load_model(tmp_path / "out" / "model.zip")
    expected = rw.RidgeCV(cv=HashFolds(4, key="id")).fit(Parquet(pattern, target="y", key="id"))
    np.testing.assert_allclose(model.coef_, expected.coef_, rtol=1e-12)
    assert meta["extra"]["scale_layout"]["categories"]["colour"] == ["blue", "green", "red"]
    preds = tmp_path / "preds.parquet"
    done = runner.invoke(app, ["scale", "predict", str(tmp_path / "out" / "model.zip"), pattern,
                               "--out", str(preds)])  # fmt: skip
    assert done.exit_code == 0, done.output
    found = pd.read_parquet(preds)
    np.testing.assert_array_equal(found["row"], np.arange(800))
    np.testing.assert_allclose(found["prediction"], expected.predict(Parquet(pattern)),
                               rtol=1e-12)  # fmt: skip


def test_bad_options_exit_2(tmp_path):
    runner = CliRunner()
    done = runner.invoke(app, ["scale", "fit", str(tmp_path / "none*.parquet"), "-t", "y"])
    assert done.exit_code == 2 and "no files match" in done.output
    done = runner.invoke(app, ["scale", "fit", "x.parquet", "-t", "y", "--engine", "spark"])
    assert done.exit_code == 2 and "--engine must be" in done.output
