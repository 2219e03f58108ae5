"""KPIs against scikit-learn's metrics and closed forms."""

import json
import math

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics

import ridgeway as rw
from ridgeway.estimators.logistic import LogisticRegression, LogisticRegressionCV
from ridgeway.estimators.svm import LinearSVC
from ridgeway.evaluation.kpis import compute_kpis


def regression_data(rng, n=120, p=6, scales=None):
    X = rng.normal(size=(n, p)) * (1.0 if scales is None else np.asarray(scales))
    y = X @ rng.normal(size=p) + rng.normal(size=n)
    return X[:90], y[:90], X[90:], y[90:]


def test_regression_values_match_sklearn(rng):
    X, y, Xt, yt = regression_data(rng)
    model = rw.RidgeCV(cv="loo").fit(X, y)
    k = compute_kpis(model, X, y, Xt, yt)
    pred, pred_train = model.predict(Xt), model.predict(X)
    assert k.test["mse"] == pytest.approx(metrics.mean_squared_error(yt, pred), rel=1e-12)
    assert k.test["rmse"] == pytest.approx(math.sqrt(metrics.mean_squared_error(yt, pred)))
    assert k.test["mae"] == pytest.approx(metrics.mean_absolute_error(yt, pred), rel=1e-12)
    assert k.test["r2"] == pytest.approx(metrics.r2_score(yt, pred), rel=1e-12)
    train_mse = metrics.mean_squared_error(y, pred_train)
    assert k.gap == pytest.approx(k.test["mse"] - train_mse, rel=1e-12)
    ols = np.linalg.lstsq(np.column_stack([np.ones(90), X]), y, rcond=None)[0]
    ols_mse = np.mean((yt - ols[0] - Xt @ ols[1:]) ** 2)
    assert k.baseline_test["mse"] == pytest.approx(ols_mse, rel=1e-9)
    assert k.error_reduction_pct == pytest.approx(100 * (ols_mse - k.test["mse"]) / ols_mse)
    assert k.coef_norm2 == pytest.approx(np.linalg.norm(model.coef_))
    assert k.baseline_coef_norm2 == pytest.approx(np.linalg.norm(ols[1:]), rel=1e-9)
    assert k.l2 == model.l2_
    best = int(model.cv_results_["best_index"][0])
    assert k.effective_df == pytest.approx(model.cv_results_["df"][best])


def test_conditioning_closed_form(rng):
    X, y, Xt, yt = regression_data(rng)
    model = rw.Ridge(l2=5.0).fit(X, y)
    k = compute_kpis(model, X, y, Xt, yt)
    Xc = X - X.mean(axis=0)
    assert k.cond_gram == pytest.approx(np.linalg.cond(Xc.T @ Xc), rel=1e-8)
    assert k.cond_penalized == pytest.approx(np.linalg.cond(Xc.T @ Xc + 5 * np.eye(6)), rel=1e-8)
    assert k.cond_penalized < k.cond_gram


def test_scale_warning_only_without_standardize(rng):
    X, y, Xt, yt = regression_data(rng, scales=[1, 1, 1, 1, 1, 1e4])
    plain = compute_kpis(rw.Ridge(l2=1.0).fit(X, y), X, y, Xt, yt)
    scaled = compute_kpis(rw.Ridge(l2=1.0, standardize=True).fit(X, y), X, y, Xt, yt)
    assert plain.scale_warning and "standardize" in plain.scale_warning
    assert scaled.scale_warning is None


def test_singular_design_reports_infinite_condition(rng):
    X = rng.normal(size=(30, 4))
    X = np.column_stack([X, X[:, 0]])  # duplicated column: XᵀX singular
    y = X[:, 0] + rng.normal(size=30)
    k = compute_kpis(rw.Ridge(l2=1.0).fit(X[:20], y[:20]), X[:20], y[:20], X[20:], y[20:])
    assert math.isinf(k.cond_gram) and math.isfinite(k.cond_penalized)
    assert json.loads(k.to_json())["cond_gram"] is None  # JSON has no inf


