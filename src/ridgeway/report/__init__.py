"""Report layer: KPIs, the L2-vs-L1-vs-none comparison, plots and the HTML report.

It consumes fitted estimators and :mod:`ridgeway.evaluation` only (no model code here), and
nothing below it imports it. The command line and ``make demo`` drive it through
:mod:`ridgeway.app.workflow`.
"""

from ridgeway.evaluation.curves import validation_curve_of
from ridgeway.evaluation.kpis import KPIs, compute_kpis
from ridgeway.report import plots
from ridgeway.report.compare import Comparison, compare_penalties
from ridgeway.report.html import render_report, write_report
from ridgeway.report.paths import coefficient_path

__all__ = [
    "Comparison",
    "KPIs",
    "coefficient_path",
    "compare_penalties",
    "compute_kpis",
    "plots",
    "render_report",
    "validation_curve_of",
    "write_report",
]
