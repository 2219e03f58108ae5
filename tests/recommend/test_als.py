"""Objective monotone, certificates, the id mapping, prediction and recommendation."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

import ridgeway.recommend as rec


@pytest.mark.parametrize("dtype,slack", [("float64", 1e-12), ("float32", 1e-5)])
@pytest.mark.parametrize(
    "options",
    [
        {"feedback": "explicit"},
        {"feedback": "explicit", "biases": False, "l2_scaling": "count", "l2": 0.05},
        {"feedback": "explicit", "solver": "cg"},
        {"feedback": "implicit", "solver": "cg"},
        {"feedback": "implicit", "solver": "cholesky", "confidence": "alpha*r", "alpha": 5.0},
        {"feedback": "implicit", "solver": "cg", "l2_scaling": "count", "l2": 0.1},
    ],
)
def test_objective_non_increasing(small_ratings, small_counts, options, dtype, slack):
    R = small_counts if options["feedback"] == "implicit" else small_ratings
    model = rec.ALS(factors=4, iterations=8, tol=0.0, dtype=dtype, random_state=1, **options)
    model.fit(R)
    objective = model.objective_
    assert objective.shape == (8,)
    assert np.all(np.diff(objective) <= slack * np.abs(objective[1:]))
    assert model.solve_residual_ <= model.spec_.solve_tol
    assert model.user_factors_.dtype == np.dtype(dtype)


def test_tol_stops_early_with_a_certified_last_sweep(small_counts):
    model = rec.ALS(factors=4, feedback="implicit", iterations=200, tol=1e-4, random_state=0)
    model.fit(small_counts)
    assert model.converged_ and model.n_iter_ < 200
    assert model.solve_residual_ <= model.spec_.solve_tol


def test_frame_with_string_ids_round_trips(small_ratings):
    coo = small_ratings.tocoo()
    frame = pd.DataFrame(
        {"who": [f"u{r}" for r in coo.row], "what": [f"i{c}" for c in coo.col], "stars": coo.data}
    )
    by_frame = rec.ALS(factors=3, random_state=0).fit(
        frame, user="who", item="what", rating="stars"
    )
    assert set(by_frame.user_ids_) == {f"u{r}" for r in range(small_ratings.shape[0])}
    users, items = frame["who"][:50].to_numpy(), frame["what"][:50].to_numpy()
    prediction = by_frame.predict(users, items)
    assert np.sqrt(np.mean((prediction - frame["stars"][:50]) ** 2)) < 1.0
    top = by_frame.recommend(["u1", "u2"], n=5)
    assert list(top.columns) == ["user", "rank", "item", "score"]
    assert top.groupby("user")["score"].apply(lambda s: s.is_monotonic_decreasing).all()
    seen = set(frame.loc[frame["who"] == "u1", "what"])
    assert not seen & set(top.loc[top["user"] == "u1", "item"])


def test_predict_and_recommend_agree(small_ratings):
    model = rec.ALS(factors=3, random_state=0).fit(small_ratings)
    top = model.recommend([4], n=3, exclude_seen=False)
    again = model.predict([4, 4, 4], top["item"].to_numpy())
    np.testing.assert_allclose(top["score"], again, rtol=1e-12)


def test_unknown_ids(small_ratings):
    model = rec.ALS(factors=3, random_state=0).fit(small_ratings)
    with pytest.raises(KeyError, match="unknown user id"):
        model.predict([10_000], [0])
    with pytest.raises(KeyError, match="unknown item id"):
        model.similar_items([10_000])
    cold = model.predict([10_000], [2], unknown="popularity")
    np.testing.assert_allclose(cold, model.global_mean_ + model.item_bias_[2])
    top = model.recommend([10_000], n=4, unknown="popularity")
    assert list(top["item"]) == list(np.argsort(-model.item_popularity_, kind="stable")[:4])
    with pytest.raises(ValueError, match="unknown must be one of"):
        model.predict([0], [0], unknown="zero")


def test_fold_in_equals_the_users_half_step(small_ratings):
    model = rec.ALS(factors=3, iterations=4, random_state=0).fit(small_ratings)
    u = 7
    row = small_ratings.getrow(u)
    folded = model.fold_in(dict(zip(row.indices, row.data)))
    # the user's ridge system with the items fixed: [y_i, 1] rows, l2 = l2_bias = 1
    design = np.hstack([model.item_factors_[row.indices], np.ones((row.nnz, 1))])
    target = row.data - model.global_mean_ - model.item_bias_[row.indices]
    expected = np.linalg.solve(design.T @ design + np.eye(4), design.T @ target)
    np.testing.assert_allclose(np.append(folded.factors, folded.bias), expected, rtol=1e-10)
    top = model.recommend_folded(folded, n=5)
    assert not set(top["item"]) & set(row.indices)


def test_similar_items_excludes_itself(small_counts):
    model = rec.ALS(factors=4, feedback="implicit", random_state=0).fit(small_counts)
    similar = model.similar_items([3, 5], n=4)
    assert len(similar) == 8
    assert not ((similar["item"] == similar["similar"]).any())
    assert (similar["score"] <= 1 + 1e-12).all()


def test_effective_l2_per_user(small_ratings):
    model = rec.ALS(factors=3, l2=0.1, l2_scaling="count", random_state=0).fit(small_ratings)
    np.testing.assert_allclose(model.effective_l2_users_, 0.1 * np.diff(small_ratings.indptr))


def test_empty_user_and_item_get_zero_factors(small_ratings):
    R = sp.lil_matrix(small_ratings)
    R[5, :] = 0
    R = sp.csr_matrix(R)
    R.eliminate_zeros()
    R = sp.hstack([R, sp.csr_matrix((R.shape[0], 1))]).tocsr()
    model = rec.ALS(factors=3, l2_scaling="count", random_state=0).fit(R)
    assert np.all(model.user_factors_[5] == 0) and model.user_bias_[5] == 0
    assert np.all(model.item_factors_[-1] == 0) and model.item_bias_[-1] == 0
    np.testing.assert_allclose(
        model.predict([5], [0]), model.global_mean_ + model.item_bias_[0], rtol=1e-12
    )


def test_user_with_every_item(small_counts):
    R = sp.lil_matrix(small_counts)
    R[0, :] = 1.0
    model = rec.ALS(factors=3, feedback="implicit", random_state=0).fit(sp.csr_matrix(R))
    top = model.recommend([0, 1], n=5)
    assert (top["user"] == 0).sum() == 0 and (top["user"] == 1).sum() == 5


@pytest.mark.parametrize("solver", ["cg", "cholesky"])
def test_huge_l2_gives_finite_zero_factors(small_counts, solver):
    """implicit#106: its CG returns NaN at large regularization; ours shrinks to zero."""
    model = rec.ALS(factors=4, l2=1e12, feedback="implicit", solver=solver, random_state=0)
    model.fit(small_counts)
    assert np.all(np.isfinite(model.user_factors_)) and np.all(np.isfinite(model.objective_))
    assert np.abs(model.item_factors_).max() < 1e-6


def test_confidence_below_one_stays_positive_definite(small_counts):
    """With confidence α·r and α·r < 1 the weights c − 1 are negative, yet every system is
    YᵀCY + λI with C > 0: still positive definite, objective still monotone."""
    model = rec.ALS(
        factors=4,
        l2=0.1,
        feedback="implicit",
        confidence="alpha*r",
        alpha=0.05,
        solver="cholesky",
        iterations=6,
        tol=0.0,
        random_state=0,
    ).fit(small_counts)
    assert np.all(np.diff(model.objective_) <= 1e-12 * model.objective_[1:])
