"""Weighted sufficient statistics of (X, Y), merged as centred per-block moments (Chan et al.).

Each block of rows is centred on its own mean before its scatter XᵀSX is formed, and blocks
are merged with the pairwise update C = C₁ + C₂ + (W₁W₂/W)·ddᵀ. One pass over X, no centred
copy of X (only a block at a time), and no loss of precision when feature means are large
against their spread. Sparse blocks are not densified: their scatter uses the rank-one
correction XᵀSX − W·x̄x̄ᵀ instead.

``Moments`` is the one public sufficient-statistics type of ridgeway (ridge, k-fold, elastic
net; the seam a streaming or Dask backend maps over partitions):

- ``Moments.from_data(X, Y, sample_weight=None, rows=None)`` (= ``moments(...)``): one pass;
- ``a.merge(b)``: the moments of the union of two disjoint row sets (Chan's update);
- ``total.remove(part)``: the moments of the rows not in ``part`` (k-fold downdating);
- ``weight_sum`` (Σs; ``weight``), ``n_samples`` (rows with s > 0; ``n_positive``),
  ``x_mean``/``y_mean`` (``mean``: both), ``xx``/``xy``/``yy`` (``scatter``: all three),
  ``with_offset(b)``: the moments of (X, Y − X·b).

``rw.Ridge(...).fit_moments(m)`` fits from them exactly as ``fit(X, y)`` does.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

__all__ = [
    "SCALE_HEADROOM",
    "Moments",
    "as_float64",
    "block_rows",
    "check_finite_moments",
    "check_scale",
    "column_scatter",
    "constant_columns",
    "gram_rows",
    "moments",
    "prepare_design",
    "product",
    "transposed_product",
    "without_constant_columns",
]

BLOCK_ELEMENTS = 1_000_000  # rows per block ≈ this / n_features: blocks stay in cache-ish memory


def block_rows(n_features: int, n_cols_out: int = 0) -> int:
    return max(256, BLOCK_ELEMENTS // max(1, n_features + n_cols_out))


# float32 data, float64 sums -------------------------------------------------------------------
# X may stay float32 in memory (half the bytes), but every Gram, kernel, moment and product is
# accumulated in float64: a float32 syrk loses ~7 digits of XᵀX, i.e. half of least squares'
# accuracy. Blocks of rows are upcast one at a time, so memory stays O(block), never a float64
# copy of X (NumPy's mixed-dtype products cast the whole operand).


def as_float64(block):
    """A block of rows in float64 (a view if it is float64 already; sparse stays sparse)."""
    if block.dtype == np.float64:
        return block
    return block.astype(np.float64) if sp.issparse(block) else np.asarray(block, np.float64)


def _row_blocks(X, width: int):
    step = block_rows(X.shape[1], width)
    for start in range(0, X.shape[0], step):
        yield slice(start, min(start + step, X.shape[0]))


def product(X, B: np.ndarray) -> np.ndarray:
    """X @ B in float64 (B of shape (p,) or (p, m)), float32 X upcast a block at a time."""
    B = np.asarray(B, dtype=np.float64)
    if X.dtype == np.float64:
        return np.asarray(X @ B)
    out = np.empty((X.shape[0],) + B.shape[1:])
    for rows in _row_blocks(X, B.shape[1] if B.ndim == 2 else 1):
        out[rows] = as_float64(X[rows]) @ B
    return out


def transposed_product(X, B: np.ndarray) -> np.ndarray:
    """Xᵀ @ B in float64 (B of shape (n,) or (n, m)), float32 X upcast a block at a time."""
    B = np.asarray(B, dtype=np.float64)
    if X.dtype == np.float64:
        return np.asarray(X.T @ B)
    out = np.zeros((X.shape[1],) + B.shape[1:])
    for rows in _row_blocks(X, B.shape[1] if B.ndim == 2 else 1):
        out += np.asarray(as_float64(X[rows]).T @ B[rows])
    return out


def gram_rows(Z) -> np.ndarray:
    """Z Zᵀ (n × n, dense) in float64: float32 Z upcast a block of columns at a time."""
    if Z.dtype == np.float64:
        K = Z @ Z.T
        return K.toarray() if sp.issparse(K) else np.asarray(K)
    Zc = Z.tocsc() if sp.issparse(Z) else Z
    K = np.zeros((Z.shape[0], Z.shape[0]))
    step = max(1, BLOCK_ELEMENTS // max(1, Z.shape[0]))
    for start in range(0, Z.shape[1], step):
        block = as_float64(Zc[:, start : start + step])
        part = block @ block.T
        K += part.toarray() if sp.issparse(part) else part
    return K


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

    @classmethod
    def from_data(
        cls, X, Y: np.ndarray, sample_weight: np.ndarray | None = None, rows=None
    ) -> Moments:
        """Moments of (X, Y) (Y of shape (n,) or (n, k)) over ``rows`` (all if None)."""
        Y = np.asarray(Y, dtype=np.float64).reshape(X.shape[0], -1)
        return moments(X, Y, sample_weight, rows=rows)

    @property
    def weight_sum(self) -> float:
        return self.weight

    @property
    def n_samples(self) -> int:
        """Rows with positive weight."""
        return self.n_positive

    @property
    def mean(self) -> tuple[np.ndarray, np.ndarray]:
        """(x̄, ȳ), weighted."""
        return self.x_mean, self.y_mean

    @property
    def scatter(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Centred (XᵀSX, XᵀSY, per-target YᵀSY)."""
        return self.xx, self.xy, self.yy

    def with_offset(self, b: np.ndarray) -> Moments:
        """The moments of (X, Y − X·b) for a coefficient vector b (p,), in O(p²·k)."""
        xxb = self.xx @ b
        return Moments(
            self.weight,
            self.n_positive,
            self.x_mean,
            self.y_mean - self.x_mean @ b,
            self.xx,
            self.xy - xxb[:, None],
            self.yy - 2 * (b @ self.xy) + b @ xxb,
        )

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


