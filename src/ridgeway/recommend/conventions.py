"""The objective of ``ridgeway.recommend`` and converters to other libraries' parameters.

Explicit feedback (ratings r_ui on the observed set Ω)::

    ½ Σ_{(u,i)∈Ω} (r_ui − μ − b_u − b_i − x_uᵀy_i)²
      + ½ Σ_u s_u (l2·‖x_u‖² + l2_bias·b_u²) + ½ Σ_i s_i (l2·‖y_i‖² + l2_bias·b_i²)

Implicit feedback (Hu, Koren & Volinsky 2008; counts r_ui, every pair (u, i))::

    ½ Σ_{u,i} c_ui (p_ui − x_uᵀy_i)²  +  ½ Σ_u s_u·l2·‖x_u‖²  +  ½ Σ_i s_i·l2·‖y_i‖²

with p_ui = 1 where r_ui > 0 and 0 elsewhere, and c_ui = 1 where r_ui = 0, otherwise
1 + α·r_ui (``confidence="1+alpha*r"``, the paper) or α·r_ui (``"alpha*r"``, what ``implicit``
does). The scale s_u is 1 (``l2_scaling="none"``) or the number of u's observed entries
(``"count"``: ALS-WR, Zhou et al. 2008). μ is the mean training rating, held fixed; biases
exist only for explicit feedback. Multiplying the objective by 2 gives the form in most papers,
Σ(r − r̂)² + λ(‖X‖² + ‖Y‖²), with the same λ: each half-step is exactly ``rw.Ridge(l2=s_u·l2)``
on one user's rows (the ridgeway objective ½Σ(y − ŷ)² + (l2/2)‖β‖²).

| library, parameters                          | in terms of ridgeway.recommend              |
|----------------------------------------------|---------------------------------------------|
| implicit ALS ``regularization``, ``alpha``   | l2, alpha; confidence "alpha*r", "none"     |
| Spark ALS ``regParam``, ``alpha``            | l2, alpha; "count"; confidence "1+alpha*r"  |
| Surprise SVD ``reg_pu/reg_qi/reg_bu/reg_bi`` | l2, l2_bias; "count" (its per-rating SGD)   |

("none"/"count": the l2_scaling each implies.)

The three tools differ in scaling and confidence, so one λ does not carry from one to another
without these converters (lenskit#259, implicit#100, Surprise#372).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "OBJECTIVE_EXPLICIT",
    "OBJECTIVE_IMPLICIT",
    "ImplicitParameters",
    "from_implicit",
    "from_spark",
    "from_surprise",
    "to_implicit",
    "to_spark",
    "to_surprise",
]

OBJECTIVE_EXPLICIT = (
    "½Σ_Ω (r − μ − b_u − b_i − x_uᵀy_i)² + ½Σ_u s_u(l2‖x_u‖² + l2_bias b_u²) + (same for items)"
)
OBJECTIVE_IMPLICIT = "½Σ_{u,i} c_ui (p_ui − x_uᵀy_i)² + ½Σ_u s_u l2‖x_u‖² + ½Σ_i s_i l2‖y_i‖²"


def _positive(value: float, name: str) -> float:
    value = float(value)
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0; got {value!r}")
    return value


@dataclass(frozen=True)
class ImplicitParameters:
    """``implicit.als.AlternatingLeastSquares`` arguments and how to pass the counts.

    ``transform`` is "counts" (pass r as is) or "1+alpha*counts" (pass 1 + α·r as the matrix
    values with ``alpha=1``: implicit uses the values as confidences, implicit#199)."""

    regularization: float
    alpha: float
    transform: str

    def matrix(self, counts: Any, alpha: float) -> Any:
        """The user × item matrix to hand to ``implicit``'s ``fit``."""
        if self.transform == "counts":
            return counts
        out = counts.copy().astype(np.float32)
        out.data = 1.0 + alpha * out.data
        return out


def to_implicit(
    l2: float, alpha: float = 1.0, confidence: str = "1+alpha*r", l2_scaling: str = "none"
) -> ImplicitParameters:
    """``implicit`` 0.7 solves (YᵀY + Yᵀ(C_u − I)Y + λI)x_u = YᵀC_u p_u with C = α·values
    and a constant λ: our l2 is its ``regularization`` when l2_scaling="none"."""
    l2, alpha = _positive(l2, "l2"), _positive(alpha, "alpha")
    if l2_scaling != "none":
        raise ValueError(
            "implicit uses one λ for every user (not scaled by counts); only "
            f"l2_scaling='none' converts; got {l2_scaling!r}"
        )
    if confidence == "alpha*r":
        return ImplicitParameters(l2, alpha, "counts")
    if confidence == "1+alpha*r":
        return ImplicitParameters(l2, 1.0, "1+alpha*counts")
    raise ValueError(f"confidence must be '1+alpha*r' or 'alpha*r'; got {confidence!r}")


def from_implicit(regularization: float, alpha: float = 1.0) -> dict[str, Any]:
    """Our parameters for an ``implicit`` ALS model fitted on raw counts."""
    return {
        "l2": _positive(regularization, "regularization"),
        "alpha": _positive(alpha, "alpha"),
        "confidence": "alpha*r",
        "l2_scaling": "none",
        "feedback": "implicit",
        "biases": False,
    }


def to_spark(l2: float, alpha: float = 1.0, l2_scaling: str = "count") -> dict[str, float]:
    """Spark ALS minimizes Σ c(p − xᵀy)² + regParam·(Σ_u n_u‖x_u‖² + Σ_i n_i‖y_i‖²): ALS-WR,
    confidence 1 + α·|r| in implicit mode; no biases."""
    if l2_scaling != "count":
        raise ValueError(
            f"Spark scales λ by each user's count; only l2_scaling='count' converts; "
            f"got {l2_scaling!r}"
        )
    return {"regParam": _positive(l2, "l2"), "alpha": _positive(alpha, "alpha")}


def from_spark(regParam: float, alpha: float = 1.0, implicit_prefs: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "l2": _positive(regParam, "regParam"),
        "l2_scaling": "count",
        "biases": False,
        "feedback": "implicit" if implicit_prefs else "explicit",
    }
    if implicit_prefs:
        out.update(alpha=_positive(alpha, "alpha"), confidence="1+alpha*r")
    return out


def to_surprise(
    l2: float, l2_bias: float | None = None, l2_scaling: str = "count"
) -> dict[str, float]:
    """Surprise's SVD takes one SGD step per rating on (r − r̂)² + λ(b_u² + b_i² + ‖p_u‖² +
    ‖q_i‖²), so a user's penalty is counted once per rating: λ·n_u ("count")."""
    if l2_scaling != "count":
        raise ValueError(
            "Surprise's SVD penalizes once per rating (λ·n_u); only l2_scaling='count' "
            f"converts; got {l2_scaling!r}"
        )
    l2 = _positive(l2, "l2")
    bias = l2 if l2_bias is None else _positive(l2_bias, "l2_bias")
    return {"reg_pu": l2, "reg_qi": l2, "reg_bu": bias, "reg_bi": bias}


def from_surprise(reg_all: float = 0.02, reg_bu: float | None = None) -> dict[str, Any]:
    l2 = _positive(reg_all, "reg_all")
    return {
        "l2": l2,
        "l2_bias": l2 if reg_bu is None else _positive(reg_bu, "reg_bu"),
        "l2_scaling": "count",
        "feedback": "explicit",
        "biases": True,
    }
