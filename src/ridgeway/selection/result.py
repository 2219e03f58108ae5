"""The one result of choosing λ, for every model family (DESIGN §2: selection returns one type).

Every way of choosing — exact LOO, GCV, k-fold, ALO, path CV for the elastic net — ends in a
:class:`SelectionResult`. Estimators expose it as ``selection_`` and its :meth:`cv_results`
dict as ``cv_results_`` (the keys users already know).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ridgeway.selection.rules import select_index

__all__ = ["SelectionResult", "fold_standard_error"]


def fold_standard_error(
    fold_scores: np.ndarray, axis: int = -1, weights: np.ndarray | None = None
) -> np.ndarray:
    """glmnet's cvsd: the standard deviation of the fold scores over √K (K folds).

    ``weights`` (K,), e.g. each held-out fold's weight sum, weight the mean and the variance
    as glmnet does (equal weights give the plain formula). NaN where fewer than two folds are
    finite — one fold has no spread to measure.
    """
    scores = np.moveaxis(np.asarray(fold_scores, dtype=np.float64), axis, -1)
    finite = np.isfinite(scores)
    k = finite.sum(axis=-1)
    w = np.ones(scores.shape[-1]) if weights is None else np.asarray(weights, dtype=np.float64)
    w = np.where(finite, w, 0.0)
    share = w / np.maximum(w.sum(axis=-1, keepdims=True), np.finfo(float).tiny)
    safe = np.where(finite, scores, 0.0)
    mean = (share * safe).sum(axis=-1)
    dev = np.where(finite, scores - mean[..., None], 0.0)
    var = (share * dev * dev).sum(axis=-1) * k / np.maximum(k - 1, 1)
    return np.where(k >= 2, np.sqrt(var / np.maximum(k, 1)), np.nan)


@dataclass(frozen=True)
class SelectionResult:
    """A validation curve over a λ grid and the choices the ``min`` and ``1se`` rules make.

    Arrays are indexed by the grid first. ``best_index`` is the chosen index per target
    (shape (n_targets,)) under ``rule``; ``index_min`` and ``index_1se`` are both rules'
    choices on the overall curve (``index_1se`` is -1 where no standard error exists).
    ``method`` says how the scores were computed ("loo", "gcv", "kfold", "alo", ...).
    """

    l2: np.ndarray
    mean_score: np.ndarray
    std_error: np.ndarray
    train_score: np.ndarray
    df: np.ndarray
    best_index: np.ndarray
    rule: str
    method: str
    fold_scores: np.ndarray | None = None
    #: further per-grid arrays a family adds (per-target curves, l1 grid, n_nonzero, ...)
    extra: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def gap(self) -> np.ndarray:
        """Training score minus validation score (positive: the model fits its training data
        better than it predicts held-out data)."""
        return self.train_score - self.mean_score

    @property
    def index_min(self) -> int:
        return select_index(self.l2, self.mean_score, self.std_error, "min")

    @property
    def index_1se(self) -> int:
        if not np.isfinite(np.asarray(self.std_error)[self.index_min]):
            return -1
        return select_index(self.l2, self.mean_score, self.std_error, "1se")

    @property
    def chosen(self) -> np.ndarray:
        """The chosen λ per target."""
        return np.asarray(self.l2)[self.best_index]

    def cv_results(self) -> dict[str, Any]:
        """The ``cv_results_`` dict: one array per key, grid first."""
        out: dict[str, Any] = {
            "l2": self.l2,
            "mean_score": self.mean_score,
            "std_error": self.std_error,
            "train_score": self.train_score,
            "gap": self.gap,
            "df": self.df,
            "best_index": self.best_index,
            "index_min": self.index_min,
            "index_1se": self.index_1se,
        }
        if self.fold_scores is not None:
            out["fold_scores"] = self.fold_scores
        out.update(self.extra)
        return out
