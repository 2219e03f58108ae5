"""Report figures (matplotlib Figure objects; never pyplot's global state, so thread-safe
and headless): regularization path, validation curve, train vs validation, coefficients."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.ticker import NullLocator

from ridgeway.report.paths import CoefficientPath, ValidationCurve

__all__ = [
    "coefficient_comparison",
    "figure_png",
    "regularization_path",
    "train_validation_curve",
    "validation_curve",
]


def figure_png(fig: Figure, dpi: int = 100) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    return buffer.getvalue()


def _positive(x: np.ndarray) -> np.ndarray:
    """Log axes cannot show λ = 0: clip it to a tenth of the smallest positive value."""
    x = np.asarray(x, dtype=np.float64)
    pos = x[x > 0]
    return np.where(x > 0, x, pos.min() / 10 if pos.size else 1.0)


#: a positive metric spanning more than this ratio is drawn on a log axis
LOG_SPAN = 30.0


def _y_scale(ax: Any, *values: np.ndarray | None) -> None:
    """Log y when every value is positive and they span orders of magnitude (MSE near an
    interpolating λ is 10⁶ × its minimum: a linear axis flattens the optimum)."""
    data = np.concatenate([np.ravel(v) for v in values if v is not None])
    data = data[np.isfinite(data)]
    if data.size and data.min() > 0 and data.max() / data.min() > LOG_SPAN:
        ax.set_yscale("log")


def _top_axis(ax: Any, x: np.ndarray, values: np.ndarray | None, label: str) -> None:
    """glmnet's top axis: ``values`` (df, non-zero counts) at a few λ of the grid."""
    if values is None:
        return
    finite = np.flatnonzero(np.isfinite(values))
    if finite.size == 0:
        return
    # evenly spaced on the log axis (a grid spaced evenly in df would crowd its labels)
    logs = np.log(x[finite])
    targets = np.linspace(logs.min(), logs.max(), min(7, finite.size))
    picks = np.unique(finite[np.abs(logs[None, :] - targets[:, None]).argmin(axis=1)])
    top = ax.twiny()
    top.set_xscale("log")
    top.set_xlim(ax.get_xlim())
    top.set_xticks(x[picks], [f"{values[i]:.3g}" for i in picks], fontsize=7)
    top.xaxis.set_minor_locator(NullLocator())
    top.set_xlabel(label, fontsize=8)


def regularization_path(
    path: CoefficientPath, feature_names: Sequence[str] | None = None, label_top: int = 8
) -> Figure:
    """Coefficients against λ (log x), the chosen λ marked; the largest few labelled and
    coloured, the rest one grey collection (thousands of features draw in one artist)."""
    fig = Figure(figsize=(8, 4.8))
    ax = fig.add_subplot()
    x = _positive(path.strength)
    top = np.argsort(-np.abs(path.coef[0]))[:label_top] if path.coef.size else np.zeros(0, int)
    names = list(feature_names) if feature_names is not None else None
    rest = np.setdiff1d(np.arange(path.coef.shape[1]), top)
    if rest.size:
        segments = np.stack([np.broadcast_to(x[:, None], (x.size, rest.size)),
                             path.coef[:, rest]], axis=-1).transpose(1, 0, 2)  # fmt: skip
        ax.add_collection(LineCollection(list(segments), colors="0.75", linewidths=0.7))
    for j in top:
        label = str(names[j]) if names is not None else f"feature {j}"
        ax.plot(x, path.coef[:, j], linewidth=1.4, label=label)
    ax.set_xscale("log")
    ax.autoscale_view()
    ax.axhline(0.0, color="0.6", linewidth=0.6)
    if path.chosen is not None and path.chosen > 0:
        ax.axvline(path.chosen, color="k", linestyle="--", label=f"chosen {path.chosen:.3g}")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, frameon=False)
    ax.set_xlabel(path.label)
    ax.set_ylabel("‖β_j‖₂ over classes" if path.multiclass else "coefficient")
    _top_axis(ax, x, path.top, path.top_label)
    ax.set_title("Regularization path", pad=34 if path.top is not None else 6)
    return fig


