"""``ridgeway fit DATA --target y --model mlp``: the workflow's split and preprocessing, then a
network with its weight decay chosen (or given), the same network without decay as the
baseline, KPIs, the report with its network section, and the files — model.zip holds both
networks (format 2, tensors as arrays, no pickle), so ``ridgeway predict`` uses it and
``ridgeway report`` (:func:`report_saved_mlp`) rebuilds the same KPIs and section.

torch is imported here, inside the command, never when the command line starts.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from sklearn.base import clone

from ridgeway.app.preprocess import DataError, Preprocessor
from ridgeway.app.workflow import (
    FitResult,
    Options,
    saved_split,
    split_data,
    write_model_and_kpis,
)
from ridgeway.evaluation.network import network_kpis
from ridgeway.report.html import write_report
from ridgeway.report.network import network_section

__all__ = ["report_saved_mlp", "run_fit_mlp", "settings_of_mlp"]


def run_fit_mlp(
    frame: pd.DataFrame,
    options: Options,
    out_dir: str | Path | None,
    *,
    progress: Callable[[str], None] | None = None,
    title: str | None = None,
) -> FitResult:
    """Split, preprocess, train the MLP and its λ = 0 twin, KPIs; write report.html,
    model.zip (both networks), kpis.json and training.csv (the kept network's epochs)."""
    from ridgeway.nn.cli_support import MLPOptions, make_estimator

    step = progress or (lambda _: None)
    mlp = options.mlp if options.mlp is not None else MLPOptions()
    mlp = dataclasses.replace(mlp, rule=options.rule, random_state=options.seed)
    step("preprocessing")
    split = split_data(frame, options)
    model = make_estimator(split.task == "classification", mlp)
    what = "searching the weight decay" if mlp.l2 is None else "training"
    step(f"{what}: {type(model).__name__} hidden={mlp.hidden} ({mlp.optimizer})")
    model.fit(split.X_train, split.y_train)
    step("training the same network without decay (the baseline)")
    baseline = clone(model).set_params(l2=0.0).fit(split.X_train, split.y_train)
    kpis = network_kpis(model, baseline, split.X_train, split.y_train, split.X_test, split.y_test,
                        positive_class=options.positive_class)  # fmt: skip
    result = FitResult(model, kpis, split)  # type: ignore[arg-type]
    if out_dir is None:
        return result
    out = Path(out_dir)
    step("drawing and writing the report")
    result.files["report"] = write_report(
        out / "report.html",
        title=title or f"ridgeway: {type(model).__name__} for {options.target!r}",
        kpis=kpis,
        data=frame,
        settings=settings_of_mlp(model, split, options),
        sections=[network_section(model, baseline)],
    )
    write_model_and_kpis(result, out, options, baseline=baseline)
    history = getattr(model, "history_", None)
    if history is not None and len(history):
        history.to_frame().to_csv(out / "training.csv", index=False)
        result.files["training"] = out / "training.csv"
    return result


def settings_of_mlp(model: Any, split: Any, options: Options) -> dict[str, Any]:
    """'What was done', for the report."""
    pre = split.preprocessor
    search = getattr(model, "search_", None)
    grid = search.cv_results_["l2"] if search is not None else None
    batch = "full batch" if model.batch_size is None else str(model.batch_size)
    return {
        "model": f"{type(model).__name__} hidden={tuple(model.hidden)} ({model.activation})",
        "task": split.task,
        "target": options.target,
        "train / test rows": f"{len(split.y_train)} / {len(split.y_test)} (seed {options.seed})",
        "optimizer": f"{model.optimizer}, lr {model.lr or 'default'}, batch {batch}",
        "epochs": f"at most {model.epochs}"
        + (f", early stopping (patience {model.patience})" if model.early_stopping else ""),
        "weight decay": (
            f"given: {model.l2_:g}"
            if grid is None
            else f"chosen by validation loss ({search.rule} rule, budget {search.budget}) "
            f"among {len(grid)} values, {grid.min():.3g} to {grid.max():.3g}, on a held-out "
            f"{model.validation_fraction:.0%} of the training rows"
        ),
        "baseline": "the same network, seed and epochs with no decay",
        "numeric columns (standardized)": ", ".join(pre.numeric) or "—",
        "categorical columns (one-hot)": ", ".join(pre.categorical) or "—",
        "missing values": f"imputed ({pre.impute})" if pre.impute else "none allowed",
        "device / dtype": f"{model.device} / {model.dtype}",
    }


def report_saved_mlp(
    model: Any, pre: Preprocessor, meta: dict[str, Any], frame: pd.DataFrame, out_dir: str | Path
) -> FitResult:
    """KPIs and report of a loaded MLP file on ``frame``, split again with the saved seed and
    test size; the λ = 0 baseline is the one saved beside it (not retrained)."""
    baseline = meta.get("baseline_model")
    if baseline is None:
        raise DataError("the model file holds no λ = 0 baseline: save it with `ridgeway fit`")
    extra = meta.get("extra", {})
    options = Options(
        target=meta["target"],
        rule=extra.get("rule", "min"),
        test_size=float(extra.get("test_size", 0.25)),
        task=extra.get("task"),
        categorical=tuple(extra.get("categorical", ())),
        seed=int(extra.get("seed", 0)),
        impute=pre.impute,
        positive_class=extra.get("positive_class"),
        model="mlp",
    )
    split = saved_split(frame, options, pre)
    kpis = network_kpis(model, baseline, split.X_train, split.y_train, split.X_test,
                        split.y_test, positive_class=options.positive_class)  # fmt: skip
    result = FitResult(model, kpis, split)  # type: ignore[arg-type]
    result.files["report"] = write_report(
        Path(out_dir) / "report.html",
        title=f"ridgeway: saved {type(model).__name__} for {options.target!r}",
        kpis=kpis,
        data=frame,
        settings=settings_of_mlp(model, split, options),
        sections=[network_section(model, baseline)],
    )
    return result
