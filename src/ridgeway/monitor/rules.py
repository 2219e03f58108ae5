"""Alert rules and the one step that moves a rule's state on a new value.

A rule watches one metric (optionally of one feature) and breaches when the value — or, with
``relative_to_reference``, its relative change (value − ref)/|ref| against the reference KPI —
is above (or below) a threshold. Its first ``warmup`` values are ignored; an alert opens after
``patience`` consecutive breaches (before that the rule is *pending*), is never duplicated
while open, and resolves on the first value that no longer breaches.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

__all__ = ["SEVERITIES", "Rule", "Step", "step"]

SEVERITIES = ("warning", "critical")
PER_FEATURE = ("psi", "mean_shift")


@dataclass(frozen=True)
class Rule:
    """A threshold on a metric: exactly one of ``above``/``below``."""

    metric: str
    above: float | None = None
    below: float | None = None
    feature: str | None = None
    relative_to_reference: bool = False
    patience: int = 1
    warmup: int = 0
    severity: str = "warning"
    webhook: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.metric, str) or not self.metric or len(self.metric) > 64:
            raise ValueError(f"metric must be a metric name (1-64 characters); got {self.metric!r}")
        if (self.above is None) == (self.below is None):
            raise ValueError(
                f"give exactly one of above= or below=; got above={self.above!r}, "
                f"below={self.below!r}"
            )
        threshold = self.threshold
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float)):
            raise ValueError(f"{self.direction} must be a finite number; got {threshold!r}")
        if not math.isfinite(threshold):
            raise ValueError(f"{self.direction} must be a finite number; got {threshold!r}")
        _check_count("patience", self.patience, minimum=1)
        _check_count("warmup", self.warmup, minimum=0)
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}; got {self.severity!r}")
        if self.metric in PER_FEATURE and self.feature is None:
            raise ValueError(
                f"metric {self.metric!r} is per feature: give feature=NAME, or use "
                f"'{self.metric}_max' for the largest over all features"
            )
        if self.webhook is not None:
            url = urlparse(self.webhook)
            if url.scheme not in ("http", "https") or not url.netloc:
                raise ValueError(f"webhook must be an http(s) URL; got {self.webhook!r}")

    @property
    def direction(self) -> str:
        return "above" if self.above is not None else "below"

    @property
    def threshold(self) -> float:
        value = self.above if self.above is not None else self.below
        assert value is not None
        return value

    def breached(self, value: float) -> bool:
        return value > self.threshold if self.direction == "above" else value < self.threshold

    def describe(self) -> str:
        what = self.metric if self.feature is None else f"{self.metric}[{self.feature}]"
        how = " relative to the reference" if self.relative_to_reference else ""
        times = "" if self.patience == 1 else f" for {self.patience} consecutive batches"
        return f"{what}{how} {self.direction} {self.threshold:g}{times}"


def _check_count(name: str, value: Any, *, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}")


@dataclass(frozen=True)
class Step:
    """The outcome of one value: the rule's new state and what to do with its alert.

    ``action``: "skip" (no value), "warmup", "ok", "pending" (breaching, patience not yet
    reached), "open" (open an alert with ``streak`` as evidence), "update" (breaching while
    an alert is open: no duplicate), "resolve" (recovered while an alert is open).
    """

    action: str
    evaluated: int
    streak: list[dict[str, Any]] = field(default_factory=list)


def step(
    rule: Rule,
    evaluated: int,
    streak: list[dict[str, Any]],
    value: float | None,
    point: dict[str, Any],
    alert_open: bool,
) -> Step:
    """Move a rule by one compared ``value`` (already made relative where the rule says)."""
    if value is None or not math.isfinite(value):
        return Step("skip", evaluated, streak)
    evaluated += 1
    if evaluated <= rule.warmup:
        return Step("warmup", evaluated, [])
    if not rule.breached(value):
        return Step("resolve" if alert_open else "ok", evaluated, [])
    streak = [*streak, {**point, "value": value}][-rule.patience :]
    if alert_open:
        return Step("update", evaluated, streak)
    return Step("open" if len(streak) >= rule.patience else "pending", evaluated, streak)
