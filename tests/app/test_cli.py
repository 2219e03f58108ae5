"""The ridgeway command end to end: exit codes 0 / 2 / 1 and one-line reasons."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from ridgeway.app import cli
from ridgeway.datasets import data_path

runner = CliRunner()


def run(*args):
    return runner.invoke(cli.app, [str(a) for a in args])


@pytest.fixture
def small(rng):
    """A small mixed table: numeric, categorical, a constant column."""
    n = 80
    frame = pd.DataFrame(
        {
            "size": rng.normal(size=n) * 50 + 100,
            "age": rng.integers(0, 40, size=n).astype(float),
            "city": rng.choice(["Oslo", "Rome", "Lima"], size=n),
            "const": 1.0,
        }
    )
    frame["price"] = 3 * frame["size"] + 10 * (frame["city"] == "Rome") + rng.normal(size=n)
    frame["label"] = np.where(frame["price"] > frame["price"].median(), "dear", "cheap")
    return frame


def test_fit_predict_report_on_shipped_credit_data(tmp_path):
    out = tmp_path / "credit"
    res = run("fit", data_path("german_credit.csv"), "--target", "creditability",
              "--cv", "3", "--out", out)  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "LogisticRegressionCV" in res.output and "test f1" in res.output
    assert {p.name for p in out.iterdir()} >= {"report.html", "model.zip", "kpis.json"}
    preds = tmp_path / "pred.csv"
    res = run("predict", out / "model.zip", data_path("german_credit.csv"), "--out", preds)
    assert res.exit_code == 0, res.output
    table = pd.read_csv(preds)
    assert len(table) == 1000 and set(table["prediction"]) <= {"good", "bad"}
    res = run("report", out / "model.zip", data_path("german_credit.csv"), "--out", tmp_path / "r")
    assert res.exit_code == 0, res.output
    assert (tmp_path / "r" / "report.html").stat().st_size > 10_000


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_regression_on_csv_and_parquet_with_categories(small, tmp_path, suffix):
    path = tmp_path / f"data{suffix}"
    data = small.drop(columns=["label"])
    data.to_csv(path, index=False) if suffix == ".csv" else data.to_parquet(path)
    res = run("compare", path, "--target", "price", "--cv", "4", "--out", tmp_path / "o")
    assert res.exit_code == 0, res.output
    assert "RidgeCV" in res.output and "L1 (lasso)" in res.output
    comparison = pd.read_csv(tmp_path / "o" / "comparison.csv")
    assert list(comparison["model"])[-1] == "none"


def test_classification_inferred_and_svm(small, tmp_path):
    path = tmp_path / "d.csv"
    small.drop(columns=["price"]).to_csv(path, index=False)
    res = run("fit", path, "-t", "label", "--model", "svm", "--cv", "3", "--out", tmp_path / "o")
    assert res.exit_code == 0, res.output
    assert "LinearSVCCV" in res.output


def test_missing_values_named_or_imputed(small, tmp_path):
    data = small.drop(columns=["label"])
    data.loc[[1, 5], "size"] = np.nan
    data.loc[2, "city"] = None
    path = tmp_path / "d.csv"
    data.to_csv(path, index=False)
    res = run("fit", path, "-t", "price", "--cv", "gcv", "--out", tmp_path / "o")
    assert res.exit_code == 2
    assert "missing values" in res.output and "'size'" in res.output and "--impute" in res.output
    res = run(
        "fit", path, "-t", "price", "--cv", "gcv", "--impute", "median", "--out", tmp_path / "o"
    )
    assert res.exit_code == 0, res.output


@pytest.mark.parametrize(
    "args, message",
    [
        (["-t", "nope"], "target column 'nope' is not in the data"),
        (["-t", "label", "--task", "classification", "--model", "lasso"], "for regression"),
        (["-t", "price", "--cv", "many"], "--cv must be"),
        (["-t", "price", "--impute", "zero"], "--impute must be"),
        (["-t", "price", "--test-size", "1.5"], "test size"),
        (["-t", "price", "--model", "logistic"], "is a classifier"),
    ],
)
def test_bad_arguments_exit_2(small, tmp_path, args, message):
    path = tmp_path / "d.csv"
    small.to_csv(path, index=False)
    res = run("fit", path, *args, "--out", tmp_path / "o")
    assert res.exit_code == 2
    assert message in res.output
    assert len(res.output.strip().splitlines()) == 1


def test_single_class_and_empty_file(small, tmp_path):
    one = tmp_path / "one.csv"
    small.assign(label="dear").to_csv(one, index=False)
    res = run("fit", one, "-t", "label", "--task", "classification", "--out", tmp_path / "o")
    assert res.exit_code == 2 and "single class" in res.output
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    res = run("fit", empty, "-t", "y")
    assert res.exit_code == 2 and "is empty" in res.output
    header_only = tmp_path / "header.csv"
    header_only.write_text("x,y\n")
    res = run("fit", header_only, "-t", "y")
    assert res.exit_code == 2 and "no rows" in res.output


def test_tampered_model_is_rejected(small, tmp_path):
    path = tmp_path / "d.csv"
    small.drop(columns=["label"]).to_csv(path, index=False)
    assert run("fit", path, "-t", "price", "--cv", "loo", "--out", tmp_path / "o").exit_code == 0
    model = tmp_path / "o" / "model.zip"
    raw = bytearray(model.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    model.write_bytes(bytes(raw))
    res = run("predict", model, path)
    assert res.exit_code == 2 and "model" in res.output


def test_unexpected_failure_exits_1(monkeypatch, small, tmp_path):
    path = tmp_path / "d.csv"
    small.to_csv(path, index=False)

    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("ridgeway.app.workflow.run_fit", boom)
    res = run("fit", path, "-t", "price")
    assert (
        res.exit_code == 1 and "unexpected failure" in res.output and "disk on fire" in res.output
    )


def test_console_entry_point_usage_error():
    """The real process: a missing required option is a usage error, exit 2."""
    proc = subprocess.run(
        [sys.executable, "-c", "from ridgeway.app.cli import main; main()", "fit", "x.csv"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 2 and "--target" in proc.stderr


def test_python_dash_m_ridgeway_runs_the_command_line():
    """``python -m ridgeway`` is the same command (``__main__.py``)."""
    proc = subprocess.run(
        [sys.executable, "-m", "ridgeway", "--help"], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert all(command in proc.stdout for command in ("fit", "compare", "predict", "report"))


def test_old_module_path_still_runs_and_says_it_moved():
    """``python -m ridgeway.cli`` (documented before the app layer) warns and still works."""
    proc = subprocess.run(
        [sys.executable, "-m", "ridgeway.cli", "--help"], capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0 and "predict" in proc.stdout
    assert "DeprecationWarning" in proc.stderr and "ridgeway.app.cli" in proc.stderr
