"""Key performance indicators of a fitted model on a train/test split, as one frozen object.

The seed's KPIs: generalization gap, MSE (regression) or F1 (classification), coefficient
magnitudes, and the prediction-error reduction against an unregularized baseline fitted on the
same split; with them, the conditioning that the penalty buys. The baseline and the Gram come
from a :class:`~ridgeway.evaluation.reference.Reference`, built once per training set (from
the model's own spectrum where it holds one) and shared by every model scored on that set.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from sklearn import metrics
from sklearn.base import is_classifier

from ridgeway.evaluation.baseline import effective_df, penalty_diagonal, penalty_strength
from ridgeway.evaluation.reference import DesignGram, Reference, reference_for

__all__ = [
    "KPIs",
    "baseline_kpis",
    "classification_scores",
    "compute_kpis",
    "regression_scores",
]

#: a ratio of feature standard deviations above which an unstandardized penalty is unfair
SCALE_RATIO_WARNING = 100.0


def regression_scores(y: Any, pred: Any) -> dict[str, float]:
    """MSE, RMSE, MAE and R² as scikit-learn's metrics define them (R² of a constant target:
    1 for an exact fit, else 0; NaN for fewer than two rows). Plain numpy: monitoring runs this
    on every logged batch, where scikit-learn's input validation would dominate."""
    y = np.asarray(y, dtype=np.float64)
    residual = y - np.asarray(pred, dtype=np.float64)
    mse = float(np.mean(residual * residual))
    spread = float(np.sum((y - y.mean()) ** 2))
    if y.size < 2:
        r2 = float("nan")
    elif spread > 0:
        r2 = 1.0 - mse * y.size / spread
    else:
        r2 = 1.0 if mse == 0 else 0.0
    return {
        "mse": mse,
        "rmse": math.sqrt(mse),
        "mae": float(np.mean(np.abs(residual))),
        "r2": r2,
    }


def _scores_for_auc(model: Any, X: Any) -> tuple[np.ndarray | None, np.ndarray | None]:
    """(probabilities or None, decision values or None)."""
    proba = model.predict_proba(X) if hasattr(model, "predict_proba") else None
    decision = model.decision_function(X) if hasattr(model, "decision_function") else None
    return proba, decision


def classification_scores(model: Any, X: Any, y: Any) -> dict[str, float]:
    """F1/precision/recall (binary for 2 classes, macro average otherwise), accuracy, ROC AUC
    (one-vs-rest macro for several classes; from decision values when there are no
    probabilities) and log-loss (NaN without probabilities)."""
    classes = model.classes_
    pred = model.predict(X)
    binary = len(classes) == 2
    kw = {"average": "binary", "pos_label": classes[1]} if binary else {"average": "macro"}
    proba, decision = _scores_for_auc(model, X)
    out = {
        "accuracy": float(metrics.accuracy_score(y, pred)),
        "f1": float(metrics.f1_score(y, pred, zero_division=0, **kw)),
        "precision": float(metrics.precision_score(y, pred, zero_division=0, **kw)),
        "recall": float(metrics.recall_score(y, pred, zero_division=0, **kw)),
    }
    present = np.unique(y)
    if present.size < 2:
        out["roc_auc"] = float("nan")  # undefined on a one-class sample
    elif binary:
        score = proba[:, 1] if proba is not None else decision
        out["roc_auc"] = float(metrics.roc_auc_score(y, score))
    elif proba is not None and present.size == len(classes):
        out["roc_auc"] = float(
            metrics.roc_auc_score(y, proba, multi_class="ovr", average="macro", labels=classes)
        )
    else:
        out["roc_auc"] = float("nan")
    out["log_loss"] = (
        float(metrics.log_loss(y, proba, labels=classes)) if proba is not None else float("nan")
    )
    return out


def _coef_matrix(model: Any) -> np.ndarray:
    return np.atleast_2d(np.asarray(model.coef_, dtype=np.float64))


def _feature_norms(coef: np.ndarray) -> np.ndarray:
    """Per-feature magnitude: |β_j|, or ‖β_j‖₂ over classes for a multiclass model."""
    return np.abs(coef[0]) if coef.shape[0] == 1 else np.linalg.norm(coef, axis=0)


