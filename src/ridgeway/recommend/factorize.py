"""Alternating ridge: sweeps of user and item half-steps, the objective after each sweep.

The objective is written once, in :mod:`ridgeway.recommend.conventions` (``OBJECTIVE``); a
sweep is a user half-step then an item half-step, each the exact (Cholesky) or warm-started
CG minimizer of the objective over one side with the other fixed, so the objective never
rises from one sweep to the next.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ridgeway.recommend.data import Interactions
from ridgeway.recommend.solve import entry_scores, ridge_half_step


@dataclass(frozen=True)
class Spec:
    """Resolved parameters of one fit (validated by the estimator)."""

    factors: int
    l2: float
    l2_bias: float
    feedback: str
    l2_scaling: str
    confidence: str
    alpha: float
    biases: bool
    iterations: int
    solver: str
    cg_steps: int
    tol: float
    solve_tol: float
    dtype: Any


@dataclass
class State:
    """Factors and biases (biases are zeros when the model has none)."""

    user_factors: np.ndarray
    item_factors: np.ndarray
    user_bias: np.ndarray
    item_bias: np.ndarray
    global_mean: float

    def copy(self) -> State:
        return replace(
            self,
            user_factors=self.user_factors.copy(),
            item_factors=self.item_factors.copy(),
            user_bias=self.user_bias.copy(),
            item_bias=self.item_bias.copy(),
        )


@dataclass(frozen=True)
class Trace:
    """What certifies a fit: the objective after each sweep, the largest relative residual
    ‖Aθ − b‖/‖b‖ of the last half-step's ridge systems, and how many CG rows fell back."""

    objective: np.ndarray
    solve_residual: float
    cg_fallbacks: int
    converged: bool


def initial_state(data: Interactions, spec: Spec, rng: np.random.Generator) -> State:
    n_users, n_items = data.shape
    scale = 0.1 / np.sqrt(spec.factors)
    mean = float(data.by_user.data.mean()) if spec.biases and data.by_user.nnz else 0.0
    return State(
        (scale * rng.standard_normal((n_users, spec.factors))).astype(spec.dtype),
        (scale * rng.standard_normal((n_items, spec.factors))).astype(spec.dtype),
        np.zeros(n_users, dtype=spec.dtype),
        np.zeros(n_items, dtype=spec.dtype),
        mean,
    )


def row_scale(matrix: Any, spec: Spec) -> np.ndarray:
    """s_u: 1 for l2_scaling='none', the row's count for 'count' (ALS-WR, Spark, Surprise)."""
    counts = np.diff(matrix.indptr)
    if spec.l2_scaling == "count":
        return counts.astype(spec.dtype)
    return np.ones(counts.size, dtype=spec.dtype)


def confidence(values: np.ndarray, spec: Spec) -> np.ndarray:
    """c for observed entries: 1 + α·r (Hu, Koren & Volinsky) or α·r (``implicit``);
    unobserved entries have c = 1 and preference 0."""
    if spec.confidence == "1+alpha*r":
        return (1.0 + spec.alpha * values).astype(spec.dtype)
    return (spec.alpha * values).astype(spec.dtype)


