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
        (["-t", "price", "--cv", "many"], "must be loo, gcv or a number of folds"),
        (["-t", "price", "--cv", "1"], "at least 2"),
        (["-t", "price", "--cv", "loo", "--model", "lasso"], "--cv loo is not available"),
        (["-t", "price", "--impute", "zero"], "'zero' is not one of 'mean'"),
        (["-t", "price", "--test-size", "1.5"], "'--test-size'"),
        (["-t", "price", "--model", "logistic"], "is a classifier"),
    ],
)
def test_bad_arguments_exit_2(small, tmp_path, args, message):
    path = tmp_path / "d.csv"
    small.to_csv(path, index=False)
    res = run("fit", path, *args, "--out", tmp_path / "o")
    assert res.exit_code == 2
    assert message in res.output
    assert len(reasons(res.output)) == 1


def reasons(output):
    """The lines that are not progress (outside a terminal progress is plain ``[ 1.2s]`` lines)."""
    return [line for line in output.strip().splitlines() if not line.startswith("[")]


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


def test_options_are_checked_before_the_data_is_read(tmp_path):
    """A bad choice is a usage error even when DATA does not exist: nothing was read."""
    for args, message in [
        (["--model", "forest"], "'forest' is not one of"),
        (["--rule", "max"], "'max' is not one of"),
        (["--task", "ranking"], "'ranking' is not one of"),
        (["--cv", "loo", "--model", "elasticnet"], "--cv loo is not available"),
    ]:
        res = run("fit", tmp_path / "absent.csv", "-t", "y", *args)
        assert res.exit_code == 2, (args, res.output)
        assert message in res.output and "does not exist" not in res.output