def _block_moments(Xb, Yb: np.ndarray, sb: np.ndarray | None) -> Moments:
    """Moments of one block of rows, centred on the block's own (weighted) mean."""
    p, k = Xb.shape[1], Yb.shape[1]
    s = np.ones(Xb.shape[0]) if sb is None else sb
    w = float(s.sum())
    if w == 0:
        zeros = np.zeros
        return Moments(0.0, 0, zeros(p), zeros(k), zeros((p, p)), zeros((p, k)), zeros(k))
    y_mean = (s @ Yb) / w
    Yc = Yb - y_mean
    yy = s @ (Yc * Yc)
    if sp.issparse(Xb):
        Xb = as_float64(Xb)
        x_mean = np.asarray(Xb.T @ s).ravel() / w
        Xs = Xb.multiply(s[:, None]).tocsr() if sb is not None else Xb
        xx = (Xs.T @ Xb).toarray() - w * np.outer(x_mean, x_mean)
        xy = np.asarray(Xs.T @ Yc)
    else:
        x_mean = (s @ Xb) / w
        Xw = Xb - x_mean
        if sb is not None:
            root = np.sqrt(sb)[:, None]
            Xw *= root
            Yc = Yc * root
        xx = Xw.T @ Xw
        xy = Xw.T @ Yc
    return Moments(w, int(np.count_nonzero(s)), x_mean, y_mean, xx, np.asarray(xy), yy)


#: the raw Gram minus W·x̄x̄ᵀ loses about log10(1 + x̄²/var) digits; allow at most 2
RAW_GRAM_MAX_RATIO = 100.0


def _contiguous(rows: np.ndarray) -> slice | None:
    if rows.size and rows[-1] - rows[0] == rows.size - 1 and np.all(np.diff(rows) == 1):
        return slice(int(rows[0]), int(rows[-1]) + 1)
    return None


def _raw_moments(X: np.ndarray, Y: np.ndarray) -> Moments | None:
    """Unweighted dense moments from two passes over X: X.T @ X (a syrk) and X.T @ [1, Y].

    The rank-one centring correction loses about log10(1 + x̄²/var) digits; when a feature's
    mean is that large against its spread (more than RAW_GRAM_MAX_RATIO), return None and
    let the blocked, centred pass do it exactly. float32 X is summed in float64, a block of
    rows at a time.
    """
    n = X.shape[0]
    ones_y = np.column_stack([np.ones(n), Y])
    if X.dtype == np.float64:
        xx = X.T @ X
        sums = X.T @ ones_y  # (p, 1 + k)
    else:
        xx = np.zeros((X.shape[1], X.shape[1]))
        sums = np.zeros((X.shape[1], ones_y.shape[1]))
        for rows in _row_blocks(X, ones_y.shape[1]):
            block = as_float64(X[rows])
            xx += block.T @ block
            sums += block.T @ ones_y[rows]
    x_mean = sums[:, 0] / n
    var = np.diag(xx) / n - x_mean**2
    if np.any((x_mean**2 > RAW_GRAM_MAX_RATIO * np.maximum(var, 0.0)) & (x_mean != 0)):
        return None
    y_mean = Y.mean(axis=0)
    Yc = Y - y_mean
    yy = np.einsum("ik,ik->k", Yc, Yc)
    xy = sums[:, 1:] - n * np.outer(x_mean, y_mean)
    xx -= n * np.outer(x_mean, x_mean)
    return Moments(float(n), n, x_mean, y_mean, xx, xy, yy)


