"""A Problem with squared loss and an L2/Tikhonov penalty, read once for the spectral routes.

The penalty's ``l2`` may be a scalar or an array of shape (k,), one λ per target column of y
(squared loss only: the targets are independent problems sharing X). The prior centre is
removed from the targets (y − X·prior) so that every route solves a zero-centred penalty;
``RidgeProblem.add_prior`` puts it back on the coefficients.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

import numpy as np

from ridgeway.penalties.l2 import L2Penalty
from ridgeway.problem import Problem
from ridgeway.solvers.spectral.standard_form import StandardForm, standard_form
from ridgeway.statistics import Moments, check_finite_moments

__all__ = ["RidgeProblem"]


@dataclass(frozen=True)
class RidgeProblem:
    """Targets (n, k) shifted by the prior, weights, Γ and its standard form, λ per target.

    ``X`` is None for a problem given by its moments alone (``moments`` then holds them).
    """

    X: Any
    Y: np.ndarray
    sample_weight: np.ndarray | None
    gamma: Any
    form: StandardForm
    prior: np.ndarray | None
    l2: np.ndarray
    fit_intercept: bool
    moments: Moments | None = None

    @classmethod
    def from_problem(cls, problem: Problem, form: StandardForm | None = None) -> RidgeProblem:
        X = problem.X
        penalty = cast(L2Penalty, problem.penalty)  # TIKHONOV_PENALTY: checked by the solver
        Y = np.asarray(problem.y, dtype=np.float64).reshape(X.shape[0], -1)
        prior = penalty.prior
        if prior is not None:
            Y = Y - np.asarray(X @ prior).reshape(-1, 1)
        gamma = penalty.gamma
        form = standard_form(gamma, X.shape[1]) if form is None else form
        l2 = np.broadcast_to(np.asarray(penalty.l2, dtype=np.float64), (Y.shape[1],))
        return cls(X, Y, problem.sample_weight, gamma, form, prior, l2, problem.fit_intercept)

    @classmethod
    def from_moments(
        cls, m: Moments, gamma: Any, prior: np.ndarray | None, l2: Any, fit_intercept: bool
    ) -> RidgeProblem:
        """The problem whose data are summarized by ``m`` (targets of shape (k,))."""
        p, k = m.xy.shape
        check_finite_moments(m)  # user-given moments: refused if they overflowed
        m = m if prior is None else m.with_offset(prior)
        l2 = np.broadcast_to(np.asarray(l2, dtype=np.float64), (k,))
        empty = np.zeros((0, k))
        return cls(None, empty, None, gamma, standard_form(gamma, p), prior, l2, fit_intercept, m)

    @property
    def n_features(self) -> int:
        return self.form.p

    @property
    def n_positive(self) -> int:
        if self.X is None:
            return self.moments.n_positive if self.moments is not None else 0
        w = self.sample_weight
        return self.X.shape[0] if w is None else int(np.count_nonzero(w))

    def prior_column(self) -> np.ndarray | float:
        """The prior as a (p, 1) column (0.0 without one), to add to coefficients (p, k)."""
        return 0.0 if self.prior is None else self.prior[:, None]