def test_version_and_help_load_no_heavy_library():
    """``--help`` must answer at once: the command line imports neither pandas, scikit-learn,
    numba nor matplotlib before a command runs (measured: ``python -X importtime``)."""
    code = (
        "import sys; from ridgeway.app import cli; "
        "print(sorted(m for m in ('pandas', 'sklearn', 'numba', 'matplotlib', 'scipy', "
        "'pyarrow') if m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
    res = run("--version")
    assert res.exit_code == 0 and res.output.startswith("ridgeway ")


def test_out_folder_checks(small, tmp_path):
    path = tmp_path / "d.csv"
    small.drop(columns=["label"]).to_csv(path, index=False)
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    for out, message in [
        (a_file, "is an existing file"),
        (a_file / "below", "is a file, not a folder"),
    ]:
        res = run("fit", path, "-t", "price", "--out", out)
        assert res.exit_code == 2 and message in res.output, res.output
    full = tmp_path / "full"
    full.mkdir()
    (full / "old.html").write_text("earlier work")
    res = run("fit", path, "-t", "price", "--cv", "gcv", "--out", full)
    assert res.exit_code == 2 and "--force" in res.output
    res = run("fit", path, "-t", "price", "--cv", "gcv", "--out", full, "--force")
    assert res.exit_code == 0, res.output
    assert (full / "model.zip").is_file()
    res = run("predict", full / "model.zip", path, "--out", tmp_path)
    assert res.exit_code == 2 and "is a folder" in res.output
    res = run("predict", full / "model.zip", path, "--out", a_file)
    assert res.exit_code == 2 and "--force" in res.output


def test_duplicate_column_names_are_refused(tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text("y,x,y\n1,2,3\n4,5,6\n")
    res = run("fit", path, "-t", "y")
    assert res.exit_code == 2 and "repeats the column name(s) 'y'" in res.output
    frame = pd.DataFrame(np.ones((4, 3)), columns=["y", "x", "x"])
    parquet = tmp_path / "dup.parquet"
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_arrays([pa.array(frame.iloc[:, j]) for j in range(3)],
                                        names=["y", "x", "x"]), parquet)  # fmt: skip
    res = run("fit", parquet, "-t", "y")
    assert res.exit_code == 2 and "'x'" in res.output


def test_wide_file_with_three_rows_is_answered_before_any_work(tmp_path):
    """100 000 columns × 3 rows (1.3 MB): the sizes are checked first, in the user's terms."""
    rng = np.random.default_rng(0)
    path = tmp_path / "wide.csv"
    frame = pd.DataFrame(rng.integers(0, 9, size=(3, 100_000)))
    frame.columns = [f"x{j}" for j in range(100_000)]
    frame.to_csv(path, index=False)
    res = run("fit", path, "-t", "x0", "--out", tmp_path / "o")
    assert res.exit_code == 2
    assert "too few rows" in res.output and "5-fold" in res.output


def test_messages_of_our_own(small, tmp_path):
    """Constant target, infinite values, 3-row files: our words, naming the column."""
    path = tmp_path / "d.csv"
    small.drop(columns=["label"]).assign(price=7.0).to_csv(path, index=False)
    res = run("fit", path, "-t", "price")
    assert res.exit_code == 2 and "single value 7.0 in every row" in res.output
    inf = small.drop(columns=["label"])
    inf.loc[3, "age"] = np.inf
    inf.to_csv(path, index=False)
    res = run("fit", path, "-t", "price")
    assert res.exit_code == 2 and "column 'age' holds 1 infinite value" in res.output
    small.head(3).to_csv(path, index=False)
    res = run("fit", path, "-t", "price", "--cv", "loo")
    assert res.exit_code == 2 and "too few rows" in res.output
    few = small.drop(columns=["price"]).head(12)
    few.to_csv(path, index=False)
    res = run("fit", path, "-t", "label", "--cv", "5")
    assert res.exit_code == 2 and "fewer than the 5 folds" in res.output


def test_missing_counts_are_the_files(small, tmp_path):
    data = small.drop(columns=["label"])
    data.loc[:9, "size"] = np.nan  # 10 missing cells in the file, some of them test rows
    path = tmp_path / "d.csv"
    data.to_csv(path, index=False)
    res = run("fit", path, "-t", "price")
    assert res.exit_code == 2 and "'size' (10)" in res.output


def test_impute_model_report_and_predict_with_missing_rows(small, tmp_path):
    data = small.drop(columns=["label"])
    data.loc[[1, 5], "size"] = np.nan
    path = tmp_path / "d.csv"
    data.to_csv(path, index=False)
    res = run("fit", path, "-t", "price", "--cv", "gcv", "--impute", "mean",
              "--out", tmp_path / "imp")  # fmt: skip
    assert res.exit_code == 0, res.output
    res = run("report", tmp_path / "imp" / "model.zip", path, "--out", tmp_path / "r")
    assert res.exit_code == 0, res.output
    clean = tmp_path / "clean.csv"
    small.drop(columns=["label"]).to_csv(clean, index=False)
    assert run("fit", clean, "-t", "price", "--cv", "gcv", "--out", tmp_path / "c").exit_code == 0
    res = run("predict", tmp_path / "c" / "model.zip", path)
    assert res.exit_code == 2
    assert "fitted without imputation" in res.output and "--impute" in res.output


def test_predict_id_column_and_closed_pipe(small, tmp_path):
    data = small.drop(columns=["label"]).assign(house=[f"h{i}" for i in range(len(small))])
    path = tmp_path / "d.csv"
    data.to_csv(path, index=False)
    res = run("fit", path, "-t", "price", "--cv", "gcv", "--out", tmp_path / "o")
    assert res.exit_code == 0, res.output
    assert "column 'house' dropped" in res.output  # an identifier, not a category
    preds = tmp_path / "p.csv"
    res = run("predict", tmp_path / "o" / "model.zip", path, "--id", "house", "--out", preds)
    assert res.exit_code == 0, res.output
    table = pd.read_csv(preds)
    assert list(table.columns) == ["house", "prediction"] and table["house"][3] == "h3"
    res = run("predict", tmp_path / "o" / "model.zip", path, "--id", "nope")
    assert res.exit_code == 2 and "--id column 'nope'" in res.output
    big = pd.concat([data] * 200, ignore_index=True)
    big.to_csv(path, index=False)
    command = (f"{sys.executable} -m ridgeway predict {tmp_path / 'o' / 'model.zip'} {path} "
               "| head -n 2")  # fmt: skip
    proc = subprocess.run(["bash", "-o", "pipefail", "-c", command], capture_output=True,
                          text=True, timeout=300)  # fmt: skip
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    assert proc.stdout.splitlines()[0] == "prediction"
