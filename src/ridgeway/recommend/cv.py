"""ALSCV: λ for ALS chosen by holding out ratings per user, warm-started along the grid."""

from __future__ import annotations

from typing import Any

import numpy as np

from ridgeway.recommend import holdout
from ridgeway.recommend.als import ALS, interactions
from ridgeway.recommend.data import Interactions
from ridgeway.recommend.factorize import Spec, alternate, initial_state
from ridgeway.recommend.metrics import METRICS, rmse
from ridgeway.recommend.params import choice, make_spec, positive_int
from ridgeway.recommend.solve import compute_threads
from ridgeway.selection.result import SelectionResult, fold_standard_error
from ridgeway.selection.rules import RULES, select_index

N_GRID = 9


def default_grid(data: Interactions, spec: Spec) -> np.ndarray:
    """Nine values, smallest first. ALS-WR's λ·n_u puts λ on the scale of a per-rating
    penalty (0.01–1); a constant λ is on the scale of a whole user's Gram, so the grid is
    multiplied by the mean count per user (explicit) or taken wider (implicit)."""
    if spec.l2_scaling == "count":
        return np.geomspace(0.01, 1.0, N_GRID) * (10.0 if spec.feedback == "implicit" else 1.0)
    if spec.feedback == "implicit":
        return np.geomspace(0.01, 1000.0, N_GRID)
    mean_count = data.by_user.nnz / max(int((data.user_counts > 0).sum()), 1)
    return np.geomspace(0.01, 1.0, N_GRID) * mean_count


def check_grid(l2: Any) -> np.ndarray:
    grid = np.atleast_1d(np.asarray(l2, dtype=np.float64))
    if grid.ndim != 1 or grid.size == 0 or not np.all(np.isfinite(grid)) or np.any(grid <= 0):
        raise ValueError(f"l2 must be None or finite numbers > 0; got {l2!r}")
    return np.unique(grid)  # sorted ascending


class ALSCV(ALS):
    """ALS with λ chosen by K-fold cross-validation over each user's ratings.

    Each user's ratings are dealt into ``cv`` folds (users with one rating always train).
    For every fold the grid is walked from the smallest λ up, each fit warm-started from
    the previous one. Explicit feedback scores −RMSE; implicit scores ``scoring`` @k
    (precision, recall, ndcg, map; training items excluded from the lists), beside a
    popularity baseline. With l2_scaling="none" and explicit ratings a fold fits with
    λ·n_train/n (as ridgeway's k-fold everywhere), so the chosen λ transfers to the refit;
    with "count" the per-user counts already scale λ, and implicit's loss runs over every
    (user, item) pair, so λ is used as is. The model is then refit on all ratings at the
    chosen λ (``l2_``), by ``rule`` ("min" or "1se").

    ``cv_results_`` has the keys of the other CV estimators (l2, mean_score, std_error,
    train_score, gap, df, best_index, fold_scores; df is NaN: a factorization has no
    closed-form degrees of freedom) plus ``rmse`` or the four metrics and their
    ``popularity_*`` baselines, and the mean factor norms per λ.
    """

    def __init__(
        self,
        l2: Any = None,
        factors: int = 32,
        *,
        cv: int = 5,
        rule: str = "min",
        scoring: str = "ndcg",
        k: int = 10,
        feedback: str = "explicit",
        l2_scaling: str = "none",
        confidence: str = "1+alpha*r",
        alpha: float = 1.0,
        biases: bool | None = None,
        l2_bias: float | None = None,
        iterations: int = 15,
        tol: float = 1e-6,
        solver: str = "auto",
        cg_steps: int = 3,
        solve_tol: float | None = None,
        dtype: Any = "float64",
        random_state: Any = None,
        n_threads: int | None = None,
    ) -> None:
        super().__init__(
            factors,
            1.0,
            feedback=feedback,
            l2_scaling=l2_scaling,
            confidence=confidence,
            alpha=alpha,
            biases=biases,
            l2_bias=l2_bias,
            iterations=iterations,
            tol=tol,
            solver=solver,
            cg_steps=cg_steps,
            solve_tol=solve_tol,
            dtype=dtype,
            random_state=random_state,
            n_threads=n_threads,
        )
        self.l2 = l2
        self.cv = cv
        self.rule = rule
        self.scoring = scoring
        self.k = k

    def fit(
        self,
        R: Any,
        y: Any = None,
        *,
        user: str | None = None,
        item: str | None = None,
        rating: str | None = None,
    ) -> ALSCV:
        probe = make_spec(self, l2=1.0)
        choice(self.rule, "rule", RULES)
        choice(self.scoring, "scoring", METRICS)
        n_folds = positive_int(self.cv, "cv")
        if n_folds < 2:
            raise ValueError(f"cv must be an integer >= 2; got {self.cv!r}")
        k = positive_int(self.k, "k")
        data = interactions(R, probe, user, item, rating)
        grid = default_grid(data, probe) if self.l2 is None else check_grid(self.l2)
        rng = np.random.default_rng(self.random_state)
        folds = holdout.make_folds(data, n_folds, rng)
        with compute_threads(self.n_threads):
            curves = _Curves(grid.size, n_folds)
            for f, fold in enumerate(folds):
                self._walk_grid(grid, f, fold, data, probe, curves, rng, k)
            self.selection_ = curves.result(grid, self.rule, folds, k, probe.feedback)
            self.cv_results_ = self.selection_.cv_results()
            self.l2_ = float(grid[self.selection_.best_index[0]])
            spec = make_spec(self, l2=self.l2_)
            self._fit_interactions(data, spec, initial_state(data, spec, rng))
        return self

    def _walk_grid(
        self,
        grid: np.ndarray,
        f: int,
        fold: holdout.Fold,
        data: Interactions,
        probe: Spec,
        curves: _Curves,
        rng: np.random.Generator,
        k: int,
    ) -> None:
        """Smallest λ first: a warm start from a shrunk (near-zero) solution would sit at
        ALS's fixed point X = Y = 0, one from a rich solution shrinks smoothly."""
        share = fold.train.by_user.nnz / data.by_user.nnz
        state = initial_state(fold.train, probe, rng)
        for g, value in enumerate(grid):
            spec = make_spec(self, l2=value * _fold_factor(probe, share))
            alternate(fold.train, state, spec)
            curves.record(g, f, fold, state, spec, k, self.scoring)


