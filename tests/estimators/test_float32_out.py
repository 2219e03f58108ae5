"""Issue 10 (item 2): float32 data give float32 coefficients from the logistic, SVM and
elastic-net families (as from Ridge and scikit-learn), equal to the float64 fit on the same
(rounded) data to float32 rounding: the solve itself is not done in float32."""

import numpy as np
import pytest
import scipy.sparse as sp

import ridgeway as rw

CASES = [
    (rw.LogisticRegression, {}, "binary"),
    (rw.LogisticRegression, {}, "three"),
    (rw.LogisticRegressionCV, {"n_grid": 4}, "binary"),
    (rw.LinearSVC, {}, "binary"),
    (rw.LinearSVCCV, {"n_grid": 4}, "binary"),
    (rw.ElasticNet, {"l1": 0.1, "l2": 0.1}, "real"),
    (rw.Lasso, {"l1": 0.1}, "real"),
    (rw.ElasticNetCV, {"n_grid": 5}, "real"),
    (rw.LassoCV, {"n_grid": 5}, "real"),
]


@pytest.fixture
def data(rng):
    X = rng.standard_normal((60, 5)).astype(np.float32)
    return X, {
        "real": (X @ np.arange(1.0, 6.0) + rng.standard_normal(60)).astype(np.float32),
        "binary": (X[:, 0] + 0.3 * rng.standard_normal(60) > 0).astype(int),
        "three": np.digitize(X[:, 0], [-0.5, 0.5]),
    }


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("cls, params, target", CASES)
def test_float32_in_float32_out(data, cls, params, target, sparse):
    X, targets = data
    y = targets[target]
    X32 = sp.csr_matrix(X) if sparse else X
    X64 = sp.csr_matrix(X.astype(np.float64)) if sparse else X.astype(np.float64)
    fit32, fit64 = cls(**params).fit(X32, y), cls(**params).fit(X64, y)
    assert fit32.coef_.dtype == np.float32
    assert np.asarray(fit32.intercept_).dtype == np.float32
    if hasattr(fit32, "coef_path_"):
        assert fit32.coef_path_.dtype == np.float32
    assert fit64.coef_.dtype == np.float64
    scale = np.abs(fit64.coef_).max()
    np.testing.assert_allclose(fit32.coef_, fit64.coef_, rtol=0, atol=4e-7 * scale)
    np.testing.assert_allclose(fit32.intercept_, fit64.intercept_, rtol=0, atol=4e-7 * scale)
