"""Times in the store are UTC seconds since the epoch; users pass datetimes, strings or numbers."""

from __future__ import annotations

import datetime as dt
import math
import time
from typing import Any

import pandas as pd

__all__ = ["to_epoch", "to_timestamps"]


def to_epoch(at: Any, name: str = "at") -> float:
    """``None`` (now), a datetime or pandas Timestamp (naive means UTC), an ISO string, or
    seconds since the epoch."""
    if at is None:
        return time.time()
    if isinstance(at, bool):
        raise ValueError(
            f"{name} must be a datetime, an ISO date string or epoch seconds; got {at!r}"
        )
    if isinstance(at, (int, float)):
        if not math.isfinite(at):
            raise ValueError(f"{name} must be a finite number of seconds; got {at!r}")
        return float(at)
    if isinstance(at, (str, dt.datetime, dt.date, pd.Timestamp)):
        try:
            stamp = pd.Timestamp(at)
        except ValueError:
            raise ValueError(f"{name} must be an ISO date or datetime; got {at!r}") from None
        if stamp.tzinfo is None:
            stamp = stamp.tz_localize("UTC")
        return float(stamp.timestamp())
    raise ValueError(f"{name} must be a datetime, an ISO date string or epoch seconds; got {at!r}")


def to_timestamps(seconds: pd.Series) -> pd.Series:
    return pd.to_datetime(seconds, unit="s", utc=True)
