"""KPIs that do not misstate (issue 11): signs, degenerate baselines, df, cond, both rules."""

import math

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics

import ridgeway as rw
from ridgeway.estimators.logistic import LogisticRegressionCV
from ridgeway.evaluation.choice import lambda_choice
from ridgeway.evaluation.kpis import compute_kpis
from ridgeway.evaluation.reference import DesignGram


def correlated(rng, n=80):
    """Two nearly collinear features: least squares gives them opposite signs, ridge not."""
    z = rng.normal(size=n)
    X = np.column_stack([z + 0.01 * rng.normal(size=n), z + 0.01 * rng.normal(size=n)])
    y = z + 0.5 * rng.normal(size=n)
    return pd.DataFrame(X, columns=["a", "b"]), y


def test_coefficients_are_signed_and_sign_changes_flagged(rng):
    for _ in range(20):  # find a draw where least squares splits the signs
        X, y = correlated(rng)
        ols = np.linalg.lstsq(np.column_stack([np.ones(len(y)), X]), y, rcond=None)[0][1:]
        if ols[0] * ols[1] < 0:
            break
    model = rw.Ridge(l2=50.0).fit(X[:60], y[:60])
    k = compute_kpis(model, X[:60], y[:60], X[60:], y[60:])
    ols = np.linalg.lstsq(np.column_stack([np.ones(60), X[:60]]), y[:60], rcond=None)[0][1:]
    for (_name, coef, base, flip), c, b in zip(k.features, model.coef_, ols):
        assert coef == pytest.approx(c) and base == pytest.approx(b, rel=1e-8)
        assert flip == bool(np.sign(c) != np.sign(b))
    assert np.all(model.coef_ > 0) and any(f[3] for f in k.features)
    assert set(k.sign_changes) == {f[0] for f in k.features if f[3]}
    assert k.to_dict()["features"][0]["coef"] == pytest.approx(model.coef_[0])
    assert "flips the sign" in k.headline


def separable(rng, n=120):
    X = rng.normal(size=(n, 3))
    y = np.where(X[:, 0] > 0, "yes", "no")
    X[:, 0] += np.where(y == "yes", 1.0, -1.0)  # a margin of 2
    return X, y


def test_separable_classes_say_so_and_avoid_log_loss(rng):
    X, y = separable(rng)
    model = LogisticRegressionCV(cv=4, n_grid=6).fit(X[:90], y[:90])
    k = compute_kpis(model, X[:90], y[:90], X[90:], y[90:])
    assert k.baseline_degenerate and "separable" in k.baseline_degenerate
    assert k.error_metric == "error_rate"  # log-loss against 0/1 probabilities explodes
    errors = 1 - metrics.accuracy_score(y[90:], model.predict(X[90:]))
    assert k.test["error_rate"] == pytest.approx(errors)
    if k.baseline_test["error_rate"] == 0:
        assert math.isnan(k.error_reduction_pct) and "no test error" in k.error_reduction_note
    assert "separable" in k.headline


def test_overlapping_classes_have_no_separability_note(rng):
    X = rng.normal(size=(300, 3))
    y = np.where(X[:, 0] + rng.normal(size=300) > 0, "good", "bad")
    model = LogisticRegressionCV(cv=4, n_grid=6).fit(X[:200], y[:200])
    k = compute_kpis(model, X[:200], y[:200], X[200:], y[200:])
    assert k.baseline_degenerate is None and k.error_metric == "log_loss"
    assert not any("separable" in note for note in k.notes)
    base_ll, ll = k.baseline_test["log_loss"], k.test["log_loss"]
    assert k.error_reduction_pct == pytest.approx(100 * (base_ll - ll) / base_ll)


