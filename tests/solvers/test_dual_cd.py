"""Dual coordinate descent for SVMs: liblinear parity without intercept, free intercept exact."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import make_classification
from sklearn.svm import LinearSVC as SkLinearSVC

from ridgeway.losses.hinge import HingeLoss
from ridgeway.losses.logistic import LogisticLoss
from ridgeway.losses.squared_hinge import SquaredHingeLoss
from ridgeway.penalties.l2 import L2Penalty
from ridgeway.problem import Problem
from ridgeway.solvers.dual_cd import DualCD
from ridgeway.solvers.smooth.newton import NewtonCholesky


@pytest.fixture
def data():
    X, y = make_classification(200, 6, random_state=3, flip_y=0.1)
    return X, 2.0 * y - 1.0


@pytest.mark.parametrize("loss", ["hinge", "squared_hinge"])
def test_matches_liblinear_without_intercept(data, loss):
    X, y = data
    Loss = HingeLoss if loss == "hinge" else SquaredHingeLoss
    pb = Problem(X, y, Loss(), L2Penalty(2.0), fit_intercept=False)
    sol = DualCD().solve(pb, tol=1e-10)
    ref = SkLinearSVC(C=0.5, loss=loss, fit_intercept=False, tol=1e-10, max_iter=100_000)
    ref.fit(X, y)
    assert sol.converged
    ours = pb.objective(sol.coef, 0.0)
    theirs = pb.objective(ref.coef_[0], 0.0)
    assert ours <= theirs * (1 + 1e-8)
    np.testing.assert_allclose(sol.coef, ref.coef_[0], atol=1e-3)


def test_free_intercept_matches_newton_on_squared_hinge(data):
    X, y = data
    pb = Problem(X, y, SquaredHingeLoss(), L2Penalty(2.0))
    newton = NewtonCholesky().solve(pb, tol=1e-12)
    dual = DualCD().solve(pb, tol=1e-10)
    assert dual.converged
    np.testing.assert_allclose(dual.intercept, newton.intercept, atol=1e-5)
    np.testing.assert_allclose(dual.coef, newton.coef, atol=1e-5)


def test_hinge_intercept_is_not_penalized(data):
    X, y = data
    X = X + 5.0  # an offset that a penalized intercept would fight
    pb = Problem(X, y, HingeLoss(), L2Penalty(1.0))
    sol = DualCD().solve(pb, tol=1e-9)
    assert sol.converged
    # optimality in b: 0 ∈ ∂_b Σ max(0, 1 − y(xw + b)) — a subgradient check with slack
    z = X @ sol.coef + sol.intercept
    margin = y * z
    active = margin < 1 - 1e-6
    on_edge = np.abs(margin - 1) <= 1e-6
    left = -np.sum(y[active]) - np.sum(np.abs(y[on_edge]))
    right = -np.sum(y[active]) + np.sum(np.abs(y[on_edge]))
    assert left <= 1e-6 and right >= -1e-6
    best = min(pb.objective(sol.coef, sol.intercept + d) for d in np.linspace(-0.05, 0.05, 11))
    assert pb.objective(sol.coef, sol.intercept) <= best + 1e-6


def test_sparse_and_weights(data, rng):
    X, y = data
    s = rng.uniform(0.5, 2.0, len(y))
    dense = DualCD().solve(Problem(X, y, HingeLoss(), L2Penalty(1.0), s), tol=1e-9)
    sparse = DualCD().solve(Problem(sp.csr_matrix(X), y, HingeLoss(), L2Penalty(1.0), s), tol=1e-9)
    assert dense.objective == pytest.approx(sparse.objective, rel=1e-7)


def test_refuses_other_losses(data):
    X, y = data
    with pytest.raises(TypeError, match="hinge or squared-hinge"):
        DualCD().solve(Problem(X, (y + 1) / 2, LogisticLoss(), L2Penalty(1.0)))
