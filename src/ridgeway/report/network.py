"""The report's section for a neural network: the search (validation loss, gap and ‖W‖
against λ; the chosen λ's training curves), the λ = 0 network's curves and the table of which
parameters were decayed; and :func:`decay_sentence`, the headline under the KPIs.

The pieces are drawn by :mod:`ridgeway.nn` (``cli_support.report_section``); this module only
places them in the main report (:func:`ridgeway.report.html.render_report`'s ``sections``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ridgeway.evaluation.network import NetworkKPIs

__all__ = ["decay_sentence", "network_section"]


def decay_sentence(kpis: NetworkKPIs) -> str:
    """One sentence: the decay, and what it changed against the same network without it."""
    change = kpis.error_reduction_pct
    verb = "lowers" if change > 0 else "raises"
    return (
        f"{kpis.decay_kind} = {kpis.decay:.4g} {verb} test {kpis.error_metric} by "
        f"{abs(change):.1f}% against the same network trained without decay "
        f"({kpis.test[kpis.error_metric]:.4g} against {kpis.baseline_test[kpis.error_metric]:.4g});"
        f" ‖W‖₂ of the decayed weights is {kpis.shrinkage:.2f}× the undecayed network's, and the"
        f" gap ({kpis.gap_metric}, train − test) is {kpis.gap:.4g}."
    )


def network_section(model: Any, baseline: Any) -> str:
    """HTML of the network section (h2 level) for a fitted MLP and its λ = 0 ``baseline``
    (the report's headline, :func:`decay_sentence`, stands above it)."""
    from ridgeway.nn.cli_support import report_section

    return report_section(model, level=2, baseline_history=getattr(baseline, "history_", None))