def _fold_factor(spec: Spec, share: float) -> float:
    if spec.feedback == "explicit" and spec.l2_scaling == "none":
        return share
    return 1.0


class _Curves:
    """Scores per (λ, fold) as the grid is walked."""

    def __init__(self, n_grid: int, n_folds: int) -> None:
        shape = (n_grid, n_folds)
        self.held = np.full(shape, np.nan)
        self.train = np.full(shape, np.nan)
        self.metrics = {
            name: np.full(shape, np.nan) for name in (*METRICS, "rmse", "mean_rating_rmse")
        }
        self.user_norm = np.full(shape, np.nan)
        self.item_norm = np.full(shape, np.nan)

    def record(
        self, g: int, f: int, fold: holdout.Fold, state: Any, spec: Spec, k: int, scoring: str
    ) -> None:
        if spec.feedback == "explicit":
            held, train = holdout.explicit_scores(fold, state, spec.biases)
            self.metrics["rmse"][g, f] = held
            self.metrics["mean_rating_rmse"][g, f] = rmse(
                fold.test.data, np.full(fold.test.nnz, fold.train.by_user.data.mean())
            )
            self.held[g, f], self.train[g, f] = -held, -train
        else:
            metrics, train_metrics = holdout.implicit_scores(fold, state, k)
            for name, value in metrics.items():
                self.metrics[name][g, f] = value
            self.held[g, f] = metrics[scoring]
            self.train[g, f] = train_metrics[scoring]
        self.user_norm[g, f] = np.linalg.norm(state.user_factors, axis=1).mean()
        self.item_norm[g, f] = np.linalg.norm(state.item_factors, axis=1).mean()

    def result(
        self, grid: np.ndarray, rule: str, folds: list[holdout.Fold], k: int, feedback: str
    ) -> SelectionResult:
        mean = self.held.mean(axis=1)
        se = fold_standard_error(self.held)
        extra: dict[str, np.ndarray] = {
            "user_factor_norm": self.user_norm.mean(axis=1),
            "item_factor_norm": self.item_norm.mean(axis=1),
        }
        if feedback == "explicit":
            extra["rmse"] = self.metrics["rmse"].mean(axis=1)
            # the baseline: every held-out rating predicted by the training mean
            extra["mean_rating_rmse"] = self.metrics["mean_rating_rmse"].mean(axis=1)
        else:
            baseline = [holdout.popularity_scores(fold, k) for fold in folds]
            for name in METRICS:
                extra[f"{name}_at_k"] = self.metrics[name].mean(axis=1)
                value = np.mean([b[name] for b in baseline])
                extra[f"popularity_{name}_at_k"] = np.full(grid.size, value)
        return SelectionResult(
            l2=grid,
            mean_score=mean,
            std_error=se,
            train_score=self.train.mean(axis=1),
            df=np.full(grid.size, np.nan),
            best_index=np.array([select_index(grid, mean, se, rule)]),
            rule=rule,
            method=f"{len(folds)}-fold per user",
            fold_scores=self.held,
            extra=extra,
        )
