"""The Tikhonov (L2) penalty (λ/2)·‖Γ(β − β_prior)‖²."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from ridgeway import operators
from ridgeway._validation import check_vector
from ridgeway.penalties.base import Penalty

__all__ = ["L2Penalty", "penalty_operator"]


def penalty_operator(
    p: int,
    *,
    penalty_factor: Any = None,
    tikhonov: Any = None,
    scale: np.ndarray | None = None,
) -> np.ndarray | sp.csr_matrix | None:
    """Γ for p features from the user's options; None means the identity.

    ``penalty_factor`` f gives Γ = diag(√f) (glmnet's penalty.factor: penalty (λ/2)Σ f_j β_j²);
    ``tikhonov`` is a name or a matrix; ``scale`` (feature standard deviations, when the
    penalty acts on standardized features) multiplies Γ on the right: Γ·diag(scale).
    """
    if penalty_factor is not None and tikhonov is not None:
        raise ValueError(
            "penalty_factor and tikhonov cannot both be given: penalty_factor f is the "
            "diagonal Tikhonov operator diag(sqrt(f)); pass one of them"
        )
    gamma: np.ndarray | sp.csr_matrix | None = None
    if penalty_factor is not None:
        factors = check_vector(penalty_factor, p, name="penalty_factor")
        if np.any(factors < 0):
            raise ValueError("penalty_factor must be >= 0 (0 leaves a feature unpenalized)")
        gamma = operators.diagonal(np.sqrt(factors))
    elif tikhonov is not None:
        gamma = operators.resolve(tikhonov, p)
    if scale is not None:
        gamma = operators.diagonal(scale) if gamma is None else gamma @ sp.diags(scale)
        if sp.issparse(gamma):
            gamma = sp.csr_matrix(gamma)
    return gamma


@dataclass(frozen=True)
class L2Penalty(Penalty):
    """(λ/2)·‖Γ(β − β_prior)‖²; Γ = None is the identity, ``prior`` None is zero.

    With squared loss and a 2-D y (n, k), ``l2`` may be an array of shape (k,): one λ per
    target column (the targets are independent ridge problems sharing X and Γ). The
    spectral solvers accept it; the other solvers take a scalar.
    """

    l2: float  # or an array (k,) with squared loss: see above
    gamma: np.ndarray | sp.spmatrix | None = None
    prior: np.ndarray | None = None

    smooth = True
    tikhonov = True
    l1 = 0.0

    @property
    def identity(self) -> bool:  # type: ignore[override]
        return self.gamma is None and self.prior is None

    @property
    def separable(self) -> bool:  # type: ignore[override]
        if self.prior is not None:
            return False
        if self.gamma is None:
            return True
        g = self.gamma
        return g.shape[0] == g.shape[1] and (
            (sp.issparse(g) and (sp.triu(g, 1).nnz + sp.tril(g, -1).nnz) == 0)
            or (not sp.issparse(g) and np.count_nonzero(g - np.diag(np.diag(g))) == 0)
        )

    def _shift(self, coef: np.ndarray) -> np.ndarray:
        """β − prior; a 2-D β (p, k) holds one coefficient column per target."""
        if self.prior is None:
            return coef
        return coef - (self.prior if coef.ndim == 1 else self.prior[:, None])

    def _apply(self, v: np.ndarray) -> np.ndarray:
        return v if self.gamma is None else self.gamma @ v

    def value(self, coef: np.ndarray) -> float:
        """(1/2)Σ_k λ_k‖Γ(β_k − prior)‖² (one term per target column when β is 2-D)."""
        r = self._apply(self._shift(coef))
        squares = np.sum(r * r, axis=0) if r.ndim == 2 else np.sum(r * r)
        return 0.5 * float(np.sum(np.asarray(self.l2) * squares))

    def gradient(self, coef: np.ndarray) -> np.ndarray:
        r = self._apply(self._shift(coef))
        g = r if self.gamma is None else self.gamma.T @ r
        return self.l2 * g

    def hessian(self, p: int) -> np.ndarray:
        """λΓᵀΓ as a dense p × p matrix."""
        return self.l2 * gram_of(self.gamma, p)

    def hessp(self, v: np.ndarray) -> np.ndarray:
        """λΓᵀΓ·v in two products with Γ."""
        return self.l2 * (v if self.gamma is None else self.gamma.T @ (self.gamma @ v))

    def prox(self, coef: np.ndarray, step: float) -> np.ndarray:
        """Closed form for identity Γ: (β + step·λ·prior)/(1 + step·λ)."""
        if self.gamma is not None:
            return super().prox(coef, step)
        centre = 0.0 if self.prior is None else self.prior
        return (coef + step * self.l2 * centre) / (1.0 + step * self.l2)


def gram_of(gamma: np.ndarray | sp.spmatrix | None, p: int) -> np.ndarray:
    """ΓᵀΓ as a dense p × p array."""
    if gamma is None:
        return np.eye(p)
    g = gamma.T @ gamma
    return g.toarray() if sp.issparse(g) else np.asarray(g)
