"""Default weight-decay grids: log-spaced λ for a coupled L2 penalty, timescales for AdamW.

A coupled penalty has a meaning independent of the optimizer, so its grid is log-spaced in λ
(our convention), spanning torch weight_decay 1e-5 … 1 for the training-set size. A
decoupled decay has no λ; what it controls is how many steps the decay needs to act,
τ = 1/(lr·wd), so its grid spans τ from one epoch to the whole run.
"""

from __future__ import annotations

import numpy as np

from ridgeway.conventions import from_torch_weight_decay

__all__ = ["coupled_grid", "decoupled_grid", "halving_rungs"]

#: the torch weight_decay range a coupled default grid spans
COUPLED_WD_RANGE = (1e-5, 1.0)


def coupled_grid(n_l2: int, n_train: int, loss: str) -> np.ndarray:
    """``n_l2`` values of our λ, log-spaced, increasing."""
    low, high = COUPLED_WD_RANGE
    wd = np.geomspace(low, high, n_l2)
    return np.array([from_torch_weight_decay(w, n_train, loss=loss) for w in wd])


def decoupled_grid(n_l2: int, lr: float, steps_per_epoch: int, epochs: int) -> np.ndarray:
    """``n_l2`` AdamW weight_decay values with τ from ``epochs`` epochs down to one, increasing.

    The τ = 1 epoch end is capped so that lr·wd stays below 0.5 (a step may not halve θ).
    """
    tau_steps = np.geomspace(epochs * steps_per_epoch, steps_per_epoch, n_l2)
    return np.minimum(1.0 / (lr * tau_steps), 0.5 / lr)


def halving_rungs(n_candidates: int, epochs: int, factor: int) -> list[tuple[int, int]]:
    """Successive halving: (epochs to reach, candidates kept) per rung, last rung = ``epochs``.

    Survivors resume from where they stopped, so with factor 2 and 8 candidates the cost is
    8·E/8 + 4·E/8 + 2·E/4 + 1·E/2 = 2.5 full runs.
    """
    if factor < 2:
        raise ValueError(f"halving_factor must be an integer >= 2; got {factor!r}")
    kept = [n_candidates]
    while kept[-1] > 1:
        kept.append(int(np.ceil(kept[-1] / factor)))
    n_rungs = len(kept)
    reach = [max(1, round(epochs / factor ** (n_rungs - 1 - k))) for k in range(n_rungs)]
    return list(zip(reach, kept))