def test_binary_classification_matches_sklearn(rng):
    X = rng.normal(size=(200, 4))
    y = np.where(X[:, 0] + 0.5 * rng.normal(size=200) > 0, "good", "bad")
    model = LogisticRegressionCV(cv=4).fit(X[:150], y[:150])
    k = compute_kpis(model, X[:150], y[:150], X[150:], y[150:])
    Xt, yt = X[150:], y[150:]
    pred, proba = model.predict(Xt), model.predict_proba(Xt)
    assert k.test["f1"] == pytest.approx(metrics.f1_score(yt, pred, pos_label="good"))
    assert k.test["precision"] == pytest.approx(metrics.precision_score(yt, pred, pos_label="good"))
    assert k.test["recall"] == pytest.approx(metrics.recall_score(yt, pred, pos_label="good"))
    assert k.test["accuracy"] == pytest.approx(metrics.accuracy_score(yt, pred))
    assert k.test["roc_auc"] == pytest.approx(metrics.roc_auc_score(yt == "good", proba[:, 1]))
    assert k.test["log_loss"] == pytest.approx(metrics.log_loss(yt, proba))
    train_acc = metrics.accuracy_score(y[:150], model.predict(X[:150]))
    assert k.gap == pytest.approx(train_acc - k.test["accuracy"])
    assert "binary" in k.averaging
    base = LogisticRegression(l2=1e-8 * 150).fit(X[:150], y[:150])
    base_ll = metrics.log_loss(yt, base.predict_proba(Xt))
    assert k.baseline_test["log_loss"] == pytest.approx(base_ll, rel=1e-6)
    assert any("1e-8·n" in note for note in k.notes)


def test_multiclass_macro_and_ovr_auc(rng):
    X = rng.normal(size=(240, 3))
    y = np.digitize(X[:, 0] + 0.3 * rng.normal(size=240), [-0.5, 0.5])
    model = LogisticRegression(l2=1.0).fit(X[:180], y[:180])
    k = compute_kpis(model, X[:180], y[:180], X[180:], y[180:])
    Xt, yt = X[180:], y[180:]
    pred, proba = model.predict(Xt), model.predict_proba(Xt)
    assert k.test["f1"] == pytest.approx(metrics.f1_score(yt, pred, average="macro"))
    assert k.test["roc_auc"] == pytest.approx(
        metrics.roc_auc_score(yt, proba, multi_class="ovr", average="macro")
    )
    assert k.averaging.startswith("macro")
    assert len(k.features) == 3  # one magnitude per feature over the classes


def test_svm_uses_decision_values_and_error_rate(rng):
    X = rng.normal(size=(160, 3))
    y = (X[:, 1] + 0.5 * rng.normal(size=160) > 0).astype(int)
    model = LinearSVC(l2=1.0).fit(X[:120], y[:120])
    k = compute_kpis(model, X[:120], y[:120], X[120:], y[120:])
    auc = metrics.roc_auc_score(y[120:], model.decision_function(X[120:]))
    assert k.test["roc_auc"] == pytest.approx(auc)
    assert math.isnan(k.test["log_loss"]) and k.error_metric == "error_rate"


def test_outputs_are_consistent(rng):
    X, y, Xt, yt = regression_data(rng)
    names = [f"x{j}" for j in range(6)]
    frame = pd.DataFrame(X, columns=names)
    model = rw.RidgeCV().fit(frame, y)
    k = compute_kpis(model, frame, y, pd.DataFrame(Xt, columns=names), yt)
    d = json.loads(k.to_json())
    assert d["test"]["mse"] == pytest.approx(k.test["mse"])
    assert [f["feature"] for f in d["features"]] == names
    md = k.to_markdown()
    assert md.startswith(k.headline) and "| KPI | value |" in md and "RidgeCV" in md
    assert "<table" in k.to_html() and "‖β‖₂" in k.to_html()
    with pytest.raises(AttributeError):
        k.gap = 0.0  # frozen
