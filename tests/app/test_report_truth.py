"""What `ridgeway fit` / `compare` print and write states what was computed (issue 11)."""

import json
import re

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics
from typer.testing import CliRunner

from ridgeway.app import cli
from ridgeway.app.workflow import Options, run_fit

runner = CliRunner()


def run(*args):
    return runner.invoke(cli.app, [str(a) for a in args])


@pytest.fixture
def table(rng):
    n = 120
    frame = pd.DataFrame(
        {
            "size": rng.normal(size=n) * 50 + 100,
            "age": rng.normal(size=n) * 10 + 40,
            "city": rng.choice(["Oslo", "Rome", "Lima"], size=n),
        }
    )
    frame["price"] = 3 * frame["size"] - 2 * frame["age"] + 10 * (frame["city"] == "Rome")
    frame["price"] += 40 * rng.normal(size=n)
    noisy = frame["price"] + 150 * rng.normal(size=n)
    frame["label"] = np.where(noisy > noisy.median(), "dear", "cheap")
    return frame


def test_headline_first_settings_not_fold_indices(table, tmp_path):
    path = tmp_path / "d.csv"
    table.drop(columns=["label"]).to_csv(path, index=False)
    res = run("fit", path, "-t", "price", "--cv", "4", "--out", tmp_path / "o")
    assert res.exit_code == 0, res.output
    assert res.stdout.lstrip().startswith("λ = ")  # progress and notes go to stderr
    assert "4-fold CV with the min rule" in res.output
    html = (tmp_path / "o" / "report.html").read_text(encoding="utf-8")
    assert html.index('class="headline"') < html.index("Key performance indicators")
    done = html[html.index("What was done") :]
    assert "4-fold CV (shuffled, seed 0), rule min" in done
    assert "array(" not in done and "cv=[" not in done  # settings, not the model's repr
    assert "exact linear dependenc" in html  # one-hot city beside the intercept, explained
    kpis = json.loads((tmp_path / "o" / "kpis.json").read_text())
    assert kpis["choice"]["strength_min"] > 0 and "strength_1se" in kpis["choice"]
    assert any(f["coef"] < 0 for f in kpis["features"])  # age lowers the price: signed


def test_signed_coefficients_match_the_model(table):
    result = run_fit(table.drop(columns=["label"]), Options(target="price", cv=4), None)
    coef = dict(zip(result.split.X_train.columns, result.model.coef_))
    for name, value, _, _ in result.kpis.features:
        assert value == pytest.approx(coef[name])
    assert coef["age"] < 0


def test_compare_svm_compares_svms_with_a_named_positive_class(table, tmp_path):
    path = tmp_path / "d.csv"
    table.drop(columns=["price"]).to_csv(path, index=False)
    res = run("compare", path, "-t", "label", "--model", "svm", "--cv", "3",
              "--positive-class", "dear", "--out", tmp_path / "o")  # fmt: skip
    assert res.exit_code == 0, res.output
    comparison = pd.read_csv(tmp_path / "o" / "comparison.csv")
    assert list(comparison["model"]) == ["L2 (linear SVM)", "none"]
    assert list(comparison["estimator"]) == ["LinearSVCCV", "LinearSVC"]
    html = (tmp_path / "o" / "report.html").read_text(encoding="utf-8")
    assert "L2 vs no penalty (same folds" in html and "L2 vs L1" not in html
    assert "separable" not in html  # overlapping classes: no separability note
    kpis = json.loads((tmp_path / "o" / "kpis.json").read_text())
    assert kpis["positive_class"] == "dear" and "positive class: dear" in kpis["averaging"]


def test_positive_class_drives_f1(table):
    frame = table.drop(columns=["price"])
    for positive in ("dear", "cheap"):
        result = run_fit(frame, Options(target="label", cv=3, positive_class=positive), None)
        split = result.split
        pred = result.model.predict(split.X_test)
        f1 = metrics.f1_score(split.y_test, pred, pos_label=positive)
        assert result.kpis.test["f1"] == pytest.approx(f1)
        assert result.kpis.positive_class == positive


def test_loo_fit_beside_a_five_fold_comparison_says_which_is_which(table, tmp_path):
    options = Options(target="price", model="ridge", cv="loo")
    result = run_fit(table.drop(columns=["label"]), options, tmp_path / "o", compare=True)
    assert "exact leave-one-out" in result.kpis.headline
    rows = result.comparison.table.set_index("model")["λ chosen by"]
    assert rows["L2 (ridge)"] == "5-fold CV, rule min" and rows["none"].startswith("—")
    html = (tmp_path / "o" / "report.html").read_text(encoding="utf-8")
    assert re.search(r"L2 vs L1 vs elastic net vs no penalty", html)


def test_bad_positive_class_is_refused_before_fitting(table, tmp_path):
    path = tmp_path / "d.csv"
    table.to_csv(path, index=False)
    res = run("fit", path, "-t", "label", "--positive-class", "pricey", "--out", tmp_path / "o")
    assert res.exit_code == 2 and "positive class must be one of ['cheap', 'dear']" in res.output
    res = run("fit", path, "-t", "price", "--positive-class", "dear", "--out", tmp_path / "o")
    assert res.exit_code == 2 and "applies to two classes" in res.output
    assert not (tmp_path / "o").exists()
