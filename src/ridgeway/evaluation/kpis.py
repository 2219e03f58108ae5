"""Key performance indicators of a fitted model on a train/test split, as one frozen object.

The seed's KPIs: generalization gap, MSE (regression) or F1 (classification), coefficient
magnitudes, and the prediction-error reduction against an unregularized baseline fitted on the
same split; with them, the conditioning that the penalty buys. The baseline and the Gram come
from a :class:`~ridgeway.evaluation.reference.Reference`, built once per training set (from
the model's own spectrum where it holds one) and shared by every model scored on that set.

:func:`compute_kpis` reads two things off the rows in memory — the scores (:class:`SplitScores`)
and the training design (:class:`Design`: size, feature scales, Gram, a classifier's data
Hessian) — and :func:`assemble_kpis` makes the KPIs of them; ``evaluation.at_scale`` reads the
same two from passes over partitions, so files and Dask get the same KPIs from the same code.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np
from sklearn.base import is_classifier

from ridgeway.evaluation.baseline import (
    data_hessian,
    effective_df,
    hessian_df,
    penalty_diagonal,
    penalty_strength,
)
from ridgeway.evaluation.choice import LambdaChoice, lambda_choice
from ridgeway.evaluation.headline import headline
from ridgeway.evaluation.reference import DesignGram, Reference, reference_for
from ridgeway.evaluation.score_sums import ClassifierSums, RegressionSums, positive_label
from ridgeway.statistics import Moments

__all__ = [
    "Design",
    "KPIs",
    "SplitScores",
    "assemble_kpis",
    "baseline_kpis",
    "classification_scores",
    "compute_kpis",
    "json_finite",
    "positive_label",
    "regression_scores",
]

#: a ratio of feature standard deviations above which an unstandardized penalty is unfair
SCALE_RATIO_WARNING = 100.0
#: a baseline error below this share of the model's is taken as exact (no ratio to it)
EXACT = 1e-9


def regression_scores(y: Any, pred: Any) -> dict[str, float]:
    """MSE, RMSE, MAE and R² as scikit-learn's metrics define them (R² of a constant target:
    1 for an exact fit, else 0; NaN for fewer than two rows). Plain numpy: monitoring runs this
    on every logged batch, where scikit-learn's input validation would dominate."""
    return RegressionSums.of(y, pred).scores()


def classification_scores(model: Any, X: Any, y: Any, positive_class: Any = None) -> dict:
    """F1/precision/recall (binary for 2 classes, of ``positive_class`` — default
    ``classes_[1]``; macro average otherwise), accuracy, ROC AUC (one-vs-rest macro for
    several classes; from decision values when there are no probabilities) and log-loss
    (NaN without probabilities)."""
    return ClassifierSums.of(model, X, y, positive_class).scores()


def _coef_matrix(model: Any) -> np.ndarray:
    return np.atleast_2d(np.asarray(model.coef_, dtype=np.float64))


def _feature_values(coef: np.ndarray) -> np.ndarray:
    """Per feature: the signed β_j, or ‖β_j‖₂ over classes for a multiclass model."""
    return coef[0] if coef.shape[0] == 1 else np.linalg.norm(coef, axis=0)


