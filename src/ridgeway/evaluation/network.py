"""KPIs of a fitted neural network (``rw.nn.MLPRegressor`` / ``MLPClassifier``) on a split.

The seed's KPIs where a network has them: the generalization gap, MSE or F1 and the other task
scores, the weight magnitude ‖W‖₂ of the decayed parameters (a network has no coefficient per
feature), and the prediction-error reduction against the **same network trained with λ = 0**
(same seed, data, optimizer and epochs): what the weight decay itself bought. The labels say
so; nothing here calls a network's weights coefficients.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from sklearn.base import is_classifier

from ridgeway.evaluation.kpis import (
    _fmt,
    classification_scores,
    json_finite,
    positive_label,
    regression_scores,
)

__all__ = ["NetworkKPIs", "network_kpis"]


@dataclass(frozen=True)
class NetworkKPIs:
    """All KPIs of one network on one split (``to_dict``/``to_json``/``to_html``, ``rows``).

    ``gap``: training score − test score in ``gap_metric`` (positive: overfitting), as for the
    linear models. ``decay``: λ in our convention, or AdamW's own weight_decay (``decay_kind``
    says which). ``error_reduction_pct``: 100·(baseline − model)/baseline in ``error_metric``
    on the test rows, the baseline being the same network with λ = 0.
    """

    model: str
    task: str
    n_train: int
    n_test: int
    n_features: int
    train: dict[str, float]
    test: dict[str, float]
    gap_metric: str
    gap: float
    averaging: str | None
    positive_class: str | None
    decay: float
    decay_kind: str
    weight_decay: float
    norm_decayed: float
    baseline: str
    baseline_test: dict[str, float]
    baseline_norm_decayed: float
    shrinkage: float
    error_metric: str
    error_reduction_pct: float
    epochs: int
    notes: tuple[str, ...] = ()
    #: what the report's linear parts read: a network has no λ grid of its own to draw (its
    #: search is in the network section), no coefficients, no scale warning
    choice: None = None
    scale_warning: str | None = None
    features: tuple[tuple[str, float, float, bool], ...] = ()
    sign_changes: tuple[str, ...] = ()
    coef_by_class: None = None

    @property
    def headline(self) -> str:
        """The sentence to read first: the decay, and what it changed against the same
        network trained without it."""
        change = self.error_reduction_pct
        if not np.isfinite(change):
            effect = f"leaves test {self.error_metric} without a comparison (the baseline's is 0)"
        else:
            verb = "lowers" if change > 0 else "raises"
            effect = (
                f"{verb} test {self.error_metric} by {abs(change):.1f}% against the same network "
                f"trained without decay ({self.test[self.error_metric]:.4g} against "
                f"{self.baseline_test[self.error_metric]:.4g})"
            )
        return (
            f"{self.decay_kind} = {self.decay:.4g} {effect}; ‖W‖₂ of the decayed weights is "
            f"{self.shrinkage:.2f}× the undecayed network's, and the gap ({self.gap_metric}, "
            f"train − test) is {self.gap:.4g}."
        )

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("features", "scale_warning", "choice", "sign_changes", "coef_by_class"):
            del out[key]
        out["headline"] = self.headline
        out["notes"] = list(self.notes)
        return out

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(json_finite(self.to_dict()), **kwargs)

    def rows(self) -> list[tuple[str, str]]:
        """(KPI, value) pairs for a table, in reading order."""
        rows = [("model", self.model), ("task", self.task)]
        rows += [(f"test {k}", _fmt(v)) for k, v in self.test.items()]
        rows += [(f"train {k}", _fmt(v)) for k, v in self.train.items()]
        rows.append((f"generalization gap ({self.gap_metric}, train − test)", _fmt(self.gap)))
        if self.averaging:
            rows.append(("F1/precision/recall averaging", self.averaging))
        rows += [
            (self.decay_kind, _fmt(self.decay)),
            ("torch optimizer weight_decay", _fmt(self.weight_decay)),
            ("epochs trained (kept network)", str(self.epochs)),
            ("‖W‖₂ of the decayed weights", _fmt(self.norm_decayed)),
            (f"baseline ({self.baseline}) ‖W‖₂", _fmt(self.baseline_norm_decayed)),
            ("shrinkage ‖W‖₂ / ‖W_baseline‖₂", _fmt(self.shrinkage)),
            (f"baseline test {self.error_metric}", _fmt(self.baseline_test[self.error_metric])),
            (f"{self.error_metric} reduction vs baseline (%)", _fmt(self.error_reduction_pct)),
        ]
        rows += [("note", note) for note in self.notes]
        return rows

    def to_markdown(self) -> str:
        lines = ["| KPI | value |", "| --- | --- |"]
        lines += [f"| {k} | {v.replace('|', '/')} |" for k, v in self.rows()]
        return "\n".join(lines)

    def to_html(self) -> str:
        from html import escape

        body = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in self.rows())
        return f'<table class="kpis"><tbody>{body}</tbody></table>'


def decayed_norm(model: Any) -> float:
    """‖W‖₂ over the parameters the "auto" grouping decays (biases and norms excluded)."""
    from ridgeway.nn.groups import decide

    total = sum(float(d.parameter.detach().pow(2).sum()) for d in decide(model.model_) if d.decayed)
    return float(np.sqrt(total))


def _epochs(model: Any) -> int:
    history = getattr(model, "history_", None)
    if history is None or not len(history):
        return int(getattr(model, "n_iter_", 0))
    return history.best_epoch if model.early_stopping else len(history)


def network_kpis(
    model: Any,
    baseline: Any,
    X_train: Any,
    y_train: Any,
    X_test: Any,
    y_test: Any,
    *,
    positive_class: Any = None,
) -> NetworkKPIs:
    """KPIs of a fitted MLP ``model`` and of ``baseline`` (the same MLP fitted with l2=0);
    ``positive_class`` as for :func:`~ridgeway.evaluation.kpis.compute_kpis`."""
    classifier = is_classifier(model)
    positive = None
    if classifier:
        train = classification_scores(model, X_train, y_train, positive_class)
        test = classification_scores(model, X_test, y_test, positive_class)
        base_test = classification_scores(baseline, X_test, y_test, positive_class)
        gap_metric, gap = "accuracy", train["accuracy"] - test["accuracy"]
        error_metric = "log_loss"
        if len(model.classes_) == 2:
            positive = str(positive_label(list(model.classes_), positive_class))
            averaging = f"binary (positive class: {positive}); ROC AUC binary"
        else:
            averaging = "macro; ROC AUC one-vs-rest macro"
    else:
        train = regression_scores(y_train, model.predict(X_train))
        test = regression_scores(y_test, model.predict(X_test))
        base_test = regression_scores(y_test, baseline.predict(X_test))
        gap_metric, gap = "−MSE", test["mse"] - train["mse"]
        error_metric, averaging = "mse", None
    base_error = base_test[error_metric]
    reduction = 100.0 * (base_error - test[error_metric]) / base_error if base_error else np.nan
    norm, base_norm = decayed_norm(model), decayed_norm(baseline)
    adamw = model.optimizer == "adamw"
    notes = []
    if getattr(model, "search_", None) is not None:
        notes.append(
            f"decay chosen on a held-out {model.validation_fraction:.0%} of the training rows; "
            "the network kept is the one trained on the rest"
        )
    return NetworkKPIs(
        model=type(model).__name__,
        task="classification" if classifier else "regression",
        n_train=int(np.shape(X_train)[0]),
        n_test=int(np.shape(X_test)[0]),
        n_features=int(np.shape(X_train)[1]),
        train=train,
        test=test,
        gap_metric=gap_metric,
        gap=float(gap),
        averaging=averaging,
        positive_class=positive,
        decay=float(model.l2_),
        decay_kind="AdamW weight_decay (decoupled, no λ)" if adamw else "l2 (λ)",
        weight_decay=float(model.weight_decay_),
        norm_decayed=norm,
        baseline=f"{type(model).__name__} with no decay",
        baseline_test=base_test,
        baseline_norm_decayed=base_norm,
        shrinkage=norm / base_norm if base_norm > 0 else float("nan"),
        error_metric=error_metric,
        error_reduction_pct=float(reduction),
        epochs=_epochs(model),
        notes=tuple(notes),
    )
