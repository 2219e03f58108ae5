"""Figures for weight decay (matplotlib Figure objects, no pyplot state): training curves of
one run, and validation loss, gap and ‖W‖ against λ for a search."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from ridgeway.nn.history import TrainingHistory

__all__ = ["figure_png", "search_curves", "training_curves"]


def figure_png(fig: Figure, dpi: int = 100) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    return buffer.getvalue()


def training_curves(history: TrainingHistory, title: str = "") -> Figure:
    """Train and validation loss per epoch (left), ‖W‖ of each group (right)."""
    fig = Figure(figsize=(9, 3.6), layout="constrained")
    loss_ax, norm_ax = fig.subplots(1, 2)
    frame = history.to_frame()
    loss_ax.plot(frame["epoch"], frame["train_loss"], label="train (running mean)")
    loss_ax.plot(frame["epoch"], frame["val_loss"], label="validation")
    if history.best_epoch:
        loss_ax.axvline(history.best_epoch, color="grey", ls=":", label="best epoch")
    loss_ax.set(xlabel="epoch", ylabel="data loss", yscale="log", title=title or "training")
    loss_ax.legend(fontsize=8)
    for column in (c for c in frame.columns if c.startswith("norm_")):
        norm_ax.plot(frame["epoch"], frame[column], label=column.removeprefix("norm_"))
    norm_ax.set(xlabel="epoch", ylabel="‖W‖₂", title="weight norms")
    norm_ax.legend(fontsize=8)
    return fig


def _positive(x: np.ndarray) -> np.ndarray:
    """Log axes cannot show λ = 0: put it a decade below the smallest positive value."""
    pos = x[x > 0]
    return np.where(x > 0, x, pos.min() / 10 if pos.size else 1.0)


def search_curves(cv_results: Mapping[str, Any], label: str = "λ") -> Figure:
    """Validation loss ± SE, the gap and ‖W‖ (decayed group) against λ; the choice marked;
    runs cut by halving drawn hollow, collapsed runs as crosses."""
    l2 = _positive(np.asarray(cv_results["l2"], dtype=np.float64))
    best = int(np.ravel(cv_results["best_index"])[0])
    val = -np.asarray(cv_results["mean_score"], dtype=np.float64)
    se = np.asarray(cv_results["std_error"], dtype=np.float64)
    fig = Figure(figsize=(11, 3.4), layout="constrained")
    axes = fig.subplots(1, 3)
    axes[0].errorbar(l2, val, yerr=np.where(np.isfinite(se), se, 0), capsize=2)
    finalist = np.asarray(cv_results.get("finalist", np.ones(len(l2), bool)), dtype=bool)
    axes[0].plot(l2[finalist], val[finalist], "o", color="tab:blue")
    if not finalist.all():  # halving: these were scored after fewer epochs, and not eligible
        axes[0].plot(l2[~finalist], val[~finalist], "o", mfc="white", mec="tab:blue",
                     label="cut at an earlier rung (fewer epochs)")  # fmt: skip
        axes[0].legend(fontsize=8)
    axes[0].set(ylabel="validation loss", title="validation loss")
    axes[1].plot(l2, cv_results["gap"], marker="o")  # validation − train loss
    axes[1].axhline(0, color="grey", lw=0.8)
    axes[1].set(ylabel="validation − train loss", title="generalization gap")
    axes[2].plot(l2, cv_results["norm_decayed"], marker="o")
    collapsed = np.asarray(cv_results.get("collapsed", np.zeros(len(l2), bool)), dtype=bool)
    axes[2].plot(l2[collapsed], np.asarray(cv_results["norm_decayed"])[collapsed], "rx", ms=9)
    axes[2].set(ylabel="‖W‖₂ (decayed)", title="weight norm", yscale="log")
    for ax in axes:
        ax.set(xscale="log", xlabel=label)
        ax.axvline(l2[best], color="tab:red", ls="--", lw=1)
    return fig
