"""Exact leave-one-out and GCV for ridge, from one Spectrum, over the whole λ grid.

For a linear smoother ŷ = H y with weighted hat matrix H, leaving sample i out gives the
residual r_i/(1 − h_ii) exactly (weights included). GCV replaces each h_ii by the mean
tr(H)/n (Golub, Heath & Wahba 1979): its per-sample errors are r_i/(1 − df/n), and its mean
squared error is the classical GCV(λ) = (RSS_w/Σs)/(1 − df/n)². n counts samples with
positive weight.

One blocked pass over X computes, for every λ, the fitted values, leverages and scores;
memory stays O(block × L × k).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ridgeway.selection.scoring import Metric
from ridgeway.solvers.spectral import Spectrum


@dataclass
class ScoreSums:
    """Running weighted sums of per-sample scores, for a mean and its standard error."""

    weight: float = 0.0
    sum: np.ndarray | float = 0.0
    sum_sq_weight: float = 0.0
    sum_w2x: np.ndarray | float = 0.0
    sum_w2x2: np.ndarray | float = 0.0

    def add(self, scores: np.ndarray, s: np.ndarray) -> None:
        """scores: (b, L, k); s: (b,)."""
        self.weight += float(s.sum())
        self.sum = self.sum + np.einsum("b,blk->lk", s, scores)
        s2 = s * s
        self.sum_sq_weight += float(s2.sum())
        self.sum_w2x = self.sum_w2x + np.einsum("b,blk->lk", s2, scores)
        self.sum_w2x2 = self.sum_w2x2 + np.einsum("b,blk->lk", s2, scores * scores)

    def mean(self) -> np.ndarray:
        return self.sum / self.weight

    def std_error(self) -> np.ndarray:
        """sqrt(Σ p_i²(x_i − m)²) with p = s/Σs: the standard error of a weighted mean."""
        m = self.mean()
        W2 = self.weight**2
        var = (self.sum_w2x2 - 2 * m * self.sum_w2x + m * m * self.sum_sq_weight) / W2
        return np.sqrt(np.maximum(var, 0.0))


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
    e = spec.eigenvalues
    shrink = e[None, :] / (e[None, :] + l2[:, None])  # (L, r)
    L, k = l2.size, Y.shape[1]
    G = (shrink[:, :, None] * spec.uty[None]).transpose(1, 0, 2).reshape(e.size, L * k)
    gcv_factor = None
    if mode == "gcv":
        gcv_factor = 1.0 - spec.df(l2) / spec.n_samples  # (L,)
    val, train = ScoreSums(), ScoreSums()
    keep_all = metric.pointwise is None
    collected: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for rows, R, h_unpen, fitted_unpen in spec.leverage_blocks(X, sample_weight):
        s = np.ones(rows.size) if sample_weight is None else sample_weight[rows]
        root = np.sqrt(s)
        fitted = fitted_unpen[:, None, :] + (R @ G).reshape(rows.size, L, k) / root[:, None, None]
        y = _targets_3d(Y[rows])
        resid = y - fitted
        if mode == "loo":
            h = h_unpen[:, None] + (R * R) @ shrink.T  # (b, L)
            denom = 1.0 - h
        else:
            denom = np.broadcast_to(gcv_factor[None, :], (rows.size, L))
        with np.errstate(divide="ignore", invalid="ignore"):
            held_out = y - resid / np.where(denom > 1e-12, denom, np.nan)[:, :, None]
        if keep_all:
            collected.append((rows, held_out, fitted))
            continue
        val.add(with_average(metric.pointwise(y, held_out)), s)
        train.add(with_average(metric.pointwise(y, fitted)), s)
    if keep_all:
        return _aggregate(collected, Y, sample_weight, metric)
    return PassResult(val.mean(), val.std_error(), train.mean())


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
    coef, intercept = spec.coef_path(l2)
    L, p, k = coef.shape
    flat = coef.transpose(1, 0, 2).reshape(p, L * k)
    n = X.shape[0]
    if metric.pointwise is None:
        fitted = np.asarray(X @ flat).reshape(n, L, k) + intercept[None]
        return with_average(metric.score_per_target(Y, fitted, sample_weight))
    sums = ScoreSums()
    step = max(256, 2_000_000 // max(1, p + L * k))
    for start in range(0, n, step):
        stop = min(n, start + step)
        fitted = np.asarray(X[start:stop] @ flat).reshape(stop - start, L, k) + intercept[None]
        s = np.ones(stop - start) if sample_weight is None else sample_weight[start:stop]
        sums.add(with_average(metric.pointwise(_targets_3d(Y[start:stop]), fitted)), s)
    return sums.mean()
