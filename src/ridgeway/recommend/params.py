"""Checking ALS's constructor parameters into a :class:`~ridgeway.recommend.factorize.Spec`."""

from __future__ import annotations

from typing import Any

import numpy as np

from ridgeway.recommend.data import check_feedback
from ridgeway.recommend.factorize import Spec

SCALINGS = ("none", "count")
CONFIDENCES = ("1+alpha*r", "alpha*r")
SOLVERS = ("auto", "cholesky", "cg")
DTYPES = {"float64": np.float64, "float32": np.float32}


def positive_number(value: Any, name: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a finite number > 0; got {value!r}") from None
    if not np.isfinite(number) or number <= 0:
        raise ValueError(f"{name} must be a finite number > 0; got {value!r}")
    return number


def positive_int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"{name} must be an integer >= 1; got {value!r}")
    return int(value)


def choice(value: Any, name: str, options: tuple[str, ...]) -> str:
    if value not in options:
        raise ValueError(f"{name} must be one of {options}; got {value!r}")
    return str(value)


def resolve_dtype(dtype: Any) -> Any:
    name = np.dtype(dtype).name
    if name not in DTYPES:
        raise ValueError(f"dtype must be float32 or float64; got {dtype!r}")
    return DTYPES[name]


def make_spec(model: Any, l2: Any = None) -> Spec:
    """The Spec of an ALS estimator's parameters (``l2`` overrides the model's, for CV)."""
    feedback = check_feedback(model.feedback)
    biases = (feedback == "explicit") if model.biases is None else bool(model.biases)
    if biases and feedback == "implicit":
        raise ValueError(
            "biases=True is for explicit feedback (Hu et al.'s implicit model has none); "
            "use biases=False or None"
        )
    l2_value = positive_number(model.l2 if l2 is None else l2, "l2")
    l2_bias = l2_value if model.l2_bias is None else positive_number(model.l2_bias, "l2_bias")
    solver = choice(model.solver, "solver", SOLVERS)
    if solver == "auto":
        solver = "cg" if feedback == "implicit" else "cholesky"
    dtype = resolve_dtype(model.dtype)
    tol = float(model.tol)
    if not np.isfinite(tol) or tol < 0:
        raise ValueError(f"tol must be a finite number >= 0; got {model.tol!r}")
    solve_tol = model.solve_tol
    if solve_tol is None:
        solve_tol = 1e-4 if dtype is np.float32 else 1e-8
    return Spec(
        factors=positive_int(model.factors, "factors"),
        l2=l2_value,
        l2_bias=l2_bias,
        feedback=feedback,
        l2_scaling=choice(model.l2_scaling, "l2_scaling", SCALINGS),
        confidence=choice(model.confidence, "confidence", CONFIDENCES),
        alpha=positive_number(model.alpha, "alpha"),
        biases=biases,
        iterations=positive_int(model.iterations, "iterations"),
        solver=solver,
        cg_steps=positive_int(model.cg_steps, "cg_steps"),
        tol=tol,
        solve_tol=positive_number(solve_tol, "solve_tol"),
        dtype=dtype,
    )
