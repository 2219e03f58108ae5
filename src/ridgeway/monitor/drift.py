"""Input drift per feature against reference statistics: standardized mean shift and PSI.

Reference bins are the deciles of the reference column (repeated edges merged, so a 0/1
column gets two bins); PSI = Σ_b (a_b − e_b)·ln(a_b/e_b) over bin shares e (reference) and a
(batch), each share floored at ``EPSILON`` so an empty bin gives a large, finite value.
Rules of thumb: PSI < 0.1 stable, 0.1–0.25 moderate, > 0.25 a shift worth acting on.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["EPSILON", "drift", "population_stability_index", "reference_statistics"]

EPSILON = 1e-4
N_BINS = 10


def reference_statistics(X: np.ndarray, names: list[str]) -> dict[str, dict[str, Any]]:
    """Per feature: mean, standard deviation, inner bin edges and reference bin shares."""
    stats = {}
    for j, name in enumerate(names):
        column = X[:, j]
        edges = np.unique(np.quantile(column, np.linspace(0, 1, N_BINS + 1)[1:-1]))
        stats[name] = {
            "mean": float(column.mean()),
            "std": float(column.std()),
            "edges": edges.tolist(),
            "shares": _shares(column, edges).tolist(),
        }
    return stats


def _shares(column: np.ndarray, edges: np.ndarray) -> np.ndarray:
    counts = np.bincount(np.searchsorted(edges, column, side="right"), minlength=edges.size + 1)
    return counts / max(column.size, 1)


def population_stability_index(expected: np.ndarray, actual: np.ndarray) -> float:
    e = np.maximum(np.asarray(expected, dtype=np.float64), EPSILON)
    a = np.maximum(np.asarray(actual, dtype=np.float64), EPSILON)
    return float(np.sum((a - e) * np.log(a / e)))


def drift(X: np.ndarray, names: list[str], stats: dict[str, dict[str, Any]]) -> dict[str, dict]:
    """{feature: {"mean_shift": (mean − ref mean)/ref std, "psi": PSI}} for one batch.

    A constant reference column has no spread: its shift is measured in its own units.
    """
    out = {}
    for j, name in enumerate(names):
        ref = stats[name]
        column = X[:, j]
        scale = ref["std"] if ref["std"] > 0 else 1.0
        edges = np.asarray(ref["edges"], dtype=np.float64)
        out[name] = {
            "mean_shift": float((column.mean() - ref["mean"]) / scale),
            "psi": population_stability_index(np.asarray(ref["shares"]), _shares(column, edges)),
        }
    return out
