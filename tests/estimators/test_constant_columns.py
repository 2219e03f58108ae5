"""Issue 10 item 7: a column constant to rounding (all rows identical, or a constant feature
beside informative ones) gets coefficient exactly 0 in every family, and the rest of the fit
is the fit without it — no λ grid or coefficient read off the rounding noise of the mean."""

import numpy as np
import pytest
import scipy.sparse as sp

import ridgeway as rw
from ridgeway.statistics import constant_columns, without_constant_columns

REGRESSORS = [
    (rw.Ridge, {"l2": 1e-10}),
    (rw.Ridge, {"l2": 1.0, "standardize": True}),
    (rw.RidgeCV, {}),
    (rw.RidgeCV, {"cv": 4}),
    (rw.ElasticNet, {"l1": 0.01, "l2": 0.1}),
    (rw.LassoCV, {"n_grid": 8}),
    (rw.ElasticNetCV, {"n_grid": 8}),
]
CLASSIFIERS = [
    (rw.LogisticRegression, {"l2": 1e-3}),
    (rw.LogisticRegressionCV, {"n_grid": 6}),
    (rw.LinearSVC, {"l2": 1e-2}),
    (rw.LinearSVCCV, {"n_grid": 6}),
]


@pytest.fixture
def data(rng):
    """Two informative columns, two constant ones whose mean is not exact in floating point."""
    n = 61
    informative = rng.standard_normal((n, 2))
    constant = np.tile(rng.standard_normal(2) * [10.0, 1e3], (n, 1))
    X = np.column_stack([informative[:, 0], constant[:, 0], informative[:, 1], constant[:, 1]])
    y = informative @ [1.5, -2.0] + 0.3 * rng.standard_normal(n) + 4.0
    return X, y


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("cls, params", REGRESSORS + CLASSIFIERS)
def test_constant_columns_get_zero_and_leave_the_rest(data, cls, params, sparse):
    X, y = data
    if (cls, params) in CLASSIFIERS:
        y = (y > np.median(y)).astype(int)
    fit = cls(**params).fit(sp.csr_matrix(X) if sparse else X, y)
    coef = np.ravel(fit.coef_)
    assert coef[1] == 0.0 and coef[3] == 0.0
    reference = cls(**params).fit(X[:, [0, 2]], y)
    np.testing.assert_allclose(coef[[0, 2]], np.ravel(reference.coef_), rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(fit.predict(X), reference.predict(X[:, [0, 2]]), rtol=1e-6,
                               atol=1e-8)  # fmt: skip


@pytest.mark.parametrize("cls, params", REGRESSORS + CLASSIFIERS)
def test_all_rows_identical(rng, cls, params):
    X = np.tile(rng.standard_normal((1, 4)) * [1.0, 10.0, 1e3, 1e-2], (50, 1))
    y = rng.standard_normal(50)
    if (cls, params) in CLASSIFIERS:
        y = (y > 0).astype(int)
    fit = cls(**params).fit(X, y)
    assert np.all(np.ravel(fit.coef_) == 0.0)
    grid = getattr(fit, "cv_results_", {}).get("l2")
    if grid is not None:  # not read off rounding noise (it was 1e-38 … 1e-34)
        assert np.min(grid) >= 1e-6 or not np.any(grid)  # elastic net: nothing to select


def test_prior_on_a_constant_column_keeps_predictions(data):
    X, y = data
    prior = np.array([0.0, 2.0, 0.0, -1.0])
    fit = rw.Ridge(l2=1.0, prior=prior).fit(X, y)
    assert fit.coef_[1] == 2.0 and fit.coef_[3] == -1.0  # the penalty's own choice
    reference = rw.Ridge(l2=1.0).fit(X[:, [0, 2]], y)
    np.testing.assert_allclose(fit.predict(X), reference.predict(X[:, [0, 2]]), rtol=1e-10)


def test_constant_columns_mask(rng):
    X = rng.standard_normal((30, 4))
    X[:, 1] = 0.1
    X[5:, 2] = 7.0
    w = np.ones(30)
    w[:5] = 0.0  # column 2 is constant where the weights are positive
    assert constant_columns(X).tolist() == [False, True, False, False]
    assert constant_columns(X, w).tolist() == [False, True, True, False]
    assert constant_columns(sp.csc_matrix(X), w).tolist() == [False, True, True, False]
    X[3, 1] = 0.1 * (1 + 1e-12)  # a real (tiny) spread is information
    assert not constant_columns(X)[1]
    Z, values = without_constant_columns(X, w, fit_intercept=True)
    assert np.all(Z[:, 2] == 0) and values[2] == 7.0 and Z is not X
    assert without_constant_columns(X, w, fit_intercept=False)[0] is X
