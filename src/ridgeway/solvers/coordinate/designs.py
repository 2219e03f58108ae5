"""The data of a squared-loss coordinate-descent problem, in covariance or residual form.

A design answers what coordinate descent asks — sweep a working set, the gradient
g = X_cᵀS r for every feature, Σ s r² and Σ s y_c r for the duality gap, the intercept —
without ever forming a centred copy of X:

- :class:`GramDesign` keeps G = X_cᵀSX_c and q = X_cᵀS y_c − Gβ (n ≫ p). It is built from
  :class:`GramStats`, sums about a fixed centre that can be *subtracted*: the Gram of a
  cross-validation training fold is the total minus the held-out block, re-centred by a
  rank-one correction (one pass over X serves every fold).
- :class:`DenseDesign` / :class:`SparseDesign` keep the residual r (p ≳ n). A fold is the same
  design with zero weight on the held-out rows (no copy of X).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ridgeway.solvers.coordinate import kernels

__all__ = [
    "DenseDesign",
    "Design",
    "GramDesign",
    "GramStats",
    "centre_sums",
    "gram_stats",
    "make_design",
    "raw_sums",
    "use_gram",
]


class Design:
    """Common interface; see the module docstring."""

    p: int
    diag: np.ndarray  # d_j = x_cjᵀ S x_cj
    null_objective: float  # ½ Σ s y_c², the objective at β = 0
    x_mean: np.ndarray
    y_mean: float

    def intercept(self, beta: np.ndarray) -> float:
        return float(self.y_mean - self.x_mean @ beta)


@dataclass(frozen=True)
class GramStats:
    """Σ s (x−cx)(x−cx)ᵀ, Σ s (x−cx)(y−cy), Σ s (x−cx), Σ s (y−cy), Σ s (y−cy)², Σ s."""

    G: np.ndarray
    c: np.ndarray
    sx: np.ndarray
    sy: float
    syy: float
    W: float

    def __sub__(self, other: GramStats) -> GramStats:
        return GramStats(
            self.G - other.G,
            self.c - other.c,
            self.sx - other.sx,
            self.sy - other.sy,
            self.syy - other.syy,
            self.W - other.W,
        )

    def __add__(self, other: GramStats) -> GramStats:
        return GramStats(
            self.G + other.G,
            self.c + other.c,
            self.sx + other.sx,
            self.sy + other.sy,
            self.syy + other.syy,
            self.W + other.W,
        )


def gram_stats(
    X, y, s, cx: np.ndarray, cy: float, rows: np.ndarray | None = None, chunk: int = 8192
) -> GramStats:
    """Sums about the centre (cx, cy) over ``rows`` (all rows by default).

    One BLAS syrk on the raw rows (XᵀSX; no centred copy of X), moved to the centre by a
    rank-one correction (:func:`centre_sums`). Sparse X is never densified.
    """
    rows = np.arange(X.shape[0]) if rows is None else np.asarray(rows)
    return centre_sums(raw_sums(X, y, s, rows, chunk), cx, cy, X, y, s, rows, chunk)


def raw_sums(X, y, s, rows: np.ndarray, chunk: int = 8192) -> GramStats:
    """Sums about zero over ``rows``: XᵀSX, XᵀSy, XᵀS1, … in one pass."""
    if sp.issparse(X):
        return _sparse_sums(X, y, s, rows)
    return _dense_sums(X, y, s, rows, np.zeros(X.shape[1]), 0.0, chunk)


def centre_sums(raw: GramStats, cx, cy, X, y, s, rows, chunk: int = 8192) -> GramStats:
    """``raw`` moved to the centre (cx, cy); where the rank-one correction cancels more than
    half the digits of a column's scatter (a mean large against the spread), dense rows are
    summed again with each chunk centred first."""
    stats = _shift(raw, cx, cy)
    scatter = np.diag(stats.G)
    lost = np.diag(raw.G) > 1e8 * np.maximum(scatter, np.finfo(float).tiny)
    if sp.issparse(X) or not np.any(lost & (np.diag(raw.G) > 0)):
        return stats
    return _dense_sums(X, y, s, rows, cx, cy, chunk)


def _shift(raw: GramStats, cx: np.ndarray, cy: float) -> GramStats:
    """Sums about zero moved to the centre (cx, cy)."""
    W, sx0, sy0 = raw.W, raw.sx, raw.sy
    G = raw.G - np.outer(cx, sx0) - np.outer(sx0, cx) + W * np.outer(cx, cx)
    c = raw.c - cx * sy0 - sx0 * cy + W * cx * cy
    syy = raw.syy - 2 * cy * sy0 + W * cy * cy
    return GramStats(G, c, sx0 - W * cx, sy0 - W * cy, syy, W)


def _sparse_sums(X, y, s, rows) -> GramStats:
    Xr, yr, sr = X[rows], y[rows], s[rows]
    G = (Xr.T @ sp.diags(sr) @ Xr).toarray()
    c = np.asarray(Xr.T @ (sr * yr)).ravel()
    sx = np.asarray(Xr.T @ sr).ravel()
    return GramStats(G, c, sx, float(sr @ yr), float(sr @ yr**2), float(sr.sum()))


def _dense_sums(X, y, s, rows, cx, cy, chunk: int = 8192) -> GramStats:
    p = X.shape[1]
    G, c, sx = np.zeros((p, p)), np.zeros(p), np.zeros(p)
    sy = syy = W = 0.0
    first = int(rows[0]) if rows.size else 0
    contiguous = rows.size == 0 or np.array_equal(rows, np.arange(first, first + rows.size))
    unit = bool(np.all(s[rows] == 1.0))
    centred = bool(np.any(cx != 0))
    for start in range(0, rows.size, chunk):
        if contiguous:  # a view, not a fancy-indexed copy
            idx = slice(first + start, first + min(start + chunk, rows.size))
        else:
            idx = rows[start : start + chunk]
        B = X[idx]
        root = np.sqrt(s[idx])
        if centred or B.dtype != np.float64:
            B = np.subtract(B, cx, dtype=np.float64)
        v = y[idx] - cy
        if not unit:
            B = B * root[:, None]
            v = v * root
        G += B.T @ B  # numpy hands Bᵀ B to BLAS syrk
        c += B.T @ v
        sx += B.T @ root
        sy += float(v @ root)
        syy += float(v @ v)
        W += float(root @ root)
    return GramStats(G, c, sx, sy, syy, W)


class GramDesign(Design):
    """Covariance form: everything in O(p) per coordinate update."""

    def __init__(self, stats: GramStats, cx: np.ndarray, cy: float, fit_intercept: bool):
        # re-centre from (cx, cy) to the weighted means: a rank-one correction
        dx = stats.sx / stats.W if fit_intercept else -cx
        dy = stats.sy / stats.W if fit_intercept else -cy
        if fit_intercept:
            self.G = stats.G - stats.W * np.outer(dx, dx)
            self.c = stats.c - stats.W * dx * dy
            yy = stats.syy - stats.W * dy * dy
        else:  # about zero: Σ s (x − cx + cx)(…)ᵀ
            self.G = stats.G + np.outer(stats.sx, cx) + np.outer(cx, stats.sx)
            self.G += stats.W * np.outer(cx, cx)
            self.c = stats.c + stats.sx * cy + cx * (stats.sy + stats.W * cy)
            yy = stats.syy + 2 * cy * stats.sy + stats.W * cy * cy
        self.G = np.ascontiguousarray((self.G + self.G.T) / 2)
        self.p = self.G.shape[0]
        self.diag = np.maximum(np.diag(self.G).copy(), 0.0)
        self.yy = max(float(yy), 0.0)
        self.null_objective = 0.5 * self.yy
        self.x_mean = cx + dx if fit_intercept else np.zeros(self.p)
        self.y_mean = float(cy + dy) if fit_intercept else 0.0

    def start(self, beta: np.ndarray) -> None:
        self.q = self.c - self.G @ beta

    def sweep(self, beta, A, C, ws, positive, max_passes, thresh) -> int:
        return kernels.gram_cd(self.G, self.q, beta, A, C, ws, positive, max_passes, thresh)

    def gradient(self) -> np.ndarray:
        return self.q

    def residual_terms(self, beta: np.ndarray) -> tuple[float, float]:
        ycr = self.yy - float(self.c @ beta)
        return max(ycr - float(self.q @ beta), 0.0), ycr


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
        self.diag = _column_scatter(self.X, self.s, self.x_mean)
        self.null_objective = 0.5 * float(self.s @ self.yc**2)

    def start(self, beta: np.ndarray) -> None:
        # r = ρ + shift with ρ = y_c − Xβ on the raw columns and shift = x̄ᵀβ (see the kernel)
        self.rho = self.yc - self.X @ beta
        self.state = np.array([float(self.s @ self.rho), float(self.x_mean @ beta), self.W])

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


class SparseDesign(Design):
    """Residual form on CSC X: r = ρ + shift, so centring never fills in a column."""

    def __init__(self, X: sp.spmatrix, y: np.ndarray, s: np.ndarray, fit_intercept: bool):
        self.X = sp.csc_matrix(X)
        self.s = np.ascontiguousarray(s, dtype=np.float64)
        self.W = float(self.s.sum())
        self.p = X.shape[1]
        self.x_mean = (
            np.asarray(self.X.T @ self.s).ravel() / self.W if fit_intercept else np.zeros(self.p)
        )
        self.y_mean = float(self.s @ y / self.W) if fit_intercept else 0.0
        self.yc = np.asarray(y, dtype=np.float64) - self.y_mean
        second = np.asarray(self.X.multiply(self.X).T @ self.s).ravel()
        self.diag = np.maximum(second - self.W * self.x_mean**2, 0.0)
        self.null_objective = 0.5 * float(self.s @ self.yc**2)

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


def _column_scatter(X: np.ndarray, s: np.ndarray, mean: np.ndarray, chunk: int = 8192):
    out = np.zeros(X.shape[1])
    for start in range(0, X.shape[0], chunk):
        block = X[start : start + chunk] - mean
        out += s[start : start + chunk] @ (block * block)
    return out


def use_gram(n: int, p: int, gram: bool | str = "auto") -> bool:
    """glmnet's choice: covariance updates when n ≫ p and G stays small enough to hold."""
    if gram == "auto":
        return n >= 2 * p and p <= 2000
    if not isinstance(gram, bool):
        raise ValueError(f"gram must be 'auto', True or False; got {gram!r}")
    return gram


def make_design(X, y, s, fit_intercept: bool, gram: bool | str = "auto") -> Design:
    """The design for X (dense or sparse) with weights s (an array; ones when unweighted)."""
    y = np.asarray(y, dtype=np.float64)
    if use_gram(*X.shape, gram):
        rows = np.arange(X.shape[0])
        raw = raw_sums(X, y, s, rows)
        cx = raw.sx / raw.W if fit_intercept else np.zeros(X.shape[1])
        cy = raw.sy / raw.W if fit_intercept else 0.0
        return GramDesign(centre_sums(raw, cx, cy, X, y, s, rows), cx, cy, fit_intercept)
    if sp.issparse(X):
        return SparseDesign(X, y, s, fit_intercept)
    return DenseDesign(X, y, s, fit_intercept)
