"""Approximate leave-one-out (ALO) for smooth regularized GLMs (Rad & Maleki 2020).

At the full-data optimum θ with Hessian K = X̃ᵀDX̃ + λΓᵀΓ, removing sample i and taking one
Newton step gives its left-out linear predictor in closed form (Sherman–Morrison):

    z₋ᵢ = zᵢ + gᵢ hᵢ / (1 − cᵢ hᵢ),   hᵢ = x̃ᵢᵀ K⁻¹ x̃ᵢ,

with gᵢ = sᵢℓ′ and cᵢ = sᵢℓ″ at zᵢ. For k outputs (multinomial) the same with k × k
blocks: z₋ᵢ = zᵢ + Mᵢ (I − CᵢMᵢ)⁻¹ gᵢ, Mᵢ = X̃ᵢᵀK⁻¹X̃ᵢ. No refit: one Cholesky of K and one
triangular solve against X̃ᵀ (in row chunks) per λ. The effective degrees of freedom
tr(K⁻¹X̃ᵀDX̃) = Σᵢ cᵢhᵢ (k = 1) come out of the same numbers.

Where consecutive λ of a path share their solution θ (the solver took no step: small λ,
where the fit no longer moves), K(λ) = H + λM differs only in λ. With K(λ₀) = LLᵀ at the
smallest λ₀ and L⁻¹ML⁻ᵀ = W diag(μ) Wᵀ, K(λ)⁻¹ = L⁻ᵀW diag(1/(1 + (λ − λ₀)μ)) WᵀL⁻¹, so
one product U = X̃L⁻ᵀW serves the whole run: hᵢ(λ) = Σⱼ Uᵢⱼ²/(1 + (λ − λ₀)μⱼ), an
(n × q)·(q × run) product (:func:`alo_predictors_shared`).
"""

from __future__ import annotations

import numpy as np
import scipy.linalg as la
import scipy.sparse as sp
from scipy.linalg.blas import dtrmm

from ridgeway.problem import Problem
from ridgeway.solution import Solution
from ridgeway.solvers.smooth.objective import PackedObjective, at_l2

__all__ = ["SHARED_MIN", "alo_from_hessian", "alo_predictors", "alo_predictors_shared"]

CHUNK = 1024  # rows per block: the block and its product stay in cache


def _leverages(Xb, Lt: np.ndarray, p: int, fit_intercept: bool) -> np.ndarray:
    """hᵢ = ‖L⁻¹x̃ᵢ‖² for the rows of a block, from Lt = (L⁻¹) lower triangular.

    The block is copied once into C order, whose transpose is the Fortran-ordered X̃_bᵀ that
    BLAS trmm multiplies in place from the left (half the flops of a general product, and no
    transposing copy).
    """
    B = np.empty((Xb.shape[0], Lt.shape[0]))
    B[:, :p] = Xb.toarray() if sp.issparse(Xb) else Xb
    if fit_intercept:
        B[:, p] = 1.0
    A = dtrmm(1.0, Lt, B.T, side=0, lower=1, overwrite_b=1)  # (q, m): column i = L⁻¹x̃ᵢ
    return np.einsum("ij,ij->j", A, A)


def _times(Xb, W: np.ndarray, p: int, fit_intercept: bool) -> np.ndarray:
    """X̃_b W for a row block of X (the column of ones handled as a row of W)."""
    A = np.asarray(Xb @ W[:p], dtype=np.float64)
    if fit_intercept:
        A += W[p]
    return A


def alo_predictors(
    problem: Problem,
    solution: Solution,
    z: np.ndarray | None = None,
    data_hessian: np.ndarray | None = None,
) -> tuple[np.ndarray, float, np.ndarray]:
    """Left-out linear predictors z₋ᵢ (shaped like y), effective degrees of freedom, and the
    data Hessian X̃ᵀDX̃ at the solution (a path reuses it for the next λ's Newton steps).

    ``z``: the linear predictor at the solution, when the solver already has it;
    ``data_hessian``: X̃ᵀDX̃ at the solution, when already known (e.g. the solution did not move
    from the previous λ's).
    """
    obj = PackedObjective(problem)
    if z is None:
        z = obj.predictor(obj.pack(solution.coef, solution.intercept))
    if data_hessian is None:
        data_hessian = obj.data_hessian(z)
    z_loo, df = alo_from_hessian(obj, z, obj.with_penalty(data_hessian))
    return z_loo, df, data_hessian


