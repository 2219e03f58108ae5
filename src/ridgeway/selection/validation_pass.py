"""Exact leave-one-out and GCV for ridge, from one Spectrum, over the whole λ grid.

For a linear smoother ŷ = H y with weighted hat matrix H, leaving sample i out gives the
residual r_i/(1 − h_ii) exactly (weights included). GCV replaces each h_ii by the mean
tr(H)/n (Golub, Heath & Wahba 1979): its per-sample errors are r_i/(1 − df/n), and its mean
squared error is the classical GCV(λ) = (RSS_w/Σs)/(1 − df/n)² of :mod:`selection.gcv`.
n counts samples with positive weight.

One blocked pass over X computes, for every λ, the fitted values, leverages and scores;
memory stays O(block × L × k).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ridgeway.selection.gcv import gcv, gcv_shrink
from ridgeway.selection.scoring import Metric
from ridgeway.solvers.spectral.spectrum import Spectrum


class ScoreSums:
    """Running weighted sums of per-sample scores (b, M), for means and standard errors."""

    def __init__(self) -> None:
        self.weight = 0.0
        self.sum_sq_weight = 0.0
        self.sum: Any = 0.0  # 0.0, then arrays once a block is added
        self.sum_w2x: Any = 0.0
        self.sum_w2x2: Any = 0.0

    def add(self, scores: np.ndarray, s: np.ndarray) -> None:
        """scores (b, ...) with weights s (b,): accumulated with BLAS matrix-vector products."""
        flat = scores.reshape(scores.shape[0], -1)
        s2 = s * s
        self.weight += float(s.sum())
        self.sum_sq_weight += float(s2.sum())
        self.sum = self.sum + s @ flat
        self.sum_w2x = self.sum_w2x + s2 @ flat
        self.sum_w2x2 = self.sum_w2x2 + s2 @ (flat * flat)

    def mean(self) -> np.ndarray:
        return self.sum / self.weight

    def std_error(self) -> np.ndarray:
        """sqrt(Σ p_i²(x_i − m)²) with p = s/Σs: the standard error of a weighted mean."""
        m = self.mean()
        var = (self.sum_w2x2 - 2 * m * self.sum_w2x + m * m * self.sum_sq_weight) / self.weight**2
        return np.sqrt(np.maximum(var, 0.0))


class TargetSums:
    """ScoreSums per (λ, target) plus, for several targets, of the per-sample target mean."""

    def __init__(self, L: int) -> None:
        self.L, self.k = L, 0
        self.per_target = ScoreSums()
        self.overall: ScoreSums | None = None

    def add(self, scores: np.ndarray, s: np.ndarray) -> None:
        """scores (b, L, k); k is whatever the metric gives (1 for accuracy over classes)."""
        if not self.k:
            self.k = scores.shape[2]
            self.overall = ScoreSums() if self.k > 1 else None
        self.per_target.add(scores, s)
        if self.overall is not None:
            self.overall.add(scores.mean(axis=2), s)

    def _combine(self, per_target: np.ndarray, overall: np.ndarray | None) -> np.ndarray:
        per_target = per_target.reshape(self.L, self.k)
        last = per_target if overall is None else overall.reshape(self.L, 1)
        return np.concatenate([per_target, last[:, :1]], axis=1)

    def mean(self) -> np.ndarray:
        overall = None if self.overall is None else self.overall.mean()
        return self._combine(self.per_target.mean(), overall)

    def std_error(self) -> np.ndarray:
        overall = None if self.overall is None else self.overall.std_error()
        return self._combine(self.per_target.std_error(), overall)


@dataclass
class PassResult:
    """Scores per (λ, target), the last column averaging the targets: mean, SE, training."""

    mean: np.ndarray
    std_error: np.ndarray
    train: np.ndarray
    predictions: np.ndarray | None = None


def with_average(scores: np.ndarray) -> np.ndarray:
    """Append the mean over targets (last axis) as one more column: the overall score."""
    return np.concatenate([scores, scores.mean(axis=-1, keepdims=True)], axis=-1)


def _targets_3d(Y: np.ndarray) -> np.ndarray:
    return Y[:, None, :]


def _block_size(L: int, k: int) -> int:
    """Rows per block so that each (rows, L, k) temporary stays near 2 MB (cache-friendly)."""
    return int(np.clip(2**18 // max(1, L * k), 32, 8192))


def validation_pass(
    spec: Spectrum,
    X,
    Y: np.ndarray,
    sample_weight: np.ndarray | None,
    l2: np.ndarray,
    metric: Metric,
    mode: str = "loo",
) -> PassResult:
    """Exact LOO (``mode="loo"``) or GCV scores for each λ in ``l2`` (L,) and each target."""
    if mode not in ("loo", "gcv"):
        raise ValueError(f"mode must be 'loo' or 'gcv'; got {mode!r}")
    L, k = l2.size, Y.shape[1]
    shrink = gcv_shrink(spec, l2)  # used by GCV only
    squared_error = metric.name == "neg_mean_squared_error"
    val, train = TargetSums(L), TargetSums(L)
    pointwise = metric.pointwise  # None: not a mean of per-sample scores (R², RMSE)
    collected: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    blocks = spec.fitted_blocks(X, sample_weight, l2, _block_size(L, k), leverage=mode == "loo")
    # squared error under GCV: every residual of a λ is divided by the same 1 − df/n, so
    # accumulate plain r² and scale the mean and its standard error at the end
    scale_at_end = squared_error and mode == "gcv"
    for rows, fitted, leverage in blocks:
        s = np.ones(rows.size) if sample_weight is None else sample_weight[rows]
        y = _targets_3d(Y[rows])
        resid = np.subtract(y, fitted, out=fitted)  # fitted is a fresh array: reuse it
        if scale_at_end:
            resid *= resid
            val.add(resid, s)
            continue
        if mode == "loo":
            denom = 1.0 - leverage
            with np.errstate(divide="ignore", invalid="ignore"):
                held_out_resid = resid / denom[:, :, None]
            if np.any(denom <= 1e-12):  # h_ii = 1: the sample is interpolated
                bad = np.broadcast_to((denom <= 1e-12)[:, :, None], resid.shape)
                held_out_resid[bad] = np.nan
        else:
            held_out_resid = resid / shrink[None, :, None]
        if squared_error:
            held_out_resid *= held_out_resid
            np.negative(held_out_resid, out=held_out_resid)
            val.add(held_out_resid, s)
            continue
        held_out = y - held_out_resid
        fitted = y - resid
        if pointwise is None:
            collected.append((rows, held_out, fitted))
            continue
        val.add(pointwise(y, held_out), s)
        train.add(pointwise(y, fitted), s)
    if pointwise is None:
        return _aggregate(collected, Y, sample_weight, metric)
    if squared_error:
        rss = spec.rss(l2) / spec.weight_sum
        train_mean = with_average(-rss)
    else:
        train_mean = train.mean()
    if scale_at_end:  # the GCV formula on the row-summed squared residuals (and their SE)
        mean, se = gcv(spec, l2, mse=val.mean()), gcv(spec, l2, mse=val.std_error())
        return PassResult(-mean, se, train_mean)
    return PassResult(val.mean(), val.std_error(), train_mean)


def _aggregate(collected, Y, sample_weight, metric: Metric) -> PassResult:
    """Metrics that are not per-sample means (R², RMSE): score the stacked predictions."""
    rows = np.concatenate([c[0] for c in collected])
    held_out = np.concatenate([c[1] for c in collected])
    fitted = np.concatenate([c[2] for c in collected])
    y = Y[rows]
    s = None if sample_weight is None else sample_weight[rows]
    mean = with_average(metric.score_per_target(y, held_out, s))
    train = with_average(metric.score_per_target(y, fitted, s))
    return PassResult(mean, np.full_like(mean, np.nan), train, held_out)


def training_scores(
    spec: Spectrum,
    X,
    Y: np.ndarray,
    sample_weight: np.ndarray | None,
    l2: np.ndarray,
    metric: Metric,
) -> np.ndarray:
    """In-sample scores (L, k + 1) of the full-data fit at every λ (one pass over X)."""
    if metric.name == "neg_mean_squared_error":
        return with_average(-spec.rss(l2) / spec.weight_sum)
    L, k = l2.size, Y.shape[1]
    blocks = list(spec.fitted_blocks(X, sample_weight, l2, _block_size(L, k), leverage=False))
    if metric.pointwise is None:
        rows = np.concatenate([b[0] for b in blocks])
        fitted = np.concatenate([b[1] for b in blocks])
        s = None if sample_weight is None else sample_weight[rows]
        return with_average(metric.score_per_target(Y[rows], fitted, s))
    sums = TargetSums(L)
    for rows, fitted, _ in blocks:
        s = np.ones(rows.size) if sample_weight is None else sample_weight[rows]
        sums.add(metric.pointwise(_targets_3d(Y[rows]), fitted), s)
    return sums.mean()
