"""How λ was chosen, in words a report can print: the scheme, the grid, both rules' choices
(glmnet's ``lambda.min`` and ``lambda.1se``) with their scores, and whether a choice sits at
an end of the grid (the best λ may then lie beyond it).

Read off what a fitted CV model already holds (``cv_results_``, ``selection_``); nothing is
refitted.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from sklearn.base import is_classifier

from ridgeway.evaluation.curves import penalty_grid

__all__ = ["LambdaChoice", "lambda_choice", "scheme_of", "score_metric"]

#: a scorer's name -> (the metric's own name, sign: score = sign · metric)
SCORERS = {
    "neg_mean_squared_error": ("MSE", -1.0),
    "neg_root_mean_squared_error": ("RMSE", -1.0),
    "neg_mean_absolute_error": ("MAE", -1.0),
    "neg_log_loss": ("log-loss", -1.0),
    "r2": ("R²", 1.0),
    "accuracy": ("accuracy", 1.0),
    "f1": ("F1", 1.0),
    "roc_auc": ("ROC AUC", 1.0),
}


def score_metric(model: Any) -> tuple[str, float]:
    """The metric behind the model's validation scores and the sign that turns a score into
    it: ``neg_mean_squared_error`` is (MSE, −1). Unknown scorers keep their name, sign +1."""
    scoring = model.get_params().get("scoring")
    if scoring is None:
        scoring = "accuracy" if is_classifier(model) else "neg_mean_squared_error"
    return SCORERS.get(str(scoring), (str(scoring), 1.0))


def _n_folds(model: Any) -> int | None:
    cv = model.get_params().get("cv")
    if isinstance(cv, int | np.integer):
        return int(cv)
    if isinstance(cv, list | tuple):
        return len(cv)
    folds = getattr(model, "cv_results_", {}).get("fold_scores")
    return None if folds is None or np.ndim(folds) < 2 else int(np.shape(folds)[-1])


def scheme_of(model: Any) -> str:
    """How the validation scores were computed, e.g. "5-fold CV", "exact leave-one-out"."""
    selection = getattr(model, "selection_", None)
    method = getattr(selection, "method", None)
    if method is None:
        cv = model.get_params().get("cv")
        method = cv if isinstance(cv, str) else "kfold"
    if method == "loo":
        return "exact leave-one-out"
    if method == "gcv":
        return "generalized cross-validation (GCV)"
    if method == "alo":
        return "approximate leave-one-out (ALO, from the full-data fit)"
    if method == "kfold":
        k = _n_folds(model)
        return f"{k}-fold CV" if k else "k-fold CV"
    return str(method)


@dataclass(frozen=True)
class LambdaChoice:
    """Both rules' choices on the grid a CV model searched.

    ``strength`` is on the grid's scale (λ = l2, or l1 + l2 down an elastic-net path);
    ``score_*`` are the metric's values (positive: MSE, not −MSE) with their standard error;
    ``edge_*`` is "smallest" / "largest" when that choice is an end of the grid, else None.
    ``chosen`` is the strength the fitted model uses (the ``rule`` it was given).
    """

    label: str
    scheme: str
    rule: str
    metric: str
    grid_size: int
    grid_min: float
    grid_max: float
    chosen: float
    strength_min: float
    strength_1se: float | None
    score_min: float
    score_1se: float | None
    std_error_min: float | None
    df_min: float | None
    df_1se: float | None
    edge_min: str | None
    edge_1se: str | None

    @property
    def edge_chosen(self) -> str | None:
        return self.edge_1se if self.rule == "1se" else self.edge_min

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "edge_chosen": self.edge_chosen}

    def rows(self) -> list[tuple[str, str]]:
        """(name, value) rows for a KPI table, both rules side by side."""
        se = f" ± {_g(self.std_error_min)}" if self.std_error_min is not None else ""
        rows = [
            ("λ chosen by", f"{self.scheme}, rule {self.rule}"),
            (
                "λ grid",
                f"{self.grid_size} values of {self.label}, {_g(self.grid_min)} to "
                f"{_g(self.grid_max)}",
            ),
            (
                "λ.min (best validation score)",
                f"{_g(self.strength_min)}: {self.metric} {_g(self.score_min)}{se}"
                + _at_edge(self.edge_min),
            ),
        ]
        if self.strength_1se is None:
            rows.append(("λ.1se (largest within 1 SE)", "— (no standard error)"))
        else:
            rows.append(
                (
                    "λ.1se (largest within 1 SE)",
                    f"{_g(self.strength_1se)}: {self.metric} {_g(self.score_1se)}"
                    + _at_edge(self.edge_1se),
                )
            )
        return rows


def _g(value: float | None) -> str:
    return "—" if value is None or not np.isfinite(value) else f"{value:.4g}"


def _at_edge(edge: str | None) -> str:
    return f" (the {edge} λ of the grid: the best may lie beyond)" if edge else ""


def _edge(strength: np.ndarray, index: int) -> str | None:
    if strength.size < 2:
        return None
    if strength[index] == strength.min():
        return "smallest"
    if strength[index] == strength.max():
        return "largest"
    return None


def _finite(value: Any) -> float | None:
    value = float(value)
    return value if np.isfinite(value) else None


def lambda_choice(model: Any) -> LambdaChoice | None:
    """The choice a fitted CV model made; None for a model without a λ grid, or an elastic
    net searched over several mixes (its curves are per mix)."""
    results = getattr(model, "cv_results_", None)
    if not results or "index_min" not in results:
        return None
    strength, label = penalty_grid(model)
    mean = np.asarray(results["mean_score"], dtype=np.float64)
    if mean.ndim != 1 or np.ndim(results["index_min"]) != 0:
        return None
    se = np.asarray(results["std_error"], dtype=np.float64)
    df = np.asarray(results.get("df", np.full(mean.shape, np.nan)), dtype=np.float64)
    i_min, i_1se = int(results["index_min"]), int(results["index_1se"])
    metric, sign = score_metric(model)
    rule = str(model.get_params().get("rule", "min"))
    chosen = strength[i_1se if rule == "1se" and i_1se >= 0 else i_min]
    one = i_1se >= 0
    return LambdaChoice(
        label=label,
        scheme=scheme_of(model),
        rule=rule,
        metric=metric,
        grid_size=int(strength.size),
        grid_min=float(strength.min()),
        grid_max=float(strength.max()),
        chosen=float(chosen),
        strength_min=float(strength[i_min]),
        strength_1se=float(strength[i_1se]) if one else None,
        score_min=float(sign * mean[i_min]),
        score_1se=float(sign * mean[i_1se]) if one else None,
        std_error_min=_finite(se[i_min]),
        df_min=_finite(df[i_min]),
        df_1se=_finite(df[i_1se]) if one else None,
        edge_min=_edge(strength, i_min),
        edge_1se=_edge(strength, i_1se) if one else None,
    )
