"""Ridge for large sparse X: preconditioned conjugate gradients on the normal equations.

When X is sparse and both n and p are large, neither the p × p Gram nor the n × n kernel fits
in memory, so each λ is solved iteratively:

    (XcᵀSXc + λ·ΓᵀΓ) β = XcᵀS(y − ȳ),   Xc v = Xv − 1·(x̄ᵀv)

with the centring applied inside the products (X is never densified nor copied), a Jacobi
preconditioner, and warm starts along a λ path. The certificate is the relative residual of
the normal equations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import LinearOperator, cg

from ridgeway.penalties.l2 import gram_of

__all__ = ["KrylovRidge"]


@dataclass
class KrylovRidge:
    """The normal-equation operator of one ridge problem, reusable for many λ."""

    X: Any  # sparse (the reason for this route) or dense
    sample_weight: np.ndarray | None
    gamma: Any
    fit_intercept: bool

    def __post_init__(self) -> None:
        n, p = self.X.shape
        s = np.ones(n) if self.sample_weight is None else self.sample_weight
        self.s = s
        self.weight = float(s.sum())
        self.x_mean = (
            np.asarray(self.X.T @ s).ravel() / self.weight if self.fit_intercept else (np.zeros(p))
        )
        if sp.issparse(self.X):
            second = np.asarray(self.X.multiply(self.X).T @ s).ravel()
        else:  # no squared copy of dense X
            second = np.einsum("ij,ij,i->j", self.X, self.X, s)
        self.data_diag = np.maximum(second - self.weight * self.x_mean**2, 0.0)
        if self.gamma is None:
            self.penalty = sp.identity(p, format="csr")
        else:
            g = self.gamma.T @ self.gamma
            self.penalty = (
                sp.csr_matrix(g) if sp.issparse(g) else sp.csr_matrix(gram_of(self.gamma, p))
            )
        self.penalty_diag = self.penalty.diagonal()

    def _data_product(self, v: np.ndarray) -> np.ndarray:
        """XcᵀS Xc v without forming Xc."""
        u = self.X @ v - self.x_mean @ v
        u = self.s * u
        return self.X.T @ u - self.x_mean * u.sum()

    def rhs(self, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """XcᵀS(Y − ȳ) and ȳ."""
        y_mean = (self.s @ Y) / self.weight if self.fit_intercept else np.zeros(Y.shape[1])
        R = self.s[:, None] * (Y - y_mean)
        return np.asarray(self.X.T @ R) - np.outer(self.x_mean, R.sum(axis=0)), y_mean

    def solve(
        self, Y: np.ndarray, l2: np.ndarray, start: np.ndarray | None = None, tol: float = 1e-10
    ) -> tuple[np.ndarray, np.ndarray, float, int]:
        """coef (p, k), intercept (k,), worst relative residual, total iterations."""
        p = self.X.shape[1]
        B, y_mean = self.rhs(Y)
        l2 = np.broadcast_to(np.asarray(l2, dtype=np.float64), (Y.shape[1],))
        coef = np.zeros((p, Y.shape[1])) if start is None else start.copy()
        worst, total = 0.0, 0
        for j in range(Y.shape[1]):
            lam = float(l2[j])
            op = LinearOperator(
                (p, p), matvec=lambda v, lam=lam: self._data_product(v) + lam * (self.penalty @ v)
            )
            diag = self.data_diag + lam * self.penalty_diag
            safe = np.where(diag > 0, diag, 1.0)
            precond = LinearOperator((p, p), matvec=lambda v, d=safe: v / d)
            count = [0]

            def tick(_, count=count):
                count[0] += 1

            sol, _ = cg(
                op,
                B[:, j],
                x0=coef[:, j],
                rtol=tol,
                atol=0.0,
                M=precond,
                maxiter=10 * p,
                callback=tick,
            )
            coef[:, j] = sol
            scale = max(np.linalg.norm(B[:, j]), np.finfo(float).tiny)
            worst = max(worst, float(np.linalg.norm(op @ sol - B[:, j]) / scale))
            total += count[0]
        intercept = y_mean - self.x_mean @ coef
        return coef, intercept, worst, total
