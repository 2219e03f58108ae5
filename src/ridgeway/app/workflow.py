"""From a table and a target column to a fitted model, its KPIs, figures, report and model file.

What the command line and ``make demo`` share: split, preprocess (a serializable spec), choose
the model for the task, fit, score against the unregularized baseline, draw, write.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import is_classifier
from sklearn.model_selection import train_test_split

from ridgeway.app.persist import save_model
from ridgeway.app.preprocess import (
    DataError,
    Preprocessor,
    check_features,
    check_row_count,
    fit_preprocessor,
)
from ridgeway.estimators.elastic_net import ElasticNetCV, LassoCV
from ridgeway.estimators.logistic import LogisticRegressionCV
from ridgeway.estimators.ridge_classifier import RidgeClassifierCV
from ridgeway.estimators.ridge_cv import RidgeCV
from ridgeway.estimators.svm import LinearSVCCV
from ridgeway.evaluation.choice import lambda_choice, scheme_of, score_metric
from ridgeway.evaluation.curves import validation_curve_of
from ridgeway.evaluation.kpis import KPIs, compute_kpis
from ridgeway.evaluation.reference import reference_for
from ridgeway.report import plots
from ridgeway.report.compare import (
    Comparison,
    compare_penalties,
    family_of,
    row_for,
    shared_folds,
)
from ridgeway.report.html import write_report
from ridgeway.report.paths import coefficient_path

__all__ = ["Options", "Split", "infer_task", "make_model", "run_fit", "split_data"]

TASKS = ("regression", "classification")
#: an integer target with at most this many distinct values is taken as class labels
MAX_CLASSES = 20


@dataclass(frozen=True)
class Options:
    target: str
    model: str | None = None  # None: ridge for regression, logistic for classification
    cv: str | int = 5
    rule: str = "min"
    test_size: float = 0.25
    impute: str | None = None
    task: str | None = None
    categorical: tuple[str, ...] = ()
    seed: int = 0
    positive_class: str | None = None  # binary F1/precision/recall/AUC; default classes_[1]
    #: --model mlp: a ridgeway.nn.cli_support.MLPOptions (None: its defaults)
    mlp: Any = None


@dataclass
class Split:
    task: str
    preprocessor: Preprocessor
    X_train: pd.DataFrame  # encoded
    X_test: pd.DataFrame
    y_train: pd.Series
    y_test: pd.Series


@dataclass
class FitResult:
    model: Any
    kpis: KPIs
    split: Split
    comparison: Comparison | None = None
    files: dict[str, Path] = field(default_factory=dict)

    @property
    def notes(self) -> tuple[str, ...]:
        """What preprocessing decided that a user should know (dropped columns, dates, ...)."""
        return self.split.preprocessor.notes


def infer_task(y: pd.Series) -> str:
    """Classification for text, booleans and integer codes with few values; else regression."""
    if not pd.api.types.is_numeric_dtype(y) or pd.api.types.is_bool_dtype(y):
        return "classification"
    values = y.dropna()
    integral = pd.api.types.is_integer_dtype(y) or bool(np.all(values == np.round(values)))
    few = values.nunique() <= min(MAX_CLASSES, max(2, len(values) // 20))
    return "classification" if integral and few else "regression"


def _check_target(y: pd.Series, name: str, task: str | None) -> str:
    if y.isna().any():
        raise DataError(
            f"target column {name!r} has {int(y.isna().sum())} missing values; drop those rows"
        )
    if y.nunique() < 2:
        value = y.iloc[0].item() if isinstance(y.iloc[0], np.generic) else y.iloc[0]
        raise DataError(
            f"target column {name!r} holds the single value {value!r} in every row (a "
            "single class): there is nothing to learn"
        )
    task = task or infer_task(y)
    if task not in TASKS:
        raise DataError(f"task must be one of {TASKS}; got {task!r}")
    if task == "regression" and not _is_number(y):
        raise DataError(f"task regression needs a numeric target; {name!r} is not")
    if _is_number(y) and not np.isfinite(y.to_numpy(dtype=np.float64)).all():
        raise DataError(f"target column {name!r} holds infinite values")
    return task


def _is_number(y: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(y) and not pd.api.types.is_bool_dtype(y)


def _check_sizes(n: int, options: Options, task: str, y: pd.Series) -> None:
    """Enough rows for the split and the folds, said in the user's terms before any work."""
    if not 0.0 < options.test_size < 1.0:
        raise DataError(f"test size must be in (0, 1); got {options.test_size}")
    n_test, _, folds, where = check_row_count(n, options.test_size, options.cv)
    if task == "classification":
        counts = y.value_counts()
        if n_test < len(counts):
            raise DataError(
                f"too few rows: {where} and {n_test} for testing, fewer than the "
                f"{len(counts)} classes"
            )
        if folds is not None:
            # the split is stratified: a class keeps about (1 - test_size) of its rows
            smallest = counts.index[-1]
            in_train = math.floor(counts.iloc[-1] * (1 - options.test_size))
            if in_train < folds:
                raise DataError(
                    f"class {smallest!r} has {counts.iloc[-1]} rows, about {in_train} of them "
                    f"for training: fewer than the {folds} folds; use --cv {max(2, in_train)} "
                    "or fewer classes"
                )


