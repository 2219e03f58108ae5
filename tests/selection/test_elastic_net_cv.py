"""Elastic-net cross-validation: Gram downdating and score-from-sums against plain refits."""

import numpy as np
import pytest
from sklearn.model_selection import KFold

from ridgeway.losses.squared import SquaredLoss
from ridgeway.penalties.elastic_net import ElasticNetPenalty
from ridgeway.problem import Problem
from ridgeway.selection.elastic_net_cv import cross_validate_paths
from ridgeway.selection.scoring import get_metric
from ridgeway.selection.splits import fold_indices


def make_data(rng, n=90, p=8):
    X = rng.normal(size=(n, p)) * rng.uniform(0.5, 2.0, p) + rng.normal(size=p)
    y = X @ np.where(rng.uniform(size=p) < 0.5, rng.normal(size=p), 0.0) + rng.normal(size=n) + 3
    return X, y


@pytest.mark.parametrize("scoring", ["neg_mean_squared_error", "neg_root_mean_squared_error", "r2"])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_covariance_form_equals_residual_form(rng, scoring, fit_intercept, rtol=1e-7):
    """Downdated Grams and scores from sums agree with masked-weight fits and predictions."""
    X, y = make_data(rng)
    s = rng.uniform(0.5, 2.0, 90)
    folds = fold_indices(KFold(3, shuffle=True, random_state=1), X, y)
    problem = Problem(X, y, SquaredLoss(), ElasticNetPenalty(0.0), s, fit_intercept)
    runs = [
        cross_validate_paths(
            problem,
            folds,
            get_metric(scoring),
            np.array([0.5, 1.0]),
            n_grid=12,
            tol=1e-13,
            solver=solver,
        )
        for solver in ("cd-gram", "cd-residual")
    ]
    np.testing.assert_allclose(runs[0].grid, runs[1].grid, rtol=1e-12)
    np.testing.assert_allclose(runs[0].fold_scores, runs[1].fold_scores, rtol=rtol, atol=1e-12)
    np.testing.assert_allclose(runs[0].train_score, runs[1].train_score, rtol=rtol, atol=1e-12)


def test_folds_that_do_not_partition_the_rows(rng, rtol=1e-7):
    """Train/test sets that leave rows out use direct Grams of the training rows."""
    X, y = make_data(rng)
    s = np.ones(90)
    folds = [(np.arange(0, 40), np.arange(40, 60)), (np.arange(30, 90), np.arange(0, 30))]
    problem = Problem(X, y, SquaredLoss(), ElasticNetPenalty(0.0), s)
    runs = [
        cross_validate_paths(
            problem, folds, get_metric(None), np.array([0.7]), n_grid=10, tol=1e-13, solver=solver
        )
        for solver in ("cd-gram", "cd-residual")
    ]
    np.testing.assert_allclose(runs[0].fold_scores, runs[1].fold_scores, rtol=rtol, atol=1e-12)
