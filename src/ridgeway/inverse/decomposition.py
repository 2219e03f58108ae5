"""One decomposition for every λ, built by the spectral core: the svd route on a Problem.

min ‖Ax − b‖² + λ²‖L(x − x₀)‖² is twice ridgeway's ½‖Ax − b‖² + (l2/2)‖L(x − x₀)‖² with
l2 = λ²: a :class:`~ridgeway.problem.Problem` with squared loss, ``L2Penalty(gamma=L,
prior=x0)`` and no intercept. The core's standard form of L (its SVD: L̃† = V_k S_k⁻¹, and
the null space of L fitted without penalty) followed by its svd route is Eldén's standard form
(Hansen, *Rank-Deficient and Discrete Ill-Posed Problems*, §2.3): the singular values it
keeps are the generalized singular values of (A, L). ``keep_all`` keeps the whole spectrum
(Picard plots, the rules' grids); every λ then costs one n × k product for x(λ), O(k) for
its norms.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ridgeway.inverse.result import Spectrum
from ridgeway.losses.squared import SquaredLoss
from ridgeway.penalties.l2 import L2Penalty
from ridgeway.problem import Problem
from ridgeway.solvers.spectral.spectrum import PrimalSpectrum
from ridgeway.solvers.spectral.squared import RidgeProblem
from ridgeway.solvers.spectral.svd import from_svd

__all__ = ["Decomposition", "tikhonov_problem"]


def tikhonov_problem(
    A: np.ndarray, b: np.ndarray, L: Any = None, x0: np.ndarray | None = None, lam: float = 0.0
) -> Problem:
    """The inverse problem as ridgeway's Problem: l2 = λ², Γ = L, prior x₀, no intercept."""
    penalty = L2Penalty(l2=float(lam) ** 2, gamma=L, prior=x0)
    return Problem(A, b, SquaredLoss(), penalty, fit_intercept=False)


class Decomposition:
    """The core's full spectrum of (A, L) for b; ``solution(lam)`` for any λ (λ² form)."""

    def __init__(
        self, A: np.ndarray, b: np.ndarray, L: Any = None, x0: np.ndarray | None = None
    ) -> None:
        rp = RidgeProblem.from_problem(tikhonov_problem(A, b, L, x0))
        self.core: PrimalSpectrum = from_svd(rp.X, rp.Y, None, rp.form, False, keep_all=True)
        if self.core.n_unpenalized < rp.form.n_null:
            raise ValueError(
                "L and A must not share a null-space direction: the unpenalized part "
                f"(null space of L, dimension {rp.form.n_null}) is not determined by A"
            )
        self.x0 = np.zeros(A.shape[1]) if x0 is None else x0
        self.spectrum = Spectrum.view(self.core)

    def solution(self, lam: float) -> np.ndarray:
        """x(λ) = x₀ + x_N + L_A† V c(λ): O(n·k)."""
        return self.solutions(np.array([lam]))[:, 0]

    def solutions(self, lams: np.ndarray) -> np.ndarray:
        """x(λ) for a grid of λ at once: an (n, len(lams)) array."""
        core = self.core  # β(λ) = coef_base + coef_basis·g(λ), as PrimalSpectrum.coef_path
        l2 = np.asarray(lams, dtype=np.float64) ** 2
        g = (core.sigma * core.uty[:, 0])[:, None] / (core.eigenvalues[:, None] + l2[None, :])
        return (self.x0 + core.coef_base[:, 0])[:, None] + core.coef_basis @ g
