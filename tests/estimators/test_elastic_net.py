"""ElasticNet, Lasso and their CV versions against scikit-learn with converted parameters."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import ElasticNet as SkElasticNet
from sklearn.linear_model import ElasticNetCV as SkElasticNetCV
from sklearn.linear_model import Lasso as SkLasso
from sklearn.linear_model import LassoCV as SkLassoCV
from sklearn.model_selection import KFold
from sklearn.utils.estimator_checks import check_estimator

from ridgeway.conventions import from_sklearn_elastic_net, to_sklearn_elastic_net
from ridgeway.estimators.elastic_net import (
    ElasticNet,
    ElasticNetCV,
    Lasso,
    LassoCV,
    elastic_net_path,
)

TIGHT = {"tol": 1e-14, "max_iter": 200_000}


def make_data(rng, n=80, p=12, sparse=False):
    X = rng.normal(size=(n, p)) * rng.uniform(0.5, 3.0, p) + rng.normal(size=p)
    if sparse:
        X = sp.csr_matrix(np.where(rng.uniform(size=(n, p)) < 0.5, X, 0.0))
    coef = np.where(rng.uniform(size=p) < 0.5, rng.normal(size=p), 0.0)
    y = X @ coef + 0.5 * rng.normal(size=n) + 2.0
    return X, y


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_elastic_net_matches_sklearn(rng, sparse, weighted, atol=1e-6):
    X, y = make_data(rng, sparse=sparse)
    w = rng.uniform(0.3, 2.0, 80) if weighted else None
    model = ElasticNet(l1=4.0, l2=30.0, tol=1e-14).fit(X, y, sample_weight=w)
    alpha, ratio = to_sklearn_elastic_net(4.0, 30.0, 80 if w is None else w.sum())
    ref = SkElasticNet(alpha=alpha, l1_ratio=ratio, **TIGHT).fit(X, y, sample_weight=w)
    np.testing.assert_allclose(model.coef_, ref.coef_, atol=atol)
    np.testing.assert_allclose(model.intercept_, ref.intercept_, atol=10 * atol)
    np.testing.assert_allclose(model.predict(X), ref.predict(X), atol=10 * atol)
    assert model.solution_.converged and model.dual_gap_ <= 1e-14
    assert model.solution_.details["duality_gap"] == model.dual_gap_
    assert model.solution_.certificate == model.kkt_violation_ <= model.solution_.tol


@pytest.mark.parametrize("sparse", [False, True])
def test_lasso_matches_sklearn_p_greater_than_n(rng, sparse, atol=1e-6):
    X, y = make_data(rng, n=30, p=60, sparse=sparse)
    l1 = 15.0
    model = Lasso(l1=l1, tol=1e-14, max_iter=100_000).fit(X, y)
    ref = SkLasso(alpha=l1 / 30, **TIGHT).fit(X, y)
    np.testing.assert_allclose(model.coef_, ref.coef_, atol=atol)
    assert np.count_nonzero(model.coef_) < 30


def test_params_from_sklearn_round_trip(rng, atol=1e-6):
    X, y = make_data(rng)
    l1, l2 = from_sklearn_elastic_net(0.05, 0.3, 80)
    model = ElasticNet(l1=l1, l2=l2, tol=1e-14).fit(X, y)
    ref = SkElasticNet(alpha=0.05, l1_ratio=0.3, **TIGHT).fit(X, y)
    np.testing.assert_allclose(model.coef_, ref.coef_, atol=atol)


def test_standardize_penalizes_scaled_features(rng, atol=1e-8):
    X, y = make_data(rng)
    w = rng.uniform(0.5, 1.5, 80)
    model = ElasticNet(l1=3.0, l2=5.0, standardize=True, tol=1e-14).fit(X, y, sample_weight=w)
    mean = w @ X / w.sum()
    sd = np.sqrt(w @ (X - mean) ** 2 / w.sum())
    scaled = ElasticNet(l1=3.0, l2=5.0, tol=1e-14).fit(X / sd, y, sample_weight=w)
    np.testing.assert_allclose(model.coef_, scaled.coef_ / sd, atol=atol)
    np.testing.assert_allclose(model.intercept_, scaled.intercept_, atol=atol)


def test_l1_zero_is_weighted_ridge(rng, atol=1e-7):
    X, y = make_data(rng)
    w = rng.uniform(0.5, 1.5, 80)
    l2 = 7.0
    model = ElasticNet(l1=0.0, l2=l2, tol=1e-15, max_iter=100_000).fit(X, y, sample_weight=w)
    Xc, yc = X - w @ X / w.sum(), y - w @ y / w.sum()
    coef = np.linalg.solve(Xc.T @ (w[:, None] * Xc) + l2 * np.eye(12), Xc.T @ (w * yc))
    np.testing.assert_allclose(model.coef_, coef, atol=atol)


def test_penalty_factor_zero_leaves_feature_unpenalized(rng):
    X, y = make_data(rng)
    factors = np.ones(12)
    factors[0] = 0.0
    model = Lasso(l1=1e6, penalty_factor=factors).fit(X, y)
    assert np.count_nonzero(model.coef_) == 1 and model.coef_[0] != 0
    ols = np.polyfit(X[:, 0], y, 1)[0]
    np.testing.assert_allclose(model.coef_[0], ols, rtol=1e-6)


def test_sample_weight_two_is_a_repeated_row(rng, atol=1e-7):
    X, y = make_data(rng, n=40)
    w = np.ones(40)
    w[:5] = 2.0
    rows = np.r_[np.arange(40), np.arange(5)]
    a = ElasticNet(l1=2.0, l2=1.0, tol=1e-14).fit(X, y, sample_weight=w)
    b = ElasticNet(l1=2.0, l2=1.0, tol=1e-14).fit(X[rows], y[rows])
    np.testing.assert_allclose(a.coef_, b.coef_, atol=atol)


def test_two_dimensional_y_fits_each_column(rng):
    X, y = make_data(rng)
    Y = np.c_[y, -2 * y + 1]
    model = ElasticNet(l1=2.0, l2=1.0).fit(X, Y)
    assert model.coef_.shape == (2, 12) and model.predict(X).shape == (80, 2)
    single = ElasticNet(l1=2.0, l2=1.0).fit(X, Y[:, 1])
    np.testing.assert_allclose(model.coef_[1], single.coef_, atol=1e-8)


def test_convergence_warning_when_max_iter_is_hit(rng):
    X, y = make_data(rng)
    with pytest.warns(ConvergenceWarning, match="max_iter"):
        model = Lasso(l1=1e-3, max_iter=1, tol=1e-12).fit(X, y)
    assert not model.solution_.converged


@pytest.mark.parametrize(
    ("estimator", "match"),
    [
        (ElasticNet(l1=-1.0), "l1 must be a finite number >= 0; got -1.0"),
        (ElasticNet(l2=np.nan), "l2 must be a finite number >= 0"),
        (Lasso(l1="a"), "l1 must be a finite number >= 0"),
        (Lasso(tol=0), "tol must be a number in"),
        (Lasso(max_iter=0), "max_iter must be an integer >= 1"),
        (Lasso(penalty_factor=[1, 2]), r"penalty_factor must have shape \(12,\)"),
        (Lasso(penalty_factor=-np.ones(12)), "penalty_factor must be >= 0"),
        (ElasticNetCV(l1_share=0.0), r"l1_share must be in \(0, 1\]"),
        (ElasticNetCV(l1_share=[0.5, 1.5]), r"l1_share must be in \(0, 1\]"),
        (ElasticNetCV(rule="max"), "rule must be one of"),
        (ElasticNetCV(n_grid=0), "n_grid must be an integer >= 1"),
        (ElasticNetCV(eps=0), "eps must be a number in"),
        (LassoCV(scoring="accuracy"), "scoring must be None or one of"),
    ],
)
def test_bad_parameters(rng, estimator, match):
    X, y = make_data(rng)
    with pytest.raises((ValueError, TypeError), match=match):
        estimator.fit(X, y)


def test_bad_data(rng):
    X, y = make_data(rng)
    X[3, 2] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        Lasso().fit(X, y)
    with pytest.raises(ValueError, match="y must have one row per sample"):
        Lasso().fit(np.ones((5, 2)), np.ones(4))


# ----- cross-validation --------------------------------------------------------------------


@pytest.mark.parametrize(("gram", "rtol"), [(True, 1e-6), (False, 1e-4)])
def test_cv_matches_sklearn_elastic_net_cv(rng, gram, rtol):
    """Same grid and folds: the same validation curve and the same choice.

    (p > n: near-interpolating fits at the small end of the grid are determined only to the
    solvers' tolerances, hence the looser rtol there.)
    """
    n, p = (120, 10) if gram else (40, 70)
    X, y = make_data(rng, n=n, p=p)
    folds = KFold(4, shuffle=True, random_state=0)
    model = ElasticNetCV(l1_share=0.6, n_grid=30, eps=1e-3, cv=folds, tol=1e-12).fit(X, y)
    ref = SkElasticNetCV(l1_ratio=0.6, alphas=30, cv=folds, tol=1e-12, max_iter=100_000).fit(X, y)
    np.testing.assert_allclose(model.cv_results_["l1"] + model.cv_results_["l2"], ref.alphas_ * n)
    np.testing.assert_allclose(
        model.cv_results_["mean_score"], -ref.mse_path_.mean(axis=1), rtol=rtol
    )
    assert model.l1_ + model.l2_ == pytest.approx(ref.alpha_ * n)
    np.testing.assert_allclose(model.coef_, ref.coef_, atol=1e-5)


def test_lasso_cv_matches_sklearn_lasso_cv(rng):
    X, y = make_data(rng, n=100)
    model = LassoCV(n_grid=25, eps=1e-3, cv=5, tol=1e-12).fit(X, y)  # sklearn eps
    ref = SkLassoCV(alphas=25, cv=5, tol=1e-12, max_iter=100_000).fit(X, y)
    assert model.l1_ == pytest.approx(ref.alpha_ * 100) and model.l2_ == 0.0
    np.testing.assert_allclose(model.coef_, ref.coef_, atol=1e-5)


def test_cv_results_layout_and_rules(rng):
    X, y = make_data(rng, n=90)
    model = ElasticNetCV(l1_share=0.5, n_grid=20, cv=3).fit(X, y)
    res = model.cv_results_
    for key in ("l1", "l2", "mean_score", "std_error", "train_score", "df", "n_nonzero"):
        assert res[key].shape == (20,), key
    assert res["fold_scores"].shape == (20, 3) and model.coef_path_.shape == (20, 12)
    assert np.all(res["n_nonzero"][0] == 0) and res["n_nonzero"][-1] > 0
    assert np.all(res["l1"] == res["l2"]) and np.all(np.diff(res["l1"]) < 0)
    np.testing.assert_array_equal(model.coef_, model.coef_path_[model.best_index_])
    assert np.all(res["dual_gap"] <= 1e-6)
    one_se = ElasticNetCV(l1_share=0.5, n_grid=20, cv=3, rule="1se").fit(X, y)
    assert one_se.l1_ >= model.l1_
    best = res["mean_score"][model.best_index_]
    chosen = one_se.best_index_
    assert res["mean_score"][chosen] >= best - res["std_error"][model.best_index_] - 1e-12


def test_cv_with_several_mixes_and_weights_sparse(rng):
    X, y = make_data(rng, n=90, sparse=True)
    w = rng.uniform(0.5, 2.0, 90)
    model = ElasticNetCV(l1_share=[0.2, 1.0], n_grid=15, cv=3).fit(X, y, sample_weight=w)
    res = model.cv_results_
    assert res["mean_score"].shape == (2, 15) and res["fold_scores"].shape == (2, 15, 3)
    assert model.coef_path_.shape == (2, 15, 12) and model.l1_share_ in (0.2, 1.0)
    m, k = model.best_index_
    assert res["mean_score"][m, k] == np.nanmax(res["mean_score"])
    dense = ElasticNetCV(l1_share=[0.2, 1.0], n_grid=15, cv=3).fit(X.toarray(), y, sample_weight=w)
    np.testing.assert_allclose(dense.cv_results_["mean_score"], res["mean_score"], rtol=1e-6)


def test_cv_fold_penalty_is_scaled(rng):
    """Each fold's fit equals a direct fit on its rows with λ·W_train/W."""
    X, y = make_data(rng, n=60)
    folds = list(KFold(3).split(X))
    model = ElasticNetCV(l1_share=0.5, n_grid=5, cv=folds, tol=1e-12).fit(X, y)
    train, test = folds[1]
    l1, l2 = model.cv_results_["l1"][2], model.cv_results_["l2"][2]
    direct = ElasticNet(l1=l1 * 40 / 60, l2=l2 * 40 / 60, tol=1e-12).fit(X[train], y[train])
    mse = np.mean((y[test] - direct.predict(X[test])) ** 2)
    np.testing.assert_allclose(model.cv_results_["fold_scores"][2, 1], -mse, rtol=1e-6)


@pytest.mark.parametrize(
    "estimator",
    [ElasticNet(), Lasso(), ElasticNetCV(n_grid=10), LassoCV(n_grid=10, cv=3)],
    ids=lambda e: type(e).__name__,
)
def test_check_estimator(estimator):
    failures = [
        f for f in check_estimator(estimator, on_fail=None, on_skip=None) if f["status"] == "failed"
    ]
    assert not failures, [(f["check_name"], str(f["exception"])[:200]) for f in failures]


def test_elastic_net_path_is_certified_and_starts_at_zero(rng):
    X, y = make_data(rng)
    l1, l2, path = elastic_net_path(X, y, l1_share=0.25, n_grid=30, eps=1e-2)
    assert path.coef.shape == (30, 12) and np.all(path.gap <= 1e-6) and np.all(path.converged)
    assert np.all(path.coef[0] == 0) and np.count_nonzero(path.coef[1]) > 0
    np.testing.assert_allclose(l1 / (l1 + l2), 0.25)
    np.testing.assert_allclose(path.intercept[0], y.mean())
    single = ElasticNet(l1=l1[10], l2=l2[10], tol=1e-12).fit(X, y)
    np.testing.assert_allclose(path.coef[10], single.coef_, atol=1e-4)


# ----- the one core: solver= and the selection result ---------------------------------------


@pytest.mark.parametrize("sparse", [False, True])
def test_solver_names_give_the_same_fit(rng, sparse, atol=1e-7):
    X, y = make_data(rng, sparse=sparse)
    fits = [
        ElasticNet(l1=4.0, l2=30.0, tol=1e-14, solver=name).fit(X, y)
        for name in ("auto", "cd-gram", "cd-residual")
    ]
    assert fits[0].solution_.solver == "cd-gram" and fits[2].solution_.solver == "cd-residual"
    for fit in fits[1:]:
        np.testing.assert_allclose(fit.coef_, fits[0].coef_, atol=atol)
    cv = [LassoCV(n_grid=10, cv=3, solver=n).fit(X, y) for n in ("cd-gram", "cd-residual")]
    np.testing.assert_allclose(cv[0].cv_results_["mean_score"], cv[1].cv_results_["mean_score"],
                               rtol=1e-5)  # fmt: skip


def test_bad_solver_is_named(rng):
    X, y = make_data(rng)
    with pytest.raises(ValueError, match="solver must be 'auto' or one of"):
        ElasticNet(solver="cholesky").fit(X, y)
    with pytest.raises(TypeError, match="needs a smooth penalty"):
        Lasso(solver="newton-cholesky").fit(X, y)
    with pytest.raises(TypeError, match="needs a smooth penalty"):
        LassoCV(solver="lbfgs").fit(X, y)


def test_selection_result_and_rule_indices(rng):
    X, y = make_data(rng, n=90)
    model = ElasticNetCV(l1_share=0.5, n_grid=20, cv=3).fit(X, y)
    res, sel = model.cv_results_, model.selection_
    assert sel.method == "kfold" and sel.best_index[0] == model.best_index_
    np.testing.assert_allclose(sel.l2, res["l1"] + res["l2"])  # the rules' grid: l1 + l2
    assert res["index_min"] == model.best_index_ and res["index_1se"] <= res["index_min"]
    one_se = ElasticNetCV(l1_share=0.5, n_grid=20, cv=3, rule="1se").fit(X, y)
    assert one_se.best_index_ == res["index_1se"]
    K = res["fold_scores"].shape[1]
    np.testing.assert_allclose(res["std_error"], res["fold_scores"].std(1, ddof=1) / np.sqrt(K))
    np.testing.assert_allclose(res["gap"], res["train_score"] - res["mean_score"])
    mixes = ElasticNetCV(l1_share=[0.3, 1.0], n_grid=10, cv=3).fit(X, y)
    m, k = mixes.best_index_
    assert tuple(mixes.cv_results_["index_min"]) == (m, k)
    assert mixes.selection_.mean_score.shape == (10,) and mixes.l1_share_ == [0.3, 1.0][m]
