"""The sentence a person reads first: which λ, how it was chosen, where the other rule would
land, whether it sits at the edge of its grid, and what regularization did.

    λ = 0.219, chosen by 5-fold CV with the min rule over 100 values from 0.001 to
    1e+05; the 1se rule would choose λ = 3.1. With n = 12 training rows for p = 6
    features, regularization raises test MSE by 13.6 % against Ridge(l2=0) (5.7e+05 vs
    5.02e+05), shrinks ‖β‖₂ to 23 % of it, and flips the sign of 1 coefficient (GNP).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ridgeway.evaluation.choice import LambdaChoice
    from ridgeway.evaluation.kpis import KPIs

__all__ = ["headline"]

METRIC_NAMES = {"mse": "MSE", "log_loss": "log-loss", "error_rate": "error rate"}
#: n ≥ this many times (p + 1) rows per parameter: "n ≫ p"
PLENTY = 10
#: a relative change below this many percent is "little"
LITTLE_PCT = 1.0


def _n(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")  # a narrow no-break space groups thousands


def _g(value: float | None) -> str:
    return "—" if value is None or not math.isfinite(value) else f"{value:.3g}"


def _pct(value: float) -> str:
    return f"{value:.2g}" if value < 10 else _n(round(value))


def _choice_clause(c: LambdaChoice, lasso: bool) -> str:
    name = ("l1" if lasso else "l1 + l2") if c.label.startswith("l1") else "λ"
    text = (
        f"{name} = {_g(c.chosen)}, chosen by {c.scheme} with the {c.rule} rule over "
        f"{c.grid_size} values from {_g(c.grid_min)} to {_g(c.grid_max)}"
    )
    if c.edge_chosen:
        text += f" — the {c.edge_chosen} value of the grid, so the best λ may lie beyond it"
    if c.rule == "min":
        if c.strength_1se is None:
            text += "; the 1se rule has no standard error to work with here"
        elif c.strength_1se == c.strength_min:
            text += "; the 1se rule would choose the same λ"
        else:
            edge = f", the {c.edge_1se} of the grid" if c.edge_1se else ""
            text += f"; the 1se rule would choose {name} = {_g(c.strength_1se)}{edge}"
    elif c.strength_min != c.chosen:
        text += f"; the min rule's {name} is {_g(c.strength_min)}"
    return text


def _strength_clause(k: KPIs) -> str:
    if k.choice is not None:
        return _choice_clause(k.choice, lasso=not k.l2)
    if k.l1 is not None:
        return f"l1 = {_g(k.l1)}, l2 = {_g(k.l2)} (given, not chosen)"
    return f"λ = {_g(k.l2)} (given, not chosen)"


def _regime(k: KPIs) -> tuple[str, bool]:
    n, p = k.n_train, k.n_features
    text = f"with n = {_n(n)} training rows for p = {_n(p)} features"
    plenty = n >= PLENTY * (p + 1)
    if plenty:
        text += " (n ≫ p)"
    elif n <= p:
        text += " (more features than rows)"
    return text, plenty


def _effect_clause(k: KPIs) -> str:
    regime, plenty = _regime(k)
    metric = METRIC_NAMES.get(k.error_metric, k.error_metric)
    model_value, base_value = k.test[k.error_metric], k.baseline_test[k.error_metric]
    if math.isnan(k.error_reduction_pct):
        text = f"{regime}, the change in test {metric} against {k.baseline} is undefined"
        if k.error_reduction_note:
            text += f" ({k.error_reduction_note})"
    else:
        change = -k.error_reduction_pct
        if change == 0:
            effect = f"leaves test {metric} unchanged"
        else:
            verb = "lowers" if change < 0 else "raises"
            effect = f"{verb} test {metric} by {_pct(abs(change))} %"
        text = (
            f"{regime}, regularization {effect} against {k.baseline} "
            f"({_g(model_value)} vs {_g(base_value)})"
        )
        if plenty and abs(change) < LITTLE_PCT:
            text += ": little to regularize"
    if math.isfinite(k.shrinkage):
        text += f"; it shrinks ‖β‖₂ to {100 * k.shrinkage:.3g} % of the baseline's"
    flips = k.sign_changes
    if flips:
        shown = ", ".join(flips[:3]) + (", …" if len(flips) > 3 else "")
        word = "coefficient" if len(flips) == 1 else "coefficients"
        text += f" and flips the sign of {len(flips)} {word} ({shown})"
    return text


def _capital(text: str) -> str:
    """Capitalize an ASCII first letter only (λ must not become Λ)."""
    return text[:1].upper() + text[1:] if text[:1].isascii() else text


def headline(k: KPIs) -> str:
    """One or two sentences: the λ and its choice, then what regularization did."""
    first = _strength_clause(k)
    second = _effect_clause(k)
    text = f"{first}. {_capital(second)}."  # the first starts with a symbol: λ, l1
    if k.baseline_degenerate:
        text += f" Beware: {k.baseline_degenerate}."
    return text