@dataclass(frozen=True)
class KPIs:
    """All KPIs of one model on one split; ``to_dict``/``to_json``/``to_markdown``/``to_html``.

    ``gap`` is the training score minus the test score in ``gap_metric`` (higher-is-better
    scores, so positive means overfitting: −MSE for regression, accuracy for classification).
    ``error_reduction_pct`` compares ``error_metric`` (MSE, or log-loss / error rate for
    classifiers) against ``baseline`` fitted on the same training data.
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
    l2: float | None
    l1: float | None
    effective_df: float | None
    coef_norm2: float
    coef_max_abs: float
    n_nonzero: int
    baseline: str
    baseline_test: dict[str, float]
    baseline_coef_norm2: float
    shrinkage: float
    error_metric: str
    error_reduction_pct: float
    cond_gram: float
    cond_penalized: float
    scale_warning: str | None
    features: tuple[tuple[str, float, float], ...]
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["features"] = [
            {"feature": f, "coef": c, "baseline_coef": b} for f, c, b in self.features
        ]
        out["notes"] = list(self.notes)
        return out

    def to_json(self, **kwargs: Any) -> str:
        # NaN/inf are not JSON: write them as null
        return json.dumps(_finite(self.to_dict()), **kwargs)

    def rows(self) -> list[tuple[str, str]]:
        """(KPI, value) pairs for a table, in reading order."""
        rows = [("model", self.model), ("task", self.task)]
        rows += [(f"test {k}", _fmt(v)) for k, v in self.test.items()]
        rows += [(f"train {k}", _fmt(v)) for k, v in self.train.items()]
        rows.append((f"generalization gap ({self.gap_metric}, train − test)", _fmt(self.gap)))
        if self.averaging:
            rows.append(("F1/precision/recall averaging", self.averaging))
        rows += [
            ("l2 (λ)", _fmt(self.l2)),
            ("l1", _fmt(self.l1)),
            ("effective degrees of freedom", _fmt(self.effective_df)),
            ("‖β‖₂", _fmt(self.coef_norm2)),
            ("max |β|", _fmt(self.coef_max_abs)),
            ("non-zero coefficients", f"{self.n_nonzero} of {self.n_features}"),
            (f"baseline ({self.baseline}) ‖β‖₂", _fmt(self.baseline_coef_norm2)),
            ("shrinkage ‖β‖₂ / ‖β_baseline‖₂", _fmt(self.shrinkage)),
            (f"baseline test {self.error_metric}", _fmt(self.baseline_test[self.error_metric])),
            (f"{self.error_metric} reduction vs baseline (%)", _fmt(self.error_reduction_pct)),
            ("cond(XᵀX)", _fmt(self.cond_gram)),
            ("cond(XᵀX + λΓᵀΓ)", _fmt(self.cond_penalized)),
        ]
        if self.scale_warning:
            rows.append(("WARNING", self.scale_warning))
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

    def feature_table(self) -> list[dict[str, Any]]:
        return self.to_dict()["features"]


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    value = float(value)
    if math.isnan(value):
        return "n/a"
    if math.isinf(value):
        return "inf (singular)"
    return f"{value:.6g}"


def _finite(obj: Any) -> Any:
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_finite(v) for v in obj]
    return obj


def _scale_warning(model: Any, X: np.ndarray) -> str | None:
    if model.get_params().get("standardize", False):
        return None
    sd = X.std(axis=0)
    sd = sd[sd > 0]
    if sd.size < 2 or sd.max() / sd.min() <= SCALE_RATIO_WARNING:
        return None
    return (
        f"feature standard deviations differ by a factor {sd.max() / sd.min():.3g} and "
        "standardize is off: the penalty shrinks small-scale features far more; standardize"
    )


def _conditioning(model: Any, reference: Reference, X: np.ndarray, l2: float | None):
    """cond(XᵀX) and cond(XᵀX + λΓᵀΓ) from the shared Gram; a penalty other than the identity
    on a Gram read off a spectrum needs the matrix itself (one pass, only then)."""
    gram, params = reference.gram, model.get_params()
    weighted = params.get("standardize", False) or params.get("penalty_factor") is not None
    if weighted and gram.matrix is None:
        gram = DesignGram.of(X, bool(params.get("fit_intercept", True)))
    diag = penalty_diagonal(model, gram.variance)
    return gram.cond(), gram.cond(l2 or 0.0, diag)


def compute_kpis(
    model: Any,
    X_train: Any,
    y_train: Any,
    X_test: Any,
    y_test: Any,
    *,
    feature_names: list[str] | None = None,
    reference: Reference | None = None,
) -> KPIs:
    """KPIs of a fitted ``model`` (ridgeway estimator) on its training data and a test set.

    ``reference``: the baseline and Gram of this training set, shared between models (see
    :func:`~ridgeway.evaluation.reference.reference_for`); built here when None.
    """
    if reference is None:
        reference = reference_for(model, X_train, y_train)
    elif not reference.serves(model):
        raise ValueError(
            f"reference must be built for {type(model).__name__}'s baseline; it holds "
            f"{reference.name}"
        )
    return _kpis(model, type(model).__name__, X_train, y_train, X_test, y_test, reference,
                 feature_names)  # fmt: skip


def baseline_kpis(
    reference: Reference,
    X_train: Any,
    y_train: Any,
    X_test: Any,
    y_test: Any,
    *,
    feature_names: list[str] | None = None,
) -> KPIs:
    """KPIs of the reference's baseline itself (the comparison's "none" row), no refit."""
    return _kpis(reference.baseline, reference.estimator, X_train, y_train, X_test, y_test,
                 reference, feature_names)  # fmt: skip


def _kpis(
    model: Any,
    name: str,
    X_train: Any,
    y_train: Any,
    X_test: Any,
    y_test: Any,
    reference: Reference,
    feature_names: list[str] | None,
) -> KPIs:
    classifier = is_classifier(model)
    X_train_arr = np.asarray(X_train, dtype=np.float64)
    names = feature_names or [
        str(v) for v in getattr(model, "feature_names_in_", range(X_train_arr.shape[1]))
    ]
    base = reference.baseline
    notes = list(reference.notes)
    if classifier:
        train = classification_scores(model, X_train, y_train)
        test = classification_scores(model, X_test, y_test)
        base_test = classification_scores(base, X_test, y_test)
        gap_metric, gap = "accuracy", train["accuracy"] - test["accuracy"]
        error_metric = "log_loss" if hasattr(model, "predict_proba") else "error_rate"
        if error_metric == "error_rate":
            test["error_rate"] = 1.0 - test["accuracy"]
            base_test["error_rate"] = 1.0 - base_test["accuracy"]
        averaging = "binary (positive class: classes_[1])" if len(model.classes_) == 2 else "macro"
        averaging += "; ROC AUC " + ("binary" if len(model.classes_) == 2 else "one-vs-rest macro")
    else:
        train = regression_scores(y_train, model.predict(X_train))
        test = regression_scores(y_test, model.predict(X_test))
        base_test = regression_scores(y_test, base.predict(X_test))
        gap_metric, gap = "−MSE", test["mse"] - train["mse"]
        error_metric, averaging = "mse", None
    reduction = 100.0 * (base_test[error_metric] - test[error_metric]) / base_test[error_metric]
    coef, base_coef = _coef_matrix(model), _coef_matrix(base)
    norm, base_norm = float(np.linalg.norm(coef)), float(np.linalg.norm(base_coef))
    l2, l1 = penalty_strength(model)
    cond_gram, cond_pen = _conditioning(model, reference, X_train_arr, l2)
    features = tuple(
        (n, float(c), float(b))
        for n, c, b in zip(names, _feature_norms(coef), _feature_norms(base_coef))
    )
    return KPIs(
        model=name,
        task="classification" if classifier else "regression",
        n_train=int(X_train_arr.shape[0]),
        n_test=int(np.asarray(X_test).shape[0]),
        n_features=int(X_train_arr.shape[1]),
        train=train,
        test=test,
        gap_metric=gap_metric,
        gap=float(gap),
        averaging=averaging,
        l2=l2,
        l1=l1,
        effective_df=effective_df(model),
        coef_norm2=norm,
        coef_max_abs=float(np.abs(coef).max(initial=0.0)),
        n_nonzero=int(np.count_nonzero(np.any(coef != 0, axis=0))),
        baseline=reference.name,
        baseline_test=base_test,
        baseline_coef_norm2=base_norm,
        shrinkage=norm / base_norm if base_norm > 0 else float("nan"),
        error_metric=error_metric,
        error_reduction_pct=float(reduction),
        cond_gram=cond_gram,
        cond_penalized=cond_pen,
        scale_warning=_scale_warning(model, X_train_arr),
        features=features,
        notes=tuple(notes),
    )