def half_step(
    matrix: Any,
    own_factors: np.ndarray,
    own_bias: np.ndarray,
    other_factors: np.ndarray,
    other_bias: np.ndarray,
    state: State,
    spec: Spec,
    certify: bool,
) -> tuple[np.ndarray, np.ndarray, float, int]:
    """Solve one side given the other; returns its new factors and bias, the largest
    relative residual and the number of CG fallbacks."""
    dtype = spec.dtype
    k = spec.factors
    values = matrix.data
    if spec.feedback == "implicit":
        conf = confidence(values, spec)
        weight, target = conf - dtype(1.0), conf
        gram = (other_factors.T @ other_factors).astype(dtype)
        other, theta = other_factors, own_factors.copy()
        penalty = np.full(k, spec.l2, dtype=dtype)
    else:
        weight = np.ones(values.size, dtype=dtype)
        if spec.biases:
            target = (values - state.global_mean - other_bias[matrix.indices]).astype(dtype)
            other = np.hstack([other_factors, np.ones((other_factors.shape[0], 1), dtype)])
            theta = np.hstack([own_factors, own_bias[:, None]])
            penalty = np.append(np.full(k, spec.l2), spec.l2_bias).astype(dtype)
        else:
            target = values.astype(dtype)
            other, theta = other_factors, own_factors.copy()
            penalty = np.full(k, spec.l2, dtype=dtype)
        gram = np.zeros((other.shape[1], other.shape[1]), dtype=dtype)
    if spec.solver == "cg":
        steps = 2 * theta.shape[1] if certify else spec.cg_steps
        tol = spec.solve_tol if certify else 0.0
    else:
        steps, tol = 0, 0.0
    residual, failed, fallback = ridge_half_step(
        matrix.indptr,
        matrix.indices,
        weight,
        target,
        gram,
        np.ascontiguousarray(other, dtype=dtype),
        row_scale(matrix, spec),
        penalty,
        theta,
        steps,
        tol,
    )
    if failed.any():
        raise ArithmeticError(
            f"{int(failed.sum())} ridge system(s) not positive definite in {dtype.__name__}; "
            f"l2={spec.l2!r} is too small for them; use a larger l2 or float64"
        )
    bias = theta[:, k].copy() if theta.shape[1] > k else own_bias
    return (
        np.ascontiguousarray(theta[:, :k]),
        bias,
        float(residual.max(initial=0.0)),
        int(fallback.sum()),
    )


def objective(data: Interactions, state: State, spec: Spec) -> float:
    """The objective of :mod:`ridgeway.recommend.conventions` at ``state`` (float64)."""
    by_user = data.by_user
    rows = np.repeat(np.arange(by_user.shape[0]), np.diff(by_user.indptr))
    scores = entry_scores(by_user.indptr, by_user.indices, state.user_factors, state.item_factors)
    if spec.feedback == "implicit":
        conf = confidence(by_user.data, spec).astype(np.float64)
        xtx = state.user_factors.T.astype(np.float64) @ state.user_factors
        yty = state.item_factors.T.astype(np.float64) @ state.item_factors
        loss = 0.5 * (np.sum(xtx * yty) + np.sum(conf * (1.0 - scores) ** 2 - scores**2))
    else:
        prediction = scores + state.global_mean
        if spec.biases:
            prediction += state.user_bias[rows] + state.item_bias[by_user.indices]
        loss = 0.5 * float(np.sum((by_user.data - prediction) ** 2))
    penalty = 0.0
    for matrix, factors, bias in (
        (by_user, state.user_factors, state.user_bias),
        (data.by_item, state.item_factors, state.item_bias),
    ):
        scale = row_scale(matrix, spec).astype(np.float64)
        norms = np.sum(factors.astype(np.float64) ** 2, axis=1)
        penalty += 0.5 * spec.l2 * float(scale @ norms)
        if spec.biases:
            penalty += 0.5 * spec.l2_bias * float(scale @ bias.astype(np.float64) ** 2)
    return float(loss + penalty)


def sweep(data: Interactions, state: State, spec: Spec, certify: bool) -> tuple[float, int]:
    """One user half-step and one item half-step, in place."""
    x, bu, _, fb_users = half_step(
        data.by_user,
        state.user_factors,
        state.user_bias,
        state.item_factors,
        state.item_bias,
        state,
        spec,
        certify,
    )
    state.user_factors, state.user_bias = x, bu
    y, bi, residual, fb_items = half_step(
        data.by_item,
        state.item_factors,
        state.item_bias,
        state.user_factors,
        state.user_bias,
        state,
        spec,
        certify,
    )
    state.item_factors, state.item_bias = y, bi
    return residual, fb_users + fb_items


def alternate(data: Interactions, state: State, spec: Spec) -> Trace:
    """Sweep until ``iterations`` or a relative decrease below ``tol``; the last sweep is
    solved to ``solve_tol`` (CG rows that miss it fall back to Cholesky)."""
    values: list[float] = []
    residual, fallbacks, converged = np.inf, 0, False
    stopping = False
    for it in range(spec.iterations):
        certify = stopping or it == spec.iterations - 1
        residual, fb = sweep(data, state, spec, certify)
        fallbacks += fb
        values.append(objective(data, state, spec))
        if certify:
            converged = stopping
            break
        if len(values) > 1:
            decrease = values[-2] - values[-1]
            stopping = decrease <= spec.tol * abs(values[-1])
    return Trace(np.asarray(values), residual, fallbacks, converged)
