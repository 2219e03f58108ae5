"""JSON that every database accepts: NaN and ±inf become null, numpy scalars plain numbers."""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def finite(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def number(value: Any) -> float | None:
    """A float for a metric column, or None for a missing / non-finite value."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None
