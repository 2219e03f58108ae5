"""The comparison fits every penalty on the same folds and tabulates the same KPIs."""

import numpy as np
import pandas as pd
import pytest

import ridgeway as rw
from ridgeway.report.compare import compare_penalties, shared_folds


def test_regression_rows_and_shared_folds(rng):
    X = pd.DataFrame(rng.normal(size=(100, 8)), columns=[f"x{j}" for j in range(8)])
    y = X["x0"] * 2 - X["x1"] + rng.normal(size=100)
    c = compare_penalties(X[:75], y[:75], X[75:], y[75:], classification=False, n_folds=4)
    assert list(c.table["model"]) == [
        "L2 (ridge)",
        "L1 (lasso)",
        "elastic net (l1_share 0.5)",
        "none",
    ]
    folds = shared_folds(X[:75], y[:75], classification=False, n_folds=4)
    for name in ("L2 (ridge)", "L1 (lasso)"):
        used = c.models[name].get_params()["cv"]
        assert all(np.array_equal(a[1], b[1]) for a, b in zip(used, folds))
    none = c.table.set_index("model").loc["none"]
    assert none["mse reduction vs none (%)"] == pytest.approx(0.0, abs=1e-9)
    ridge = c.kpis["L2 (ridge)"]
    row = c.table.set_index("model").loc["L2 (ridge)"]
    assert row["test mse"] == ridge.test["mse"] and row["l2"] == ridge.l2
    assert c.kpis["L1 (lasso)"].l1 > 0 and c.kpis["L1 (lasso)"].l2 == 0
    assert set(c.coefficients()) == set(c.models)


def test_classification_compares_l2_l1_elastic_net_and_none(rng):
    X = np.hstack([rng.normal(size=(120, 2)), rng.normal(size=(120, 6))])
    y = np.where(X[:, 0] - X[:, 1] + rng.normal(size=120) > 0, "a", "b")
    c = compare_penalties(X[:90], y[:90], X[90:], y[90:], classification=True, n_folds=3)
    names = ["L2 (logistic)", "L1 (logistic)", "elastic net (logistic, l1_share 0.5)", "none"]
    assert list(c.table["model"]) == names
    assert not any("left out" in n for n in c.notes)
    table = c.table.set_index("model")
    for name in names[1:3]:  # the l1 rows: their chosen strengths, and what they keep
        model = c.models[name]
        assert table.loc[name, "l1"] == pytest.approx(model.l1_)
        assert table.loc[name, "non-zero"] == np.count_nonzero(np.any(model.coef_ != 0, axis=0))
    assert table.loc["L2 (logistic)", "non-zero"] == X.shape[1]  # L2 keeps every feature
    assert c.kpis["L1 (logistic)"].l2 == 0 and c.kpis["L1 (logistic)"].l1 > 0
    folds = shared_folds(X[:90], y[:90], classification=True, n_folds=3)
    used = c.models["L1 (logistic)"].get_params()["cv"]
    assert all(np.array_equal(a[1], b[1]) for a, b in zip(used, folds))
    assert c.title == "L2 vs L1 vs elastic net vs no penalty"


def test_the_family_decides_the_rows_and_the_title(rng):
    from ridgeway.estimators.svm import LinearSVCCV
    from ridgeway.report.compare import family_of, row_for

    X = rng.normal(size=(120, 3))
    y = np.where(X[:, 0] + rng.normal(size=120) > 0, "a", "b")
    c = compare_penalties(X[:90], y[:90], X[90:], y[90:], classification=True, n_folds=3,
                          family="svm", positive_class="b")  # fmt: skip
    assert list(c.table["model"]) == ["L2 (linear SVM)", "none"]
    assert type(c.models["none"]).__name__ == "LinearSVC"  # an SVM baseline, not logistic
    assert c.title == "L2 vs no penalty"
    table = c.table.set_index("model")
    assert table.loc["L2 (linear SVM)", "λ chosen by"] == "3-fold CV, rule min"
    assert table.loc["none", "λ chosen by"].startswith("—")
    assert set(table["positive class (F1, AUC)"]) == {"b"}
    svm = LinearSVCCV(cv=3).fit(X, y)
    assert family_of(svm) == "svm" and row_for(svm) == "L2 (linear SVM)"
    assert row_for(rw.ElasticNetCV(l1_share=0.5)) == "elastic net (l1_share 0.5)"
    assert row_for(rw.ElasticNetCV(l1_share=0.9)) is None  # not the row's mix: refit


def test_regression_title_and_signs(rng):
    X = pd.DataFrame(rng.normal(size=(100, 4)), columns=list("abcd"))
    y = X["a"] - X["b"] + rng.normal(size=100)
    c = compare_penalties(X[:75], y[:75], X[75:], y[75:], classification=False, n_folds=3)
    assert c.title == "L2 vs L1 vs elastic net vs no penalty"
    assert c.coefficients()["L2 (ridge)"][1] < 0  # signed
    assert not any("left out" in n for n in c.notes)
