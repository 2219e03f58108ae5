"""``ridgeway fit DATA --target y --model mlp``: the workflow's split and preprocessing, then a
network with its weight decay chosen (or given), the same network without decay as the
baseline, KPIs, the report with its network section, and the files.

torch is imported here, inside the command, never when the command line starts.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from sklearn.base import clone

from ridgeway.app.workflow import FitResult, Options, split_data
from ridgeway.evaluation.network import network_kpis
from ridgeway.report.html import write_report
from ridgeway.report.network import network_section

__all__ = ["run_fit_mlp", "settings_of_mlp"]


def run_fit_mlp(
    frame: pd.DataFrame,
    options: Options,
    out_dir: str | Path | None,
    *,
    progress: Callable[[str], None] | None = None,
    title: str | None = None,
) -> FitResult:
    """Split, preprocess, train the MLP and its λ = 0 twin, KPIs; write report.html,
    kpis.json and training.csv (the kept network's epochs)."""
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
    (out / "kpis.json").write_text(kpis.to_json(indent=2), encoding="utf-8")
    result.files["kpis"] = out / "kpis.json"
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
