"""Each half-step is ridge: the last half-step's item factors equal rw.Ridge on each item's
rows with the user side fixed; a NumPy ALS-WR reference gives the same factors."""

import numpy as np
import pytest

import ridgeway as rw
import ridgeway.recommend as rec
from ridgeway.recommend.als import interactions
from ridgeway.recommend.conventions import from_spark
from ridgeway.recommend.factorize import initial_state
from ridgeway.recommend.params import make_spec


def relative_error(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300))


def _item_rows(R, i):
    column = R.tocsc()[:, i]
    return column.indices, column.data


@pytest.mark.parametrize("scaling", ["none", "count"])
@pytest.mark.parametrize("biases", [False, True])
def test_explicit_item_step_is_ridge(small_ratings, scaling, biases, tol=1e-10):
    model = rec.ALS(
        factors=4,
        l2=0.7,
        l2_bias=0.3,
        biases=biases,
        l2_scaling=scaling,
        iterations=3,
        random_state=0,
    ).fit(small_ratings)
    X, Y = model.user_factors_, model.item_factors_
    for i in range(0, small_ratings.shape[1], 7):
        users, r = _item_rows(small_ratings, i)
        scale = users.size if scaling == "count" else 1.0
        if biases:
            design = np.hstack([X[users], np.ones((users.size, 1))])
            target = r - model.global_mean_ - model.user_bias_[users]
            factor = [1.0] * 4 + [0.3 / 0.7]
            ridge = rw.Ridge(l2=0.7 * scale, fit_intercept=False, penalty_factor=factor)
            coef = ridge.fit(design, target).coef_
            assert relative_error(model.item_bias_[i], coef[4]) < tol
            coef = coef[:4]
        else:
            coef = rw.Ridge(l2=0.7 * scale, fit_intercept=False).fit(X[users], r).coef_
        assert relative_error(Y[i], coef) < tol


@pytest.mark.parametrize("solver,tol", [("cholesky", 1e-10), ("cg", 1e-6)])
@pytest.mark.parametrize("confidence", ["1+alpha*r", "alpha*r"])
def test_implicit_item_step_is_weighted_ridge(small_counts, solver, tol, confidence):
    alpha = 2.0
    model = rec.ALS(
        factors=5,
        l2=0.5,
        feedback="implicit",
        confidence=confidence,
        alpha=alpha,
        solver=solver,
        iterations=3,
        random_state=0,
    ).fit(small_counts)
    X, Y = model.user_factors_, model.item_factors_
    dense = small_counts.toarray()
    for i in range(0, dense.shape[1], 11):
        counts = dense[:, i]
        c = np.where(counts > 0, (confidence == "1+alpha*r") + alpha * counts, 1.0)
        ridge = rw.Ridge(l2=0.5, fit_intercept=False)
        coef = ridge.fit(X, (counts > 0).astype(float), sample_weight=c).coef_
        assert relative_error(Y[i], coef) < tol
    assert model.solve_residual_ < model.spec_.solve_tol


def _reference_als_wr(R, X, Y, l2, iterations):
    """Zhou et al.'s ALS-WR, a plain loop: λ·n_u per user, λ·n_i per item, no biases."""
    X, Y = X.copy(), Y.copy()
    by_user, by_item = R.tocsr(), R.tocsc()
    k = X.shape[1]
    for _ in range(iterations):
        for u in range(X.shape[0]):
            idx = by_user.indices[by_user.indptr[u] : by_user.indptr[u + 1]]
            r = by_user.data[by_user.indptr[u] : by_user.indptr[u + 1]]
            A = Y[idx].T @ Y[idx] + l2 * idx.size * np.eye(k)
            X[u] = np.linalg.solve(A, Y[idx].T @ r) if idx.size else 0.0
        for i in range(Y.shape[0]):
            idx = by_item.indices[by_item.indptr[i] : by_item.indptr[i + 1]]
            r = by_item.data[by_item.indptr[i] : by_item.indptr[i + 1]]
            A = X[idx].T @ X[idx] + l2 * idx.size * np.eye(k)
            Y[i] = np.linalg.solve(A, X[idx].T @ r) if idx.size else 0.0
    return X, Y


def test_matches_numpy_als_wr(small_ratings, tol=1e-10):
    # Spark's ALS (regParam = 0.05) is ALS-WR: λ·n_u, no biases
    model = rec.ALS(factors=3, iterations=5, tol=0.0, random_state=4, **from_spark(0.05))
    spec = make_spec(model)
    start = initial_state(
        interactions(small_ratings, spec, None, None, None), spec, np.random.default_rng(4)
    )
    model.fit(small_ratings)
    X, Y = _reference_als_wr(small_ratings, start.user_factors, start.item_factors, 0.05, 5)
    assert relative_error(model.user_factors_, X) < tol
    assert relative_error(model.item_factors_, Y) < tol
    assert model.n_iter_ == 5


def test_user_half_step_is_ridge_in_both_dtypes(small_ratings):
    """The user side, called directly with the items fixed (float32 to its precision)."""
    from ridgeway.recommend.factorize import half_step

    for dtype, tol in (("float64", 1e-10), ("float32", 1e-4)):
        model = rec.ALS(factors=3, l2=0.4, biases=False, dtype=dtype, random_state=0)
        spec = make_spec(model)
        data = interactions(small_ratings, spec, None, None, None)
        state = initial_state(data, spec, np.random.default_rng(0))
        X, _, residual, _ = half_step(
            data.by_user,
            state.user_factors,
            state.user_bias,
            state.item_factors,
            state.item_bias,
            state,
            spec,
            certify=True,
        )
        assert X.dtype == np.dtype(dtype) and residual < spec.solve_tol
        Y = state.item_factors.astype(np.float64)
        for u in range(0, small_ratings.shape[0], 9):
            row = small_ratings.getrow(u)
            if row.nnz == 0:
                continue
            coef = rw.Ridge(l2=0.4, fit_intercept=False).fit(Y[row.indices], row.data).coef_
            assert relative_error(X[u], coef) < tol
