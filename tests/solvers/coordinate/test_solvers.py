"""The coordinate-descent solver objects on one Problem: agreement, certificates, the table."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import ElasticNet as SkElasticNet

from ridgeway.conventions import to_sklearn_elastic_net
from ridgeway.losses.logistic import LogisticLoss
from ridgeway.losses.squared import SquaredLoss
from ridgeway.penalties.elastic_net import ElasticNetPenalty
from ridgeway.penalties.l2 import L2Penalty
from ridgeway.problem import Problem
from ridgeway.selection.paths import solve_elastic_net_path
from ridgeway.solvers.base import Solver
from ridgeway.solvers.choose import SOLVERS, choose_solver, get_solver
from ridgeway.solvers.coordinate.descent import CoordinatePathState
from ridgeway.solvers.coordinate.designs import GramDesign
from ridgeway.statistics import moments

NAMES = ("cd-gram", "cd-residual")


def make_problem(rng, n=80, p=15, *, sparse=False, weighted=True, penalty=None, intercept=True):
    X = rng.normal(size=(n, p)) * rng.uniform(0.5, 2.0, p) + rng.normal(size=p)
    if sparse:
        X = sp.csr_matrix(np.where(rng.uniform(size=(n, p)) < 0.5, X, 0.0))
    coef = np.where(rng.uniform(size=p) < 0.4, rng.normal(size=p), 0.0)
    y = X @ coef + 0.5 * rng.normal(size=n) + 1.5
    w = rng.uniform(0.5, 2.0, n) if weighted else None
    penalty = ElasticNetPenalty(3.0, 2.0) if penalty is None else penalty
    return Problem(X, y, SquaredLoss(), penalty, w, intercept)


def dual_gap(problem, coef, intercept):
    """The duality gap computed from scratch on explicitly centred data (l2 > 0 everywhere):
    primal P(β) minus the dual at θ = κ r, the scaled residual (an independent reference)."""
    X = problem.X.toarray() if sp.issparse(problem.X) else problem.X
    s = np.ones(len(problem.y)) if problem.sample_weight is None else problem.sample_weight
    a, b = problem.penalty.coordinate_weights(X.shape[1])
    A, C = problem.penalty.l1 * a, problem.penalty.l2 * b
    r = problem.y - X @ coef - intercept
    primal = 0.5 * s @ r**2 + A @ np.abs(coef) + 0.5 * C @ coef**2
    g = X.T @ (s * r)
    yc = problem.y - (s @ problem.y / s.sum() if problem.fit_intercept else 0.0)
    conjugate = np.sum(np.maximum(np.abs(g) - A, 0.0) ** 2 / (2 * C))
    dual = s @ (yc * r) - 0.5 * s @ r**2 - conjugate
    return primal - dual, 0.5 * s @ yc**2


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("shape", [(80, 15), (30, 60)])
def test_forms_and_storage_agree_on_one_problem(rng, weighted, shape, atol=1e-8):
    """cd-gram and cd-residual, dense and sparse: the same solution of the same Problem."""
    dense = make_problem(rng, *shape, sparse=True, weighted=weighted)
    dense = Problem(dense.X.toarray(), dense.y, dense.loss, dense.penalty, dense.sample_weight)
    stored = Problem(sp.csc_matrix(dense.X), *[getattr(dense, k) for k in ("y", "loss",
                     "penalty", "sample_weight")])  # fmt: skip
    fits = [SOLVERS[name].solve(pb, tol=1e-15, max_iter=100_000) for name in NAMES
            for pb in (dense, stored)]  # fmt: skip
    for fit in fits:
        assert fit.converged and fit.details["duality_gap"] <= 1e-15
        assert fit.certificate <= fit.tol
        np.testing.assert_allclose(fit.coef, fits[0].coef, atol=atol)
        np.testing.assert_allclose(fit.intercept, fits[0].intercept, atol=atol)
        assert fit.objective == pytest.approx(dense.objective(fit.coef, fit.intercept), rel=1e-10)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("sparse", [False, True])
def test_certificate_bounds_the_gap_and_matches_sklearn(rng, name, sparse, atol=1e-6):
    problem = make_problem(rng, sparse=sparse)
    solution = SOLVERS[name].solve(problem, tol=1e-12, max_iter=100_000)
    gap, null = dual_gap(problem, solution.coef, solution.intercept)
    assert solution.certificate_name.startswith("relative KKT violation")
    reported = solution.details["duality_gap"]
    assert -1e-14 <= gap / null <= 1e-12 and reported == pytest.approx(gap / null, abs=1e-12)
    assert solution.certificate <= solution.tol == 1e-14
    s = problem.sample_weight
    alpha, ratio = to_sklearn_elastic_net(3.0, 2.0, s.sum())
    ref = SkElasticNet(alpha=alpha, l1_ratio=ratio, tol=1e-14, max_iter=200_000)
    ref.fit(problem.X, problem.y, sample_weight=s)
    np.testing.assert_allclose(solution.coef, ref.coef_, atol=atol)
    assert solution.solver == name and isinstance(solution.state, CoordinatePathState)


def test_solvers_follow_the_protocol_and_the_table_chooses_by_shape(rng):
    for name in NAMES:
        assert isinstance(SOLVERS[name], Solver) and SOLVERS[name].name == name
    assert choose_solver(make_problem(rng, 200, 10)).name == "cd-gram"
    assert choose_solver(make_problem(rng, 30, 60)).name == "cd-residual"
    assert choose_solver(make_problem(rng, 30, 60, sparse=True)).name == "cd-residual"
    assert get_solver("auto", make_problem(rng, 200, 10)).name == "cd-gram"


def test_missing_requirements_are_named(rng):
    X = rng.normal(size=(40, 5))
    gamma = np.eye(5) - np.eye(5, k=1)  # a difference operator: not separable
    ridge = Problem(X, X[:, 0], SquaredLoss(), L2Penalty(2.0, gamma=gamma))
    with pytest.raises(TypeError, match="needs a coordinate-separable penalty"):
        get_solver("cd-gram", ridge)
    logistic = Problem(X, np.sign(X[:, 0]), LogisticLoss(), ElasticNetPenalty(1.0))
    with pytest.raises(TypeError, match="needs the squared loss"):
        get_solver("cd-residual", logistic)
    multi = Problem(X, X[:, :2], SquaredLoss(), ElasticNetPenalty(1.0))
    with pytest.raises(TypeError, match=r"needs a single output \(1-D y\)"):
        get_solver("cd-gram", multi)
    with pytest.raises(TypeError, match="needs a smooth penalty"):
        get_solver("newton-cholesky", make_problem(rng))


@pytest.mark.parametrize("name", NAMES)
def test_diagonal_ridge_through_the_penalty_contract(rng, name, atol=1e-8):
    """A separable L2Penalty (diagonal Γ) gives its weights through the Penalty base: the
    closed form (XᵀSX + λΓᵀΓ)β = XᵀSy on centred data."""
    gamma = np.diag(rng.uniform(0.5, 2.0, 15))
    problem = make_problem(rng, penalty=L2Penalty(4.0, gamma=gamma))
    solution = SOLVERS[name].solve(problem, tol=1e-15, max_iter=100_000)
    X, y, s = problem.X, problem.y, problem.sample_weight
    Xc, yc = X - s @ X / s.sum(), y - s @ y / s.sum()
    H = Xc.T @ (s[:, None] * Xc) + 4.0 * gamma.T @ gamma
    np.testing.assert_allclose(solution.coef, np.linalg.solve(H, Xc.T @ (s * yc)), atol=atol)


@pytest.mark.parametrize("name", NAMES)
def test_warm_start_from_a_neighbour(rng, name, atol=1e-6):
    """``start=`` a nearby solution: its typed state carries the path; the answer is the same."""
    problem = make_problem(rng, 60, 20)
    solver = SOLVERS[name]
    near = solver.solve(Problem(*_fields(problem, ElasticNetPenalty(3.3, 2.2))), tol=1e-15)
    cold = solver.solve(problem, tol=1e-15, max_iter=100_000)
    warm = solver.solve(problem, start=near, tol=1e-15, max_iter=100_000)
    np.testing.assert_allclose(warm.coef, cold.coef, atol=atol)
    assert warm.converged and warm.n_iter <= cold.n_iter
    state = warm.state
    np.testing.assert_array_equal(state.coef, warm.coef)
    np.testing.assert_array_equal(state.active, warm.coef != 0)
    assert state.l1 == 3.0


def _fields(problem, penalty):
    return problem.X, problem.y, problem.loss, penalty, problem.sample_weight


def test_path_points_are_solutions_and_agree_across_forms(rng, atol=1e-8):
    problem = make_problem(rng, 90, 12, penalty=ElasticNetPenalty(0.0, positive=True))
    paths = [
        solve_elastic_net_path(problem, 0.7, n_grid=15, eps=1e-2, solver=n, tol=1e-13)
        for n in NAMES
    ]
    np.testing.assert_allclose(paths[0].path.coef, paths[1].path.coef, atol=atol)
    assert np.all(paths[0].path.coef >= 0) and np.all(paths[0].path.coef[0] == 0)
    for k in (0, 7, 14):
        point = paths[0].path.solution(k)
        at_k = Problem(*_fields(problem, problem.penalty.with_strengths(paths[0].l1[k],
                       paths[0].l2[k])))  # fmt: skip
        assert point.converged and point.objective == pytest.approx(
            at_k.objective(point.coef, point.intercept), rel=1e-10
        )


def test_fit_from_statistics_computed_in_chunks(rng, atol=1e-10):
    """A Gram design from moments merged over chunks (computed elsewhere) is the same fit."""
    problem = make_problem(rng, 120, 8)
    X, y, s = problem.X, problem.y[:, None], problem.sample_weight
    chunks = [moments(X[i : i + 40], y[i : i + 40], s[i : i + 40]) for i in (0, 40, 80)]
    merged = chunks[0].merge(chunks[1]).merge(chunks[2])
    solver = SOLVERS["cd-gram"]
    direct = solver.solve_path(problem, [3.0], [2.0], tol=1e-14)
    from_stats = solver.solve_path(problem, [3.0], [2.0], design=GramDesign(merged, True),
                                   tol=1e-14)  # fmt: skip
    np.testing.assert_allclose(from_stats.coef, direct.coef, atol=atol)
    np.testing.assert_allclose(from_stats.intercept, direct.intercept, atol=atol)


def test_penalty_value_prox_and_weights(rng):
    f, scale = rng.uniform(0.0, 2.0, 6), rng.uniform(0.5, 3.0, 6)
    penalty = ElasticNetPenalty(1.5, 0.8, f, scale=scale)
    a, b = penalty.coordinate_weights(6)
    np.testing.assert_allclose(a, f * scale)
    np.testing.assert_allclose(b, f * scale**2)
    coef = rng.normal(size=6)
    expected = 1.5 * np.sum(f * scale * np.abs(coef)) + 0.4 * np.sum(f * scale**2 * coef**2)
    assert penalty.value(coef) == pytest.approx(expected)
    assert penalty.separable and not penalty.smooth and not penalty.identity
    assert ElasticNetPenalty(1.0).identity
    # the proximal step minimizes ½‖b − β‖² + t·P(b), checked on a fine grid per coordinate
    t, grid = 0.7, np.linspace(-4, 4, 160_001)
    prox = penalty.prox(coef, t)
    for j in range(6):
        objective = 0.5 * (grid - coef[j]) ** 2 + t * (1.5 * a[j] * np.abs(grid)
                                                      + 0.4 * b[j] * grid**2)  # fmt: skip
        assert prox[j] == pytest.approx(grid[np.argmin(objective)], abs=1e-4)
    positive = ElasticNetPenalty(0.1, positive=True).prox(np.array([-1.0, 1.0]), 1.0)
    np.testing.assert_allclose(positive, [0.0, 0.9])
    with pytest.raises(TypeError, match="per-coordinate weights"):
        L2Penalty(1.0, gamma=np.eye(3) - np.eye(3, k=1)).coordinate_weights(3)
