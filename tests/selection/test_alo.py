"""ALO: exact for the squared loss (one Newton step is the refit), close to LOO for logistic."""

import numpy as np
import pytest

from ridgeway.losses.logistic import LogisticLoss
from ridgeway.losses.multinomial import MultinomialLoss
from ridgeway.losses.squared import SquaredLoss
from ridgeway.penalties.l2 import L2Penalty
from ridgeway.problem import Problem
from ridgeway.selection.alo import alo_predictors
from ridgeway.solvers.smooth.newton import NewtonCholesky


def _loo(pb: Problem, tol=1e-12):
    z = np.empty(pb.y.shape)
    for i in range(pb.n_samples):
        keep = np.arange(pb.n_samples) != i
        s = None if pb.sample_weight is None else pb.sample_weight[keep]
        sub = Problem(pb.X[keep], pb.y[keep], pb.loss, pb.penalty, s, pb.fit_intercept)
        sol = NewtonCholesky().solve(sub, tol=tol)
        z[i] = pb.X[i] @ sol.coef + sol.intercept
    return z


def test_exact_for_squared_loss(rng):
    X = rng.standard_normal((40, 5))
    y = X @ rng.standard_normal(5) + rng.standard_normal(40)
    s = rng.uniform(0.5, 2.0, 40)
    pb = Problem(X, y, SquaredLoss(), L2Penalty(3.0), s)
    sol = NewtonCholesky().solve(pb, tol=1e-13)
    z_alo, df, _ = alo_predictors(pb, sol)
    np.testing.assert_allclose(z_alo, _loo(pb), atol=1e-9)
    # df of weighted ridge: tr((XᵀSX + λI)⁻¹XᵀSX) on centred data, + 1 for the intercept
    Xc = X - np.average(X, axis=0, weights=s)
    G = Xc.T @ (s[:, None] * Xc)
    expected = np.trace(np.linalg.solve(G + 3.0 * np.eye(5), G)) + 1.0
    assert df == pytest.approx(expected, rel=1e-9)


def test_close_to_loo_for_logistic(rng):
    X = rng.standard_normal((150, 3))
    y = (X @ np.array([1.0, -1.0, 0.5]) + rng.standard_normal(150) > 0).astype(float)
    pb = Problem(X, y, LogisticLoss(), L2Penalty(2.0))
    sol = NewtonCholesky().solve(pb, tol=1e-13)
    z_alo, _, _ = alo_predictors(pb, sol)
    z_loo = _loo(pb)
    full = pb.X @ sol.coef + sol.intercept
    # ALO's error is much smaller than the leave-one-out effect itself (on average: one
    # high-influence point may be off by more)
    assert np.mean(np.abs(z_alo - z_loo)) < 0.05 * np.mean(np.abs(z_loo - full))
    assert np.max(np.abs(z_alo - z_loo)) < 0.1 * np.max(np.abs(z_loo - full))


def test_multinomial_probabilities_close_to_loo(rng):
    X = rng.standard_normal((90, 2))
    labels = np.argmax(X @ rng.standard_normal((2, 3)) + rng.standard_normal((90, 3)), axis=1)
    Y = np.eye(3)[labels]
    pb = Problem(X, Y, MultinomialLoss(), L2Penalty(2.0))
    sol = NewtonCholesky().solve(pb, tol=1e-12)
    z_alo, _, _ = alo_predictors(pb, sol)
    z_loo = np.empty_like(Y)
    for i in range(90):
        keep = np.arange(90) != i
        sub = NewtonCholesky().solve(Problem(X[keep], Y[keep], pb.loss, pb.penalty), tol=1e-12)
        z_loo[i] = X[i] @ sub.coef + sub.intercept

    def softmax(z):
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    np.testing.assert_allclose(softmax(z_alo), softmax(z_loo), atol=5e-3)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_shared_pass_equals_one_pass_per_l2(rng, fit_intercept):
    """λ values sharing θ (a path's small-λ end): the one shared eigen-pass gives each λ's
    left-out predictors and df as its own Cholesky pass does."""
    from scipy.sparse import diags

    from ridgeway.selection.alo import alo_predictors_shared
    from ridgeway.solvers.smooth.objective import PackedObjective, at_l2

    X = rng.standard_normal((3000, 6))  # more rows than one chunk
    y = (X @ rng.standard_normal(6) + rng.standard_normal(3000) > 0).astype(float)
    s = rng.uniform(0.5, 2.0, 3000)
    gamma = diags(rng.uniform(0.5, 2.0, 6))
    pb = Problem(X, y, LogisticLoss(), L2Penalty(1.0, gamma), s, fit_intercept)
    sol = NewtonCholesky().solve(at_l2(pb, 0.5), tol=1e-12)
    obj = PackedObjective(pb)
    z = obj.predictor(obj.pack(sol.coef, sol.intercept))
    H = obj.data_hessian(z)
    pbs = [at_l2(pb, l2) for l2 in (40.0, 5.0, 0.5, 0.01)]
    shared = alo_predictors_shared(pbs, sol, z, H)
    for p_l2, (z_loo, df) in zip(pbs, shared):
        z_ref, df_ref, _ = alo_predictors(p_l2, sol, z, data_hessian=H)
        np.testing.assert_allclose(z_loo, z_ref, rtol=1e-10, atol=1e-12)
        assert df == pytest.approx(df_ref, rel=1e-10)
