"""``ridgeway monitor ...`` and ``ridgeway dashboard`` through typer's CliRunner."""

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import ridgeway as rw
from ridgeway.app.preprocess import fit_preprocessor
from ridgeway.monitor import Monitor
from ridgeway.monitor.cli import dashboard, monitor_app

runner = CliRunner()


def invoke(*args):
    return runner.invoke(monitor_app, [str(a) for a in args])


@pytest.fixture
def files(tmp_path, rng):
    def frame(n, shift=0.0, noise=1.0):
        data = pd.DataFrame(
            {"size": rng.normal(100, 20, n) + shift, "zone": rng.choice(["a", "b"], n)}
        )
        data["price"] = 2 * data["size"] + 10 * (data["zone"] == "a") + noise * rng.normal(0, 5, n)
        return data

    train = frame(300)
    pre = fit_preprocessor(train.drop(columns=["price"]), categorical=["zone"])
    model = rw.RidgeCV(cv=5).fit(pre.transform(train.drop(columns=["price"])), train["price"])
    rw.persist.save_model(model, tmp_path / "model.zip", preprocessor=pre, target="price")
    train.to_csv(tmp_path / "train.csv", index=False)
    frame(200).to_csv(tmp_path / "good.csv", index=False)
    frame(200, shift=30, noise=6).to_parquet(tmp_path / "bad.parquet")
    return tmp_path, f"sqlite:///{tmp_path / 'monitor.db'}"


def test_register_log_rule_check_alerts_retune(files):
    folder, db = files
    result = invoke(
        "register", folder / "model.zip", folder / "train.csv", "--db", db, "--name", "house"
    )
    assert result.exit_code == 0, result.output
    assert "registered 'house' version 1" in result.output
    result = invoke(
        "rule",
        "--db",
        db,
        "--name",
        "house",
        "--metric",
        "gap",
        "--above",
        "50",
        "--severity",
        "critical",
    )
    assert result.exit_code == 0 and "gap above 50" in result.output
    assert (
        invoke(
            "log",
            folder / "good.csv",
            "--db",
            db,
            "-n",
            "house",
            "-t",
            "price",
            "--at",
            "2026-01-01",
        ).exit_code
        == 0
    )
    result = invoke("check", "--db", db)
    assert result.exit_code == 0 and "no open alerts" in result.output
    result = invoke(
        "log",
        folder / "bad.parquet",
        "--db",
        db,
        "-n",
        "house",
        "-t",
        "price",
        "--at",
        "2026-02-01",
    )
    assert result.exit_code == 0 and "1 open alert(s)" in result.output
    result = invoke("check", "--db", db)
    assert result.exit_code == 1 and "house: gap above 50" in result.output
    assert invoke("check", "--db", db, "--severity", "warning").exit_code == 0
    result = invoke("alerts", "--db", db, "--acknowledge", "1", "--by", "ops")
    assert result.exit_code == 0 and "alert 1 acknowledged" in result.output
    assert invoke("check", "--db", db, "--unacknowledged").exit_code == 0
    result = invoke("alerts", "--db", db, "--status", "open")
    assert result.exit_code == 0 and "ops" in result.output
    # drift only: no labels
    result = invoke("log", folder / "bad.parquet", "--db", db, "-n", "house", "--at", "2026-03-01")
    assert result.exit_code == 0 and "no labels" in result.output
    result = invoke("retune", folder / "bad.parquet", "--db", db, "-n", "house", "-t", "price")
    assert result.exit_code == 0, result.output
    assert "old (v1)" in result.output and "new (v2)" in result.output and "λ (l2)" in result.output
    with Monitor(db) as mon:
        versions = mon.versions("house")
        assert versions["version"].tolist() == [1, 2] and versions["cv"].tolist() == [5, 5]
        assert len(mon.metrics("house", metric="psi", feature="size")) == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["log", "missing.csv", "--db", "sqlite:///{db}", "-n", "house"], "does not exist"),
        (
            ["log", "{folder}/good.csv", "--db", "sqlite:///{db}", "-n", "nope"],
            "model 'nope' is not registered",
        ),
        (
            ["log", "{folder}/good.csv", "--db", "sqlite:///{db}", "-n", "house", "-t", "cost"],
            "target must be a column",
        ),
        (
            ["rule", "--db", "sqlite:///{db}", "-n", "house", "--above", "1", "--patience", "0"],
            "patience must be an integer >= 1",
        ),
        (["check", "--db", "monitor.db"], "url must be a SQLAlchemy URL"),
    ],
)
def test_bad_input_exits_2_with_one_line(files, args, message):
    folder, db = files
    invoke("register", folder / "model.zip", folder / "train.csv", "--db", db, "--name", "house")
    args = [a.format(folder=folder, db=db.removeprefix("sqlite:///")) for a in args]
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_dashboard_refuses_a_remote_host_without_the_flag(sqlite_url):
    import typer

    app = typer.Typer()
    app.command()(dashboard)
    result = runner.invoke(app, ["--db", sqlite_url, "--host", "0.0.0.0"])
    assert result.exit_code == 2 and "host must be a loopback address" in result.output


def test_retune_needs_a_cv_model(sqlite_url, regression):
    _model, X, y = regression
    with Monitor(sqlite_url) as mon:
        mon.register("fixed", rw.Ridge(l2=1.0).fit(X, y), X, y)
        with pytest.raises(
            ValueError, match="retune needs a model whose λ was chosen by cross-validation"
        ):
            mon.retune("fixed", X, y)
        assert np.isfinite(mon.versions("fixed")["l2"][0])
