"""Deprecated module: the decomposition is built by the spectral core (inverse.decomposition)."""

from __future__ import annotations

import warnings
from typing import Any


def __getattr__(name: str) -> Any:
    if name == "StandardForm":
        warnings.warn(
            "ridgeway.inverse.standard_form.StandardForm is deprecated; use "
            "ridgeway.inverse.decomposition.Decomposition (the same constructor and methods)",
            DeprecationWarning,
            stacklevel=2,
        )
        from ridgeway.inverse.decomposition import Decomposition

        return Decomposition
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
