"""MovieLens-100K from the installed ``recbole`` wheel, when it is there.

The file stays in the installed package (GroupLens research terms: use, do not redistribute);
it is never copied into this repository. ``recbole`` installs with ``--no-deps`` and is only
located here, never imported (its ``__init__`` would pull in torch).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd

RELATIVE = Path("dataset_example") / "ml-100k" / "ml-100k.inter"


def movielens_100k_path() -> Path | None:
    """The ratings file inside the installed recbole package, or None."""
    spec = importlib.util.find_spec("recbole")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        path = Path(location) / RELATIVE
        if path.is_file():
            return path
    return None


def load_movielens_100k() -> pd.DataFrame | None:
    """100 000 ratings (1–5) of 1682 movies by 943 users: columns user, item, rating,
    timestamp; None when recbole is not installed."""
    path = movielens_100k_path()
    if path is None:
        return None
    frame = pd.read_csv(path, sep="\t")
    frame.columns = ["user", "item", "rating", "timestamp"]
    return frame
