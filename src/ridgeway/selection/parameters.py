"""Checks of the numeric settings of a λ search (grid sizes, ratios), shared by every family.

Each check names the parameter and what was expected, refuses booleans and strings (which
``int()``/``float()`` would accept or truncate), and returns the plain Python value.
"""

from __future__ import annotations

from numbers import Integral, Real
from typing import Any

import numpy as np

__all__ = ["check_count", "check_fraction"]


def check_count(value: Any, name: str, minimum: int = 1) -> int:
    """An integer >= ``minimum``; 2.5, "many" and True are refused, 3.0 is not an int either."""
    if isinstance(value, bool) or not isinstance(value, Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}")
    return int(value)


def check_fraction(value: Any, name: str, *, closed_top: bool = False) -> float:
    """A finite number in (0, 1), or (0, 1] with ``closed_top``."""
    top = "]" if closed_top else ")"
    message = f"{name} must be a number in (0, 1{top}; got {value!r}"
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(message)
    number = float(value)
    inside = 0 < number < 1 or (closed_top and number == 1)
    if not (np.isfinite(number) and inside):
        raise ValueError(message)
    return number