def moments(
    X, Y: np.ndarray, sample_weight: np.ndarray | None, rows: np.ndarray | None = None
) -> Moments:
    """Moments of the rows ``rows`` (all rows if None), in one pass over them."""
    if rows is not None:
        window = _contiguous(np.asarray(rows))
        if window is not None:
            weights = None if sample_weight is None else sample_weight[window]
            return moments(X[window], Y[window], weights)
    if rows is None and sample_weight is None and not sp.issparse(X):
        with np.errstate(over="ignore", invalid="ignore"):
            raw = _raw_moments(X, Y)
        if raw is not None:
            return check_finite_moments(raw)
    n = X.shape[0]
    index = np.arange(n) if rows is None else np.asarray(rows)
    step = block_rows(X.shape[1])
    total: Moments | None = None
    for start in range(0, index.size, step):
        take = index[start : start + step]
        Xb = X[start : start + step] if rows is None else X[take]
        sb = None if sample_weight is None else sample_weight[take]
        part = _block_moments(Xb, Y[take], sb)
        total = part if total is None else total.merge(part)
    assert total is not None, "moments of no rows"
    return check_finite_moments(total)


def check_finite_moments(m: Moments) -> Moments:
    """Sufficient statistics that overflowed are refused where they are formed (not fitted
    into a NaN intercept): the one finiteness check of every Gram-based fit."""
    parts = (m.x_mean, m.y_mean, m.xx, m.xy, m.yy)
    if not (np.isfinite(m.weight) and all(np.all(np.isfinite(a)) for a in parts)):
        raise ValueError(
            "the sums of squares of X and y overflow float64 (non-finite Gram or target "
            "scatter); divide X or y by a constant (coefficients scale with y/X)"
        )
    return m


def column_scatter(X, s: np.ndarray, mean: np.ndarray, chunk: int = 8192) -> np.ndarray:
    """Σ_i s_i (x_ij − m_j)² for every column j (m = 0: the second moment about zero).

    Dense X is centred a chunk at a time (exact for large means, no centred copy of X);
    sparse X uses Σ s x² − W m² so that it is never densified.
    """
    if sp.issparse(X):
        second = np.zeros(X.shape[1])
        for rows in _row_blocks(X, 0):
            block = as_float64(X[rows])
            second += np.asarray(block.multiply(block).T @ s[rows]).ravel()
        return _finite_scatter(np.maximum(second - float(s.sum()) * mean**2, 0.0))
    out = np.zeros(X.shape[1])
    for start in range(0, X.shape[0], chunk):
        block = X[start : start + chunk] - mean
        out += s[start : start + chunk] @ (block * block)
    return _finite_scatter(out)


def _finite_scatter(out: np.ndarray) -> np.ndarray:
    if not np.all(np.isfinite(out)):
        raise ValueError("the column sums of squares of X overflow float64; divide X by a constant")
    return out


# constant columns ------------------------------------------------------------------------------
#: a column whose values (rows with positive weight) span at most this many units in the last
#: place of its largest magnitude is constant: its spread is rounding, not information
CONSTANT_ULPS = 8


