"""Every squared-loss route, reached by name from the one registry, solves the same Problem.

gram-cholesky, kernel-cholesky, gram-eigh, kernel-eigh, svd and krylov-cg must agree with
each other and with the normal equations solved directly, and certify their solutions.
"""

import numpy as np
import pytest

from helpers import make_regression
from ridgeway import operators
from ridgeway.losses.logistic import LogisticLoss
from ridgeway.losses.squared import SquaredLoss
from ridgeway.penalties.l2 import L2Penalty, gram_of
from ridgeway.problem import Problem
from ridgeway.solvers.choose import SOLVERS, choose_solver, get_solver
from ridgeway.solvers.spectral import LIMITS, ROUTES, Spectrum

ROUTE_NAMES = [route.name for route in ROUTES]


def normal_equations(problem):
    """Reference: [1, X] with the intercept unpenalized, (AᵀSA + P) b = AᵀSY + P b_prior."""
    X, Y, pen = problem.X, problem.y.reshape(problem.n_samples, -1), problem.penalty
    n, p = X.shape
    s = np.ones(n) if problem.sample_weight is None else problem.sample_weight
    A = np.column_stack([np.ones(n), X]) if problem.fit_intercept else X
    off = int(problem.fit_intercept)
    prior = np.zeros(p) if pen.prior is None else pen.prior
    l2 = np.broadcast_to(np.asarray(pen.l2, dtype=float), (Y.shape[1],))
    coef = np.zeros((p, Y.shape[1]))
    intercept = np.zeros(Y.shape[1])
    for j, lam in enumerate(l2):
        P = np.zeros((p + off, p + off))
        P[off:, off:] = lam * gram_of(pen.gamma, p)
        rhs = A.T @ (s * Y[:, j]) + P[:, off:] @ prior
        b = np.linalg.solve(A.T @ (A * s[:, None]) + P, rhs)
        coef[:, j], intercept[j] = b[off:], (b[0] if off else 0.0)
    return coef, intercept


def problems(rng):
    X, y = make_regression(rng, 40, 12)
    _, Y2 = make_regression(rng, 40, 12, k=2)
    w = rng.uniform(0.2, 3.0, 40)
    factor = np.r_[0.0, np.ones(11)]
    yield "plain", Problem(X, y, SquaredLoss(), L2Penalty(2.0))
    yield "weights", Problem(X, y, SquaredLoss(), L2Penalty(2.0), sample_weight=w)
    yield (
        "unpenalized column",
        Problem(X, y, SquaredLoss(), L2Penalty(2.0, operators.diagonal(np.sqrt(factor))), w),
    )
    yield "diff2", Problem(X, y, SquaredLoss(), L2Penalty(5.0, operators.difference(12, 2)))
    yield "prior", Problem(X, y, SquaredLoss(), L2Penalty(3.0, prior=rng.normal(size=12)))
    yield "two targets", Problem(X, Y2, SquaredLoss(), L2Penalty(np.array([0.5, 20.0])), w)
    yield "no intercept", Problem(X, y, SquaredLoss(), L2Penalty(2.0), fit_intercept=False)


@pytest.mark.parametrize("case", range(7))
def test_routes_agree_on_one_problem(rng, case, atol=1e-8):
    name, problem = list(problems(rng))[case]
    coef_ref, intercept_ref = normal_equations(problem)
    for route in ROUTE_NAMES:
        solution = get_solver(route, problem).solve(problem, tol=1e-14)
        coef = np.asarray(solution.coef).reshape(coef_ref.shape)
        scale = np.abs(coef_ref).max()
        np.testing.assert_allclose(coef, coef_ref, atol=atol * scale, err_msg=f"{name}: {route}")
        np.testing.assert_allclose(np.ravel(solution.intercept), intercept_ref,
                                   atol=atol * max(1.0, np.abs(intercept_ref).max()),
                                   err_msg=f"{name}: {route}")  # fmt: skip
        assert solution.converged, f"{name}: {solution.summary()}"
        assert solution.certificate < 1e-8, f"{name}: {solution.summary()}"


def test_spectral_routes_keep_their_spectrum(rng):
    _, problem = next(iter(problems(rng)))
    for route in ("gram-eigh", "kernel-eigh", "svd"):
        solution = SOLVERS[route].solve(problem)
        assert solution.solver == route
        state = solution.state
        assert isinstance(state, Spectrum)
        coef, _ = state.coef_path(np.array([2.0]))
        np.testing.assert_allclose(coef[0, :, 0], np.asarray(solution.coef).reshape(-1), rtol=1e-12)
        assert 1.0 < state.df(np.array([2.0]))[0] < 13.0


def test_table_rows_and_knobs(rng):
    X, y = make_regression(rng, 40, 12)
    tall = Problem(X, y, SquaredLoss(), L2Penalty(1.0))
    wide = Problem(X[:8], y[:8], SquaredLoss(), L2Penalty(1.0))
    assert choose_solver(tall).name == "gram-cholesky"
    assert choose_solver(wide).name == "kernel-cholesky"
    saved = LIMITS.gram_accuracy
    try:  # nothing is accurate enough: the Cholesky hands over to eigh, eigh to the SVD
        LIMITS.gram_accuracy = 0.0
        assert SOLVERS["gram-cholesky"].solve(tall).solver == "svd"
        assert SOLVERS["kernel-cholesky"].solve(wide).solver == "svd"
    finally:
        LIMITS.gram_accuracy = saved


def test_route_needs_squared_loss(rng):
    X, y = make_regression(rng, 30, 4)
    logistic = Problem(X, (y > y.mean()).astype(float), LogisticLoss(), L2Penalty(1.0))
    with pytest.raises(TypeError, match="needs the squared loss"):
        get_solver("gram-cholesky", logistic)
    assert choose_solver(logistic).name == "newton-cholesky"