def _rule_lines(ax: Any, curve: ValidationCurve, x: np.ndarray, y: np.ndarray) -> None:
    """The min and 1se choices as vertical lines with markers on the curve; where they
    coincide the two dash patterns interleave, so both stay visible (and both are in the
    legend)."""
    i_min, i_1se = curve.index_min, curve.index_1se
    same = i_1se == i_min
    ax.axvline(x[i_min], color="C3", linestyle=(0, (4, 4)), linewidth=1.4,
               label=f"λ.min = {x[i_min]:.3g}" + (" = λ.1se" if same else ""))  # fmt: skip
    ax.plot([x[i_min]], [y[i_min]], "o", color="C3", markersize=7)
    if i_1se is not None:
        ax.axvline(x[i_1se], color="C2", linestyle=(4, (4, 4)) if same else (0, (1, 2)),
                   linewidth=1.4, label=f"λ.1se = {x[i_1se]:.3g}")  # fmt: skip
        ax.plot([x[i_1se]], [y[i_1se]], "D", color="C2", markersize=5, fillstyle="none"
                if same else "full")  # fmt: skip


def validation_curve(
    curve: ValidationCurve, metric: str = "validation score", sign: float = 1.0
) -> Figure:
    """The validation metric (``sign`` · score: MSE, not −MSE) with its ±1 standard-error
    band; the min and 1se choices; the effective df on a top axis."""
    fig = Figure(figsize=(8, 4.8))
    ax = fig.add_subplot()
    x = _positive(curve.strength)
    y = sign * curve.mean
    band = np.nan_to_num(curve.std_error)
    ax.plot(x, y, color="C0", label=f"validation {metric} (mean)")
    ax.fill_between(x, y - band, y + band, color="C0", alpha=0.2, label="± 1 SE")
    _rule_lines(ax, curve, x, y)
    ax.set_xscale("log")
    _y_scale(ax, y)
    ax.set_xlabel(curve.label)
    ax.set_ylabel(f"validation {metric}")
    ax.legend(loc="best", fontsize=8)
    _top_axis(ax, x, curve.df, "effective df")
    ax.set_title("Validation curve", pad=34 if curve.df is not None else 6)
    return fig


def train_validation_curve(
    curve: ValidationCurve, metric: str = "score", sign: float = 1.0
) -> Figure:
    """Training and validation ``metric`` against λ: the gap between them is overfitting."""
    fig = Figure(figsize=(8, 4.8))
    ax = fig.add_subplot()
    x = _positive(curve.strength)
    y = sign * curve.mean
    train = None if curve.train is None else sign * curve.train
    ax.plot(x, y, color="C0", label=f"validation {metric}")
    if train is not None:
        ax.plot(x, train, color="C1", label=f"training {metric}")
        ax.fill_between(x, y, train, color="C1", alpha=0.15, label="gap")
    _rule_lines(ax, curve, x, y)
    ax.set_xscale("log")
    _y_scale(ax, y, train)
    ax.set_xlabel(curve.label)
    ax.set_ylabel(metric)
    ax.legend(loc="best", fontsize=8)
    _top_axis(ax, x, curve.df, "effective df")
    ax.set_title("Training vs validation (generalization gap)",
                 pad=34 if curve.df is not None else 6)  # fmt: skip
    return fig


def coefficient_comparison(
    coefs: dict[str, np.ndarray], feature_names: Sequence[str], top: int = 20
) -> Figure:
    """Grouped horizontal bars of the ``top`` features (by largest magnitude in any model)."""
    names = list(coefs)
    matrix = np.array([np.asarray(coefs[n], dtype=np.float64) for n in names])
    order = np.argsort(-np.abs(matrix).max(axis=0))[:top][::-1]
    fig = Figure(figsize=(8, max(3.0, 0.35 * len(order) + 1.5)))
    ax = fig.add_subplot()
    height = 0.8 / len(names)
    rows = np.arange(len(order))
    for i, name in enumerate(names):
        ax.barh(rows + i * height, matrix[i, order], height=height, label=name)
    ax.set_yticks(rows + 0.4 - height / 2, [str(feature_names[j]) for j in order], fontsize=7)
    ax.axvline(0.0, color="0.4", linewidth=0.6)
    ax.set_xlabel("coefficient (signed; ‖β_j‖₂ over classes for multiclass)")
    ax.set_title(f"Coefficients: {' vs '.join(names)}")
    ax.legend(loc="lower right", fontsize=8)
    return fig
