"""The smooth objective of a Problem on one packed parameter vector, for the primal solvers.

Parameters are packed class by class: θ = [β_1, b_1, β_2, b_2, …] with β_c the p
coefficients and b_c the intercept of output c (no b_c without an intercept), so that the
Hessian is built from blocks X̃ᵀ W_ab X̃ with X̃ = [X, 1] — never formed: the column of ones
is handled by sums. For k > 1 outputs (multinomial) the loss does not change when the same
vector is added to every class's parameters; the term (c/2)‖Σ_c θ_c‖², zero at the
sum-to-zero solution we report, makes the problem strictly convex without moving it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, cast

import numpy as np
import scipy.sparse as sp

from ridgeway.penalties.base import Penalty
from ridgeway.problem import Problem
from ridgeway.solution import Solution

__all__ = [
    "CERTIFICATE",
    "FUSED_ROWS",
    "GRAM_ROWS",
    "PackedObjective",
    "at_l2",
    "column_rms",
    "weighted_gram",
]

CERTIFICATE = "relative gradient norm"

GRAM_ROWS = 2048  # row blocks for the Gram: ~1.6 MB at p = 100, cache-resident
FUSED_ROWS = 1024  # row blocks for the fused step-and-gradient pass


def at_l2(problem: Problem, l2: float) -> Problem:
    """The same problem with penalty strength ``l2`` (penalties are frozen dataclasses)."""
    penalty = replace(cast(Any, problem.penalty), l2=float(l2))
    return replace(problem, penalty=penalty)


def weighted_gram(X, w: np.ndarray, fit_intercept: bool) -> np.ndarray:
    """X̃ᵀ diag(w) X̃ as a dense (q, q) array; a BLAS syrk when w >= 0 and X is dense."""
    if sp.issparse(X):
        G = (X.T @ (sp.diags(w) @ X)).toarray()
    elif np.all(w >= 0):
        # row blocks that stay in cache: the scaled copy of X never goes to main memory
        root = np.sqrt(w).astype(X.dtype, copy=False)
        G = np.zeros((X.shape[1], X.shape[1]))
        # rows of weight zero (e.g. a fold's test rows, solved in place) are skipped: the
        # scaled block is a copy anyway, so gathering only the others costs nothing extra
        rows = np.flatnonzero(w) if np.count_nonzero(w) < 0.9 * len(w) else None
        n_rows = X.shape[0] if rows is None else len(rows)
        for start in range(0, n_rows, GRAM_ROWS):
            if rows is None:
                block = X[start : start + GRAM_ROWS] * root[start : start + GRAM_ROWS, None]
            else:
                take = rows[start : start + GRAM_ROWS]
                block = X[take] * root[take, None]
            G += block.T @ block  # numpy dispatches AᵀA to syrk
    else:
        G = (X * w.astype(X.dtype)[:, None]).T @ X
    G = np.asarray(G, dtype=np.float64)
    if not fit_intercept:
        return G
    col = np.asarray(X.T @ w, dtype=np.float64).ravel()
    out = np.empty((G.shape[0] + 1, G.shape[0] + 1))
    out[:-1, :-1] = G
    out[:-1, -1] = out[-1, :-1] = col
    out[-1, -1] = w.sum()
    return out


def column_rms(X, W: np.ndarray) -> np.ndarray:
    """Weighted root mean square of every column of X under each weight column of W (n, F):
    (p, F), summed in float64 a block of rows at a time; 1 where a column is all zero."""
    if sp.issparse(X):
        total = np.asarray(sp.csr_matrix(X, dtype=np.float64).multiply(X).T @ W)
    else:  # a block of rows at a time, in float64: no n × p temporary
        total = np.zeros((X.shape[1], W.shape[1]))
        for start in range(0, X.shape[0], GRAM_ROWS):
            block = np.square(X[start : start + GRAM_ROWS], dtype=np.float64)
            total += block.T @ W[start : start + GRAM_ROWS]
    weight = W.sum(axis=0)
    rms = np.sqrt(np.divide(total, weight, out=np.zeros_like(total), where=weight > 0))
    return np.where(rms > 0, rms, 1.0)


class PackedObjective:
    """Value, gradient, Hessian and Hessian-vector products of a Problem in packed form."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.X, self.y, self.loss = problem.X, problem.y, problem.loss
        self.s = problem.sample_weight
        self.penalty = problem.penalty
        self.fit_intercept = problem.fit_intercept
        self.k = 1 if problem.y.ndim == 1 else problem.y.shape[1]
        self.p = self.X.shape[1]
        self.q = self.p + int(self.fit_intercept)
        self.size = self.q * self.k
        total = float(self.X.shape[0] if self.s is None else self.s.sum())
        self.stabilizer = total / self.k if self.k > 1 else 0.0
        self._penalty_gram: tuple[Penalty, np.ndarray] | None = None
        self._unit: np.ndarray | None = None

    # packing -----------------------------------------------------------------------------
    def unpack(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray | float]:
        C = theta.reshape(self.k, self.q).T
        coef = C[: self.p]
        intercept = C[self.p] if self.fit_intercept else np.zeros(self.k)
        if self.k == 1:
            return coef[:, 0].copy(), float(intercept[0])
        return coef.copy(), np.array(intercept, dtype=np.float64)

    def pack(self, coef: np.ndarray | None, intercept) -> np.ndarray:
        C = np.zeros((self.q, self.k))
        if coef is not None:
            C[: self.p] = np.asarray(coef, dtype=np.float64).reshape(self.p, self.k)
        if self.fit_intercept and intercept is not None:
            C[self.p] = np.asarray(intercept, dtype=np.float64).reshape(self.k)
        return C.T.ravel()

    def _split(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        C = theta.reshape(self.k, self.q).T
        coef = C[: self.p]
        intercept = C[self.p] if self.fit_intercept else np.zeros(self.k)
        return coef, intercept

    def _out(self, z: np.ndarray) -> np.ndarray:
        return z[:, 0] if self.k == 1 else z

    # value and derivatives ---------------------------------------------------------------
    def predictor(self, theta: np.ndarray) -> np.ndarray:
        """z = Xβ + b, shaped like y. Linear in θ, so it also maps a step to its change in z."""
        coef, intercept = self._split(theta)
        return self._out(np.asarray(self.X @ coef, dtype=np.float64) + intercept)

    def _coef_penalty(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        coef, _ = self._split(theta)
        return (coef[:, 0], coef) if self.k == 1 else (coef, coef)

    def value(self, theta: np.ndarray, z: np.ndarray) -> float:
        coef, _ = self._coef_penalty(theta)
        f = self.loss.value(self.y, z, self.s) + self.penalty.value(coef)
        if self.stabilizer:
            total = theta.reshape(self.k, self.q).sum(axis=0)
            f += 0.5 * float(self.stabilizer_weights @ total**2)
        return f

    def sample_gradient(self, z: np.ndarray) -> np.ndarray:
        """s_i ℓ′(y_i, z_i) per sample, as an (n, k) array."""
        gz = self.loss.gradient(self.y, z)
        if self.s is not None:
            gz = gz * (self.s if gz.ndim == 1 else self.s[:, None])
        return gz.reshape(len(gz), -1)

    def _xt(self, v: np.ndarray) -> np.ndarray:
        """X̃ᵀ v for v (n, k): a (q, k) array."""
        G = np.asarray(self.X.T @ v, dtype=np.float64)
        if self.fit_intercept:
            G = np.vstack([G, v.sum(axis=0)])
        return G

    def advance(self, z: np.ndarray, step: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """dz = X̃·step and the packed loss gradient at z + dz, in one pass over X.

        For dense X the two products run on the same cache-sized row block, so a Newton
        step that the line search accepts whole costs one read of X instead of two.
        """
        if sp.issparse(self.X):
            dz = self.predictor(step)
            return dz, self.loss_gradient(z + dz)
        coef, intercept = self._split(step)
        n = self.X.shape[0]
        z2 = z.reshape(n, self.k)
        dz = np.empty_like(z2)
        G = np.zeros((self.p, self.k))
        total = np.zeros(self.k)
        for start in range(0, n, FUSED_ROWS):
            rows = slice(start, start + FUSED_ROWS)
            block = self.X[rows]
            dz[rows] = block @ coef + intercept
            gz = self.loss.gradient(self.y[rows], self._out(z2[rows] + dz[rows]))
            if self.s is not None:
                gz = gz * (self.s[rows] if gz.ndim == 1 else self.s[rows, None])
            gz = gz.reshape(-1, self.k)
            G += block.T @ gz
            total += gz.sum(axis=0)
        if self.fit_intercept:
            G = np.vstack([G, total])
        return self._out(dz), G.T.ravel()

    def gradient(self, theta: np.ndarray, z: np.ndarray) -> np.ndarray:
        return self.loss_gradient(z) + self.penalty_gradient(theta)

    def loss_gradient(self, z: np.ndarray) -> np.ndarray:
        """Packed X̃ᵀ(s·ℓ′): the part of the gradient that needs a pass over X."""
        return self._xt(self.sample_gradient(z)).T.ravel()

    def penalty_gradient(self, theta: np.ndarray) -> np.ndarray:
        """Packed gradient of the penalty (and of the multinomial stabilizer): no pass over X."""
        G = np.zeros((self.q, self.k))
        coef, _ = self._coef_penalty(theta)
        G[: self.p] = self.penalty.gradient(coef).reshape(self.p, self.k)
        g = G.T.ravel()
        if self.stabilizer:
            total = theta.reshape(self.k, self.q).sum(axis=0)
            g += np.tile(self.stabilizer_weights * total, self.k)
        return g

    @property
    def unit(self) -> np.ndarray:
        """Each packed coordinate's unit: the weighted root mean square of its column (1 for
        the intercept and for all-zero columns). Gradients are measured in these units, so the
        certificate does not depend on the units of X: scaling a column by c scales its
        gradient by c and its unit by c (the same problem in other units certifies the same)."""
        if self._unit is None:
            n = self.X.shape[0]
            W = np.ones((n, 1)) if self.s is None else np.asarray(self.s, dtype=float)[:, None]
            rms = column_rms(self.X, W)[:, 0]
            column = np.concatenate([rms, [1.0]]) if self.fit_intercept else rms
            self._unit = np.tile(column, self.k)
        return self._unit

    @property
    def stabilizer_weights(self) -> np.ndarray:
        """The multinomial stabilizer's weight per column (q,): stabilizer × min(unit², 1).

        It vanishes at the optimum (where Σ_k θ_k = 0) and only fixes the softmax's free
        direction, so any positive weight gives the same answer; what it changes is the
        conditioning. Columns of small units get a proportionally small weight (else, at
        X·1e-20, it would swamp their curvature of order 1e-40 and Newton could not move);
        columns of unit or larger units keep the plain weight, which stays below the data
        curvature (a stronger weight slowed L-BFGS on iris twofold)."""
        return self.stabilizer * np.minimum(self.unit[: self.q] ** 2, 1.0)

    def adopt_unit(self, unit: np.ndarray | None) -> None:
        """Use the units a previous solve on the same X and weights computed (a λ path)."""
        if unit is not None and unit.shape == (self.size,):
            self._unit = unit

    def gradient_norm(self, g: np.ndarray) -> float:
        """max_j |g_j| / unit_j: the gradient's max-norm in the coordinates' units."""
        return float(np.abs(g / self.unit).max())

    def gradient_scale(self) -> float:
        """The gradient norm of the loss at θ = 0: the relative certificate's yardstick."""
        z0 = np.zeros(self.y.shape)
        scale = self.gradient_norm(self._xt(self.sample_gradient(z0)).T.ravel())
        return scale if scale > 0 else 1.0

    def sample_curvature(self, z: np.ndarray) -> np.ndarray:
        """s_i ℓ″(y_i, z_i) per sample: (n,), or (n, k, k) for k outputs."""
        w = self.loss.curvature(self.y, z)
        if self.s is not None:
            w = w * self.s.reshape((-1,) + (1,) * (w.ndim - 1))
        return w

    def penalty_hessian(self) -> np.ndarray:
        """∇²P (p × p), formed once per penalty (a path replaces the penalty at each λ)."""
        if self._penalty_gram is None or self._penalty_gram[0] is not self.penalty:
            self._penalty_gram = (self.penalty, self.penalty.hessian(self.p))
        return self._penalty_gram[1]

    def hessian(self, z: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        """The (size, size) Hessian at predictor z (generalized Hessian for kinked losses)."""
        return self.with_penalty(self.data_hessian(z, weights))

    def with_penalty(self, data_hessian: np.ndarray) -> np.ndarray:
        """data Hessian + λ·ΓᵀΓ per class block (+ the multinomial stabilizer): a new array."""
        H = data_hessian.copy()
        q = self.q
        P = self.penalty_hessian()
        for a in range(self.k):
            H[a * q : a * q + self.p, a * q : a * q + self.p] += P
        if self.stabilizer:
            H += np.tile(np.diag(self.stabilizer_weights), (self.k, self.k))
        return H

    def data_hessian(self, z: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        """X̃ᵀ W X̃ blocks only (no penalty): what stays valid when λ changes."""
        w = self.sample_curvature(z) if weights is None else weights
        H = np.empty((self.size, self.size))
        q = self.q
        for a in range(self.k):
            for b in range(a, self.k):
                wab = w if self.k == 1 else w[:, a, b]
                block = weighted_gram(self.X, wab, self.fit_intercept)
                H[a * q : (a + 1) * q, b * q : (b + 1) * q] = block
                H[b * q : (b + 1) * q, a * q : (a + 1) * q] = block.T
        return H

    def hessp(self, theta: np.ndarray, weights: np.ndarray, v: np.ndarray) -> np.ndarray:
        """H v without forming H: X̃ᵀ (W (X̃ v)) plus the penalty."""
        dz = self.predictor(v).reshape(self.X.shape[0], -1)
        if self.k == 1:
            u = weights[:, None] * dz
        else:
            u = np.einsum("nab,nb->na", weights, dz)
        G = self._xt(u)
        coef, _ = self._split(v)
        G[: self.p] += self.penalty.hessp(coef)
        out = G.T.ravel()
        if self.stabilizer:
            total = v.reshape(self.k, self.q).sum(axis=0)
            out += np.tile(self.stabilizer_weights * total, self.k)
        return out

    def initial(self, start: Solution | None) -> np.ndarray:
        """θ from a warm start's coefficients, else the intercept-only model when the loss
        knows it in closed form, else zero."""
        if start is not None:
            return self.pack(start.coef, start.intercept)
        intercept = self.loss.zero_gradient_intercept(self.y, self.s)
        if self.fit_intercept and intercept is not None:
            return self.pack(None, intercept)
        return np.zeros(self.size)

    def solution(
        self,
        theta: np.ndarray,
        f: float,
        cert: float,
        tol: float,
        solver: str,
        n_iter: int,
        state: Any = None,
        **details: Any,
    ) -> Solution:
        """The Solution at θ, certified by the relative gradient norm ``cert``."""
        coef, intercept = self.unpack(theta)
        return Solution(
            coef=coef,
            intercept=intercept,
            objective=float(f),
            converged=bool(cert <= tol),
            certificate=float(cert),
            certificate_name=CERTIFICATE,
            solver=solver,
            n_iter=int(n_iter),
            tol=float(tol),
            details=details,
            state=state,
        )
