"""The recommender's HTML report: one self-contained file (figures as base64 PNG, no network).

It shows what λ did: the validation curve with its standard errors and both rules' choices,
the training score beside it (the gap), the factor norms shrinking with λ, and the effective λ
each user's ridge system used under the chosen scaling.
"""

from __future__ import annotations

import base64
import io
from html import escape
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from ridgeway.recommend.cv import ALSCV


def _png(fig: Figure) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _validation_figure(results: dict[str, Any], score: str) -> Figure:
    fig = Figure(figsize=(6.4, 3.6))
    ax = fig.add_subplot()
    l2, mean, se = results["l2"], results["mean_score"], results["std_error"]
    ax.errorbar(l2, mean, yerr=se, marker="o", capsize=3, label="held out (± 1 SE)")
    ax.plot(l2, results["train_score"], marker=".", linestyle="--", label="training")
    for key, style, name in (("index_min", "-", "min"), ("index_1se", ":", "1se")):
        index = int(results[key])
        if index >= 0:
            ax.axvline(l2[index], color="grey", linestyle=style, label=f"{name}: {l2[index]:.3g}")
    ax.set_xscale("log")
    ax.set_xlabel("l2 (λ)")
    ax.set_ylabel(score)
    ax.legend(fontsize=8)
    return fig


def _norms_figure(results: dict[str, Any]) -> Figure:
    fig = Figure(figsize=(6.4, 3.2))
    ax = fig.add_subplot()
    ax.plot(results["l2"], results["user_factor_norm"], marker="o", label="users: mean ‖x_u‖")
    ax.plot(results["l2"], results["item_factor_norm"], marker="s", label="items: mean ‖y_i‖")
    ax.set_xscale("log")
    ax.set_xlabel("l2 (λ)")
    ax.set_ylabel("factor norm")
    ax.legend(fontsize=8)
    return fig


def _effective_figure(model: ALSCV) -> Figure:
    fig = Figure(figsize=(6.4, 3.0))
    ax = fig.add_subplot()
    effective = model.effective_l2_users_
    ax.hist(effective, bins=40)
    ax.set_xlabel(f"effective λ per user (l2_scaling={model.spec_.l2_scaling!r})")
    ax.set_ylabel("users")
    return fig


def _table(rows: dict[str, Any]) -> str:
    body = "".join(
        f"<tr><th>{escape(str(k))}</th><td>{escape(str(v))}</td></tr>" for k, v in rows.items()
    )
    return f"<table>{body}</table>"


def render(model: ALSCV, kpis: dict[str, Any], title: str = "Recommendations") -> str:
    """The report of a fitted ALSCV as one HTML string."""
    results = model.cv_results_
    score = "−RMSE" if model.spec_.feedback == "explicit" else f"{model.scoring}@{model.k}"
    figures = [
        ("Validation curve", _validation_figure(results, score)),
        ("Factor norms along λ", _norms_figure(results)),
        ("Effective λ per user", _effective_figure(model)),
    ]
    parts = [
        f"<h1>{escape(title)}</h1>",
        "<p>Matrix factorization by alternating ridge; λ chosen by holding out ratings per "
        f"user ({escape(model.selection_.method)}, rule {escape(model.rule)}).</p>",
        "<h2>KPIs</h2>",
        _table(kpis),
    ]
    for name, fig in figures:
        parts.append(
            f"<h2>{escape(name)}</h2><img alt='{escape(name)}' "
            f"src='data:image/png;base64,{_png(fig)}'>"
        )
    style = (
        "body{font-family:sans-serif;max-width:900px;margin:2em auto}"
        "th,td{border:1px solid #ccd;padding:.2em .6em;text-align:left}"
        "table{border-collapse:collapse}img{max-width:100%}"
    )
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(title)}</title>"
        f"<style>{style}</style></head><body>{''.join(parts)}</body></html>"
    )


def write(
    path: str | Path, model: ALSCV, kpis: dict[str, Any], title: str = "Recommendations"
) -> Path:
    path = Path(path)
    path.write_text(render(model, kpis, title), encoding="utf-8")
    return path


def kpis(model: ALSCV) -> dict[str, Any]:
    """The numbers a reader wants first, from what the fit already holds (no refits)."""
    results = model.cv_results_
    best = int(results["best_index"][0])
    out: dict[str, Any] = {
        "feedback": model.spec_.feedback,
        "users": int(model.user_ids_.size),
        "items": int(model.item_ids_.size),
        "interactions": int(model.seen_.nnz),
        "factors": model.spec_.factors,
        "l2 chosen": float(model.l2_),
        "l2_scaling": model.spec_.l2_scaling,
        "rule": model.rule,
        "generalization gap": float(results["gap"][best]),
        "sweeps (refit)": int(model.n_iter_),
        "solve residual (last half-step)": float(model.solve_residual_),
    }
    if model.spec_.feedback == "explicit":
        rmse, baseline = float(results["rmse"][best]), float(results["mean_rating_rmse"][best])
        out["held-out RMSE"] = rmse
        out["mean-rating RMSE (baseline)"] = baseline
        out["error reduction vs baseline %"] = 100.0 * (1.0 - rmse / baseline)
    else:
        for name in ("precision", "recall", "ndcg", "map"):
            out[f"{name}@{model.k}"] = float(results[f"{name}_at_k"][best])
            out[f"{name}@{model.k} popularity"] = float(results[f"popularity_{name}_at_k"][best])
    return {
        key: float(f"{v:.6g}") if isinstance(v, float) and np.isfinite(v) else v
        for key, v in out.items()
    }
