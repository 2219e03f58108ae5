"""Report layer: KPIs, the L2-vs-L1-vs-none comparison, plots and the HTML report."""

from ridgeway.report.kpis import KPIs, compute_kpis

__all__ = ["KPIs", "compute_kpis"]
