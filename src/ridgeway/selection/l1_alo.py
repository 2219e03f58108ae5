"""Approximate leave-one-out for L1 / elastic-net / grouped classifiers, on the active set.

At a solution of Σ s_i ℓ(y_i, z_i) + l1·Σ a_j|β_j| + (l2/2)·Σ b_j β_j², leaving out one row
moves the coefficients of the active set A (the non-zero ones, the unpenalized features
and the intercept) and, to first order, leaves the zeros at zero (Rad & Maleki 2020, §4;
Auddy, Rad & Maleki 2023). On A the l1 term is linear (its signs fixed), so its Hessian is
zero and the objective restricted to A is smooth, with Hessian

    K_A = X̃_Aᵀ D X̃_A + l2·diag(b_A)        (the intercept unpenalized),

and the left-out predictor is the smooth ALO's (selection.alo: one Newton step from the
full-data fit, in closed form) on the problem restricted to A: X_A with the ridge penalty
(l2/2)·Σ_{j∈A} b_j β_j², at the same fitted coefficients. The grouped penalty
l1·Σ a_j‖β_j‖₂ is smooth away from zero: on an active group it adds its curvature
l1·a_j (I − uuᵀ)/‖β_j‖ (u = β_j/‖β_j‖) to K_A. A multinomial's k × k blocks per sample and
its held coordinates (a feature non-zero in some classes only) go through
:func:`~ridgeway.selection.alo.alo_from_hessian`'s ``keep``. With A empty (strong L1: the
intercept-only model) the leverage is the intercept's, hᵢ = 1/Σ_j c_j.

Cost per λ: one Gram of the active columns (n·|A|²) and one leverage pass — against k
path solves for k-fold.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import scipy.linalg as la

from ridgeway import operators
from ridgeway.penalties.l2 import L2Penalty
from ridgeway.problem import Problem
from ridgeway.progress import advance
from ridgeway.selection.alo import alo_from_hessian
from ridgeway.selection.classification_scoring import ClassificationMetric
from ridgeway.selection.classifier_cv import alo_result
from ridgeway.selection.classifier_task import ClassifierTask
from ridgeway.selection.l1_classifier_cv import (
    L1Penalty,
    L1Selection,
    Paths,
    nonzero_counts,
    solve_l1_path,
)
from ridgeway.selection.splits import check_loo_weights
from ridgeway.solution import Solution
from ridgeway.solvers.smooth.objective import PackedObjective

__all__ = ["active_alo", "select_classifier_l1_alo"]

#: the relative size, against the largest diagonal entry of K_A, of the ridge added when K_A
#: is numerically singular (a lasso active set of collinear columns): far below any λ
JITTER = 1e-10


def _restricted(problem: Problem, solution: Solution):
    """The problem restricted to the features non-zero in some class or unpenalized, with
    the ridge part of its penalty there; the kept features and their coefficients (|A|, k)."""
    pen = problem.penalty
    p = problem.n_features
    a, b = pen.coordinate_weights(p)
    B = np.asarray(solution.coef, dtype=np.float64).reshape(p, -1)
    features = np.flatnonzero(np.any(B != 0, axis=1) | (np.asarray(a) == 0))
    b_A = np.asarray(b, dtype=np.float64)[features]
    if np.all(b_A == 1.0):
        ridge = L2Penalty(float(pen.l2))
    else:
        ridge = L2Penalty(float(pen.l2), gamma=operators.diagonal(np.sqrt(b_A)))
    X_A = problem.X[:, features]
    reduced = Problem(X_A, problem.y, problem.loss, ridge, problem.sample_weight,
                      problem.fit_intercept)  # fmt: skip
    return reduced, features, B[features]


def _multinomial_hessian(
    obj: PackedObjective, H: np.ndarray, B_A: np.ndarray, a_A: np.ndarray, l1: float,
    grouped: bool,
) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """K_A and the kept packed coordinates of a multinomial head (k outputs).

    K = data Hessian + the ridge part per class (+ the group curvature on active groups).
    The softmax's free direction — the same change in every class — is a null direction of
    K wherever nothing penalizes it (the intercepts; a feature kept in every class with no
    curvature of its own along it): there the multinomial stabilizer closes it, which moves
    every class's left-out predictor by the same amount and so no probability.
    """
    k, q, pA = obj.k, obj.q, obj.p
    K = H.copy()
    P = obj.penalty_hessian()
    for c in range(k):
        K[c * q : c * q + pA, c * q : c * q + pA] += P
    keep = np.ones((k, q), dtype=bool)
    keep[:, :pA] = (B_A != 0).T | (a_A == 0)[None, :]
    if grouped:
        norms = np.sqrt(np.sum(B_A * B_A, axis=1))
        for jj in np.flatnonzero((norms > 0) & (a_A > 0)):
            u = B_A[jj] / norms[jj]
            idx = np.arange(k) * q + jj
            K[np.ix_(idx, idx)] += l1 * a_A[jj] * (np.eye(k) - np.outer(u, u)) / norms[jj]
    size = float(np.max(np.abs(np.diag(K)), initial=1.0))
    for col in range(q):
        if not np.all(keep[:, col]):
            continue
        idx = np.arange(k) * q + col
        if np.linalg.norm(K[:, idx].sum(axis=1)) <= 1e-12 * size * np.sqrt(k):  # K·1_col
            w = obj.stabilizer * (1.0 if col == pA else min(float(obj.unit[col]) ** 2, 1.0))
            K[np.ix_(idx, idx)] += w
    return K, keep.ravel()


def active_alo(problem: Problem, solution: Solution) -> tuple[np.ndarray, float, np.ndarray]:
    """Left-out linear predictors (shaped like y), effective df and the fitted linear
    predictors at one solution of a problem with an elastic-net or grouped penalty, from the
    Hessian on its active set."""
    reduced, features, B_A = _restricted(problem, solution)
    obj = PackedObjective(reduced)
    theta = obj.pack(B_A.reshape(obj.p, obj.k) if obj.k > 1 else B_A[:, 0], solution.intercept)
    z = obj.predictor(theta)
    H = obj.data_hessian(z)
    if obj.k == 1:
        K, keep = obj.with_penalty(H), None
    else:
        a, _ = problem.penalty.coordinate_weights(problem.n_features)
        K, keep = _multinomial_hessian(obj, H, B_A, np.asarray(a, dtype=np.float64)[features],
                                       float(problem.penalty.l1),
                                       bool(problem.penalty.grouped))  # fmt: skip
    try:
        z_loo, df = alo_from_hessian(obj, z, K, keep)
    except la.LinAlgError:  # collinear active columns (lasso): a ridge far below any λ
        jitter = JITTER * float(np.max(np.abs(np.diag(K)), initial=1.0))
        z_loo, df = alo_from_hessian(obj, z, K + jitter * np.eye(K.shape[0]), keep)
    return z_loo, df, z


def select_classifier_l1_alo(
    task: ClassifierTask,
    penalty: L1Penalty,
    share: float,
    grid: np.ndarray,
    metric: ClassificationMetric,
    rule: str,
) -> L1Selection:
    """ALO choice of the total strength on the ascending ``grid`` (l1 = share·λ,
    l2 = (1 − share)·λ): one full-data path, then one active-set leverage pass per λ."""
    check_loo_weights(task.sample_weight)
    grid_desc = grid[::-1]
    L = len(grid)
    l1_desc, l2_desc = share * grid_desc, (1.0 - share) * grid_desc
    what = f"ALO over {len(grid)} values of l1 + l2"
    full: Paths = solve_l1_path(task, penalty, l1_desc, l2_desc)
    advance(L, 2 * L, what)
    loo, fit, dfs = [], [], np.zeros(L)
    for h, head in enumerate(full):
        z_loo, z_fit = [], []
        for j, sol in enumerate(head):
            pb = penalty.problems(task, l1_desc[j], l2_desc[j])[h]
            zl, df, z = active_alo(pb, sol)
            z_loo.append(zl)
            z_fit.append(z)
            dfs[j] += df
            advance(L + j + 1, 2 * L, what)
        loo.append(np.stack(z_loo, axis=1))
        fit.append(np.stack(z_fit, axis=1))
    result = alo_result(task, grid, loo, fit, dfs, metric, rule)
    path = [head[::-1] for head in full]
    l1, l2 = share * grid, (1.0 - share) * grid
    extra = {"l1": l1, "l2": l2, "l1_share": np.float64(share),
             "n_nonzero": nonzero_counts(path)}  # fmt: skip
    return L1Selection(replace(result, extra=extra), path, l1, l2)
