"""Against ``implicit`` 0.7.3 in Cholesky mode, its conventions converted (float32)."""

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

import ridgeway.recommend as rec
from ridgeway.recommend.als import interactions
from ridgeway.recommend.factorize import initial_state
from ridgeway.recommend.params import make_spec

implicit_als = pytest.importorskip("implicit.cpu.als", reason="implicit is not installed")
implicit_evaluation = pytest.importorskip("implicit.evaluation")


def _implicit_model(params, factors, iterations, start):
    # implicit warns unless BLAS runs on one thread; our warnings are errors
    with threadpool_limits(limits=1, user_api="blas"):
        model = implicit_als.AlternatingLeastSquares(
            factors=factors,
            regularization=params.regularization,
            alpha=params.alpha,
            use_cg=False,
            iterations=iterations,
            num_threads=1,
            dtype=np.float32,
        )
    if start is not None:
        model.user_factors = start.user_factors.copy()
        model.item_factors = start.item_factors.copy()
    return model


@pytest.mark.parametrize("confidence", ["alpha*r", "1+alpha*r"])
@pytest.mark.parametrize("iterations", [1, 3])
def test_factors_match_implicit(small_counts, confidence, iterations, atol=1e-5):
    ours = rec.ALS(
        factors=6,
        l2=0.8,
        feedback="implicit",
        confidence=confidence,
        alpha=3.0,
        solver="cholesky",
        iterations=iterations,
        tol=0.0,
        dtype="float32",
        random_state=7,
    )
    spec = make_spec(ours)
    data = interactions(small_counts, spec, None, None, None)
    start = initial_state(data, spec, np.random.default_rng(7))
    ours.fit(small_counts)
    params = rec.conventions.to_implicit(0.8, 3.0, confidence)
    theirs = _implicit_model(params, 6, iterations, start)
    with threadpool_limits(limits=1, user_api="blas"):
        theirs.fit(params.matrix(small_counts.astype(np.float32), 3.0), show_progress=False)
    assert np.max(np.abs(ours.user_factors_ - theirs.user_factors)) < atol
    assert np.max(np.abs(ours.item_factors_ - theirs.item_factors)) < atol


def test_ranking_metrics_match_implicit_evaluation(small_counts):
    rng = np.random.default_rng(3)
    coo = small_counts.tocoo()
    test_mask = rng.random(coo.nnz) < 0.2
    shape = small_counts.shape
    train = type(small_counts)(
        (coo.data[~test_mask], (coo.row[~test_mask], coo.col[~test_mask])), shape
    )
    test = type(small_counts)(
        (coo.data[test_mask], (coo.row[test_mask], coo.col[test_mask])), shape
    )
    ours = rec.ALS(factors=6, l2=0.5, feedback="implicit", iterations=5, random_state=0)
    ours.fit(train)
    theirs = _implicit_model(rec.conventions.to_implicit(0.5, 1.0, "alpha*r"), 6, 1, None)
    theirs.user_factors = ours.user_factors_.astype(np.float32)
    theirs.item_factors = ours.item_factors_.astype(np.float32)
    reference = implicit_evaluation.ranking_metrics_at_k(
        theirs,
        train.tocsr().astype(np.float32),
        test.tocsr().astype(np.float32),
        K=10,
        show_progress=False,
        num_threads=1,
    )
    top = ours.recommend(np.arange(shape[0]), n=10)
    best = np.full((shape[0], 10), -1)
    best[top["user"].to_numpy(dtype=int), top["rank"].to_numpy() - 1] = top["item"].to_numpy()
    mine = rec.ranking_metrics(best, test.tocsr(), 10)
    for name in ("precision", "map", "ndcg"):
        assert mine[name] == pytest.approx(reference[name], abs=1e-6), name
