"""The one λ-grid check: strings and booleans refused wherever they hide (issue 10)."""

import numpy as np
import pytest
from sklearn.datasets import make_classification

import ridgeway as rw
from ridgeway._validation import check_l2_grid


@pytest.mark.parametrize(
    "grid",
    [(1, 1.0, "1"), ["0.5"], True, False, [1, True], np.array([True, False]), np.bool_(True),
     np.array(["1", "2"]), b"1", [1.0, None]],
)  # fmt: skip
def test_grid_entries_must_be_numbers(grid):
    with pytest.raises(TypeError, match=r"^l2 must be None or an array of numbers >= 0"):
        check_l2_grid(grid)


@pytest.mark.parametrize("grid", [(1, 1.0, "1"), True, [0.1, True]])
def test_ridge_cv_refuses_text_and_bool_grids(grid, rng):
    X, y = rng.normal(size=(20, 3)), rng.normal(size=20)
    with pytest.raises(TypeError, match="l2 must be None or an array of numbers"):
        rw.RidgeCV(l2=grid).fit(X, y)


def test_numeric_grids_still_accepted():
    expected = np.array([0.0, 1.0, 2.5, 3.0])
    for grid in ([3, 0, 2.5, 1], (np.float32(3), 0, np.int64(1), 2.5), np.array([3, 1, 0, 2.5])):
        np.testing.assert_array_equal(check_l2_grid(grid), expected)
    np.testing.assert_array_equal(check_l2_grid(7), [7.0])


def test_name_is_the_callers():
    with pytest.raises(TypeError, match=r"^alpha must be None"):
        check_l2_grid([1, "x"], name="alpha")


@pytest.mark.parametrize("cls", [rw.LinearSVCCV, rw.LogisticRegressionCV, rw.LogisticRegression])
def test_one_weighted_class_is_refused(cls):
    """Issue 10: LinearSVCCV(cv="alo") with 2 positive weights, both of one class, raised
    LinAlgError (a Hessian with no curvature); LogisticRegression(CV) fitted a runaway
    intercept. Classes are counted where the weight is positive."""
    X, y = make_classification(100, 5, random_state=0)
    w = np.zeros(100)
    w[[0, 1]] = 1.0
    assert y[0] == y[1]
    params = {} if cls is rw.LogisticRegression else {"cv": "alo", "n_grid": 4}
    with pytest.raises(ValueError, match="2 classes with positive sample_weight"):
        cls(**params).fit(X, y, sample_weight=w)
    w[np.flatnonzero(y != y[0])[0]] = 1.0  # two weighted classes: a fit
    cls(**params).fit(X, y, sample_weight=w)
