"""The rich tables the command line and the demo print: KPIs, and models side by side."""

from __future__ import annotations

from typing import Any

import pandas as pd
from rich.table import Table

from ridgeway.evaluation.kpis import KPIs

__all__ = ["comparison_table", "kpi_table"]


def kpi_table(kpis: KPIs) -> Table:
    """One model's KPIs, one row each, in reading order."""
    table = Table(title=f"KPIs — {kpis.model} ({kpis.task})", show_lines=False)
    table.add_column("KPI", style="bold")
    table.add_column("value", justify="right")
    for name, value in kpis.rows():
        table.add_row(name, value)
    return table


def comparison_table(frame: pd.DataFrame, title: str) -> Table:
    """Models as columns, KPIs as rows: fits a terminal with several models."""
    table = Table(title=title)
    table.add_column("KPI", style="bold")
    for name in frame["model"]:
        table.add_column(str(name), justify="right")
    for col in frame.columns.drop(["model"]):
        table.add_row(str(col), *[_cell(v) for v in frame[col]])
    return table


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "—"
    return f"{value:.5g}" if isinstance(value, float) else str(value)