def split_data(frame: pd.DataFrame, options: Options) -> Split:
    """Checks (of the whole table), train/test split (stratified for classes) and the
    preprocessing fitted on the training rows."""
    if frame.shape[0] == 0 or frame.shape[1] == 0:
        raise DataError("the data has no rows" if frame.shape[1] else "the data has no columns")
    repeated = frame.columns[frame.columns.duplicated()]
    if len(repeated):
        raise DataError(f"column name(s) repeated: {', '.join(map(repr, repeated[:5]))}")
    if options.target not in frame.columns:
        raise DataError(
            f"target column {options.target!r} is not in the data; columns are "
            f"{', '.join(map(str, frame.columns[:20]))}"
        )
    y = frame[options.target]
    task = _check_target(y, options.target, options.task)
    _check_positive_class(options.positive_class, task, y)
    _check_sizes(len(frame), options, task, y)
    X = frame.drop(columns=[options.target])
    kinds = check_features(X, categorical=options.categorical, impute=options.impute)
    X_tr, X_te, y_tr, y_te = _split_rows(X, y, task, options)
    pre = fit_preprocessor(X_tr, categorical=options.categorical, impute=options.impute,
                           kinds=kinds)  # fmt: skip
    return Split(task, pre, pre.transform(X_tr), pre.transform(X_te), y_tr, y_te)


def _split_rows(X: pd.DataFrame, y: pd.Series, task: str, options: Options) -> list[Any]:
    stratify = y if task == "classification" and y.value_counts().min() >= 2 else None
    try:
        return list(train_test_split(
            X, y, test_size=options.test_size, random_state=options.seed, stratify=stratify
        ))  # fmt: skip
    except ValueError as err:
        raise DataError(
            f"cannot split {len(y)} rows with test size {options.test_size}: {err}"
        ) from None


def _check_positive_class(positive: str | None, task: str, y: pd.Series) -> None:
    """Before any fit: the positive class must be one of two classes of the target."""
    if positive is None:
        return
    labels = sorted(map(str, y.unique()))
    if task != "classification" or len(labels) != 2:
        kind = "a regression" if task != "classification" else f"{len(labels)} classes"
        raise DataError(f"positive class applies to two classes; the target {y.name!r} has {kind}")
    if str(positive) not in labels:
        raise DataError(f"positive class must be one of {labels}; got {positive!r}")


def _cv_value(cv: Any, allowed: tuple[str, ...], model: str) -> Any:
    if isinstance(cv, list):  # explicit folds
        return cv
    if isinstance(cv, int) or (isinstance(cv, str) and cv.isdigit()):
        if int(cv) < 2:
            raise DataError(f"cv must be >= 2 folds; got {cv}")
        return int(cv)
    if cv not in allowed:
        also = f" or {' / '.join(allowed)}" if allowed else ""
        raise DataError(
            f"cv {cv!r} is not available for model {model}; use a number of folds{also}"
        )
    return cv


@dataclass(frozen=True)
class ModelChoice:
    """What ``--model NAME`` fits: the CV estimator per task (None: not for that task), the
    exact CV schemes it offers, and how a CLI scheme name maps to the estimator's."""

    regression: Callable[..., Any] | None
    classification: Callable[..., Any] | None
    exact_cv: tuple[str, ...] = ()
    cv_names: tuple[tuple[str, str], ...] = ()


#: one row per ``--model``; read by make_model only
MODEL_CHOICES = {
    "ridge": ModelChoice(RidgeCV, RidgeClassifierCV, ("loo", "gcv")),
    "logistic": ModelChoice(None, LogisticRegressionCV, ("loo",), (("loo", "alo"),)),
    "svm": ModelChoice(None, LinearSVCCV, ("loo",), (("loo", "alo"),)),  # approximate LOO
    "elasticnet": ModelChoice(functools.partial(ElasticNetCV, l1_share=0.5), None),
    "lasso": ModelChoice(LassoCV, None),
}
MODELS = tuple(MODEL_CHOICES)  # and "mlp": a torch network, run_fit -> app.mlp_workflow


