"""Lockstep Newton paths over weighted copies of one problem (k-fold CV solved in place)."""

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.model_selection import StratifiedKFold

from ridgeway.losses.logistic import LogisticLoss
from ridgeway.losses.squared_hinge import SquaredHingeLoss
from ridgeway.penalties.l2 import L2Penalty
from ridgeway.problem import Problem
from ridgeway.selection.path_cv import solve_path
from ridgeway.solvers.smooth.batched_newton import solve_weighted_paths
from ridgeway.solvers.smooth.newton import NewtonCholesky


def _setup(loss, rng, n=240, p=5, weighted=False, fit_intercept=True):
    X, y = make_classification(n, p, n_informative=3, n_redundant=0, random_state=3)
    target = y.astype(float) if isinstance(loss, LogisticLoss) else 2.0 * y - 1.0
    s = rng.uniform(0.5, 2.0, n) if weighted else np.ones(n)
    folds = list(StratifiedKFold(4).split(X, y))
    weights = []
    for train, _ in folds:
        w = np.zeros(n)
        w[train] = s[train]
        weights.append(w)
    pb = Problem(X, target, loss, L2Penalty(1.0), None, fit_intercept)
    grid = np.geomspace(300.0, 0.01, 7)
    # fold-specific λ (as fold_l2 would give) so that each fold's path is its own
    grids = np.array([grid * (1.0 + 0.1 * f) for f in range(len(folds))])
    return X, target, s, folds, weights, pb, grids


@pytest.mark.parametrize("loss", [LogisticLoss(), SquaredHingeLoss()], ids=repr)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_each_path_equals_the_folds_own_path(loss, weighted, fit_intercept, rng):
    X, target, s, folds, weights, pb, grids = _setup(loss, rng, weighted=weighted,
                                                     fit_intercept=fit_intercept)  # fmt: skip
    paths = solve_weighted_paths(pb, weights, grids, tol=1e-11)
    assert np.all(paths.certificate <= 1e-11)
    for f, (train, _) in enumerate(folds):
        own = Problem(X[train], target[train], loss, L2Penalty(grids[f, 0]),
                      s[train] if weighted else None, fit_intercept)  # fmt: skip
        reference = solve_path(own, grids[f], NewtonCholesky(), tol=1e-12, max_iter=100)
        for j, sol in enumerate(reference):
            np.testing.assert_allclose(paths.coef[f, j], sol.coef, atol=1e-8)
            np.testing.assert_allclose(paths.intercept[f, j], sol.intercept, atol=1e-8)
            # the predictor covers every row, the held-out ones included
            z = X @ paths.coef[f, j] + paths.intercept[f, j]
            np.testing.assert_allclose(paths.predictor[f, j], z, atol=1e-10)


def test_iteration_cap_is_reported_not_hidden(rng):
    *_, weights, pb, grids = _setup(LogisticLoss(), rng)
    paths = solve_weighted_paths(pb, weights, grids, tol=1e-12, max_iter=1)
    assert np.all(paths.n_iter <= 1)
    assert np.any(paths.certificate > 1e-12)  # one step per λ cannot certify every fit
    assert paths.hessians[0] >= 1  # the others may start from its Hessian
