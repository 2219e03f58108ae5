"""Warm starts through ``solve(problem, start=solution)``: same answer, fewer steps."""

from dataclasses import replace

import numpy as np
import pytest
from sklearn.datasets import make_classification

from ridgeway.losses.hinge import HingeLoss
from ridgeway.losses.logistic import LogisticLoss
from ridgeway.losses.multinomial import MultinomialLoss
from ridgeway.losses.squared_hinge import SquaredHingeLoss
from ridgeway.penalties.l2 import L2Penalty
from ridgeway.problem import Problem
from ridgeway.solvers.choose import SOLVERS
from ridgeway.solvers.smooth.newton import NewtonCholesky, NewtonState
from ridgeway.solvers.smooth.objective import at_l2

LOSSES = {"logistic": LogisticLoss, "multi": MultinomialLoss, "squared_hinge": SquaredHingeLoss,
          "hinge": HingeLoss}  # fmt: skip
TOL = {"lbfgs": 1e-7, "dual-cd": 1e-8}


def _problem(kind, seed=0, n=400, p=10, l2=5.0, rows=None):
    X, y = make_classification(n, p, n_informative=5, n_classes=3 if kind == "multi" else 2,
                               random_state=seed)  # fmt: skip
    if rows is not None:
        X, y = X[rows], y[rows]
    target = {"multi": np.eye(3)[y], "logistic": y.astype(float)}.get(kind, 2.0 * y - 1.0)
    return Problem(X, target, LOSSES[kind](), L2Penalty(l2))


def _cases():
    for name, solver in SOLVERS.items():
        for kind in LOSSES:
            if all(r.holds(_problem(kind, n=30)) for r in solver.requires):
                yield name, kind


@pytest.mark.parametrize(("name", "kind"), list(_cases()))
def test_warm_start_gives_the_cold_solution_in_fewer_steps(name, kind, rtol=1e-5):
    solver, tol = SOLVERS[name], TOL.get(name, 1e-10)
    near = solver.solve(_problem(kind, l2=5.5), tol=tol)
    pb = _problem(kind, l2=5.0)
    cold = solver.solve(pb, tol=tol)
    warm = solver.solve(pb, start=near, tol=tol)
    assert cold.converged and warm.converged
    assert warm.certificate <= tol
    scale = np.abs(cold.coef).max()
    np.testing.assert_allclose(warm.coef, cold.coef, atol=rtol * scale)
    np.testing.assert_allclose(warm.intercept, cold.intercept, atol=rtol * max(scale, 1.0))
    if name != "dual-cd":  # dual CD restarts its dual from zero: the start only centres b
        assert warm.n_iter < cold.n_iter


@pytest.mark.parametrize("kind", ["logistic", "multi"])
def test_newton_state_travels_along_a_path(kind, tol=1e-10):
    pb = _problem(kind)
    first = NewtonCholesky().solve(at_l2(pb, 8.0), tol=tol)
    assert isinstance(first.state, NewtonState)
    z = pb.X @ first.coef + first.intercept
    np.testing.assert_allclose(first.state.linear_predictor, z, atol=1e-12)
    second = NewtonCholesky().solve(at_l2(pb, 6.0), start=first, tol=tol)
    cold = NewtonCholesky().solve(at_l2(pb, 6.0), tol=tol)
    np.testing.assert_allclose(second.coef, cold.coef, atol=1e-8)
    assert second.details["hessians"] < cold.details["hessians"]  # the matrix came along


def test_state_for_other_rows_keeps_only_the_iterate_and_hessian(tol=1e-10):
    fold = _problem("logistic", rows=np.arange(300))
    full = _problem("logistic")
    on_fold = NewtonCholesky().solve(fold, tol=tol)
    moved = on_fold.state.for_other_data()
    assert moved.linear_predictor is None and moved.loss_gradient is None
    assert moved.data_hessian is on_fold.state.data_hessian
    start = replace(on_fold, state=moved)
    warm = NewtonCholesky().solve(full, start=start, tol=tol)
    cold = NewtonCholesky().solve(full, tol=tol)
    assert warm.converged
    np.testing.assert_allclose(warm.coef, cold.coef, atol=1e-8)


@pytest.mark.parametrize("name", sorted(SOLVERS))
def test_unknown_options_are_refused(name):
    pb = _problem("hinge" if name == "dual-cd" else "logistic", n=40)
    with pytest.raises(TypeError, match="unexpected options"):
        SOLVERS[name].solve(pb, cache={})


@pytest.mark.parametrize("kind", ["logistic", "multi"])
def test_lbfgs_memory_travels_along_the_path(kind):
    """L-BFGS keeps its loss-curvature pairs in its state: each λ of a path starts with a
    warm inverse Hessian, reaches the same certified optima, in fewer iterations in all than
    from the coefficients alone."""
    from ridgeway.solvers.smooth.lbfgs import LBFGSState

    solver = SOLVERS["lbfgs"]
    pb = _problem(kind, p=8)
    totals = []
    for keep in (True, False):
        start, total, coefs = None, 0, []
        for l2 in np.geomspace(50.0, 0.05, 12):
            sol = solver.solve(at_l2(pb, l2), start=start, tol=1e-9)
            assert sol.converged and isinstance(sol.state, LBFGSState)
            total += sol.n_iter
            coefs.append(sol.coef)
            start = sol if keep else replace(sol, state=None)
        totals.append((total, np.array(coefs)))
    np.testing.assert_allclose(totals[0][1], totals[1][1], atol=1e-6)
    assert totals[0][0] < totals[1][0]
