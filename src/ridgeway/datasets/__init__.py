"""Small real datasets shipped with ridgeway (provenance and licenses in data/README.md)."""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
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
    return _read("bikeshare_hourly.csv")


def load_german_credit() -> pd.DataFrame:
    """German credit (UCI Statlog): 1000 rows, target ``creditability`` (good/bad)."""
    return _read("german_credit.csv")


def load_longley() -> pd.DataFrame:
    """Longley (1967) macro-economic data: 16 rows, target ``TOTEMP``; NIST StRD."""
    return _read("longley.csv")


def _read(name: str) -> pd.DataFrame:
    import pandas as pd  # only when a dataset is loaded: keeps `import ridgeway` light

    return pd.read_csv(data_path(name))
