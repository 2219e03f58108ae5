"""A self-contained HTML section for a weight-decay search: the curves against λ, the chosen
run's training curves, the search table and the parameter grouping table."""

from __future__ import annotations

import base64
import html
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ridgeway.nn.plots import figure_png, search_curves, training_curves
from ridgeway.nn.search import WeightDecaySearch

__all__ = ["figure_html", "render_search_html", "render_search_section", "search_table"]

_STYLE = (
    "body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}"
    "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 8px}"
    "th{background:#f3f3f3}img{max-width:100%}"
)


def figure_html(fig: Figure, alt: str) -> str:
    data = base64.b64encode(figure_png(fig)).decode("ascii")
    return (
        f'<div class="figure"><img alt="{html.escape(alt)}" '
        f'src="data:image/png;base64,{data}"></div>'
    )


def search_table(cv_results: Mapping[str, Any]) -> pd.DataFrame:
    """One row per λ: λ, weight_decay, validation loss ± SE, gap, ‖W‖, epochs, flags."""
    best = int(np.ravel(cv_results["best_index"])[0])
    frame = pd.DataFrame(
        {
            "l2": cv_results["l2"],
            "weight_decay": cv_results["weight_decay"],
            "validation loss": -np.asarray(cv_results["mean_score"]),
            "SE": cv_results["std_error"],
            "gap (val − train)": cv_results["gap"],
            "‖W‖ decayed": cv_results["norm_decayed"],
            "epochs": cv_results["epochs"],
            "collapsed": cv_results["collapsed"],
            "diverged": cv_results["diverged"],
        }
    )
    frame["chosen"] = ["◀" if i == best else "" for i in range(len(frame))]
    return frame


def render_search_html(
    search: WeightDecaySearch,
    title: str,
    sentences: Sequence[str] = (),
    grouping: pd.DataFrame | None = None,
    baseline_history: Any = None,
) -> str:
    """A whole self-contained HTML page around :func:`render_search_section`."""
    body = render_search_section(search, title, sentences, grouping, baseline_history)
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body>{body}</body></html>"
    )


def render_search_section(
    search: WeightDecaySearch,
    title: str,
    sentences: Sequence[str] = (),
    grouping: pd.DataFrame | None = None,
    baseline_history: Any = None,
    level: int = 1,
) -> str:
    """HTML for one search (a section of a larger report with ``level=2``): curves against
    λ, the chosen run's training curves, the search table, the grouping table."""
    h1, h2 = f"h{level}", f"h{level + 1}"
    res = search.cv_results_
    parts = [f"<{h1}>{html.escape(title)}</{h1}>"]
    parts += [f"<p>{html.escape(s)}</p>" for s in sentences]
    label = "AdamW weight_decay" if search.optimizer == "adamw" else "λ (l2)"
    parts.append(f"<{h2}>Validation loss, gap and ‖W‖ against λ</{h2}>")
    parts.append(figure_html(search_curves(res, label=label), "search curves"))
    parts.append(f"<{h2}>Training curves at the chosen λ</{h2}>")
    chosen = search.histories_[search.best_index_]
    parts.append(figure_html(training_curves(chosen, f"λ = {search.l2_:.4g}"), "chosen λ training"))
    if baseline_history is not None:
        parts.append(f"<{h2}>Training curves without decay (λ = 0)</{h2}>")
        parts.append(figure_html(training_curves(baseline_history, "λ = 0"), "no decay training"))
    parts.append(f"<{h2}>The search</{h2}>")
    parts.append(search_table(res).to_html(index=False, float_format=lambda v: f"{v:.4g}"))
    if grouping is not None:
        parts.append(f"<{h2}>Which parameters are decayed</{h2}>")
        parts.append(grouping.to_html(index=False))
    return "\n".join(parts)