@dataclass(frozen=True)
class KPIs:
    """All KPIs of one model on one split; ``to_dict``/``to_json``/``to_markdown``/``to_html``.

    ``headline`` is the sentence to read first: λ, how it was chosen, both rules' choices,
    the grid edge, and what regularization did against the baseline.
    ``gap`` is the training score minus the test score in ``gap_metric`` (higher-is-better
    scores, so positive means overfitting: −MSE for regression, accuracy for classification).
    ``error_reduction_pct`` compares ``error_metric`` (MSE; log-loss for classifiers with
    probabilities, the error rate where the baseline separates the classes or there are no
    probabilities) against ``baseline`` fitted on the same training data; NaN, with
    ``error_reduction_note`` saying why, where the baseline makes no error to reduce.
    ``baseline_degenerate`` says in words why the baseline is no fair yardstick, or is None.
    ``features``: (name, coefficient, baseline coefficient, sign changed) — signed, except
    per-feature norms over the classes of a multiclass model (``coef_kind``), whose signed
    coefficients are in ``coef_by_class`` and whose sign changes are per class.
    ``effective_df``: the trace of the hat matrix, **intercept included** (1 for an
    intercept-only fit, p + 1 for least squares; non-zeros + 1 for the lasso).
    ``cond_gram``: cond of the centred XᵀX on the space the penalty acts on (inf when
    singular: ``gram_nullity`` exact dependencies; ``cond_gram_identified`` on the rest).
    """

    model: str
    task: str
    n_train: int
    n_test: int
    n_features: int
    headline: str
    choice: LambdaChoice | None
    train: dict[str, float]
    test: dict[str, float]
    gap_metric: str
    gap: float
    averaging: str | None
    positive_class: str | None
    l2: float | None
    l1: float | None
    effective_df: float | None
    coef_norm2: float
    coef_max_abs: float
    n_nonzero: int
    baseline: str
    baseline_test: dict[str, float]
    baseline_coef_norm2: float
    baseline_degenerate: str | None
    shrinkage: float
    error_metric: str
    error_reduction_pct: float
    error_reduction_note: str | None
    cond_gram: float
    cond_gram_identified: float
    gram_nullity: int
    cond_penalized: float
    scale_warning: str | None
    coef_kind: str
    sign_changes: tuple[str, ...]
    features: tuple[tuple[str, float, float, bool], ...]
    notes: tuple[str, ...]
    #: multiclass only: {class: {feature: (coefficient, baseline coefficient)}}, signed
    coef_by_class: dict[str, dict[str, tuple[float, float]]] | None = None

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["choice"] = None if self.choice is None else self.choice.to_dict()
        out["features"] = [
            {"feature": f, "coef": c, "baseline_coef": b, "sign_change": s}
            for f, c, b, s in self.features
        ]
        out["sign_changes"] = list(self.sign_changes)
        if self.coef_by_class is not None:
            out["coef_by_class"] = {
                c: {f: {"coef": v, "baseline_coef": b} for f, (v, b) in row.items()}
                for c, row in self.coef_by_class.items()
            }
        out["notes"] = list(self.notes)
        return out

    def to_json(self, **kwargs: Any) -> str:
        # NaN/inf are not JSON: write them as null
        return json.dumps(json_finite(self.to_dict()), **kwargs)

    def rows(self) -> list[tuple[str, str]]:
        """(KPI, value) pairs for a table, in reading order (the headline is apart)."""
        rows = [("model", self.model), ("task", self.task)]
        rows.append(("l2 (λ)" + (" chosen" if self.choice else ""), _fmt(self.l2)))
        if self.l1 is not None:
            rows.append(("l1", _fmt(self.l1)))
        if self.choice is not None:
            rows += self.choice.rows()
        rows += [(f"test {k}", _fmt(v)) for k, v in self.test.items()]
        rows += [(f"train {k}", _fmt(v)) for k, v in self.train.items()]
        rows.append((f"generalization gap ({self.gap_metric}, train − test)", _fmt(self.gap)))
        if self.averaging:
            rows.append(("F1/precision/recall averaging", self.averaging))
        reduction = _fmt(self.error_reduction_pct)
        if self.error_reduction_note:
            reduction = f"{reduction} ({self.error_reduction_note})"
        rows += [
            ("effective df (trace of the hat matrix, intercept included)", _fmt(self.effective_df)),
            ("‖β‖₂", _fmt(self.coef_norm2)),
            ("max |β|", _fmt(self.coef_max_abs)),
            ("non-zero coefficients", f"{self.n_nonzero} of {self.n_features}"),
            (f"baseline ({self.baseline}) ‖β‖₂", _fmt(self.baseline_coef_norm2)),
            ("shrinkage ‖β‖₂ / ‖β_baseline‖₂", _fmt(self.shrinkage)),
            (
                "coefficients that change sign vs baseline",
                _signs(self.sign_changes) + ("" if self.coef_kind == "signed" else " (per class)"),
            ),
            (f"baseline test {self.error_metric}", _fmt(self.baseline_test[self.error_metric])),
            (f"{self.error_metric} reduction vs baseline (%)", reduction),
        ]
        if self.baseline_degenerate:
            rows.append(("baseline is degenerate", self.baseline_degenerate))
        rows.append(("cond(XᵀX), centred", _cond_text(self)))
        rows.append(("cond(XᵀX + λΓᵀΓ)", _fmt(self.cond_penalized)))
        if self.scale_warning:
            rows.append(("WARNING", self.scale_warning))
        rows += [("note", note) for note in self.notes]
        return rows

    def to_markdown(self) -> str:
        lines = [self.headline, "", "| KPI | value |", "| --- | --- |"]
        lines += [f"| {k} | {v.replace('|', '/')} |" for k, v in self.rows()]
        return "\n".join(lines)

    def to_html(self) -> str:
        from html import escape

        body = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in self.rows())
        return f'<table class="kpis"><tbody>{body}</tbody></table>'

    def feature_table(self) -> list[dict[str, Any]]:
        return self.to_dict()["features"]


