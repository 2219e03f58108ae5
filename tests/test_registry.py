"""The shared battery: every registered loss, penalty and solver is checked automatically.

The registries are ``ridgeway.losses.LOSSES``, ``ridgeway.penalties.PENALTIES`` and
``ridgeway.solvers.choose.SOLVERS``. A new entry needs one example below (the test that
compares the registries with the examples fails until it has one); it then gets finite-difference
derivatives (losses), gradient, Hessian-product and proximal checks (penalties), and for solvers:
its certificate on every example problem it accepts, the objective it reports, and agreement
with every other solver that accepts the same problem.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from ridgeway import operators
from ridgeway.losses import LOSSES, Loss
from ridgeway.penalties import (
    PENALTIES,
    ElasticNetPenalty,
    GroupElasticNetPenalty,
    L2Penalty,
    Penalty,
)
from ridgeway.problem import Problem
from ridgeway.solvers.base import meets
from ridgeway.solvers.choose import SOLVERS, choose_solver

SEED = 20261201


# --- examples: (loss, y, z) away from kinks, one per registered loss -------------------------
def _loss_example(name: str, rng: np.random.Generator) -> tuple[Loss, np.ndarray, np.ndarray]:
    n = 30
    loss = LOSSES[name]()
    if name == "multinomial":
        z = rng.normal(size=(n, 3))
        return loss, np.eye(3)[rng.integers(0, 3, n)], z
    z = rng.normal(size=n)
    if name == "squared":
        return loss, rng.normal(size=n), z
    if name == "logistic":
        return loss, rng.integers(0, 2, n).astype(float), z
    y = rng.choice([-1.0, 1.0], n)  # margin losses: keep y·z away from the kink at 1
    margin = y * z
    z = np.where(np.abs(margin - 1) < 0.1, z + 0.3 * y, z)
    return loss, y, z


LOSS_EXAMPLES = {name: (lambda rng, name=name: _loss_example(name, rng)) for name in LOSSES}


def _penalty_examples(p: int, rng: np.random.Generator) -> dict[str, list[Penalty]]:
    prior = rng.normal(size=p)
    factors = np.r_[0.0, rng.uniform(0.5, 2.0, p - 1)]
    return {
        "l2": [
            L2Penalty(2.5),
            L2Penalty(1.5, gamma=operators.diagonal(np.sqrt(factors)), prior=prior),
            L2Penalty(0.7, gamma=operators.resolve("diff2", p)),
        ],
        "elastic_net": [
            ElasticNetPenalty(0.8, 1.3),
            ElasticNetPenalty(0.5, 0.0, factors=factors, scale=rng.uniform(0.5, 2, p)),
            ElasticNetPenalty(0.6, 0.4, positive=True),
        ],
        "group_elastic_net": [
            GroupElasticNetPenalty(0.8, 1.3),
            GroupElasticNetPenalty(0.5, 0.0, factors=factors, scale=rng.uniform(0.5, 2, p)),
        ],
    }


def test_every_registered_loss_and_penalty_has_an_example():
    assert set(LOSS_EXAMPLES) == set(LOSSES)
    assert set(_penalty_examples(5, np.random.default_rng(0))) == set(PENALTIES)


# --- losses: finite differences ----------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(LOSSES))
def test_loss_gradient_and_curvature_match_finite_differences(name):
    loss, y, z = LOSS_EXAMPLES[name](np.random.default_rng(SEED))
    h = 1e-6
    if loss.differentiable:
        grad = loss.gradient(y, z)
        fd = np.empty_like(z)
        for index in np.ndindex(z.shape):
            up, down = z.copy(), z.copy()
            up[index] += h
            down[index] -= h
            row = index[0]
            fd[index] = (loss.pointwise(y, up)[row] - loss.pointwise(y, down)[row]) / (2 * h)
        np.testing.assert_allclose(grad, fd, rtol=1e-6, atol=1e-7)
    if loss.twice_differentiable:
        curvature = loss.curvature(y, z)
        for k in range(1 if z.ndim == 1 else z.shape[1]):
            step = np.zeros_like(z)
            if z.ndim == 1:
                step[:] = h
            else:
                step[:, k] = h
            fd = (loss.gradient(y, z + step) - loss.gradient(y, z - step)) / (2 * h)
            want = curvature if z.ndim == 1 else curvature[:, :, k]
            np.testing.assert_allclose(want, fd, rtol=1e-5, atol=1e-7)
    value = loss.value(y, z, np.full(len(y), 2.0))
    assert value == pytest.approx(2 * float(np.sum(loss.pointwise(y, z))), rel=1e-12)


# --- penalties: gradient, Hessian product, proximal step ---------------------------------------
def _penalties():
    rng = np.random.default_rng(SEED)
    return [(name, k, pen) for name, pens in _penalty_examples(6, rng).items()
            for k, pen in enumerate(pens)]  # fmt: skip


@pytest.mark.parametrize(("name", "k", "penalty"), _penalties())
def test_penalty_derivatives_and_proximal_step(name, k, penalty):
    rng = np.random.default_rng(SEED + k)
    beta = rng.normal(size=6) + 0.2  # no coordinate at a kink of |β|
    h = 1e-6
    if penalty.smooth:
        eye = np.eye(6)
        fd = np.array([(penalty.value(beta + h * e) - penalty.value(beta - h * e)) / (2 * h)
                       for e in eye])  # fmt: skip
        np.testing.assert_allclose(penalty.gradient(beta), fd, rtol=1e-6, atol=1e-8)
        v = rng.normal(size=6)
        fd_hv = (penalty.gradient(beta + h * v) - penalty.gradient(beta - h * v)) / (2 * h)
        np.testing.assert_allclose(penalty.hessp(v), fd_hv, rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(penalty.hessian(6) @ v, penalty.hessp(v), rtol=1e-12)
    try:
        prox = penalty.prox(beta, 0.7)
    except TypeError:  # no closed form (a non-diagonal Γ): nothing to check
        assert not penalty.separable
        return

    def prox_objective(b: np.ndarray) -> float:
        if getattr(penalty, "positive", False) and np.any(b < 0):
            return np.inf
        return 0.5 * float(np.sum((b - beta) ** 2)) + 0.7 * penalty.value(b)

    best = prox_objective(prox)
    for _ in range(200):  # optimality: no nearby point does better
        step = rng.normal(size=6) * 10.0 ** rng.uniform(-6, -1)
        assert best <= prox_objective(prox + step) + 1e-12


# --- solvers: certificates, objectives and agreement on shared example problems -------------
def _data(rng: np.random.Generator, n: int = 60, p: int = 8):
    X = rng.normal(size=(n, p)) @ (np.eye(p) + 0.3 * rng.normal(size=(p, p))) + 1.0
    beta = rng.normal(size=p)
    return X, beta, rng.uniform(0.5, 2.0, n)


def _problems() -> dict[str, Problem]:
    rng = np.random.default_rng(SEED)
    X, beta, w = _data(rng)
    n, p = X.shape
    y = X @ beta + rng.normal(size=n)
    Y2 = np.column_stack([y, X @ rng.normal(size=p) + rng.normal(size=n)])
    y01 = (X @ beta + rng.logistic(size=n) > np.median(X @ beta)).astype(float)
    classes = np.digitize(X @ beta + rng.normal(size=n), np.quantile(X @ beta, [1 / 3, 2 / 3]))
    wide = np.hstack([X[:20], rng.normal(size=(20, 30))])  # n < p: the kernel routes
    sparse = sp.csr_matrix(np.where(np.abs(X) > 1, X, 0.0))
    factors = operators.diagonal(np.r_[0.0, np.ones(p - 1)])
    squared, logistic = LOSSES["squared"](), LOSSES["logistic"]()
    return {
        "squared, identity": Problem(X, y, squared, L2Penalty(3.0)),
        "squared, weights, factors, prior": Problem(
            X,
            y,
            squared,
            L2Penalty(2.0, gamma=factors, prior=rng.normal(size=p)),
            sample_weight=w,
        ),
        "squared, diff2": Problem(X, y, squared, L2Penalty(5.0, operators.resolve("diff2", p))),
        "squared, two targets": Problem(X, Y2, squared, L2Penalty(1.0)),
        "squared, wide": Problem(wide, y[:20], squared, L2Penalty(0.5)),
        "squared, sparse": Problem(sparse, y, squared, L2Penalty(2.0)),
        "elastic net": Problem(X, y, squared, ElasticNetPenalty(5.0, 2.0), sample_weight=w),
        "lasso, no intercept": Problem(X, y, squared, ElasticNetPenalty(8.0), fit_intercept=False),
        "logistic": Problem(X, y01, logistic, L2Penalty(1.0), sample_weight=w),
        "logistic, diff1": Problem(X, y01, logistic, L2Penalty(2.0, operators.resolve("diff1", p))),
        "multinomial": Problem(X, np.eye(3)[classes], LOSSES["multinomial"](), L2Penalty(1.0)),
        "logistic, elastic net": Problem(
            X, y01, logistic, ElasticNetPenalty(2.0, 1.0), sample_weight=w
        ),
        "multinomial, grouped": Problem(
            sparse, np.eye(3)[classes], LOSSES["multinomial"](), GroupElasticNetPenalty(3.0, 0.5)
        ),
        "squared hinge": Problem(X, 2 * y01 - 1, LOSSES["squared_hinge"](), L2Penalty(1.0)),
        "hinge": Problem(X, 2 * y01 - 1, LOSSES["hinge"](), L2Penalty(1.0)),
    }


PROBLEMS = _problems()
TOL = {"tol": 1e-11, "max_iter": 100_000}


def _accepting(problem: Problem) -> list[str]:
    return sorted(name for name, solver in SOLVERS.items() if meets(solver, problem))


def _solve(name: str, problem: Problem):
    options = dict(TOL)
    if name.startswith("newton"):
        options["max_iter"] = 200
    return SOLVERS[name].solve(problem, **options)


def test_every_solver_is_exercised_by_an_example_problem():
    used = {name for problem in PROBLEMS.values() for name in _accepting(problem)}
    assert used == set(SOLVERS), f"no example problem for {sorted(set(SOLVERS) - used)}"
    for problem in PROBLEMS.values():  # and the table's own choice is among the acceptors
        assert choose_solver(problem).name in _accepting(problem)


@pytest.mark.parametrize("case", sorted(PROBLEMS))
def test_solvers_certify_and_agree_on_the_same_problem(case):
    problem = PROBLEMS[case]
    names = _accepting(problem)
    assert names, f"no solver accepts {case}"
    solutions = {name: _solve(name, problem) for name in names}
    for name, sol in solutions.items():
        assert sol.converged, f"{name} on {case}: {sol.summary()}"
        assert sol.certificate <= sol.tol
        reported = problem.objective(np.asarray(sol.coef), sol.intercept)
        assert sol.objective == pytest.approx(reported, rel=1e-9), name
    reference = solutions[names[0]]
    scale = max(float(np.abs(reference.coef).max()), 1.0)
    for name, sol in solutions.items():  # the optimum is unique (strictly convex objectives)
        np.testing.assert_allclose(
            np.asarray(sol.coef), np.asarray(reference.coef), rtol=0, atol=1e-6 * scale,
            err_msg=f"{name} vs {names[0]} on {case}",
        )  # fmt: skip
        np.testing.assert_allclose(sol.intercept, reference.intercept, atol=1e-6 * scale)