def make_model(model: str | None, task: str, cv: Any, rule: str) -> Any:
    """The CV estimator for ``--model`` and the task (λ chosen by ``cv`` with ``rule``)."""
    model = model or ("ridge" if task == "regression" else "logistic")
    if model not in MODEL_CHOICES:
        raise DataError(f"model must be one of {(*MODELS, 'mlp')}; got {model!r}")
    if rule not in ("min", "1se"):
        raise DataError(f"rule must be min or 1se; got {rule!r}")
    choice = MODEL_CHOICES[model]
    make = choice.regression if task == "regression" else choice.classification
    if make is None:
        served = "a classifier" if task == "regression" else "for regression"
        raise DataError(f"model {model} is {served} but the task is {task}")
    value = _cv_value(cv, choice.exact_cv, model)
    value = dict(choice.cv_names).get(value, value) if isinstance(value, str) else value
    return make(cv=value, rule=rule)


def figures_for(model: Any, split: Split, comparison: Comparison | None = None) -> dict:
    """The report's figures (those this model can draw), from what the fit holds."""
    names = list(split.X_train.columns)
    figs = {}
    if hasattr(model, "cv_results_"):
        path = coefficient_path(model, split.X_train, split.y_train)
        figs["Regularization path"] = plots.regularization_path(path, names)
        curve = validation_curve_of(model)
        metric, sign = score_metric(model)
        figs["Validation curve (± 1 standard error)"] = plots.validation_curve(curve, metric, sign)
        figs["Training vs validation"] = plots.train_validation_curve(curve, metric, sign)
    if comparison is not None:
        figs[f"Coefficients: {comparison.title}"] = plots.coefficient_comparison(
            comparison.coefficients(), names
        )
    return figs


def _cv_setting(model: Any, options: Options) -> str:
    """How λ was chosen, as settings (never the explicit fold indices the model holds)."""
    scheme = scheme_of(model) if hasattr(model, "cv_results_") else str(options.cv)
    if isinstance(model.get_params().get("cv"), list):
        scheme += f" (shuffled, stratified by class, seed {options.seed})" if is_classifier(
            model) else f" (shuffled, seed {options.seed})"  # fmt: skip
    return f"{scheme}, rule {options.rule}"


def _describe(model: Any) -> str:
    """The estimator and the parameters that differ from its defaults (``cv`` apart)."""
    defaults = type(model)().get_params()
    changed = {
        k: v for k, v in model.get_params().items()
        if k != "cv" and not isinstance(v, list | np.ndarray) and v != defaults.get(k)
    }  # fmt: skip
    return f"{type(model).__name__}({', '.join(f'{k}={v!r}' for k, v in changed.items())})"


def settings_of(model: Any, split: Split, options: Options) -> dict[str, Any]:
    """'What was done', for the report: settings, not the model's repr."""
    pre = split.preprocessor
    choice = lambda_choice(model)
    solution = getattr(model, "solution_", None)
    solver = getattr(model, "decomposition_", None) or (solution.solver if solution else "—")
    grid = (
        f"{choice.grid_size} values of {choice.label}, {choice.grid_min:.3g} to "
        f"{choice.grid_max:.3g}" if choice else "—"
    )  # fmt: skip
    return {
        "model": _describe(model),
        "task": split.task,
        "target": options.target,
        "train / test rows": f"{len(split.y_train)} / {len(split.y_test)} (seed {options.seed})",
        "λ grid": grid,
        "λ chosen by": _cv_setting(model, options),
        "numeric columns (standardized)": ", ".join(pre.numeric) or "—",
        "categorical columns (one-hot)": ", ".join(pre.categorical) or "—",
        "date columns (calendar features)": ", ".join(pre.dates) or "—",
        "columns dropped": "; ".join(f"{c}: {why}" for c, why in pre.dropped.items()) or "—",
        "missing values": f"imputed ({pre.impute})" if pre.impute else "none allowed",
        "solver / decomposition": solver,
        "certificate of convergence": solution.summary() if solution else "—",
    }


