"""The options every coordinate-descent solve takes, checked once with errors that name them."""

from __future__ import annotations

from numbers import Integral
from typing import Any

__all__ = ["check_options"]


def check_options(tol: Any, max_iter: Any) -> dict[str, Any]:
    """``{"tol": float, "max_iter": int}``: tol in (0, 1) (relative duality gap), max_iter >= 1."""
    if isinstance(tol, bool) or not isinstance(tol, (int, float)) or not (0 < tol < 1):
        raise ValueError(f"tol must be a number in (0, 1); got {tol!r}")
    if isinstance(max_iter, bool) or not isinstance(max_iter, Integral) or max_iter < 1:
        raise ValueError(f"max_iter must be an integer >= 1; got {max_iter!r}")
    return {"tol": float(tol), "max_iter": int(max_iter)}
