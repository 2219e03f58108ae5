"""RidgeCV and RidgeClassifierCV: fast formulas against brute-force refits."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import SkipTestWarning
from sklearn.linear_model import Ridge as SkRidge
from sklearn.linear_model import RidgeCV as SkRidgeCV
from sklearn.model_selection import GroupKFold, KFold
from sklearn.utils.estimator_checks import check_estimator

import ridgeway as rw
from helpers import make_regression

GRID = np.array([1e-3, 0.1, 1.0, 10.0, 300.0])


def brute_force_loo(X, y, w, grid, **ridge_kwargs):
    """Weighted mean squared LOO error per λ, by n refits."""
    n = X.shape[0]
    scores = []
    for l2 in grid:
        errors = np.empty(n)
        for i in range(n):
            keep = np.arange(n) != i
            model = rw.Ridge(l2=l2, **ridge_kwargs).fit(X[keep], y[keep], sample_weight=w[keep])
            errors[i] = np.mean((y[i] - model.predict(X[i : i + 1])[0]) ** 2)
        scores.append(-np.sum(w * errors) / w.sum())
    return np.array(scores)


@pytest.mark.parametrize("shape", [(30, 5), (14, 25)])
@pytest.mark.parametrize("options", [{}, {"tikhonov": "diff1"}, {"fit_intercept": False}])
def test_loo_equals_brute_force(rng, shape, options, rtol=1e-7):
    X, y = make_regression(rng, *shape, k=2)
    w = rng.uniform(0.2, 2.0, shape[0])
    model = rw.RidgeCV(l2=GRID, cv="loo", **options).fit(X, y, sample_weight=w)
    expected = brute_force_loo(X, y, w, GRID, **options)
    np.testing.assert_allclose(model.cv_results_["mean_score"], expected, rtol=rtol)


def test_loo_matches_sklearn_ridgecv_choice(rng):
    X, y = make_regression(rng, 200, 10, noise=5.0)
    grid = np.geomspace(1e-2, 1e4, 40)
    ours = rw.RidgeCV(l2=grid).fit(X, y)
    ref = SkRidgeCV(alphas=grid).fit(X, y)
    assert ours.l2_ == ref.alpha_
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-8)
    np.testing.assert_allclose(ours.best_score_, ref.best_score_, rtol=1e-8)


def test_gcv_is_the_real_gcv(rng):
    X, y = make_regression(rng, 40, 6)
    w = rng.uniform(0.5, 2.0, 40)
    model = rw.RidgeCV(l2=GRID, cv="gcv").fit(X, y, sample_weight=w)
    for j, l2 in enumerate(GRID):
        A = np.column_stack([np.ones(40), X])
        P = np.diag(np.r_[0.0, np.full(6, l2)])
        H = A @ np.linalg.solve(A.T @ (w[:, None] * A) + P, A.T * w)
        resid = y - H @ y
        df = np.trace(H)
        gcv = (np.sum(w * resid**2) / w.sum()) / (1 - df / 40) ** 2
        np.testing.assert_allclose(model.cv_results_["mean_score"][j], -gcv, rtol=1e-9)
        np.testing.assert_allclose(model.cv_results_["df"][j], df, rtol=1e-9)
    loo = rw.RidgeCV(l2=GRID, cv="loo").fit(X, y, sample_weight=w)
    assert not np.allclose(model.cv_results_["mean_score"], loo.cv_results_["mean_score"])


@pytest.mark.parametrize("shape", [(60, 6), (18, 30)])
def test_kfold_equals_refitting_each_fold(rng, shape):
    X, y = make_regression(rng, *shape)
    w = rng.uniform(0.2, 2.0, shape[0])
    splitter = KFold(4, shuffle=True, random_state=0)
    model = rw.RidgeCV(l2=GRID, cv=splitter, penalty_factor=np.r_[0.0, np.ones(shape[1] - 1)])
    model.fit(X, y, sample_weight=w)
    for f, (train, test) in enumerate(splitter.split(X)):
        for j, l2 in enumerate(GRID):
            scaled = l2 * w[train].sum() / w.sum()
            ref = rw.Ridge(l2=scaled, penalty_factor=np.r_[0.0, np.ones(shape[1] - 1)])
            ref.fit(X[train], y[train], sample_weight=w[train])
            err = np.sum(w[test] * (y[test] - ref.predict(X[test])) ** 2) / w[test].sum()
            np.testing.assert_allclose(model.cv_results_["fold_scores"][j, f], -err, rtol=1e-8)


def test_kfold_against_sklearn_refits(rng):
    X, y = make_regression(rng, 50, 5)
    model = rw.RidgeCV(l2=GRID, cv=5).fit(X, y)
    for f, (train, test) in enumerate(KFold(5).split(X)):
        for j, l2 in enumerate(GRID):
            ref = SkRidge(alpha=l2 * len(train) / 50).fit(X[train], y[train])
            err = np.mean((y[test] - ref.predict(X[test])) ** 2)
            np.testing.assert_allclose(model.cv_results_["fold_scores"][j, f], -err, rtol=1e-8)


@pytest.mark.parametrize("shape", [(60, 4), (30, 40)])
def test_splits_whose_training_set_is_not_the_complement(rng, shape):
    from sklearn.model_selection import ShuffleSplit, TimeSeriesSplit

    X, y = make_regression(rng, *shape)
    for splitter in [TimeSeriesSplit(3), ShuffleSplit(3, train_size=0.5, random_state=0)]:
        model = rw.RidgeCV(l2=GRID, cv=splitter).fit(X, y)
        for f, (train, test) in enumerate(splitter.split(X)):
            for j, l2 in enumerate(GRID):
                ref = rw.Ridge(l2=l2 * train.size / shape[0]).fit(X[train], y[train])
                err = np.mean((y[test] - ref.predict(X[test])) ** 2)
                np.testing.assert_allclose(model.cv_results_["fold_scores"][j, f], -err, rtol=1e-8)


def test_groups_reach_the_splitter(rng):
    X, y = make_regression(rng, 40, 4)
    groups = np.repeat(np.arange(8), 5)
    model = rw.RidgeCV(l2=GRID, cv=GroupKFold(4)).fit(X, y, groups=groups)
    assert model.cv_results_["fold_scores"].shape == (GRID.size, 4)


def test_one_standard_error_rule_picks_larger_l2(rng):
    X, y = make_regression(rng, 80, 10, noise=3.0)
    best = rw.RidgeCV(cv=5, rule="min").fit(X, y)
    simple = rw.RidgeCV(cv=5, rule="1se").fit(X, y)
    res = simple.cv_results_
    assert simple.l2_ >= best.l2_
    i_best = int(np.argmax(res["mean_score"]))
    i = int(np.flatnonzero(res["l2"] == simple.l2_)[0])
    assert res["mean_score"][i] >= res["mean_score"][i_best] - res["std_error"][i_best]
    larger = res["l2"] > simple.l2_
    threshold = res["mean_score"][i_best] - res["std_error"][i_best]
    assert np.all(res["mean_score"][larger] < threshold)


def test_results_shape_path_and_per_target(rng):
    X, y = make_regression(rng, 60, 5, k=2)
    y[:, 1] = y[:, 1] * 0.0 + 5.0 * rng.normal(size=60)  # pure noise: wants a big λ
    model = rw.RidgeCV(cv="loo", per_target=True).fit(X, y)
    res = model.cv_results_
    for key in ("l2", "mean_score", "std_error", "train_score", "df", "gap"):
        assert res[key].shape == (100,)
    assert res["mean_score_per_target"].shape == (100, 2)
    assert model.coef_path_.shape == (100, 2, 5)
    assert model.l2_[1] > model.l2_[0]
    for j in range(2):
        ref = rw.Ridge(l2=model.l2_[j]).fit(X, y[:, j])
        np.testing.assert_allclose(model.coef_[j], ref.coef_, rtol=1e-9, atol=1e-12)
    assert np.all(np.diff(res["df"]) < 0) and 1 < res["df"][0] < 6


def test_coef_path_matches_individual_fits(rng):
    X, y = make_regression(rng, 40, 4)
    model = rw.RidgeCV(l2=GRID).fit(X, y)
    for j, l2 in enumerate(GRID):
        np.testing.assert_allclose(model.coef_path_[j], rw.Ridge(l2=l2).fit(X, y).coef_)


def test_ridge_classifier_matches_sklearn_and_loo(rng):
    from sklearn.linear_model import RidgeClassifier as SkRidgeClassifier

    X, _ = make_regression(rng, 90, 5)
    labels = np.array(["a", "b", "c"])[np.argmax(X[:, :3] + rng.normal(size=(90, 3)), axis=1)]
    ours = rw.RidgeClassifier(l2=2.0).fit(X, labels)
    ref = SkRidgeClassifier(alpha=2.0).fit(X, labels)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-9)
    assert np.all(ours.predict(X) == ref.predict(X))
    cv = rw.RidgeClassifierCV(l2=GRID).fit(X, labels)
    # LOO accuracy by brute force at the chosen λ
    hits = []
    for i in range(90):
        keep = np.arange(90) != i
        m = rw.RidgeClassifier(l2=cv.l2_).fit(X[keep], labels[keep])
        hits.append(m.predict(X[i : i + 1])[0] == labels[i])
    np.testing.assert_allclose(cv.best_score_, np.mean(hits))


def test_bad_cv_arguments(rng):
    X, y = make_regression(rng, 20, 3)
    with pytest.raises(ValueError, match="cv must be"):
        rw.RidgeCV(cv="lol").fit(X, y)
    with pytest.raises(ValueError, match="rule must be"):
        rw.RidgeCV(rule="best").fit(X, y)
    with pytest.raises(ValueError, match="l2 must contain finite numbers >= 0"):
        rw.RidgeCV(l2=[1.0, -2.0]).fit(X, y)
    with pytest.raises(ValueError, match="n_grid must be an integer"):
        rw.RidgeCV(n_grid=0).fit(X, y)
    with pytest.raises(ValueError, match="scoring must be"):
        rw.RidgeCV(scoring="accuracy").fit(X, y)
    with pytest.raises(ValueError, match="standard error"):
        rw.RidgeCV(scoring="r2", rule="1se").fit(X, y)
    with pytest.raises(ValueError, match="2 classes"):
        rw.RidgeClassifierCV().fit(X, np.ones(20))


@pytest.mark.parametrize(
    "estimator",
    [rw.Ridge(), rw.RidgeCV(), rw.RidgeCV(cv=3), rw.RidgeClassifier(), rw.RidgeClassifierCV()],
    ids=lambda e: repr(e),
)
def test_check_estimator(estimator):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SkipTestWarning)  # array-API checks need SCIPY_ARRAY_API
        results = check_estimator(estimator, on_fail=None)
    failures = [f for f in results if f["status"] == "failed"]
    assert not failures, [(f["check_name"], str(f["exception"])[:200]) for f in failures]


@pytest.mark.parametrize("options", [{}, {"fit_intercept": False}, {"tikhonov": "diff1"}])
def test_certificate_and_objective_at_the_chosen_l2(rng, options):
    X, y = make_regression(rng, 80, 6, k=2)
    w = rng.uniform(0.5, 2.0, 80)
    prior = rng.normal(size=6)
    model = rw.RidgeCV(l2=GRID, cv=4, prior=prior, **options).fit(X, y, sample_weight=w)
    assert model.solution_.converged and model.solution_.certificate < 1e-10
    G = np.diff(np.eye(6), axis=0) if options.get("tikhonov") else np.eye(6)
    resid = y - model.predict(X)
    delta = model.coef_ - prior
    expected = 0.5 * np.sum(w[:, None] * resid**2) + 0.5 * model.l2_ * np.sum((delta @ G.T) ** 2)
    np.testing.assert_allclose(model.solution_.objective, expected, rtol=1e-9)


def test_kfold_scores_from_moments_match_predictions(rng):
    """Squared error from held-out moments equals scoring the held-out predictions."""
    X, y = make_regression(rng, 70, 5, k=3)
    w = rng.uniform(0.2, 2.0, 70)
    fast = rw.RidgeCV(l2=GRID, cv=5, fit_intercept=False).fit(X, y, sample_weight=w)
    slow = rw.RidgeCV(l2=GRID, cv=5, fit_intercept=False, scoring="neg_mean_absolute_error")
    slow.fit(X, y, sample_weight=w)
    for f, (train, test) in enumerate(KFold(5).split(X)):
        ref = rw.Ridge(l2=GRID[2] * w[train].sum() / w.sum(), fit_intercept=False)
        ref.fit(X[train], y[train], sample_weight=w[train])
        err = np.average((y[test] - ref.predict(X[test])) ** 2, axis=0, weights=w[test])
        np.testing.assert_allclose(
            fast.cv_results_["fold_scores_per_target"][2, f], -err, rtol=1e-9
        )
    assert slow.cv_results_["fold_scores"].shape == fast.cv_results_["fold_scores"].shape


@pytest.mark.parametrize("solver", ["auto", "gram-eigh", "kernel-eigh", "svd"])
def test_fold_routes_come_from_the_table_and_agree(rng, solver):
    # n ≥ p for the whole data, n_train < p for the folds: the table picks the Gram route for
    # the refit and the kernel route for the folds (auto); named routes decompose every fold
    X, y = make_regression(rng, 24, 20)
    w = rng.uniform(0.5, 2.0, 24)
    w[[3, 17]] = 0.0  # zero-weight rows: outside the kernel block, scored all the same
    model = rw.RidgeCV(l2=GRID, cv=4, solver=solver).fit(X, y, sample_weight=w)
    for f, (train, test) in enumerate(KFold(4).split(X)):
        for j, l2 in enumerate(GRID):
            scaled = l2 * w[train].sum() / w.sum()
            ref = SkRidge(alpha=scaled).fit(X[train], y[train], sample_weight=w[train])
            err = np.sum(w[test] * (y[test] - ref.predict(X[test])) ** 2) / w[test].sum()
            np.testing.assert_allclose(model.cv_results_["fold_scores"][j, f], -err, rtol=1e-8)


def test_lcurve_scores_are_the_inverse_curvature(rng):
    from ridgeway.inverse import parameter_choice as pc
    from ridgeway.inverse import problems

    A, b, _ = problems.shaw(40)
    bn = problems.add_noise(b, 1e-2, rng)
    grid = np.geomspace(1e-8, 1.0, 40)
    model = rw.RidgeCV(l2=grid, cv="lcurve", fit_intercept=False).fit(A, bn)
    spectrum = rw.inverse.tikhonov(A, bn, lam=0.1).spectrum
    kappa = pc.curvature(spectrum, np.sqrt(grid))  # the inverse's λ is √l2
    np.testing.assert_allclose(model.cv_results_["mean_score"], kappa, rtol=1e-6, atol=1e-9)
    assert model.l2_ == grid[np.argmax(kappa)] and model.selection_.method == "lcurve"
    assert np.isnan(model.cv_results_["std_error"]).all()  # a criterion, not a CV estimate


def test_discrepancy_meets_the_noise_variance(rng):
    X, y = make_regression(rng, 60, 8)
    grid = np.geomspace(1e-3, 1e3, 30)
    model = rw.RidgeCV(l2=grid, cv="discrepancy", noise=0.8).fit(X, y)
    mse = [np.mean((y - SkRidge(alpha=a).fit(X, y).predict(X)) ** 2) for a in grid]
    expected = -np.abs(np.asarray(mse) - 0.64)
    np.testing.assert_allclose(model.cv_results_["mean_score"], expected, rtol=1e-8, atol=1e-12)
    assert model.l2_ == grid[np.argmax(expected)]
    with pytest.raises(ValueError, match="noise must be a finite number > 0"):
        rw.RidgeCV(cv="discrepancy").fit(X, y)
    with pytest.raises(ValueError, match="rule='1se' needs a standard error"):
        rw.RidgeCV(l2=grid, cv="lcurve", rule="1se").fit(X, y)
    with pytest.raises(ValueError, match="cv must be 'loo', 'gcv', an int"):
        rw.RidgeClassifierCV(cv="lcurve").fit(X, y > 0)


@pytest.mark.parametrize("cv", ["loo", "gcv", 3])
def test_one_value_grid_that_interpolates_is_the_minimum_norm_fit(rng, cv):
    # n <= p at λ ≈ 0: every held-out score is undefined, but a one-value grid has nothing
    # to choose (issue 10, item 4): the fit is Ridge's minimum-norm interpolant
    X, y = rng.normal(size=(12, 30)), rng.normal(size=12)
    model = rw.RidgeCV(l2=[1e-16], cv=cv).fit(X, y)
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    expected = np.linalg.pinv(Xc) @ yc
    np.testing.assert_allclose(model.coef_, expected, rtol=0, atol=1e-10)
    np.testing.assert_allclose(model.coef_, rw.Ridge(l2=1e-16).fit(X, y).coef_, atol=1e-12)
    assert model.l2_ == 1e-16 and model.cv_results_["best_index"] == 0


def test_selection_shapes_follow_parameters_not_data(rng):
    # issue 10, item 9: per_target=True gives one λ and one score per target even when all
    # targets agree; a 1-D y gives floats whatever per_target says
    X, y = make_regression(rng, 60, 5)
    same = np.column_stack([y, y])
    for per_target, Y, kind in [(True, same, (2,)), (True, y, float), (False, same, float),
                                (False, y, float)]:  # fmt: skip
        model = rw.RidgeCV(l2=GRID, per_target=per_target).fit(X, Y)
        for value in (model.l2_, model.best_score_):
            if kind is float:
                assert isinstance(value, float)
            else:
                assert isinstance(value, np.ndarray) and value.shape == kind
    model = rw.RidgeCV(l2=GRID, per_target=True).fit(X, same)
    assert model.l2_[0] == model.l2_[1]
    np.testing.assert_allclose(model.best_score_, rw.RidgeCV(l2=GRID).fit(X, y).best_score_)