def run_fit(
    frame: pd.DataFrame,
    options: Options,
    out_dir: str | Path | None,
    *,
    compare: bool = False,
    progress: Callable[[str], None] | None = None,
    title: str | None = None,
) -> FitResult:
    """Split, preprocess, fit, KPIs (and the comparison); write report.html and model.zip."""
    if options.model == "mlp":
        if compare:
            raise DataError("compare sets linear penalties side by side; use fit for --model mlp")
        from ridgeway.app.mlp_workflow import run_fit_mlp

        return run_fit_mlp(frame, options, out_dir, progress=progress, title=title)
    step = progress or (lambda _: None)
    step("preprocessing")
    split = split_data(frame, options)
    classification = split.task == "classification"
    cv = options.cv
    if str(cv).isdigit():  # shuffled folds, shared with the comparison
        cv = shared_folds(split.X_train, split.y_train, classification=classification,
                          n_folds=int(cv), seed=options.seed)  # fmt: skip
    model = make_model(options.model, split.task, cv, options.rule)
    step(f"fitting {type(model).__name__}")
    model.fit(split.X_train, split.y_train)
    step("scoring against the unregularized baseline")
    # one baseline and one Gram for the training set, shared with the comparison's rows
    reference = reference_for(model, split.X_train, split.y_train)
    kpis = compute_kpis(model, split.X_train, split.y_train, split.X_test, split.y_test,
                        reference=reference, positive_class=options.positive_class)  # fmt: skip
    comparison = None
    if compare:
        folds = int(options.cv) if str(options.cv).isdigit() else 5
        family = family_of(model)  # compare what was fitted: svm rows for --model svm
        name = row_for(model)
        reuse = {name: model} if name and str(options.cv).isdigit() else {}
        comparison = compare_penalties(
            split.X_train, split.y_train, split.X_test, split.y_test,
            classification=classification, n_folds=folds, rule=options.rule,
            seed=options.seed, progress=lambda n: step(f"comparison: {n}"),
            fitted=reuse, reference=reference, family=family,
            positive_class=options.positive_class,
        )  # fmt: skip
    result = FitResult(model, kpis, split, comparison)
    if out_dir is None:
        return result
    out = Path(out_dir)
    step("drawing and writing the report")
    result.files["report"] = write_report(
        out / "report.html",
        title=title or f"ridgeway: {type(model).__name__} for {options.target!r}",
        kpis=kpis,
        figures=figures_for(model, split, comparison),
        data=frame,
        settings=settings_of(model, split, options),
        comparison=None if comparison is None else comparison.table,
        notes=None if comparison is None else comparison.notes,
        comparison_title=None if comparison is None else comparison.title,
    )
    write_model_and_kpis(result, out, options)
    if comparison is not None:
        comparison.table.to_csv(out / "comparison.csv", index=False)
        result.files["comparison"] = out / "comparison.csv"
    return result


def write_model_and_kpis(
    result: FitResult, out: Path, options: Options, *, baseline: Any = None
) -> None:
    """model.zip (with what ``report`` needs to split the data again) and kpis.json, into
    ``out``; both recorded in ``result.files``. ``baseline``: a network's λ = 0 twin."""
    extra = {
        "seed": options.seed,
        "test_size": options.test_size,
        "task": result.split.task,
        "rule": options.rule,
        "categorical": list(options.categorical),
        "positive_class": options.positive_class,
    }
    if baseline is None:  # a network's λ is chosen on a held-out split, not by --cv
        extra["cv"] = options.cv
    result.files["model"] = save_model(
        result.model, out / "model.zip", preprocessor=result.split.preprocessor,
        target=options.target, extra=extra, baseline=baseline,
    )  # fmt: skip
    (out / "kpis.json").write_text(result.kpis.to_json(indent=2), encoding="utf-8")
    result.files["kpis"] = out / "kpis.json"


def saved_split(frame: pd.DataFrame, options: Options, pre: Preprocessor) -> Split:
    """The training and test rows of fit time, split again with the saved seed and test size
    and transformed by the saved preprocessing (no refit of it)."""
    if options.target not in frame.columns:
        raise DataError(f"target column {options.target!r} of the model is not in the data")
    y = frame[options.target]
    task = _check_target(y, options.target, options.task)
    raw = frame.drop(columns=[options.target])
    X_tr, X_te, y_tr, y_te = _split_rows(raw, y, task, options)  # the rows of fit time
    hint = "drop those rows (the model was fitted without imputation)"
    return Split(task, pre, pre.transform(X_tr, hint=hint), pre.transform(X_te, hint=hint),
                 y_tr, y_te)  # fmt: skip


def report_saved(
    model: Any, pre: Preprocessor, meta: dict[str, Any], frame: pd.DataFrame, out_dir: str | Path
) -> FitResult:
    """KPIs and report of a loaded model on ``frame``, split again with the saved seed and test
    size (the same rows as at fit time when ``frame`` is the same file)."""
    extra = meta.get("extra", {})
    options = Options(
        target=meta["target"],
        cv=extra.get("cv", 5),
        rule=extra.get("rule", "min"),
        test_size=float(extra.get("test_size", 0.25)),
        task=extra.get("task"),
        categorical=tuple(extra.get("categorical", ())),
        seed=int(extra.get("seed", 0)),
        impute=pre.impute,
        positive_class=extra.get("positive_class"),
    )
    split = saved_split(frame, options, pre)
    kpis = compute_kpis(model, split.X_train, split.y_train, split.X_test, split.y_test,
                        positive_class=options.positive_class)  # fmt: skip
    result = FitResult(model, kpis, split)
    result.files["report"] = write_report(
        Path(out_dir) / "report.html",
        title=f"ridgeway: saved {type(model).__name__} for {options.target!r}",
        kpis=kpis,
        figures=figures_for(model, split),
        data=frame,
        settings=settings_of(model, split, options),
    )
    return result
