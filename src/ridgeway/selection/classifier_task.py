"""A classification fit as Problems: labels become loss targets, predictors become scores.

A classifier is one or more *heads*: a binary problem (one linear predictor), a multinomial
problem (k predictors at once) or k one-vs-rest binary problems. :class:`ClassifierTask`
holds the data and settings of one fit or selection and builds each head's Problem at a λ;
the estimators build one, the selection layer solves its paths and folds.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import scipy.linalg as la
import scipy.sparse as sp
from scipy.special import expit, softmax

from ridgeway.losses.base import Loss
from ridgeway.losses.multinomial import MultinomialLoss
from ridgeway.penalties.l2 import L2Penalty
from ridgeway.problem import Problem
from ridgeway.selection.parameters import check_count, check_fraction
from ridgeway.solution import Solution
from ridgeway.solvers.choose import get_solver

__all__ = ["ClassifierTask", "Family", "RowSpace", "default_l2_grid", "l2_grid_from_scales"]


@dataclass(frozen=True)
class Family:
    """The loss per head and the map from predictors z (…, heads) to per-class scores."""

    binary_loss: Loss
    multinomial: bool  # k > 2 classes in one softmax problem (else one-vs-rest)

    @property
    def probabilistic(self) -> bool:
        return bool(self.binary_loss.probabilistic)

    def heads(self, y_idx: np.ndarray, k: int) -> list[tuple[Loss, np.ndarray]]:
        """(loss, target) per head."""
        if k == 2:
            return [(self.binary_loss, self.binary_loss.binary_target(y_idx == 1))]
        if self.multinomial:
            return [(MultinomialLoss(), np.eye(k)[y_idx])]
        return [(self.binary_loss, self.binary_loss.binary_target(y_idx == c)) for c in range(k)]

    def scores(self, z: np.ndarray, k: int) -> np.ndarray:
        """Per-class scores from predictors: probabilities, or decision values for SVMs."""
        if k == 2:
            out = np.empty(z.shape[:-1] + (2,))
            if self.probabilistic:
                expit(z[..., 0], out=out[..., 1])
                np.subtract(1.0, out[..., 1], out=out[..., 0])
            else:
                out[..., 1] = z[..., 0]
                np.negative(out[..., 1], out=out[..., 0])
            return out
        if not self.probabilistic:
            return z
        if self.multinomial:
            return np.asarray(softmax(z, axis=-1))
        p = expit(z)
        return np.asarray(p / p.sum(axis=-1, keepdims=True))


@dataclass(frozen=True)
class ClassifierTask:
    """Data (X, class indices 0..k−1, weights, Γ) and settings of a classifier fit.

    ``solver`` None or "auto" lets the table choose; ``max_iter`` None takes the solver's
    own default.
    """

    X: Any
    y_idx: np.ndarray
    n_classes: int
    sample_weight: np.ndarray | None
    gamma: Any
    family: Family
    fit_intercept: bool
    solver: str | None
    tol: float
    max_iter: int | None = None

    @property
    def n_heads(self) -> int:
        return 1 if self.n_classes == 2 or self.family.multinomial else self.n_classes

    def problems(self, l2: float) -> list[Problem]:
        """One Problem per head at penalty strength ``l2``."""
        penalty = L2Penalty(float(l2), self.gamma)
        return [
            Problem(self.X, target, loss, penalty, self.sample_weight, self.fit_intercept)
            for loss, target in self.family.heads(self.y_idx, self.n_classes)
        ]

    def options(self) -> dict[str, Any]:
        """The keyword options of every solve: the tolerance, and the cap where one is set."""
        limit = {} if self.max_iter is None else {"max_iter": self.max_iter}
        return {"tol": self.tol, **limit}

    def fit(self, l2: float, starts: list[Solution] | None = None) -> list[Solution]:
        """One certified Solution per head at ``l2``; ``starts``: per-head warm starts."""
        solutions = []
        for h, pb in enumerate(self.problems(l2)):
            start = None if starts is None else starts[h]
            solutions.append(get_solver(self.solver, pb).solve(pb, start=start, **self.options()))
        return solutions

    def on_rows(self, rows: np.ndarray) -> tuple[ClassifierTask, np.ndarray]:
        """The task on a subset of rows (a training fold) and the classes present there,
        relabelled 0..m−1 (a class absent from the fold has no head)."""
        y = self.y_idx[rows]
        present = np.unique(y)
        remap = np.full(self.n_classes, -1)
        remap[present] = np.arange(present.size)
        s = None if self.sample_weight is None else self.sample_weight[rows]
        sub = replace(self, X=self.X[rows], y_idx=remap[y], n_classes=int(present.size),
                      sample_weight=s)  # fmt: skip
        return sub, present


@dataclass(frozen=True)
class RowSpace:
    """β = basis·γ: coefficients of a task reduced to the row space of XΓ⁻¹, mapped back."""

    basis: np.ndarray  # (p, r)

    def coef(self, reduced: np.ndarray) -> np.ndarray:
        """β (p,) or (p, k) from the reduced coefficients γ (r,) or (r, k)."""
        return np.asarray(self.basis @ np.asarray(reduced, dtype=np.float64))


def row_space(task: ClassifierTask, penalty: Any) -> tuple[ClassifierTask, RowSpace] | None:
    """For wide dense data (n < p) under an L2 penalty with Γ the identity or a positive
    diagonal D, the same task on r = n features, exactly, and the map back; else None.

    Every optimum of Σ s_i ℓ(x_iᵀβ + b) + (λ/2)‖Dβ‖² satisfies λD²β = −Xᵀr, so β lies in
    D⁻¹·range((XD⁻¹)ᵀ). With (XD⁻¹)ᵀ = QR (economic QR, Q p × n orthonormal) and β = D⁻¹Qγ:
    Xβ = Rᵀγ and ‖Dβ‖ = ‖γ‖, so the task on features Rᵀ (n × n) with identity Γ has the
    same predictors, objective and λ path, for every fold (a fold's optimum lies in the row
    space of its own rows, a subspace) — the Newton systems shrink from (p+1)² to (n+1)².
    ``penalty`` is the task's penalty at some λ (it must be smooth, without L1 part or prior).
    """
    X, gamma = task.X, task.gamma
    n, p = X.shape
    if sp.issparse(X) or n >= p or not penalty.smooth or penalty.l1 != 0:
        return None
    if penalty.identity:
        scale = np.ones(p)
    elif penalty.separable and gamma is not None and gamma.shape == (p, p):
        scale = np.asarray(gamma.diagonal(), dtype=np.float64).ravel()
        if not np.all(scale > 0):
            return None  # an unpenalized feature: its coefficient need not lie in that space
    else:
        return None
    Xs = np.asarray(X, dtype=np.float64) / scale
    Q, R = la.qr(Xs.T, mode="economic", check_finite=False)
    reduced = replace(task, X=np.ascontiguousarray(R.T), gamma=None)
    return reduced, RowSpace(Q / scale[:, None])


def default_l2_grid(
    task: ClassifierTask, mean: np.ndarray, sd: np.ndarray, n_l2: int, ratio: float
) -> np.ndarray:
    """Geometric grid of ``n_l2`` values from l2_max down to ratio·l2_max, ascending, from the
    weighted column means and standard deviations of X.

    l2_max is 100 × the mean curvature of the loss term along a (Γ-scaled) feature at the
    intercept-only model, n·sd_j²/4 (logistic curvature 1/4): at l2_max a typical coefficient
    is shrunk ~100-fold, so the model is nearly intercept-only; at 1e-4·l2_max a typical
    feature is shrunk by ~1 %, close to the unpenalized fit. (The mean rather than the
    largest: one high-variance column would otherwise push the whole grid into heavy
    shrinkage.) Without an intercept the spread is about 0, not about the mean.
    """
    s = task.sample_weight
    total = float(task.X.shape[0] if s is None else s.sum())
    gamma2 = None
    if task.gamma is not None:
        gamma2 = np.asarray((task.gamma.T @ task.gamma).diagonal()).ravel()
    return l2_grid_from_scales(total, mean, sd, gamma2, task.fit_intercept, n_l2, ratio)


def l2_grid_from_scales(
    total: float,
    mean: np.ndarray,
    sd: np.ndarray,
    gamma2: np.ndarray | None,
    fit_intercept: bool,
    n_l2: int,
    ratio: float,
) -> np.ndarray:
    """:func:`default_l2_grid` from the total weight, the weighted column means and standard
    deviations and the diagonal of ΓᵀΓ (None: the identity), however they were computed (in
    memory, or in one pass over data at scale)."""
    n_l2 = check_count(n_l2, "n_grid")
    ratio = check_fraction(ratio, "l2_min_ratio", closed_top=True)
    if not fit_intercept:
        sd = np.sqrt(sd**2 + mean**2)
    if gamma2 is not None:
        sd = np.where(gamma2 > 0, sd / np.sqrt(np.where(gamma2 > 0, gamma2, 1.0)), 0.0)
    varying = sd[sd > 0]  # a constant (zeroed) column is no feature to scale the grid by
    top = 100.0 * 0.25 * total * float(np.mean(varying**2)) if varying.size else 0.0
    top = top if top > 0 else 1.0
    return np.geomspace(top * ratio, top, n_l2)
