"""Primal solvers on logistic, multinomial and squared-hinge problems: certificates, agreement."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import make_classification

from ridgeway.losses.hinge import HingeLoss
from ridgeway.losses.logistic import LogisticLoss
from ridgeway.losses.multinomial import MultinomialLoss
from ridgeway.losses.squared_hinge import SquaredHingeLoss
from ridgeway.operators import difference
from ridgeway.penalties.l2 import L2Penalty
from ridgeway.problem import Problem
from ridgeway.solvers.choose import SOLVERS, choose_solver
from ridgeway.solvers.smooth.newton import NewtonCholesky

PRIMAL = ["newton-cholesky", "newton-cg", "lbfgs"]
TOL = {"lbfgs": 1e-7}  # a line-search quasi-Newton stalls near round-off before 1e-9


def _problem(kind, rng, n=300, p=8, l2=3.0, gamma=None, weights=False, sparse=False):
    X, y = make_classification(n, p, n_informative=4, n_classes=3 if kind == "multi" else 2,
                               random_state=int(rng.integers(1000)))  # fmt: skip
    s = rng.uniform(0.2, 2.0, n) if weights else None
    X = sp.csr_matrix(X) if sparse else X
    if kind == "multi":
        return Problem(X, np.eye(3)[y], MultinomialLoss(), L2Penalty(l2, gamma), s)
    if kind == "logistic":
        return Problem(X, y.astype(float), LogisticLoss(), L2Penalty(l2, gamma), s)
    return Problem(X, 2.0 * y - 1.0, SquaredHingeLoss(), L2Penalty(l2, gamma), s)


@pytest.mark.parametrize("kind", ["logistic", "multi", "squared_hinge"])
@pytest.mark.parametrize("name", PRIMAL)
def test_solvers_certify_and_agree(kind, name, rng):
    pb = _problem(kind, rng, weights=True)
    reference = NewtonCholesky().solve(pb, tol=1e-12)
    tol = TOL.get(name, 1e-9)
    sol = SOLVERS[name].solve(pb, tol=tol)
    assert sol.converged and sol.certificate <= tol
    assert sol.solver == name
    np.testing.assert_allclose(sol.coef, reference.coef, atol=1e-5)
    np.testing.assert_allclose(sol.objective, reference.objective, rtol=1e-9)
    assert sol.objective == pytest.approx(pb.objective(sol.coef, sol.intercept), rel=1e-9)


def test_gradient_is_zero_at_the_solution(rng):
    pb = _problem("logistic", rng)
    sol = NewtonCholesky().solve(pb, tol=1e-12)
    z = pb.linear_predictor(sol.coef, sol.intercept)
    r = LogisticLoss().gradient(pb.y, z)
    np.testing.assert_allclose(pb.X.T @ r + pb.penalty.l2 * sol.coef, 0.0, atol=1e-8)
    assert abs(r.sum()) < 1e-8


def test_multinomial_reports_sum_to_zero_parameters(rng):
    sol = NewtonCholesky().solve(_problem("multi", rng), tol=1e-12)
    np.testing.assert_allclose(sol.coef.sum(axis=1), 0.0, atol=1e-8)
    np.testing.assert_allclose(np.sum(sol.intercept), 0.0, atol=1e-8)


def test_sparse_equals_dense(rng):
    pb = _problem("logistic", rng)
    sparse = Problem(sp.csr_matrix(pb.X), pb.y, pb.loss, pb.penalty)
    a = NewtonCholesky().solve(pb, tol=1e-12)
    b = NewtonCholesky().solve(sparse, tol=1e-12)
    np.testing.assert_allclose(a.coef, b.coef, atol=1e-10)


def test_general_tikhonov_penalty(rng):
    pb = _problem("logistic", rng, gamma=difference(8, 1))
    a = NewtonCholesky().solve(pb, tol=1e-12)
    b = SOLVERS["lbfgs"].solve(pb, tol=1e-10)
    np.testing.assert_allclose(a.coef, b.coef, atol=1e-5)


def test_non_convergence_is_reported(rng):
    sol = NewtonCholesky().solve(_problem("logistic", rng), max_iter=1)
    assert not sol.converged and sol.certificate > sol.tol
    assert "NOT converged" in sol.summary()


def test_newton_refuses_the_hinge_loss(rng):
    pb = _problem("logistic", rng)
    hinge = Problem(pb.X, 2 * pb.y - 1, HingeLoss(), pb.penalty)
    with pytest.raises(TypeError, match="twice-differentiable loss"):
        NewtonCholesky().solve(hinge)
    with pytest.raises(TypeError, match="differentiable loss"):
        SOLVERS["lbfgs"].solve(hinge)


def test_table_chooses_by_problem(rng):
    pb = _problem("logistic", rng)
    assert choose_solver(pb).name == "newton-cholesky"
    hinge = Problem(pb.X, 2 * pb.y - 1, HingeLoss(), pb.penalty)
    assert choose_solver(hinge).name == "dual-cd"
    wide = Problem(rng.standard_normal((20, 2500)), pb.y[:20], pb.loss, pb.penalty)
    assert choose_solver(wide).name == "newton-cg"
