"""Choosing λ: grids, cross-validation splits, scores and the min / 1se rules."""

from ridgeway.selection.rules import select_index
from ridgeway.selection.scoring import get_metric
from ridgeway.selection.splits import resolve_cv

__all__ = ["get_metric", "resolve_cv", "select_index"]
