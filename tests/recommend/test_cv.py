"""ALSCV: folds per user, the curve's keys, the rules, and a fold score recomputed by hand."""

import numpy as np
import pytest

import ridgeway.recommend as rec
from ridgeway.recommend import holdout
from ridgeway.recommend.als import interactions
from ridgeway.recommend.factorize import alternate, initial_state
from ridgeway.recommend.params import make_spec
from ridgeway.selection.rules import select_index

KEYS = {"l2", "mean_score", "std_error", "train_score", "gap", "df", "best_index", "fold_scores"}


def test_folds_hold_out_ratings_per_user(small_ratings, n_folds=4):
    folds = holdout.assign_folds(small_ratings, n_folds, np.random.default_rng(0))
    counts = np.diff(small_ratings.indptr)
    rows = np.repeat(np.arange(counts.size), counts)
    assert np.all(folds[counts[rows] < 2] == -1)
    for u in np.flatnonzero(counts >= n_folds):
        per_fold = np.bincount(folds[rows == u], minlength=n_folds)
        assert per_fold.min() >= 1 and per_fold.max() - per_fold.min() <= 1


def test_explicit_curve_and_choice(small_ratings):
    model = rec.ALSCV(factors=3, cv=3, iterations=6, random_state=0).fit(small_ratings)
    results = model.cv_results_
    assert KEYS <= set(results) and "rmse" in results and "user_factor_norm" in results
    assert np.all(np.diff(results["l2"]) > 0)
    np.testing.assert_allclose(results["mean_score"], -results["rmse"])
    np.testing.assert_allclose(results["mean_score"], results["fold_scores"].mean(axis=1))
    best = select_index(results["l2"], results["mean_score"], results["std_error"], "min")
    assert results["best_index"][0] == best and model.l2_ == results["l2"][best]
    assert model.spec_.l2 == model.l2_ and model.objective_.size >= 1
    # the chosen model predicts held-out ratings better than the mean rating
    spread = np.std(small_ratings.data)
    assert results["rmse"][best] < 0.9 * spread
    # stronger λ shrinks the factors
    assert results["user_factor_norm"][-1] < results["user_factor_norm"][0]


def test_one_se_rule_picks_a_larger_l2(small_ratings):
    common = {"factors": 3, "cv": 3, "iterations": 6, "random_state": 0}
    low = rec.ALSCV(rule="min", **common).fit(small_ratings)
    high = rec.ALSCV(rule="1se", **common).fit(small_ratings)
    np.testing.assert_allclose(low.cv_results_["mean_score"], high.cv_results_["mean_score"])
    assert high.l2_ >= low.l2_


def test_fold_score_recomputed_by_hand(small_ratings, n_folds=3, l2=2.0):
    model = rec.ALSCV(l2=[l2], factors=3, cv=n_folds, iterations=5, random_state=9)
    model.fit(small_ratings)
    spec = make_spec(model, l2=l2)
    data = interactions(small_ratings, spec, None, None, None)
    rng = np.random.default_rng(9)
    folds = holdout.make_folds(data, n_folds, rng)
    for f, fold in enumerate(folds):
        state = initial_state(fold.train, spec, rng)
        # explicit, constant λ: a fold fits with λ·n_train/n so that λ transfers to the refit
        share = fold.train.by_user.nnz / data.by_user.nnz
        alternate(fold.train, state, make_spec(model, l2=l2 * share))
        held, _ = holdout.explicit_scores(fold, state, True)
        assert model.cv_results_["fold_scores"][0, f] == pytest.approx(-held, rel=1e-12)


def test_implicit_beats_popularity(small_counts):
    model = rec.ALSCV(
        l2=[0.1, 10.0, 1000.0], factors=6, feedback="implicit", cv=3, k=5, random_state=0
    ).fit(small_counts)
    results = model.cv_results_
    for name in ("precision", "recall", "ndcg", "map"):
        assert f"{name}_at_k" in results and f"popularity_{name}_at_k" in results
    np.testing.assert_allclose(results["mean_score"], results["ndcg_at_k"])
    best = results["best_index"][0]
    assert results["ndcg_at_k"][best] > 1.2 * results["popularity_ndcg_at_k"][best]


@pytest.mark.parametrize(
    "params,message",
    [
        ({"cv": 1}, "cv must be an integer >= 2"),
        ({"l2": [1.0, -2.0]}, "l2 must be None or finite numbers > 0"),
        ({"rule": "best"}, "rule must be one of"),
        ({"scoring": "auc"}, "scoring must be one of"),
    ],
)
def test_bad_cv_parameters(small_ratings, params, message):
    with pytest.raises(ValueError, match=message):
        rec.ALSCV(factors=2, **params).fit(small_ratings)