def test_interpolating_least_squares_is_named(rng):
    X = rng.normal(size=(40, 60))
    y = X[:, 0] + rng.normal(size=40)
    model = rw.RidgeCV(cv=5).fit(X[:30], y[:30])
    k = compute_kpis(model, X[:30], y[:30], X[30:], y[30:])
    assert k.baseline_degenerate and "interpolates" in k.baseline_degenerate
    assert k.gram_nullity == 60 - 29 and math.isinf(k.cond_gram)
    assert "more features than rows" in k.headline


def test_positive_class_is_named_and_used(rng):
    X = rng.normal(size=(200, 3))
    y = np.where(X[:, 0] + 0.5 * rng.normal(size=200) > 0, "good", "bad")
    model = LogisticRegressionCV(cv=3, n_grid=5).fit(X[:150], y[:150])
    k = compute_kpis(model, X[:150], y[:150], X[150:], y[150:], positive_class="bad")
    pred, proba = model.predict(X[150:]), model.predict_proba(X[150:])
    assert k.test["f1"] == pytest.approx(metrics.f1_score(y[150:], pred, pos_label="bad"))
    column = list(model.classes_).index("bad")
    auc = metrics.roc_auc_score(y[150:] == "bad", proba[:, column])
    assert k.test["roc_auc"] == pytest.approx(auc)
    assert k.positive_class == "bad" and "positive class: bad" in k.averaging
    default = compute_kpis(model, X[:150], y[:150], X[150:], y[150:])
    assert default.positive_class == "good"  # classes_[1], named
    with pytest.raises(ValueError, match="positive_class must be one of"):
        compute_kpis(model, X[:150], y[:150], X[150:], y[150:], positive_class="ugly")


def test_effective_df_counts_the_intercept_for_every_family(rng):
    X = rng.normal(size=(100, 8))
    y = X[:, :3] @ np.array([2.0, -1.0, 0.5]) + rng.normal(size=100)
    ols = compute_kpis(rw.Ridge(l2=0.0).fit(X, y), X, y, X, y)
    assert ols.effective_df == pytest.approx(9.0)  # 8 coefficients + the intercept
    lasso = rw.LassoCV(cv=4).fit(X, y)
    results = lasso.cv_results_
    np.testing.assert_array_equal(results["df"], results["n_nonzero"] + 1)
    k = compute_kpis(lasso, X, y, X, y)
    assert k.effective_df == np.count_nonzero(lasso.coef_) + 1
    plain = rw.Lasso(l1=5.0).fit(X, y)
    assert compute_kpis(plain, X, y, X, y).effective_df == np.count_nonzero(plain.coef_) + 1


def test_one_hot_columns_are_counted_not_alarming(rng):
    levels = rng.integers(0, 3, size=90)
    onehot = np.eye(3)[levels]  # the levels sum to one: one dependency with the intercept
    X = np.column_stack([rng.normal(size=(90, 2)), onehot])
    y = X[:, 0] + levels + rng.normal(size=90)
    k = compute_kpis(rw.Ridge(l2=1.0).fit(X[:60], y[:60]), X[:60], y[:60], X[60:], y[60:])
    Xc = X[:60] - X[:60].mean(axis=0)
    eig = np.linalg.eigvalsh(Xc.T @ Xc)
    assert k.gram_nullity == 1 and math.isinf(k.cond_gram)
    assert k.cond_gram_identified == pytest.approx(eig[-1] / eig[1], rel=1e-8)
    assert k.cond_penalized == pytest.approx((eig[-1] + 1) / (eig[0] + 1), rel=1e-8)
    assert any("1 exact linear dependencies" in n and "one-hot" in n for n in k.notes)


def test_the_kernel_gives_the_grams_spectrum_when_p_exceeds_n(rng):
    X = rng.normal(size=(20, 50))
    wide = DesignGram.of(X, fit_intercept=True)
    Xc = X - X.mean(axis=0)
    eig = np.linalg.eigvalsh(Xc.T @ Xc)
    kept = eig[eig > eig.max() * 1e-12]
    np.testing.assert_allclose(wide.eigenvalues, kept, rtol=1e-9)
    assert wide.nullity == 50 - 19
    assert wide.cond(2.0) == pytest.approx((eig[-1] + 2) / 2.0, rel=1e-9)


