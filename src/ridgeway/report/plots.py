"""Report figures (matplotlib Figure objects; never pyplot's global state, so thread-safe
and headless): regularization path, validation curve, train vs validation, coefficients."""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

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


def regularization_path(
    path: CoefficientPath, feature_names: Sequence[str] | None = None, label_top: int = 8
) -> Figure:
    """Coefficients against λ (log x), the chosen λ marked; the largest few labelled."""
    fig = Figure(figsize=(8, 4.5))
    ax = fig.add_subplot()
    x = _positive(path.strength)
    top = set(np.argsort(-np.abs(path.coef[0]))[:label_top].tolist()) if path.coef.size else set()
    names = list(feature_names) if feature_names is not None else None
    for j in range(path.coef.shape[1]):
        labelled = names is not None and j in top
        ax.plot(
            x,
            path.coef[:, j],
            linewidth=1.4 if labelled else 0.7,
            color=None if labelled else "0.75",  # colour only the labelled features
            label=str(names[j]) if names is not None and labelled else None,
        )
    ax.set_xscale("log")
    ax.axhline(0.0, color="0.6", linewidth=0.6)
    if path.chosen is not None and path.chosen > 0:
        ax.axvline(path.chosen, color="k", linestyle="--", label=f"chosen {path.chosen:.3g}")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, frameon=False)
    ax.set_xlabel(path.label)
    ax.set_ylabel("coefficient")
    ax.set_title("Regularization path")
    return fig


def validation_curve(curve: ValidationCurve, score_name: str = "validation score") -> Figure:
    """Mean validation score with its ±1 standard-error band; the min and 1se choices."""
    fig = Figure(figsize=(8, 4.5))
    ax = fig.add_subplot()
    x = _positive(curve.strength)
    ax.plot(x, curve.mean, color="C0", label="validation (mean)")
    band = np.nan_to_num(curve.std_error)
    ax.fill_between(x, curve.mean - band, curve.mean + band, color="C0", alpha=0.2, label="± 1 SE")
    ax.axvline(x[curve.index_min], color="C3", linestyle="--", label="min rule")
    if curve.index_1se is not None:
        ax.axvline(x[curve.index_1se], color="C2", linestyle=":", label="1se rule")
    ax.set_xscale("log")
    ax.set_xlabel(curve.label)
    ax.set_ylabel(score_name)
    ax.set_title("Validation curve")
    ax.legend(loc="best")
    return fig


def train_validation_curve(curve: ValidationCurve, score_name: str = "score") -> Figure:
    """Training and validation scores against λ: the gap between them is the overfitting."""
    fig = Figure(figsize=(8, 4.5))
    ax = fig.add_subplot()
    x = _positive(curve.strength)
    ax.plot(x, curve.mean, color="C0", label="validation")
    if curve.train is not None:
        ax.plot(x, curve.train, color="C1", label="training")
        ax.fill_between(x, curve.mean, curve.train, color="C1", alpha=0.15, label="gap")
    if curve.chosen is not None and curve.chosen > 0:
        ax.axvline(curve.chosen, color="k", linestyle="--", label="chosen")
    ax.set_xscale("log")
    ax.set_xlabel(curve.label)
    ax.set_ylabel(score_name)
    ax.set_title("Training vs validation (generalization gap)")
    ax.legend(loc="best")
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
    ax.set_xlabel("coefficient (magnitude per feature for multiclass)")
    ax.set_title(f"Coefficients: {' vs '.join(names)}")
    ax.legend(loc="lower right", fontsize=8)
    return fig
