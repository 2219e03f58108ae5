"""Weighted sufficient statistics of (X, Y), merged as centred per-block moments (Chan et al.).

Each block of rows is centred on its own mean before its scatter XᵀSX is formed, and blocks
are merged with the pairwise update C = C₁ + C₂ + (W₁W₂/W)·ddᵀ. One pass over X, no centred
copy of X (only a block at a time), and no loss of precision when feature means are large
against their spread. Sparse blocks are not densified: their scatter uses the rank-one
correction XᵀSX − W·x̄x̄ᵀ instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

__all__ = ["Moments", "block_rows", "moments"]

BLOCK_ELEMENTS = 2_000_000  # rows per block ≈ this / n_features: blocks stay in cache-ish memory


def block_rows(n_features: int, n_cols_out: int = 0) -> int:
    return max(256, BLOCK_ELEMENTS // max(1, n_features + n_cols_out))


@dataclass
class Moments:
    """Σs, weighted means, centred scatter XᵀSX, cross-scatter XᵀSY, Y scatter (per target)."""

    weight: float
    n_positive: int
    x_mean: np.ndarray
    y_mean: np.ndarray
    xx: np.ndarray
    xy: np.ndarray
    yy: np.ndarray

    def merge(self, other: Moments) -> Moments:
        if other.weight == 0:
            return self
        if self.weight == 0:
            return other
        w = self.weight + other.weight
        dx = other.x_mean - self.x_mean
        dy = other.y_mean - self.y_mean
        f = self.weight * other.weight / w
        return Moments(
            w,
            self.n_positive + other.n_positive,
            self.x_mean + dx * (other.weight / w),
            self.y_mean + dy * (other.weight / w),
            self.xx + other.xx + f * np.outer(dx, dx),
            self.xy + other.xy + f * np.outer(dx, dy),
            self.yy + other.yy + f * dy * dy,
        )

    def remove(self, part: Moments) -> Moments:
        """The moments of the rows not in ``part`` (a k-fold training set from the total)."""
        w = self.weight - part.weight
        if w <= 0:
            raise ValueError("a cross-validation training fold has no positive sample weight")
        x_rest = (self.weight * self.x_mean - part.weight * part.x_mean) / w
        y_rest = (self.weight * self.y_mean - part.weight * part.y_mean) / w
        dx = part.x_mean - x_rest
        dy = part.y_mean - y_rest
        f = w * part.weight / self.weight
        return Moments(
            w,
            self.n_positive - part.n_positive,
            x_rest,
            y_rest,
            self.xx - part.xx - f * np.outer(dx, dx),
            self.xy - part.xy - f * np.outer(dx, dy),
            np.maximum(self.yy - part.yy - f * dy * dy, 0.0),
        )


def _block_moments(Xb, Yb: np.ndarray, sb: np.ndarray) -> Moments:
    w = float(sb.sum())
    p, k = Xb.shape[1], Yb.shape[1]
    if w == 0:
        return Moments(
            0.0, 0, np.zeros(p), np.zeros(k), np.zeros((p, p)), np.zeros((p, k)), np.zeros(k)
        )
    y_mean = (sb @ Yb) / w
    Yc = Yb - y_mean
    if sp.issparse(Xb):
        x_mean = np.asarray(Xb.T @ sb).ravel() / w
        Xs = Xb.multiply(sb[:, None]).tocsr()
        xx = (Xs.T @ Xb).toarray() - w * np.outer(x_mean, x_mean)
        xy = np.asarray(Xs.T @ Yc)
    else:
        x_mean = (sb @ Xb) / w
        Xc = Xb - x_mean
        root = np.sqrt(sb)[:, None]
        Xw = Xc * root
        xx = Xw.T @ Xw
        xy = Xw.T @ (Yc * root)
    yy = sb @ (Yc * Yc)
    return Moments(w, int(np.count_nonzero(sb)), x_mean, y_mean, xx, np.asarray(xy), yy)


def moments(X, Y: np.ndarray, sample_weight: np.ndarray | None, rows: np.ndarray | None = None):
    """Moments of the rows ``rows`` (all rows if None), in one blocked pass."""
    n = X.shape[0]
    index = np.arange(n) if rows is None else np.asarray(rows)
    step = block_rows(X.shape[1])
    total: Moments | None = None
    for start in range(0, index.size, step):
        take = index[start : start + step]
        contiguous = rows is None
        Xb = X[start : start + step] if contiguous else X[take]
        sb = np.ones(take.size) if sample_weight is None else sample_weight[take]
        part = _block_moments(Xb, Y[take], sb)
        total = part if total is None else total.merge(part)
    return total
