"""``ridgeway fit DATA --model mlp``: options checked before the data, KPIs against the λ = 0
network recomputed here, the report's network section, and no torch at ``--help``."""

from __future__ import annotations

import json
import subprocess
import sys
from html import unescape

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.metrics import f1_score, log_loss, mean_squared_error
from typer.testing import CliRunner

from ridgeway.app.cli import app
from ridgeway.app.workflow import Options, run_fit
from ridgeway.nn.cli_support import MLPOptions

SMALL = ["--hidden", "8", "--epochs", "6", "--batch-size", "32"]


@pytest.fixture
def frame(rng):
    n = 160
    X = rng.standard_normal((n, 3))
    data = pd.DataFrame(X, columns=["a", "b", "c"])
    data["colour"] = rng.choice(["red", "green"], n)
    data["y"] = np.sin(2 * X[:, 0]) + X[:, 1] ** 2 + 0.3 * rng.standard_normal(n)
    return data


def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_fit_mlp_writes_the_report_with_the_network_section(frame, tmp_path):
    path = tmp_path / "data.csv"
    frame.to_csv(path, index=False)
    out = tmp_path / "out"
    result = invoke("fit", path, "-t", "y", "--model", "mlp", *SMALL, "-o", out)
    assert result.exit_code == 0, result.output
    assert "against the same network trained without decay" in " ".join(result.output.split())
    html = (out / "report.html").read_text(encoding="utf-8")
    for heading in (
        "<h2>Neural network (hidden=(8,))</h2>",
        "Validation loss, gap and ‖W‖ against λ",
        "Training curves at the chosen λ",
        "Training curves without decay (λ = 0)",
        "Which parameters are decayed",
    ):
        assert heading in html
    assert html.count("<img") == 3 and "<h2>Coefficients</h2>" not in html
    kpis = json.loads((out / "kpis.json").read_text(encoding="utf-8"))
    assert kpis["decay_kind"] == "l2 (λ)" and kpis["task"] == "regression"
    assert html.index('<p class="headline">l2 (λ) = ') < html.index("Key performance indicators")
    assert kpis["headline"].startswith("l2 (λ) = ")
    training = pd.read_csv(out / "training.csv")
    assert list(training.columns[:4]) == ["epoch", "train_loss", "val_loss", "gap"]
    # the saved file (both networks, the search summary) rebuilds the same section
    again = invoke("report", out / "model.zip", path, "-o", tmp_path / "rebuilt")
    assert again.exit_code == 0, again.output
    rebuilt = (tmp_path / "rebuilt" / "report.html").read_text(encoding="utf-8")
    for heading in (
        "<h2>Neural network (hidden=(8,))</h2>",
        "Training curves at the chosen λ",
        "Training curves without decay (λ = 0)",
    ):
        assert heading in rebuilt
    assert rebuilt.count("<img") == 3
    assert kpis["headline"] in unescape(rebuilt)  # the same KPIs, the same sentence


def _decayed_norm(net):
    weights = [m.weight for m in net.modules() if isinstance(m, torch.nn.Linear)]
    return float(torch.sqrt(sum((w.detach() ** 2).sum() for w in weights)))


def test_kpis_are_the_model_against_its_undecayed_twin(frame, tmp_path):
    options = Options(target="y", model="mlp", mlp=MLPOptions.from_cli("8", "auto", epochs=6))
    result = run_fit(frame, options, None)
    model, kpis, split = result.model, result.kpis, result.split
    test_mse = mean_squared_error(split.y_test, model.predict(split.X_test))
    assert kpis.test["mse"] == pytest.approx(test_mse, rel=1e-12)
    assert kpis.decay == model.l2_ == model.search_.l2_
    assert kpis.weight_decay == pytest.approx(model.search_.weight_decay_)
    assert kpis.norm_decayed == pytest.approx(_decayed_norm(model.model_), rel=1e-12)
    twin = type(model)(**{**model.get_params(), "l2": 0.0}).fit(split.X_train, split.y_train)
    base_mse = mean_squared_error(split.y_test, twin.predict(split.X_test))
    assert kpis.baseline_test["mse"] == pytest.approx(base_mse, rel=1e-12)
    assert kpis.error_reduction_pct == pytest.approx(100 * (base_mse - test_mse) / base_mse)
    assert kpis.gap == pytest.approx(kpis.test["mse"] - kpis.train["mse"])


def test_classifier_with_adamw_names_the_decay_decoupled(frame, tmp_path):
    frame = frame.assign(y=np.where(frame["y"] > 1.0, "high", "low"))
    options = Options(
        target="y", model="mlp", positive_class="low",
        mlp=MLPOptions.from_cli("8", "0.01", optimizer="adamw", epochs=5, batch_size=0),
    )  # fmt: skip
    result = run_fit(frame, options, tmp_path / "out")
    kpis, split = result.kpis, result.split
    assert kpis.decay_kind.startswith("AdamW weight_decay") and kpis.weight_decay == 0.01
    proba = result.model.predict_proba(split.X_test)
    expected = log_loss(split.y_test, proba, labels=result.model.classes_)
    assert kpis.test["log_loss"] == pytest.approx(expected, rel=1e-12)
    pred = result.model.predict(split.X_test)
    assert kpis.positive_class == "low"
    assert kpis.test["f1"] == pytest.approx(f1_score(split.y_test, pred, pos_label="low"))
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "AdamW weight_decay = 0.01 (decoupled: no λ)" in html


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--model", "ridge", "--hidden", "8"], "--hidden applies to --model mlp only"),
        (["--epochs", "3", "--lr", "0.1"], "--lr, --epochs apply to --model mlp only"),
        (["--model", "mlp", "--optimizer", "lbfgs"], "lbfgs trains one given λ"),
        (["--model", "mlp", "--hidden", "8,x"], "hidden must be comma-separated"),
        (["--model", "mlp", "--l2", "-1"], "l2 must be 'auto' or a finite number"),
        (["--model", "mlp", "--epochs", "0"], "epochs must be an integer >= 1"),
    ],
)
def test_bad_network_options_exit_2_before_reading_the_data(tmp_path, args, message):
    result = invoke("fit", tmp_path / "absent.csv", "-t", "y", *args)  # no such file
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())


def test_compare_refuses_a_network(frame, tmp_path):
    path = tmp_path / "data.csv"
    frame.to_csv(path, index=False)
    result = invoke("compare", path, "-t", "y", "--model", "mlp", "-o", tmp_path / "o")
    assert result.exit_code == 2 and "use fit for --model mlp" in result.output


def test_help_does_not_import_torch():
    code = (
        "import sys\n"
        "from ridgeway.app.cli import app\n"
        "for args in (['--help'], ['fit', '--help']):\n"
        "    try:\n"
        "        app(args)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print('torch' in sys.modules, 'keras' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert "--optimizer" in done.stdout
    assert done.stdout.strip().splitlines()[-1] == "False False"
