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
