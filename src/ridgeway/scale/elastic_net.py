"""Elastic net and lasso at scale: coordinate descent on the Gram (covariance updates, n ≫ p).

The data enter only through Moments: the whole data's for a single fit, each hash fold's for
ElasticNetCV (a training fold is the total minus its block, squared-error scores from the
held-out block's moments), so the path, the grid and every certificate are computed by the
same code as ``solver="cd-gram"`` in memory. The Problem the solver checks carries a
zero-strided stand-in for X: its shape (n, p), no memory; nothing reads it.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np

from ridgeway.losses.squared import SquaredLoss
from ridgeway.penalties.elastic_net import ElasticNetPenalty, check_penalty_factor
from ridgeway.problem import Problem
from ridgeway.scale.fit import scale_folds
from ridgeway.scale.ridge_pass import fold_moments, merged, n_targets, total_moments
from ridgeway.scale.sources import Source
from ridgeway.selection.elastic_net_cv import (
    _STATS_METRICS,
    choose_elastic_net,
    cross_validate_paths,
)
from ridgeway.selection.scoring import get_metric
from ridgeway.solvers.coordinate.designs import GramDesign
from ridgeway.solvers.coordinate.solvers import CoordinateDescentGram, FoldDesigns
from ridgeway.statistics import Moments

__all__ = ["fit_elastic_net", "fit_elastic_net_cv"]


def _problem(est: Any, total: Moments, l1: float = 0.0, l2: float = 0.0) -> Problem:
    p = total.xx.shape[0]
    n = max(int(total.n_positive), 1)
    shape_only = np.broadcast_to(np.zeros((1, 1)), (n, p))  # the data are in the moments
    factors = check_penalty_factor(est.penalty_factor, p)
    scale = np.sqrt(np.diag(total.xx) / total.weight) if est.standardize else None
    penalty = ElasticNetPenalty(l1, l2, factors, est.positive, scale)
    return Problem(shape_only, np.broadcast_to(0.0, (n,)), SquaredLoss(), penalty, None,
                   est.fit_intercept)  # fmt: skip


def _check(est: Any, source: Source) -> None:
    if n_targets(source) != 1:
        raise ValueError(f"{type(est).__name__} at scale fits one target; got several")
    if est.solver not in ("auto", "cd-gram"):
        raise ValueError(
            f"at scale {type(est).__name__} uses the Gram (solver 'auto' or 'cd-gram'); "
            f"got {est.solver!r}"
        )


def _downdated(total: Moments, held: Moments, fit_intercept: bool) -> GramDesign:
    return GramDesign(total.remove(held), fit_intercept)


def fit_elastic_net(est: Any, source: Source, groups: Any) -> Any:
    _check(est, source)
    total = total_moments(source)
    l1, l2 = est._strengths()
    problem = _problem(est, total, l1, l2)
    options = est._options()
    options.pop("solver")
    path = CoordinateDescentGram().solve_path(
        problem, [l1], [l2], design=GramDesign(total, est.fit_intercept), **options
    )
    est._record([path.solution(0)], problem.X)
    est.n_features_in_ = total.xx.shape[0]
    return est


def fit_elastic_net_cv(est: Any, source: Source, groups: Any) -> Any:
    _check(est, source)
    est._check_cv_parameters()
    metric = get_metric(est.scoring)
    if metric.name not in _STATS_METRICS:
        raise ValueError(
            f"at scale {type(est).__name__} scores from moments: scoring must be one of "
            f"{list(_STATS_METRICS)}; got {metric.name!r}"
        )
    held = fold_moments(source, scale_folds(est.cv))
    empty = [f for f, h in enumerate(held) if h.weight <= 0]
    if empty:
        raise ValueError(f"cross-validation fold {empty[0]} has no rows (or no positive weight)")
    total = merged(held)
    fit = est.fit_intercept
    designs = FoldDesigns(
        GramDesign(total, fit),
        tuple(partial(_downdated, total, h, fit) for h in held),
        total,
        tuple(held),
    )
    shares, single = est._shares()
    options = est._options()
    options.pop("solver")
    problem = _problem(est, total)
    found = cross_validate_paths(problem, None, metric, shares, n_grid=est.n_grid, eps=est.eps,
                                 solver="cd-gram", designs=designs, **options)  # fmt: skip
    choice = choose_elastic_net(found, single, est.rule, est.fit_intercept)
    est.selection_ = choice.selection
    est.cv_results_ = choice.selection.cv_results()
    est.coef_path_, est.best_index_ = choice.coef_path, choice.best_index
    est.l1_share_, est.l1_, est.l2_ = choice.l1_share, choice.l1, choice.l2
    est._record([choice.solution], problem.X)
    est.n_features_in_ = total.xx.shape[0]
    return est
