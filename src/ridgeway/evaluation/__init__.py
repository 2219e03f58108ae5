"""KPIs of a fitted model, from what the model already holds."""

from ridgeway.evaluation.kpis import KPIs, compute_kpis

__all__ = ["KPIs", "compute_kpis"]