def _column_range(X, rows: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-column min, max and max |x| over ``rows`` (all if None); sparse zeros count."""
    if sp.issparse(X):
        part = X if rows is None else X[rows]
        lo = part.min(axis=0).toarray().ravel()
        hi = part.max(axis=0).toarray().ravel()
        return lo, hi, np.maximum(np.abs(lo), np.abs(hi))
    lo = np.full(X.shape[1], np.inf)
    hi = np.full(X.shape[1], -np.inf)
    index = np.arange(X.shape[0]) if rows is None else rows
    step = block_rows(X.shape[1])
    for start in range(0, index.size, step):
        take = index[start : start + step]
        block = X[start : start + step] if rows is None else X[take]
        lo = np.minimum(lo, block.min(axis=0))
        hi = np.maximum(hi, block.max(axis=0))
    return lo, hi, np.maximum(np.abs(lo), np.abs(hi))


def _constant_mask(lo: np.ndarray, hi: np.ndarray, size: np.ndarray, dtype) -> np.ndarray:
    return (hi - lo) <= CONSTANT_ULPS * float(np.finfo(dtype).eps) * size


def _positive_rows(sample_weight: np.ndarray | None) -> np.ndarray | None:
    if sample_weight is None or np.all(sample_weight > 0):
        return None
    return np.flatnonzero(sample_weight > 0)


def constant_columns(X, sample_weight: np.ndarray | None = None) -> np.ndarray:
    """Columns constant over the rows with positive weight, to rounding (a boolean mask).

    max − min ≤ CONSTANT_ULPS·eps·max |x| of the column: exact to test (no cancellation, dense
    or sparse), and the centred column such data give is rounding noise of the mean, which
    every family would otherwise fit (a λ grid read off noise, coefficients of 1e-3 … 1e3).
    """
    lo, hi, size = _column_range(X, _positive_rows(sample_weight))
    return _constant_mask(lo, hi, size, X.dtype)


# the representable range ---------------------------------------------------------------------
#: Σ s·x² (Gram, Hessian, column scatter, λ grids built from them) must stay this far inside
#: float64's range: 2^16 of headroom for sums, grid factors and λ·Γ terms
SCALE_HEADROOM = 2.0**16


def check_scale(size: np.ndarray, weight_sum: float, name: str = "X") -> None:
    """Refuse X whose second moments are not representable in float64 (a clear ValueError).

    ``size``: each column's largest |x|. Every family forms Σ s·x² (a Gram, a Hessian, the
    coordinate-descent column norms): above ~1e150 it overflows (a LinAlgError, NaN
    intercepts, models 50 % off the optimum), below ~1e-150 it underflows (every feature
    ignored). Where the sums are representable the fits are exact whatever the units; beyond,
    no float64 computation of them is, so the user is told to rescale.
    """
    finfo = np.finfo(np.float64)
    top = float(size.max(initial=0.0))
    with np.errstate(over="ignore"):
        second = max(weight_sum, 1.0) * top * top
    if not second <= finfo.max / SCALE_HEADROOM:
        raise ValueError(
            f"{name} is too large for float64: its largest entry |x| = {top:.3g} makes the sums "
            "of squares every solver forms (Gram, Hessian, column norms) overflow; divide "
            f"{name} by a constant c (coefficients come out c times larger; a fixed l2 then "
            "weighs c² times less against the data, l1 c times less)"
        )
    small = (size > 0) & (size * size < finfo.tiny * SCALE_HEADROOM)
    if small.any():
        j = int(np.flatnonzero(small)[0])
        raise ValueError(
            f"{name} is too small for float64: column {j} has largest entry |x| = "
            f"{size[j]:.3g}, whose square underflows (below {finfo.tiny:.3g}), so the sums of "
            f"squares every solver forms lose their digits; multiply {name} (or that column) "
            "by a constant c (coefficients come out c times smaller)"
        )


def prepare_design(X, sample_weight: np.ndarray | None, fit_intercept: bool):
    """X as every family fits it: its scale checked (:func:`check_scale`), its constant columns
    zeroed when there is an intercept (:func:`without_constant_columns`). One pass over X for
    both; returns (X, values) like :func:`without_constant_columns`."""
    lo, hi, size = _column_range(X, _positive_rows(sample_weight))
    weight = float(X.shape[0] if sample_weight is None else sample_weight.sum())
    check_scale(size, weight)
    return _zero_constant(X, sample_weight, fit_intercept, _constant_mask(lo, hi, size, X.dtype))


def without_constant_columns(X, sample_weight: np.ndarray | None, fit_intercept: bool):
    """X with its constant columns set to exactly 0, and their values (None when there are none).

    With an intercept a constant column carries nothing the intercept does not: zeroed, every
    family (Gram, kernel, Newton, coordinate descent, dual CD) sees an exact zero column, gives
    it the penalty's own coefficient (0, or a prior centre) and reads no λ grid off rounding
    noise. ``values`` (p,) hold each zeroed column's value (0 elsewhere), so that a caller
    with a prior can move values·prior into the targets. A copy of X only when some column is
    constant; without an intercept nothing changes (a constant column is the intercept there).
    """
    if not fit_intercept:
        return X, None
    return _zero_constant(X, sample_weight, fit_intercept, constant_columns(X, sample_weight))


def _zero_constant(X, sample_weight, fit_intercept: bool, mask: np.ndarray):
    if not fit_intercept or not mask.any():
        return X, None
    first = 0 if sample_weight is None else int(np.argmax(sample_weight > 0))
    row = X[first].toarray().ravel() if sp.issparse(X) else np.asarray(X[first])
    mask = mask & (row != 0)  # columns of exact zeros are zero already
    if not mask.any():
        return X, None
    values = np.where(mask, row, 0.0).astype(np.float64)
    if sp.issparse(X):
        fmt = X.format
        out = (X @ sp.diags((~mask).astype(X.dtype))).asformat(fmt)
        out.eliminate_zeros()
        return out, values
    out = np.array(X, copy=True)
    out[:, mask] = 0
    return out, values
