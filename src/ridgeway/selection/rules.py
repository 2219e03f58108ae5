"""The ``min`` and ``1se`` rules for picking λ from a validation curve (higher score is better)."""

from __future__ import annotations

import numpy as np

RULES = ("min", "1se")


def check_rule(rule: str) -> str:
    if rule not in RULES:
        raise ValueError(f"rule must be one of {RULES}; got {rule!r}")
    return rule


def select_index(
    l2: np.ndarray, mean_score: np.ndarray, std_error: np.ndarray, rule: str = "min"
) -> int:
    """Index of the chosen λ on the grid.

    ``min``: the best mean score (ties go to the larger λ, the simpler model).
    ``1se``: the largest λ whose mean score is within one standard error of the best
    (Breiman et al. 1984; glmnet's lambda.1se).
    A one-value grid leaves nothing to choose: its λ is returned whatever the scores (an
    interpolating fit, n <= p at λ ≈ 0, has no finite leave-one-out score, yet is a fit).
    """
    check_rule(rule)
    l2 = np.asarray(l2, dtype=np.float64)
    if l2.size == 1:
        return 0
    mean_score = np.asarray(mean_score, dtype=np.float64)
    finite = np.isfinite(mean_score)
    if not np.any(finite):
        raise ValueError("no finite validation score on the grid; cannot choose l2")
    masked = np.where(finite, mean_score, -np.inf)
    best_value = masked.max()
    if rule == "min":
        candidates = np.flatnonzero(masked == best_value)
    else:
        best = int(np.argmax(masked))
        se = float(np.asarray(std_error, dtype=np.float64)[best])
        if not np.isfinite(se):
            raise ValueError(
                "rule='1se' needs a standard error of the best score, and this scoring or "
                "cv gives none; use rule='min' or a per-sample metric"
            )
        candidates = np.flatnonzero(masked >= best_value - se)
    return int(candidates[np.argmax(l2[candidates])])
