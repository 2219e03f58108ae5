"""The data of a squared-loss coordinate-descent problem, in covariance or residual form.

A design answers what coordinate descent asks — sweep a working set, the gradient
g = X_cᵀS r for every feature, Σ s r² and Σ s y_c r for the duality gap, the intercept —
without ever forming a centred copy of X:

- :class:`GramDesign` keeps G = X_cᵀSX_c and q = X_cᵀS y_c − Gβ (n ≫ p). It is built from
  :class:`~ridgeway.statistics.Moments` (weighted, centred, mergeable, removable), so the
  design of a cross-validation training fold is the total minus the held-out block
  (``Moments.remove``): one pass over X serves every fold, and a model can be fitted from
  statistics computed elsewhere.
- :class:`DenseDesign` / :class:`SparseDesign` keep the residual r (p ≳ n). A fold is the same
  design with zero weight on the held-out rows (no copy of X).

Which form a problem gets is a row of the solver table (:mod:`ridgeway.solvers.choose`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np
import scipy.sparse as sp

from ridgeway.solvers.coordinate import kernels
from ridgeway.statistics import Moments, column_scatter

__all__ = [
    "DenseDesign",
    "Design",
    "GramDesign",
    "SparseDesign",
    "residual_design",
]


class Design(ABC):
    """Common interface; see the module docstring."""

    #: celer-style working sets with gap-safe screening (the gradient costs a pass over X),
    #: rather than the sequential strong rule (the gradient is free in covariance form)
    working_sets: bool = True
    #: a whole path point runs compiled (:meth:`GramDesign.solve_point`) when no column needs
    #: the dual projection
    compiled_point: bool = False
    p: int
    diag: np.ndarray  # d_j = x_cjᵀ S x_cj
    null_objective: float  # ½ Σ s y_c², the objective at β = 0
    kkt_scale: float  # max_j |x_cjᵀ S y_c| (the gradient at β = 0): the scale of KKT residuals
    x_mean: np.ndarray
    y_mean: float

    def intercept(self, beta: np.ndarray) -> float:
        return float(self.y_mean - self.x_mean @ beta)

    @abstractmethod
    def start(self, beta: np.ndarray) -> None:
        """Set the residual (or q) for the coefficients β."""

    @abstractmethod
    def sweep(self, beta, A, C, ws, positive, max_passes, thresh) -> int:
        """Coordinate sweeps over the working set ``ws``, in place; returns the passes made."""

    @abstractmethod
    def gradient(self) -> np.ndarray:
        """g = X_cᵀS r at the current β."""

    @abstractmethod
    def residual_terms(self, beta: np.ndarray) -> tuple[float, float]:
        """(Σ s r², Σ s y_c r) at β, for the duality gap."""

    @abstractmethod
    def cross(self, index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(X_cᵀS X_c[:, index], X_c[:, index]ᵀS y_c): the columns a dual point is projected off."""


