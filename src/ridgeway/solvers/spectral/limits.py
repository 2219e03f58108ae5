"""The numerical limits that choose between the spectral routes, stated once.

``LIMITS.gram_accuracy``: the Gram (or kernel) squares cond(X); a route that forms it is
trusted while eps·cond(Gram + λ) stays below this, otherwise the SVD of X is taken.
``LIMITS.sparse_direct_max``: sparse X with both sides above this is solved by conjugate
gradients (neither a p × p Gram nor an n × n kernel is formed). Tests and users change these
attributes; no module global is read anywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["EPS", "LIMITS", "RouteLimits", "accurate"]

EPS = float(np.finfo(np.float64).eps)


@dataclass
class RouteLimits:
    """Thresholds of the squared-loss route table (mutable on purpose: a settings object)."""

    gram_accuracy: float = 1e-8
    sparse_direct_max: int = 4000


LIMITS = RouteLimits()


def accurate(condition_number: float) -> bool:
    """The one ill-conditioning test: is eps·cond within ``LIMITS.gram_accuracy``?"""
    return bool(EPS * condition_number <= LIMITS.gram_accuracy)
