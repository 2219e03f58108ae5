"""Issue 10 item 1: float32 X is kept in memory but every Gram, kernel and moment is summed in
float64, so ridge on float32 data is as accurate as the data's own rounding allows (the
float64 solution on the rounded data), like scikit-learn's — not float32 Gram accurate."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import make_regression

import ridgeway as rw
from ridgeway.statistics import Moments, gram_rows, product, transposed_product


def brute_loo_mse(X, y, l2):
    """Mean squared leave-one-out error of ridge with intercept, refitting n times."""
    n, p = X.shape
    errors = np.empty(n)
    for i in range(n):
        keep = np.arange(n) != i
        x_mean, y_mean = X[keep].mean(0), y[keep].mean()
        Xc = X[keep] - x_mean
        coef = np.linalg.solve(Xc.T @ Xc + l2 * np.eye(p), Xc.T @ (y[keep] - y_mean))
        errors[i] = y[i] - y_mean - (X[i] - x_mean) @ coef
    return float(np.mean(errors**2))


def test_ridgecv_float32_reaches_least_squares_to_data_rounding():
    X, y = make_regression(100, 50, noise=0, bias=10, random_state=42)
    X32, y32 = X.astype("f4"), y.astype("f4")
    design = np.column_stack([X32.astype(np.float64), np.ones(100)])
    exact = np.linalg.lstsq(design, y32.astype(np.float64), rcond=None)[0]
    est = rw.RidgeCV(l2=[1e-16]).fit(X32, y32)
    assert est.coef_.dtype == np.float32
    # within half a float32 step of the largest coefficient (3.8e-6; scikit-learn: 1.9e-6);
    # a float32 Gram was 3.2e-5 off
    half_step = float(np.spacing(np.float32(np.abs(exact).max()))) / 2
    np.testing.assert_allclose(est.coef_, exact[:-1], rtol=0, atol=half_step)


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("shape", [(80, 30), (40, 90)])  # gram-eigh, kernel-eigh
def test_loo_on_float32_matches_float64_brute_force(rng, shape, sparse):
    n, p = shape
    X = (rng.standard_normal((n, p)) + 3.0).astype(np.float32)
    y = (X @ rng.standard_normal(p) + rng.standard_normal(n) + 10).astype(np.float32)
    grid = np.logspace(-2, 2, 5)
    est = rw.RidgeCV(l2=grid).fit(sp.csr_matrix(X) if sparse else X, y)
    reference = [brute_loo_mse(X.astype(np.float64), y.astype(np.float64), v) for v in grid]
    np.testing.assert_allclose(-est.cv_results_["mean_score"], reference, rtol=1e-9)


def test_float32_products_are_float64_sums(rng):
    X = (rng.standard_normal((3000, 7)) + 100).astype(np.float32)
    X64 = X.astype(np.float64)
    B = rng.standard_normal((7, 2))
    C = rng.standard_normal((3000, 2))
    np.testing.assert_allclose(product(X, B), X64 @ B, rtol=1e-13)
    np.testing.assert_allclose(transposed_product(X, C), X64.T @ C, rtol=1e-12)
    np.testing.assert_allclose(gram_rows(X[:50]), X64[:50] @ X64[:50].T, rtol=1e-14)
    m = Moments.from_data(X, X64[:, 0])
    m64 = Moments.from_data(X64, X64[:, 0])
    np.testing.assert_allclose(m.xx, m64.xx, rtol=1e-10, atol=1e-10 * np.abs(m64.xx).max())
