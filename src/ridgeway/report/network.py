"""The report's section for a neural network: the search (validation loss, gap and ‖W‖
against λ; the chosen λ's training curves), the λ = 0 network's curves and the table of which
parameters were decayed. The sentence of what the decay did is the KPIs' headline
(:attr:`ridgeway.evaluation.network.NetworkKPIs.headline`), which the report puts first.

The pieces are drawn by :mod:`ridgeway.nn` (``cli_support.report_section``); this module only
places them in the main report (:func:`ridgeway.report.html.render_report`'s ``sections``).
"""

from __future__ import annotations

from typing import Any

__all__ = ["network_section"]


def network_section(model: Any, baseline: Any) -> str:
    """HTML of the network section (h2 level) for a fitted MLP and its λ = 0 ``baseline``."""
    from ridgeway.nn.cli_support import report_section

    return report_section(model, level=2, baseline_history=getattr(baseline, "history_", None))