def alo_from_hessian(
    obj: PackedObjective, z: np.ndarray, K: np.ndarray, keep: np.ndarray | None = None
) -> tuple[np.ndarray, float]:
    """Left-out predictors (shaped like y) and df from the Hessian K of the objective at the
    solution, in ``obj``'s packed coordinates.

    ``keep``: the packed coordinates that move when a row is left out (an active set: the
    others are held where they are, K and x̃ᵢ restricted to these); None: all of them. With
    none kept the left-out predictors are the fitted ones.
    """
    n, k, q, p = obj.problem.n_samples, obj.k, obj.q, obj.p
    fit_intercept = obj.fit_intercept
    idx = None if keep is None else np.flatnonzero(keep)
    K_kept = K if idx is None else K[np.ix_(idx, idx)]
    if K_kept.shape[0] == 0:
        return z.copy(), 0.0
    L = la.cholesky(K_kept, lower=True, check_finite=False)
    # L⁻¹ (lower triangular) applied to the rows of X̃ block by block
    Linv = la.solve_triangular(L, np.eye(L.shape[0]), lower=True, check_finite=False)
    Linv = np.asfortranarray(Linv)
    if idx is None:
        W = Linv.T
    else:  # rows of held coordinates are zero: x̃ᵢ restricted to the kept ones
        W = np.zeros((obj.size, len(idx)))
        W[idx] = Linv.T
    grad = obj.sample_gradient(z)  # s_i ℓ′, (n, k)
    curv = obj.sample_curvature(z)  # s_i ℓ″, (n,) or (n, k, k)
    z2 = z.reshape(n, k)
    z_loo = np.empty_like(z2)
    df = 0.0
    for start in range(0, n, CHUNK):
        stop = min(start + CHUNK, n)
        Xb = obj.problem.X[start:stop]
        if k == 1:
            if idx is None:
                h = _leverages(Xb, Linv, p, fit_intercept)
            else:
                A1 = _times(Xb, W, p, fit_intercept)
                h = np.einsum("ij,ij->i", A1, A1)
            c, g = curv[start:stop], grad[start:stop, 0]
            z_loo[start:stop, 0] = z2[start:stop, 0] + g * h / (1.0 - c * h)
            df += float(c @ h)
            continue
        # class block c of x̃ᵢ: rows c·q … c·q + q − 1 of W; M_i[a, b] = A_a · A_b
        A = np.stack(
            [_times(Xb, W[c * q : (c + 1) * q], p, fit_intercept) for c in range(k)]
        )  # (k, m, size)
        M = np.einsum("aiz,biz->iab", A, A)
        C = curv[start:stop]
        g = grad[start:stop]
        inner = np.eye(k)[None] - C @ M
        z_loo[start:stop] = z2[start:stop] + np.einsum(
            "mab,mb->ma", M, np.linalg.solve(inner, g[:, :, None])[:, :, 0]
        )
        df += float(np.einsum("mab,mba->", C, M))
    return (z_loo[:, 0] if k == 1 else z_loo), df


#: runs of at least this many λ sharing θ take the shared pass (a general n × q × q product,
#: twice the triangular one's flops, against one triangular product per λ)
SHARED_MIN = 3


def alo_predictors_shared(
    problems: list[Problem], solution: Solution, z: np.ndarray, data_hessian: np.ndarray
) -> list[tuple[np.ndarray, float]]:
    """Left-out predictors and df, as :func:`alo_predictors`, for one-output problems that
    differ only in λ and share the solution θ (predictor ``z``, data Hessian there)."""
    objs = [PackedObjective(pb) for pb in problems]
    if objs[0].k != 1:
        raise ValueError("the shared ALO pass takes one-output problems")
    l2 = np.array([float(pb.penalty.l2) for pb in problems])
    ref = int(np.argmin(l2))
    K_ref = objs[ref].with_penalty(data_hessian)
    # M = ∂K/∂λ: the penalty's Hessian at λ = 1 (an L2 penalty is linear in λ)
    M = PackedObjective(at_l2(problems[ref], 1.0)).with_penalty(np.zeros_like(data_hessian))
    L = la.cholesky(K_ref, lower=True, check_finite=False)
    Linv = la.solve_triangular(L, np.eye(L.shape[0]), lower=True, check_finite=False)
    mu, W = la.eigh(Linv @ M @ Linv.T, check_finite=False)
    mu = np.maximum(mu, 0.0)  # M is positive semidefinite: negatives are rounding
    B = Linv.T @ W  # (q, q): columns L⁻ᵀw_j
    # 1/(1 + (λ − λ₀)μ) per eigenvalue and λ of the run: (q, run)
    F = 1.0 / (1.0 + np.outer(mu, l2 - l2[ref]))
    obj, pb = objs[ref], problems[ref]
    grad = obj.sample_gradient(z)[:, 0]
    curv = obj.sample_curvature(z)
    n, p = pb.n_samples, pb.n_features
    z = z.reshape(n)
    h = np.empty((n, len(problems)))
    for start in range(0, n, CHUNK):
        stop = min(start + CHUNK, n)
        U = _times(pb.X[start:stop], B, p, pb.fit_intercept)
        np.multiply(U, U, out=U)
        h[start:stop] = U @ F
    out = []
    for j in range(len(problems)):
        hj = h[:, j]
        out.append((z + grad * hj / (1.0 - curv * hj), float(curv @ hj)))
    return out
