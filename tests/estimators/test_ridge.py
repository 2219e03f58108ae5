"""Ridge against scikit-learn, statsmodels and NIST; invariants; bad input."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.linear_model import Ridge as SkRidge

import ridgeway as rw
from helpers import make_regression
from ridgeway.datasets import load_longley

# NIST StRD certified values for Longley (https://www.itl.nist.gov/div898/strd/lls/data/Longley.shtml)
LONGLEY_COEF = np.array(
    [
        15.0618722713733,
        -0.358191792925910e-01,
        -2.02022980381683,
        -1.03322686717359,
        -0.511041056535807e-01,
        1829.15146461355,
    ]
)
LONGLEY_INTERCEPT = -3482258.63459582


@pytest.mark.parametrize("shape", [(60, 8), (25, 40)])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_matches_sklearn_with_weights_and_targets(rng, shape, fit_intercept, atol=1e-8):
    X, y = make_regression(rng, *shape, k=3)
    w = rng.uniform(0.1, 3.0, shape[0])
    for l2 in [1e-3, 1.0, 50.0]:
        ours = rw.Ridge(l2=l2, fit_intercept=fit_intercept).fit(X, y, sample_weight=w)
        ref = SkRidge(alpha=l2, fit_intercept=fit_intercept, solver="svd").fit(
            X, y, sample_weight=w
        )
        np.testing.assert_allclose(ours.coef_, ref.coef_, atol=atol, rtol=1e-8)
        np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=atol * 100, rtol=1e-8)
        assert ours.solution_.converged, ours.solution_.summary()


def test_per_target_l2(rng):
    X, y = make_regression(rng, 50, 5, k=2)
    ours = rw.Ridge(l2=[0.5, 20.0]).fit(X, y)
    for j, l2 in enumerate([0.5, 20.0]):
        ref = SkRidge(alpha=l2).fit(X, y[:, j])
        np.testing.assert_allclose(ours.coef_[j], ref.coef_, rtol=1e-9, atol=1e-10)


def test_sparse_matches_dense_and_stays_sparse(rng):
    X = sp.random(200, 30, density=0.2, random_state=1, format="csr")
    y = rng.normal(size=200)
    dense = rw.Ridge(l2=2.0).fit(X.toarray(), y)
    sparse = rw.Ridge(l2=2.0).fit(X, y)
    np.testing.assert_allclose(sparse.coef_, dense.coef_, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(sparse.intercept_, dense.intercept_, rtol=1e-9)
    np.testing.assert_allclose(sparse.predict(X), dense.predict(X.toarray()), rtol=1e-9)
    wide = sp.random(20, 60, density=0.3, random_state=2, format="csr")
    ref = SkRidge(alpha=1.0).fit(wide.toarray(), y[:20])
    np.testing.assert_allclose(rw.Ridge(l2=1.0).fit(wide, y[:20]).coef_, ref.coef_, atol=1e-9)


def test_longley_ols_reproduces_nist_certified_values(digits=9):
    data = load_longley()
    X, y = data.drop(columns="TOTEMP"), data["TOTEMP"]
    model = rw.Ridge(l2=0.0).fit(X, y)
    assert model.decomposition_ == "svd"  # the Gram would square cond(X) ≈ 6e5
    np.testing.assert_allclose(model.coef_, LONGLEY_COEF, rtol=10.0**-digits)
    np.testing.assert_allclose(model.intercept_, LONGLEY_INTERCEPT, rtol=10.0**-digits)
    assert list(model.feature_names_in_) == list(X.columns)


def test_ols_matches_statsmodels(rng):
    sm = pytest.importorskip("statsmodels.api")
    X, y = make_regression(rng, 80, 6)
    w = rng.uniform(0.5, 2.0, 80)
    ref = sm.WLS(y, sm.add_constant(X), weights=w).fit()
    ours = rw.Ridge(l2=0.0).fit(X, y, sample_weight=w)
    np.testing.assert_allclose(ours.intercept_, ref.params[0], rtol=1e-9)
    np.testing.assert_allclose(ours.coef_, ref.params[1:], rtol=1e-8, atol=1e-10)


def test_underdetermined_l2_zero_is_minimum_norm(rng):
    X = rng.normal(size=(10, 25))
    y = rng.normal(size=10)
    ours = rw.Ridge(l2=0.0, fit_intercept=False).fit(X, y)
    np.testing.assert_allclose(ours.coef_, np.linalg.pinv(X) @ y, atol=1e-10)
    np.testing.assert_allclose(ours.predict(X), y, atol=1e-10)


def test_penalty_factor_zero_leaves_feature_unpenalized(rng):
    X, y = make_regression(rng, 100, 4)
    factors = np.array([0.0, 1.0, 4.0, 1.0])
    ours = rw.Ridge(l2=30.0, penalty_factor=factors).fit(X, y)
    Xc, yc = X - X.mean(0), y - y.mean()
    ref = np.linalg.solve(Xc.T @ Xc + 30.0 * np.diag(factors), Xc.T @ yc)
    np.testing.assert_allclose(ours.coef_, ref, rtol=1e-9)


@pytest.mark.parametrize("tikhonov", ["diff1", "diff2", "random"])
def test_tikhonov_matches_stacked_least_squares(rng, tikhonov):
    X, y = make_regression(rng, 70, 9)
    G = rng.normal(size=(5, 9)) if tikhonov == "random" else tikhonov  # rank 5 < p
    prior = rng.normal(size=9)
    ours = rw.Ridge(l2=3.0, tikhonov=G, prior=prior).fit(X, y)
    Gm = {"diff1": np.diff(np.eye(9), 1, axis=0), "diff2": np.diff(np.eye(9), 2, axis=0)}.get(
        tikhonov, G
    )
    A = np.vstack(
        [np.column_stack([np.ones(70), X]), np.sqrt(3.0) * np.column_stack([np.zeros(len(Gm)), Gm])]
    )
    b = np.concatenate([y, np.sqrt(3.0) * Gm @ prior])
    ref = np.linalg.lstsq(A, b, rcond=None)[0]
    np.testing.assert_allclose(ours.coef_, ref[1:], rtol=1e-8, atol=1e-9)
    np.testing.assert_allclose(ours.intercept_, ref[0], rtol=1e-8)


def test_standardize_penalizes_standardized_features(rng):
    X, y = make_regression(rng, 90, 5)
    w = rng.uniform(0.5, 2.0, 90)
    ours = rw.Ridge(l2=7.0, standardize=True).fit(X, y, sample_weight=w)
    mean = w @ X / w.sum()
    sd = np.sqrt(w @ (X - mean) ** 2 / w.sum())
    ref = SkRidge(alpha=7.0).fit((X - mean) / sd, y, sample_weight=w)
    np.testing.assert_allclose(ours.coef_, ref.coef_ / sd, rtol=1e-9)
    np.testing.assert_allclose(ours.predict(X), ref.predict((X - mean) / sd), rtol=1e-9)


def test_float32_stays_float32(rng):
    X, y = make_regression(rng, 50, 4)
    model = rw.Ridge().fit(X.astype(np.float32), y)
    assert model.coef_.dtype == np.float32


def test_sample_weight_two_equals_repeated_row(rng):
    X, y = make_regression(rng, 30, 4)
    w = np.ones(30)
    w[3] = 2.0
    weighted = rw.Ridge(l2=2.0).fit(X, y, sample_weight=w)
    repeated = rw.Ridge(l2=2.0).fit(np.vstack([X, X[3:4]]), np.append(y, y[3]))
    np.testing.assert_allclose(weighted.coef_, repeated.coef_, rtol=1e-10)


def test_limits_in_l2_and_feature_permutation(rng):
    X, y = make_regression(rng, 40, 5)
    huge = rw.Ridge(l2=1e14).fit(X, y)
    np.testing.assert_allclose(huge.coef_, 0.0, atol=1e-8)
    np.testing.assert_allclose(huge.intercept_, y.mean(), rtol=1e-8)
    tiny = rw.Ridge(l2=1e-10).fit(X, y)
    ols = np.linalg.lstsq(np.column_stack([np.ones(40), X]), y, rcond=None)[0]
    np.testing.assert_allclose(tiny.coef_, ols[1:], rtol=1e-7)
    perm = rng.permutation(5)
    permuted = rw.Ridge(l2=3.0).fit(X[:, perm], y)
    np.testing.assert_allclose(permuted.coef_, rw.Ridge(l2=3.0).fit(X, y).coef_[perm], rtol=1e-10)


def test_pandas_feature_names_and_predict_checks(rng):
    X, y = make_regression(rng, 30, 3)
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    model = rw.Ridge().fit(frame, y)
    assert list(model.feature_names_in_) == ["a", "b", "c"]
    with pytest.raises(ValueError, match=r"feature names|features"):
        model.predict(frame[["a", "b"]])
    np.testing.assert_allclose(model.predict(frame), rw.Ridge().fit(X, y).predict(X))


@pytest.mark.parametrize(
    ("kwargs", "fit_args", "match"),
    [
        ({"l2": -1.0}, {}, "l2 must be a finite number >= 0"),
        ({"l2": np.nan}, {}, "l2 must be a finite number >= 0"),
        ({"l2": "big"}, {}, "l2 must be a finite number"),
        ({}, {"X": np.full((5, 2), np.nan)}, "X must not contain NaN"),
        ({}, {"X": np.array([[np.inf, 1.0]] * 5)}, "X must not contain NaN or infinity"),
        ({}, {"y": np.ones(4)}, "y must have one row per sample"),
        ({}, {"y": np.array([1.0, np.nan, 0, 0, 0])}, "y must not contain NaN"),
        ({}, {"X": np.ones(5)}, "X must be 2-D"),
        ({}, {"X": np.empty((0, 2)), "y": np.empty(0)}, "at least 1 sample"),
        ({}, {"X": np.array([["a", "b"]] * 5)}, "X must contain numbers"),
        ({}, {"sample_weight": -np.ones(5)}, "sample_weight must be >= 0"),
        ({}, {"sample_weight": np.ones(3)}, "sample_weight must have shape"),
        ({"penalty_factor": [1.0]}, {}, "penalty_factor must have shape"),
        ({"tikhonov": "diff9"}, {}, "tikhonov must be one of"),
        ({"tikhonov": np.ones((2, 3))}, {}, "tikhonov must be a matrix with 2 columns"),
        ({"tikhonov": "diff1", "penalty_factor": [1, 1]}, {}, "cannot both be given"),
    ],
)
def test_bad_input_names_the_argument(kwargs, fit_args, match):
    args = {"X": np.arange(10.0).reshape(5, 2) ** 1.5, "y": np.arange(5.0), **fit_args}
    with pytest.raises((ValueError, TypeError), match=match):
        rw.Ridge(**kwargs).fit(args["X"], args["y"], sample_weight=args.get("sample_weight"))


def test_constant_column_with_standardize_gets_zero_coefficient(rng):
    X, y = make_regression(rng, 30, 3)
    X[:, 1] = 4.0
    model = rw.Ridge(l2=1.0, standardize=True).fit(X, y)
    assert abs(model.coef_[1]) < 1e-10


@pytest.mark.parametrize("penalty_factor", [None, [0.0, 1.0, 2.0, 1.0]])
def test_effective_degrees_of_freedom_is_trace_of_hat(rng, penalty_factor):
    X, y = make_regression(rng, 50, 4)
    w = rng.uniform(0.5, 2.0, 50)
    model = rw.Ridge(l2=4.0, penalty_factor=penalty_factor).fit(X, y, sample_weight=w)
    assert model.decomposition_ == "gram-cholesky"
    f = np.ones(4) if penalty_factor is None else np.asarray(penalty_factor)
    A = np.column_stack([np.ones(50), X])
    P = np.diag(np.r_[0.0, 4.0 * f])
    H = A @ np.linalg.solve(A.T @ (w[:, None] * A) + P, A.T * w)
    np.testing.assert_allclose(model.df_, np.trace(H), rtol=1e-10)
    assert model.solution_.converged and model.solution_.certificate < 1e-12


@pytest.mark.parametrize(
    "options", [{}, {"penalty_factor": np.r_[0.0, np.ones(29)]}, {"tikhonov": "diff1"}]
)
def test_wide_problems_dual_cholesky(rng, options):
    X, y = make_regression(rng, 15, 30)
    w = rng.uniform(0.5, 2.0, 15)
    model = rw.Ridge(l2=2.0, **options).fit(X, y, sample_weight=w)
    assert model.decomposition_ == "kernel-cholesky"
    G = {
        "penalty_factor": np.diag(np.r_[0.0, np.ones(29)]),
        "tikhonov": np.diff(np.eye(30), axis=0),
    }
    Gm = G[next(iter(options))] if options else np.eye(30)
    A = np.column_stack([np.ones(15), X])
    P = np.zeros((31, 31))
    P[1:, 1:] = 2.0 * Gm.T @ Gm
    M = A.T @ (w[:, None] * A) + P
    ref = np.linalg.solve(M, A.T @ (w * y))
    np.testing.assert_allclose(model.coef_, ref[1:], rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(model.intercept_, ref[0], rtol=1e-7, atol=1e-9)
    H = A @ np.linalg.solve(M, A.T * w)
    np.testing.assert_allclose(model.df_, np.trace(H), rtol=1e-8)


@pytest.mark.parametrize("shape", [(40, 5), (12, 30)])
def test_reported_objective_is_the_objective(rng, shape):
    X, y = make_regression(rng, *shape, k=2)
    w = rng.uniform(0.5, 2.0, shape[0])
    model = rw.Ridge(l2=3.0).fit(X, y, sample_weight=w)
    resid = y - model.predict(X)
    expected = 0.5 * np.sum(w[:, None] * resid**2) + 1.5 * np.sum(model.coef_**2)
    np.testing.assert_allclose(model.solution_.objective, expected, rtol=1e-9)


@pytest.mark.parametrize("sparse", [False, True])
def test_nothing_penalized_is_least_squares_like_ridge_cv(rng, sparse):
    # penalty_factor all 0 (issue 10): λ has no effect; the Gram Cholesky route used to
    # factor an empty penalized block and fail with a zero-size reduction
    X, y = make_regression(rng, 50, 5)
    Xs = sp.csr_matrix(X) if sparse else X
    expected = np.linalg.lstsq(np.column_stack([X, np.ones(50)]), y, rcond=None)[0]
    for l2 in (0.0, 1.0, 1e6):
        model = rw.Ridge(l2=l2, penalty_factor=[0] * 5).fit(Xs, y)
        np.testing.assert_allclose(model.coef_, expected[:5], rtol=1e-10)
        np.testing.assert_allclose(model.intercept_, expected[5], rtol=1e-10)
    cv = rw.RidgeCV(penalty_factor=np.zeros(5)).fit(Xs, y)
    np.testing.assert_allclose(cv.coef_, expected[:5], rtol=1e-10)