class GramDesign(Design):
    """Covariance form: everything in O(p) per coordinate update."""

    working_sets = False
    compiled_point = True

    def __init__(self, stats: Moments, fit_intercept: bool):
        W, x_mean, y_mean = stats.weight, stats.x_mean, float(stats.y_mean[0])
        G, c, yy = stats.xx, stats.xy[:, 0], float(stats.yy[0])
        if not fit_intercept:  # about zero: add the means back, a rank-one correction
            G = G + W * np.outer(x_mean, x_mean)
            c = c + W * x_mean * y_mean
            yy = yy + W * y_mean * y_mean
        # float64 always: one compiled specialization, and float32 input loses no accuracy here
        self.G = np.ascontiguousarray((G + G.T) / 2, dtype=np.float64)
        self.c = np.ascontiguousarray(c, dtype=np.float64)
        self.p = self.G.shape[0]
        self.diag = np.maximum(np.diag(self.G).copy(), 0.0)
        self.yy = max(yy, 0.0)
        self.null_objective = 0.5 * self.yy
        self.kkt_scale = float(np.max(np.abs(self.c), initial=0.0))
        self.x_mean = x_mean if fit_intercept else np.zeros(self.p)
        self.y_mean = y_mean if fit_intercept else 0.0

    def start(self, beta: np.ndarray) -> None:
        self.q = self.c - self.G @ beta

    def sweep(self, beta, A, C, ws, positive, max_passes, thresh) -> int:
        return kernels.gram_cd(self.G, self.q, beta, A, C, ws, positive, max_passes, thresh)

    def gradient(self) -> np.ndarray:
        return self.q

    def residual_terms(self, beta: np.ndarray) -> tuple[float, float]:
        ycr = self.yy - float(self.c @ beta)
        return max(ycr - float(self.q @ beta), 0.0), ycr

    def cross(self, index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self.G[:, index], self.c[index]

    def solve_point(self, beta, A, C, ws, positive, tol, kkt_tol, max_iter):
        """A path point compiled end to end (:func:`kernels.gram_point`): the Python loop per
        λ (a gap and KKT check per round of sweeps) was most of a small LassoCV's time."""
        return kernels.gram_point(
            self.G, self.c, self.yy, self.q, beta, A, C, ws, positive, tol, kkt_tol, max_iter,
            self.null_objective, self.kkt_scale,
        )  # fmt: skip


class DenseDesign(Design):
    """Residual form on a dense, Fortran-ordered X (columns contiguous for the sweeps)."""

    def __init__(self, X: np.ndarray, y: np.ndarray, s: np.ndarray, fit_intercept: bool):
        self.X = np.asfortranarray(X, dtype=np.float64)
        self.s = np.ascontiguousarray(s, dtype=np.float64)
        W = self.W = float(self.s.sum())
        self.p = X.shape[1]
        self.x_mean = (self.s @ self.X) / W if fit_intercept else np.zeros(self.p)
        self.y_mean = float(self.s @ y / W) if fit_intercept else 0.0
        self.yc = np.asarray(y, dtype=np.float64) - self.y_mean
        self.diag = column_scatter(self.X, self.s, self.x_mean)
        self.null_objective = 0.5 * float(self.s @ self.yc**2)
        self.kkt_scale = _kkt_scale(self.X, self.s, self.yc, self.x_mean)

    def start(self, beta: np.ndarray) -> None:
        # ρ = r = y_c − X_cβ itself, centred (see the kernel); state[1] (a shift) stays 0
        self.rho = self.yc - (self.X @ beta - float(self.x_mean @ beta))
        self.state = np.array([float(self.s @ self.rho), 0.0, self.W])

    def sweep(self, beta, A, C, ws, positive, max_passes, thresh) -> int:
        return kernels.dense_cd(
            self.X, self.s, self.x_mean, self.rho, self.state, beta, self.diag, A, C, ws,
            positive, max_passes, thresh,
        )  # fmt: skip

    def gradient(self) -> np.ndarray:
        sr = self.s * (self.rho + self.state[1])
        return self.X.T @ sr - self.x_mean * sr.sum()

    def residual_terms(self, beta: np.ndarray) -> tuple[float, float]:
        r = self.rho + self.state[1]
        sr = self.s * r
        return float(sr @ r), float(sr @ self.yc)

    def cross(self, index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return _residual_cross(self.X, self.s, self.x_mean, self.yc, index)


class SparseDesign(Design):
    """Residual form on CSC X: r = ρ + shift, so centring never fills in a column."""

    def __init__(self, X, y: np.ndarray, s: np.ndarray, fit_intercept: bool):
        self.X = sp.csc_matrix(X)
        self.s = np.ascontiguousarray(s, dtype=np.float64)
        self.W = float(self.s.sum())
        self.p = X.shape[1]
        self.x_mean = (
            np.asarray(self.X.T @ self.s).ravel() / self.W if fit_intercept else np.zeros(self.p)
        )
        self.y_mean = float(self.s @ y / self.W) if fit_intercept else 0.0
        self.yc = np.asarray(y, dtype=np.float64) - self.y_mean
        self.diag = column_scatter(self.X, self.s, self.x_mean)
        self.null_objective = 0.5 * float(self.s @ self.yc**2)
        self.kkt_scale = _kkt_scale(self.X, self.s, self.yc, self.x_mean)

    def start(self, beta: np.ndarray) -> None:
        self.rho = self.yc - self.X @ beta
        shift = float(self.x_mean @ beta)
        self.state = np.array([float(self.s @ self.rho), shift, self.W])

    def sweep(self, beta, A, C, ws, positive, max_passes, thresh) -> int:
        X = self.X
        return kernels.sparse_cd(
            X.indptr, X.indices, X.data, self.s, self.x_mean, self.rho, self.state, beta,
            self.diag, A, C, ws, positive, max_passes, thresh,
        )  # fmt: skip

    def gradient(self) -> np.ndarray:
        sr = self.s * (self.rho + self.state[1])
        return np.asarray(self.X.T @ sr).ravel() - self.x_mean * sr.sum()

    def residual_terms(self, beta: np.ndarray) -> tuple[float, float]:
        r = self.rho + self.state[1]
        sr = self.s * r
        return float(sr @ r), float(sr @ self.yc)

    def cross(self, index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return _residual_cross(self.X, self.s, self.x_mean, self.yc, index)


def _kkt_scale(X, s: np.ndarray, yc: np.ndarray, mean: np.ndarray) -> float:
    """max_j |x_cjᵀ S y_c| (one pass over X; Σ s y_c is 0 with an intercept, kept without)."""
    sy = s * yc
    g = np.asarray(X.T @ sy).ravel() - mean * float(sy.sum())
    return float(np.max(np.abs(g), initial=0.0))


def _residual_cross(X, s, mean, yc, index) -> tuple[np.ndarray, np.ndarray]:
    """X_cᵀS X_cF and X_cFᵀS y_c for a few columns F (dense copies of those columns only)."""
    XF = X[:, index]
    XF = (XF.toarray() if sp.issparse(XF) else np.asarray(XF)) - mean[index]
    SXF = s[:, None] * XF
    # X_cᵀ S X_cF = Xᵀ S X_cF − m (sᵀX_cF); the last factor is 0 with an intercept, kept without
    cross = np.asarray(X.T @ SXF) - np.outer(mean, SXF.sum(axis=0))
    return cross, SXF.T @ yc


def residual_design(X, y: np.ndarray, s: np.ndarray, fit_intercept: bool) -> Design:
    """Residual form on X as it is stored (dense or CSC), weights s (an array)."""
    if sp.issparse(X):
        return SparseDesign(X, y, s, fit_intercept)
    return DenseDesign(X, y, s, fit_intercept)
