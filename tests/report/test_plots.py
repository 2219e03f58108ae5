"""Figures are built without pyplot, mark the chosen λ, and save as PNG."""

import numpy as np

import ridgeway as rw
from ridgeway.estimators.logistic import LogisticRegressionCV
from ridgeway.evaluation.curves import validation_curve_of
from ridgeway.report import plots
from ridgeway.report.paths import coefficient_path

PNG = b"\x89PNG"


def test_ridge_figures(rng):
    X = rng.normal(size=(60, 5))
    y = X[:, 0] + rng.normal(size=60)
    model = rw.RidgeCV(cv=5).fit(X, y)
    path = coefficient_path(model)
    assert np.all(np.diff(path.strength) > 0) and path.coef.shape == (path.strength.size, 5)
    assert path.chosen == model.l2_
    curve = validation_curve_of(model)
    assert curve.strength[curve.index_min] == model.l2_  # rule "min" chose it
    assert curve.index_1se >= curve.index_min  # 1se is never a smaller λ
    figs = [
        plots.regularization_path(path, [f"x{j}" for j in range(5)]),
        plots.validation_curve(curve),
        plots.train_validation_curve(curve),
        plots.coefficient_comparison({"a": model.coef_, "b": model.coef_ / 2}, list("abcde")),
    ]
    for fig in figs:
        assert plots.figure_png(fig, dpi=40).startswith(PNG)


def test_classifier_path_refits_on_the_grid(rng):
    X = rng.normal(size=(80, 3))
    y = (X[:, 0] + rng.normal(size=80) > 0).astype(int)
    model = LogisticRegressionCV(cv=3, n_grid=5).fit(X, y)
    path = coefficient_path(model, X, y)
    at_choice = path.coef[np.flatnonzero(path.strength == model.l2_)[0]]
    np.testing.assert_allclose(at_choice, model.coef_[0], rtol=1e-6, atol=1e-9)


def _legend(fig):
    return [t.get_text() for t in fig.axes[0].get_legend().get_texts()]


def test_validation_curve_shows_the_metric_and_both_rules(rng):
    X = rng.normal(size=(60, 5))
    y = 100 * X[:, 0] + rng.normal(size=60)  # MSE spans orders of magnitude over the grid
    model = rw.RidgeCV(cv=5).fit(X, y)
    curve = validation_curve_of(model)
    fig = plots.validation_curve(curve, "MSE", -1.0)
    ax = fig.axes[0]
    assert ax.get_ylabel() == "validation MSE" and ax.get_yscale() == "log"
    line = ax.get_lines()[0].get_ydata()
    np.testing.assert_allclose(line, -curve.mean)  # MSE, not −MSE
    labels = _legend(fig)
    assert any(t.startswith("λ.min") for t in labels) and any(t.startswith("λ.1se") for t in labels)
    top = fig.axes[1]  # glmnet's top axis: effective df at a few λ
    assert top.get_xlabel() == "effective df" and len(top.get_xticks()) >= 2


def test_coinciding_rules_both_stay_visible(rng):
    X = rng.normal(size=(60, 5))
    y = X[:, 0] + rng.normal(size=60)
    curve = validation_curve_of(rw.RidgeCV(cv=5).fit(X, y))
    same = type(curve)(**{**curve.__dict__, "index_1se": curve.index_min})
    fig = plots.validation_curve(same, "MSE", -1.0)
    lines = [line for line in fig.axes[0].get_lines() if len(set(line.get_xdata())) == 1]
    verticals = [line for line in lines if line.get_linestyle() not in ("None", "")]
    assert len(verticals) == 2  # both rules drawn, with interleaved dashes
    assert verticals[0].get_color() != verticals[1].get_color()
    assert any("= λ.1se" in t for t in _legend(fig))


def test_path_of_many_features_is_one_collection(rng):
    X = rng.normal(size=(40, 300))
    y = X[:, 0] + rng.normal(size=40)
    model = rw.RidgeCV(cv=4).fit(X, y)
    fig = plots.regularization_path(coefficient_path(model), [f"x{j}" for j in range(300)])
    ax = fig.axes[0]
    assert len(ax.collections) == 1 and len(ax.collections[0].get_segments()) == 300 - 8
    assert plots.figure_png(fig, dpi=40).startswith(PNG)