def test_standardized_penalty_is_conditioned_on_its_own_space(rng):
    X = rng.normal(size=(80, 4)) * np.array([1.0, 10.0, 100.0, 0.1])
    y = X @ np.ones(4) + rng.normal(size=80)
    model = rw.Ridge(l2=3.0, standardize=True).fit(X, y)
    k = compute_kpis(model, X, y, X, y)
    Xs = (X - X.mean(axis=0)) / X.std(axis=0)
    gram = Xs.T @ Xs
    assert k.cond_penalized == pytest.approx(np.linalg.cond(gram + 3.0 * np.eye(4)), rel=1e-8)
    assert k.cond_gram == pytest.approx(np.linalg.cond(gram), rel=1e-8)


def test_both_rules_and_the_grid_edge(rng):
    X = rng.normal(size=(60, 5))
    y = X[:, 0] + rng.normal(size=60)
    model = rw.RidgeCV(cv=5, rule="1se").fit(X, y)
    c = lambda_choice(model)
    results = model.cv_results_
    grid = np.asarray(results["l2"])
    assert c.strength_min == grid[results["index_min"]]
    assert c.strength_1se == grid[results["index_1se"]] == model.l2_
    assert c.score_min == pytest.approx(-results["mean_score"][results["index_min"]])
    assert c.metric == "MSE" and c.scheme == "5-fold CV" and c.rule == "1se"
    k = compute_kpis(model, X, y, X, y)
    assert "5-fold CV with the 1se rule" in k.headline and "min rule's λ" in k.headline
    # a grid that stops short of the optimum: the choice is its largest value, and it says so
    pure_noise = rng.normal(size=60)
    edge = rw.RidgeCV(l2=np.logspace(-6, -3, 5), cv="loo").fit(X, pure_noise)
    c = lambda_choice(edge)
    assert c.edge_min == "largest" and c.scheme == "exact leave-one-out"
    assert "largest value of the grid" in compute_kpis(edge, X, y, X, y).headline


def test_approximate_loo_is_not_called_exact(rng):
    X = rng.normal(size=(120, 3))
    y = (X[:, 0] + rng.normal(size=120) > 0).astype(int)
    model = LogisticRegressionCV(cv="alo", n_grid=5).fit(X, y)
    c = lambda_choice(model)
    assert c.scheme.startswith("approximate leave-one-out") and c.metric == "log-loss"
    assert "exact" not in compute_kpis(model, X, y, X, y).headline


def test_multiclass_signs_per_class(rng):
    from ridgeway.estimators.logistic import LogisticRegression

    X = rng.normal(size=(240, 3))
    y = np.digitize(X[:, 0] + 0.3 * rng.normal(size=240), [-0.5, 0.5])
    model = LogisticRegression(l2=30.0).fit(X[:180], y[:180])
    k = compute_kpis(model, X[:180], y[:180], X[180:], y[180:], feature_names=list("abc"))
    base = LogisticRegression(l2=1e-8 * 180).fit(X[:180], y[:180])
    for row, label in enumerate(model.classes_):
        for j, name in enumerate("abc"):
            coef, baseline = k.coef_by_class[str(label)][name]
            assert coef == pytest.approx(model.coef_[row, j])
            assert baseline == pytest.approx(base.coef_[row, j], rel=1e-4, abs=1e-6)
    expected = {
        f"{name} (class {label})"
        for row, label in enumerate(model.classes_)
        for j, name in enumerate("abc")
        if model.coef_[row, j] * base.coef_[row, j] < 0
    }
    assert set(k.sign_changes) == expected
    assert k.to_dict()["coef_by_class"]["0"]["a"]["coef"] == pytest.approx(model.coef_[0, 0])
