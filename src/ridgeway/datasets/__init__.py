"""Small real datasets shipped with ridgeway (provenance and licenses in data/README.md)."""

from __future__ import annotations

from importlib import resources

import pandas as pd

__all__ = ["data_path", "load_bikeshare", "load_german_credit", "load_longley"]


def data_path(name: str) -> str:
    """Path of a shipped CSV file, e.g. ``data_path("longley.csv")``."""
    path = resources.files(__name__) / "data" / name
    if not path.is_file():
        raise FileNotFoundError(f"name must be one of the shipped datasets; got {name!r}")
    return str(path)


def load_bikeshare() -> pd.DataFrame:
    """Hourly bike rentals (UCI Bike Sharing, 2011): 8645 rows, target ``bikers``."""
    return pd.read_csv(data_path("bikeshare_hourly.csv"))


def load_german_credit() -> pd.DataFrame:
    """German credit (UCI Statlog): 1000 rows, target ``creditability`` (good/bad)."""
    return pd.read_csv(data_path("german_credit.csv"))


def load_longley() -> pd.DataFrame:
    """Longley (1967) macro-economic data: 16 rows, target ``TOTEMP``; NIST StRD."""
    return pd.read_csv(data_path("longley.csv"))