def _signs(names: tuple[str, ...], show: int = 8) -> str:
    if not names:
        return "none"
    listed = ", ".join(names[:show]) + (
        f", … ({len(names) - show} more)" if len(names) > show else ""
    )
    return f"{len(names)}: {listed}"


def _cond_text(k: KPIs) -> str:
    if k.gram_nullity == 0:
        return _fmt(k.cond_gram)
    plural = "y" if k.gram_nullity == 1 else "ies"
    return (
        f"inf (singular: {k.gram_nullity} exact linear dependenc{plural} among the "
        f"{k.n_features} columns; {_fmt(k.cond_gram_identified)} on the other "
        f"{k.n_features - k.gram_nullity} directions)"
    )


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


def json_finite(obj: Any) -> Any:
    """``obj`` with every non-finite float (NaN, ±inf) replaced by None: valid JSON."""
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: json_finite(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [json_finite(v) for v in obj]
    return obj


def _scale_warning(model: Any, sd: np.ndarray) -> str | None:
    if model.get_params().get("standardize", False):
        return None
    sd = sd[sd > 0]
    if sd.size < 2 or sd.max() / sd.min() <= SCALE_RATIO_WARNING:
        return None
    return (
        f"feature standard deviations differ by a factor {sd.max() / sd.min():.3g} and "
        "standardize is off: the penalty shrinks small-scale features far more; standardize"
    )


@dataclass(frozen=True)
class Design:
    """What the KPIs read off the training design: its size, the features' standard
    deviations, the Gram on the space the penalty acts on (the reference's for an identity
    penalty; for a diagonal Γ — ``standardize``, ``penalty_factor`` — the Gram of XΓ⁻¹ on the
    penalized columns, where the penalty is λI), and the data Hessian of a smooth two-class
    classifier at its solution (None for other models). From the rows in memory
    (:meth:`of_data`), or from their moments and a Hessian summed over partitions
    (:meth:`of_moments`, at scale)."""

    n_train: int
    n_features: int
    sd: np.ndarray
    gram: DesignGram
    hessian: np.ndarray | None

    @classmethod
    def of_data(cls, model: Any, reference: Reference, X: Any, y: Any) -> Design:
        X_arr = np.asarray(X, dtype=np.float64)
        variance = X_arr.var(axis=0)
        params = model.get_params()
        diag = penalty_diagonal(model, variance if params.get("standardize") else None)
        gram = reference.gram if diag is None else DesignGram.of(
            X_arr, bool(params.get("fit_intercept", True)), diag)  # fmt: skip
        return cls(int(X_arr.shape[0]), int(X_arr.shape[1]), np.sqrt(variance), gram,
                   data_hessian(model, X, y))  # fmt: skip

    @classmethod
    def of_moments(
        cls, model: Any, reference: Reference, total: Moments, hessian: np.ndarray | None
    ) -> Design:
        variance = np.maximum(np.diag(total.xx) / total.weight, 0.0)
        params = model.get_params()
        diag = penalty_diagonal(model, variance if params.get("standardize") else None)
        gram = reference.gram if diag is None else DesignGram.of_moments(
            total, bool(params.get("fit_intercept", True)), diag)  # fmt: skip
        return cls(int(total.n_positive), int(total.xx.shape[0]), np.sqrt(variance), gram,
                   hessian)  # fmt: skip


@dataclass(frozen=True)
class SplitScores:
    """The model's scores on the training and the test rows and the baseline's on the test
    rows (``regression_scores`` / ``classification_scores``, or their sums at scale)."""

    train: dict[str, float]
    test: dict[str, float]
    baseline_test: dict[str, float]


def _gram_note(gram: DesignGram, n_train: int) -> str | None:
    if gram.nullity == 0:
        return None
    why = (
        f"there are more columns ({gram.n_features}) than training rows less one ({n_train - 1})"
        if gram.n_features >= n_train
        else "e.g. the one-hot indicators of a categorical column sum to one, which the "
        "intercept already spans, or a column repeats a combination of others"
    )
    return (
        f"XᵀX is singular ({gram.nullity} exact linear dependencies: {why}): least squares is "
        "not unique there (the baseline is its minimum-norm solution), while the penalty "
        "makes the fit unique — see cond(XᵀX + λΓᵀΓ)"
    )


def _df(model: Any, design: Design) -> float | None:
    df = effective_df(model)
    if (df is None or not math.isfinite(df)) and design.hessian is not None:
        df = hessian_df(model, design.hessian, design.sd**2)  # a smooth L2 classifier
    if df is None and hasattr(model, "l1") and hasattr(model, "coef_"):  # lasso, elastic net
        nonzero = int(np.count_nonzero(np.any(_coef_matrix(model) != 0, axis=0)))
        df = float(nonzero + int(model.get_params().get("fit_intercept", True)))
    return None if df is None or not math.isfinite(df) else df


def _by_class(model: Any, names: list[str], coef: np.ndarray, base: np.ndarray) -> dict:
    labels = [str(c) for c in getattr(model, "classes_", range(coef.shape[0]))]
    return {
        label: {n: (float(c), float(b)) for n, c, b in zip(names, coef[k], base[k])}
        for k, label in enumerate(labels)
    }


def _reduction(base: float, value: float, metric: str) -> tuple[float, str | None]:
    """100·(baseline − model)/baseline, or NaN and why where the baseline's error is zero."""
    metric = metric.replace("_", " ")
    if not (math.isfinite(base) and math.isfinite(value)):
        return float("nan"), f"a {metric} is not finite"
    if base <= 0:
        both = "both models make" if value <= 0 else "the baseline makes"
        return float("nan"), f"{both} no test error in {metric}: nothing to reduce"
    if base < EXACT * value:
        return float("nan"), (
            f"the baseline's test {metric} is ≈ 0 ({base:.3g}): it predicts the test set "
            "exactly, so a ratio to it means nothing"
        )
    return 100.0 * (base - value) / base, None


def compute_kpis(
    model: Any,
    X_train: Any,
    y_train: Any,
    X_test: Any,
    y_test: Any,
    *,
    feature_names: list[str] | None = None,
    reference: Reference | None = None,
    positive_class: Any = None,
) -> KPIs:
    """KPIs of a fitted ``model`` (ridgeway estimator) on its training data and a test set.

    ``reference``: the baseline and Gram of this training set, shared between models (see
    :func:`~ridgeway.evaluation.reference.reference_for`); built here when None.
    ``positive_class``: the class binary F1/precision/recall/ROC AUC are of (default
    ``classes_[1]``).
    """
    if reference is None:
        reference = reference_for(model, X_train, y_train)
    elif not reference.serves(model):
        raise ValueError(
            f"reference must be built for {type(model).__name__}'s baseline; it holds "
            f"{reference.name}"
        )
    return _kpis(model, type(model).__name__, X_train, y_train, X_test, y_test, reference,
                 feature_names, positive_class)  # fmt: skip


def baseline_kpis(
    reference: Reference,
    X_train: Any,
    y_train: Any,
    X_test: Any,
    y_test: Any,
    *,
    feature_names: list[str] | None = None,
    positive_class: Any = None,
) -> KPIs:
    """KPIs of the reference's baseline itself (the comparison's "none" row), no refit."""
    return _kpis(reference.baseline, reference.estimator, X_train, y_train, X_test, y_test,
                 reference, feature_names, positive_class)  # fmt: skip


def _split_scores(model, base, X_train, y_train, X_test, y_test, positive) -> SplitScores:
    if is_classifier(model):
        return SplitScores(classification_scores(model, X_train, y_train, positive),
                           classification_scores(model, X_test, y_test, positive),
                           classification_scores(base, X_test, y_test, positive))  # fmt: skip
    return SplitScores(regression_scores(y_train, model.predict(X_train)),
                       regression_scores(y_test, model.predict(X_test)),
                       regression_scores(y_test, base.predict(X_test)))  # fmt: skip


def _kpis(
    model: Any,
    name: str,
    X_train: Any,
    y_train: Any,
    X_test: Any,
    y_test: Any,
    reference: Reference,
    feature_names: list[str] | None,
    positive_class: Any = None,
) -> KPIs:
    scores = _split_scores(model, reference.baseline, X_train, y_train, X_test, y_test,
                           positive_class)  # fmt: skip
    design = Design.of_data(model, reference, X_train, y_train)
    return assemble_kpis(model, name, reference, scores, design, int(np.shape(X_test)[0]),
                         feature_names=feature_names, positive_class=positive_class)  # fmt: skip


def _error_metric(model, reference, scores, positive_class):
    """The classifier's error metric (log-loss; the error rate against a separating baseline
    or without probabilities), the scores with it, averaging and the positive class."""
    train, test, base_test = dict(scores.train), dict(scores.test), dict(scores.baseline_test)
    base = reference.baseline
    # log-loss against a separating baseline (probabilities 0/1) explodes: use error rates
    proba = hasattr(model, "predict_proba") and hasattr(base, "predict_proba")
    error_metric = "log_loss" if proba and reference.degenerate is None else "error_rate"
    if error_metric == "error_rate":
        test["error_rate"] = 1.0 - test["accuracy"]
        base_test["error_rate"] = 1.0 - base_test["accuracy"]
    classes = list(model.classes_)
    if len(classes) == 2:
        label = positive_label(classes, positive_class)
        averaging = f"binary (positive class: {label!s}); ROC AUC binary"
        return train, test, base_test, error_metric, averaging, str(label)
    return train, test, base_test, error_metric, "macro; ROC AUC one-vs-rest macro", None


def assemble_kpis(
    model: Any,
    name: str,
    reference: Reference,
    scores: SplitScores,
    design: Design,
    n_test: int,
    *,
    feature_names: list[str] | None = None,
    positive_class: Any = None,
) -> KPIs:
    """The KPIs from what was read off the data — the scores (``scores``) and the training
    design (``design``) — whether the rows were in memory (:func:`compute_kpis`) or streamed
    past partition by partition (``ridgeway.evaluation.at_scale``)."""
    classifier = is_classifier(model)
    names = feature_names or [
        str(v) for v in getattr(model, "feature_names_in_", range(design.n_features))
    ]
    base = reference.baseline
    if classifier:
        train, test, base_test, error_metric, averaging, positive = _error_metric(
            model, reference, scores, positive_class
        )
        gap_metric, gap = "accuracy", train["accuracy"] - test["accuracy"]
    else:
        train, test, base_test = scores.train, scores.test, scores.baseline_test
        gap_metric, gap = "−MSE", test["mse"] - train["mse"]
        error_metric, averaging, positive = "mse", None, None
    reduction, why = _reduction(base_test[error_metric], test[error_metric], error_metric)
    coef, base_coef = _coef_matrix(model), _coef_matrix(base)
    norm, base_norm = float(np.linalg.norm(coef)), float(np.linalg.norm(base_coef))
    l2, l1 = penalty_strength(model)
    gram = design.gram
    values, base_values = _feature_values(coef), _feature_values(base_coef)
    signed = coef.shape[0] == 1
    flipped = np.sign(coef) * np.sign(base_coef) < 0  # (classes or 1, p)
    features = tuple(
        (n, float(c), float(b), bool(f))
        for n, c, b, f in zip(names, values, base_values, flipped.any(axis=0))
    )
    by_class = _by_class(model, names, coef, base_coef) if not signed else None
    if signed:
        sign_changes = tuple(f[0] for f in features if f[3])
    else:  # per class: "alcohol (class 2)"
        labels = [str(c) for c in getattr(model, "classes_", range(coef.shape[0]))]
        sign_changes = tuple(f"{names[j]} (class {labels[k]})"
                             for k, j in zip(*np.nonzero(flipped)))  # fmt: skip
    gram_note = _gram_note(gram, design.n_train)
    kpis = KPIs(
        model=name,
        task="classification" if classifier else "regression",
        n_train=design.n_train,
        n_test=int(n_test),
        n_features=design.n_features,
        headline="",
        choice=lambda_choice(model),
        train=train,
        test=test,
        gap_metric=gap_metric,
        gap=float(gap),
        averaging=averaging,
        positive_class=positive,
        l2=l2,
        l1=l1,
        effective_df=_df(model, design),
        coef_norm2=norm,
        coef_max_abs=float(np.abs(coef).max(initial=0.0)),
        n_nonzero=int(np.count_nonzero(np.any(coef != 0, axis=0))),
        baseline=reference.name,
        baseline_test=base_test,
        baseline_coef_norm2=base_norm,
        baseline_degenerate=reference.degenerate,
        shrinkage=norm / base_norm if base_norm > 0 else float("nan"),
        error_metric=error_metric,
        error_reduction_pct=float(reduction),
        error_reduction_note=why,
        cond_gram=gram.cond(),
        cond_gram_identified=gram.cond_identified(),
        gram_nullity=gram.nullity,
        cond_penalized=gram.cond(l2 or 0.0),
        scale_warning=_scale_warning(model, design.sd),
        coef_kind="signed" if signed else "norm over classes",
        sign_changes=sign_changes,
        features=features,
        coef_by_class=by_class,
        notes=tuple(reference.notes) + ((gram_note,) if gram_note else ()),
    )
    return replace(kpis, headline=headline(kpis))
