"""Converters to implicit, Spark and Surprise parameters (implicit's parity is in
test_implicit_library.py, Spark's ALS-WR in test_parity.py)."""

import numpy as np
import pandas as pd
import pytest

import ridgeway.recommend as rec
from ridgeway.recommend.als import interactions
from ridgeway.recommend.conventions import (
    from_implicit,
    from_spark,
    from_surprise,
    to_implicit,
    to_spark,
    to_surprise,
)
from ridgeway.recommend.factorize import State, objective
from ridgeway.recommend.params import make_spec


def test_implicit_round_trip():
    params = to_implicit(0.3, alpha=4.0, confidence="alpha*r")
    assert (params.regularization, params.alpha, params.transform) == (0.3, 4.0, "counts")
    back = from_implicit(params.regularization, params.alpha)
    assert back["l2"] == 0.3 and back["alpha"] == 4.0 and back["confidence"] == "alpha*r"
    model = rec.ALS(factors=2, **back)
    assert make_spec(model).l2_scaling == "none"


def test_hu_confidence_goes_into_the_matrix():
    params = to_implicit(1.0, alpha=2.0, confidence="1+alpha*r")
    assert params.alpha == 1.0 and params.transform == "1+alpha*counts"
    counts = rec.synthetic.implicit_counts(20, 10, 60)
    np.testing.assert_allclose(params.matrix(counts, 2.0).data, 1.0 + 2.0 * counts.data)


def test_what_does_not_convert_says_why():
    with pytest.raises(ValueError, match="one λ for every user"):
        to_implicit(1.0, l2_scaling="count")
    with pytest.raises(ValueError, match="Spark scales λ by each user's count"):
        to_spark(1.0, l2_scaling="none")
    with pytest.raises(ValueError, match="once per rating"):
        to_surprise(1.0, l2_scaling="none")
    with pytest.raises(ValueError, match=r"l2 must be a finite number > 0; got -1\.0"):
        to_spark(-1.0)


def test_spark_round_trip():
    assert to_spark(0.1, alpha=40.0) == {"regParam": 0.1, "alpha": 40.0}
    explicit = from_spark(0.1)
    assert explicit == {"l2": 0.1, "l2_scaling": "count", "biases": False, "feedback": "explicit"}
    implicit = from_spark(0.1, alpha=40.0, implicit_prefs=True)
    assert implicit["confidence"] == "1+alpha*r" and implicit["alpha"] == 40.0


def test_surprise_objective_is_twice_ours_with_count_scaling(small_ratings):
    """Surprise documents its SVD objective as Σ_r [(r − r̂)² + λ(b_u² + b_i² + ‖p_u‖² +
    ‖q_i‖²)]: at its fitted parameters, that equals 2 × our objective with the converted λ."""
    surprise = pytest.importorskip("surprise")
    coo = small_ratings.tocoo()
    frame = pd.DataFrame({"u": coo.row, "i": coo.col, "r": coo.data})
    trainset = surprise.Dataset.load_from_df(
        frame, surprise.Reader(rating_scale=(1, 5))
    ).build_full_trainset()
    reg = 0.05
    algo = surprise.SVD(n_factors=4, n_epochs=5, reg_all=reg, random_state=0).fit(trainset)
    n_users, n_items = small_ratings.shape
    X, Y = np.zeros((n_users, 4)), np.zeros((n_items, 4))
    bu, bi = np.zeros(n_users), np.zeros(n_items)
    for raw in set(coo.row):
        inner = trainset.to_inner_uid(raw)
        X[raw], bu[raw] = algo.pu[inner], algo.bu[inner]
    for raw in set(coo.col):
        inner = trainset.to_inner_iid(raw)
        Y[raw], bi[raw] = algo.qi[inner], algo.bi[inner]
    state = State(X, Y, bu, bi, trainset.global_mean)
    model = rec.ALS(factors=4, **from_surprise(reg_all=reg))
    assert to_surprise(reg) == {"reg_pu": reg, "reg_qi": reg, "reg_bu": reg, "reg_bi": reg}
    spec = make_spec(model)
    ours = objective(interactions(small_ratings, spec, None, None, None), state, spec)
    u, i, r = coo.row, coo.col, coo.data
    residual = r - trainset.global_mean - bu[u] - bi[i] - np.einsum("ij,ij->i", X[u], Y[i])
    penalty = bu[u] ** 2 + bi[i] ** 2 + (X[u] ** 2).sum(1) + (Y[i] ** 2).sum(1)
    theirs = np.sum(residual**2 + reg * penalty)
    assert 2 * ours == pytest.approx(theirs, rel=1e-12)
