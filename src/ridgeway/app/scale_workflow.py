"""``ridgeway fit`` on a glob of Parquet/CSV files: in memory, streamed, or on Dask, with the
same split, folds, model, KPIs, report and model file whichever engine runs it.

The test rows are those whose global position hashes below ``--test-size``
(:mod:`ridgeway.scale.split`), λ is chosen on ``HashFolds(k, seed)`` of the training rows, so
``--engine memory`` (the files read into memory, the in-memory estimator) and ``--engine
stream|dask`` (one pass per statistic, memory bounded by a row group) fit the same model. The
KPIs come from one more pass (predictions of the training and test rows: O(rows) numbers,
never the design matrix); the report's figures from the CV results and ``coef_path_``.
"""

from __future__ import annotations

import contextlib
import glob
import math
import os
from collections.abc import Callable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ridgeway.app.preprocess import DataError

__all__ = ["ENGINES", "available_memory", "choose_engine", "is_glob", "run_fit_files"]

ENGINES = ("auto", "memory", "stream", "dask")
#: auto streams when the files on disk exceed this share of the available memory
MEMORY_SHARE = 0.25
SCALE_MODELS = {
    ("regression", "ridge"): "RidgeCV",
    ("regression", "elasticnet"): "ElasticNetCV",
    ("regression", "lasso"): "LassoCV",
    ("classification", "logistic"): "LogisticRegressionCV",
}


def is_glob(data: str | Path) -> bool:
    return any(ch in str(data) for ch in "*?[")


def data_paths(data: str | Path) -> list[str]:
    paths = sorted(glob.glob(str(data))) if is_glob(data) else [str(data)]
    paths = [p for p in paths if os.path.isfile(p)]
    if not paths:
        raise DataError(f"no files match {str(data)!r}")
    suffixes = {Path(p).suffix.lower() for p in paths}
    if not suffixes <= {".parquet", ".pq"} and suffixes != {".csv"}:
        raise DataError(f"the files must all be .parquet or all .csv; got {sorted(suffixes)}")
    return paths


def available_memory() -> int:
    """Bytes of memory available now (MemAvailable of /proc/meminfo; else free pages)."""
    with contextlib.suppress(OSError, ValueError):
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    return int(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))


def choose_engine(engine: str, paths: list[str]) -> str:
    """auto: stream when the files' size on disk is over MEMORY_SHARE of available memory."""
    if engine != "auto":
        return engine
    size = sum(os.path.getsize(p) for p in paths)
    return "stream" if size > MEMORY_SHARE * available_memory() else "memory"


def _infer_task(source: Any, target: str) -> str:
    from ridgeway.app.workflow import infer_task
    from ridgeway.scale.sources import load

    layout = source.layout
    only = type(layout)((), target, None, None, {})
    values = [load(data, only, part).y for data, part in source.tasks(only)]
    y = pd.Series(np.concatenate(values) if values else np.zeros(0))
    if layout.n_features == 0:
        raise DataError("the data has no feature columns")
    return infer_task(y)


def _estimator(options: Any, task: str) -> Any:
    import ridgeway as rw
    from ridgeway.scale import HashFolds

    model = options.model or ("ridge" if task == "regression" else "logistic")
    name = SCALE_MODELS.get((task, model))
    if name is None:
        offered = ", ".join(f"{m} ({t})" for t, m in SCALE_MODELS)
        raise DataError(f"on files the models are {offered}; got {model} for {task}")
    if not str(options.cv).isdigit():
        raise DataError(f"on files cv is a number of hash folds; got {options.cv!r}")
    folds = HashFolds(int(options.cv), seed=options.seed)
    extra = {"l1_share": 0.5} if name == "ElasticNetCV" else {}
    return getattr(rw, name)(cv=folds, rule=options.rule, **extra)


@contextlib.contextmanager
def _scheduler(address: str | None) -> Iterator[None]:
    if address is None:
        yield
        return
    from distributed import Client

    with Client(address):
        yield


def _fit(model: Any, train: Any, engine: str, scheduler: str | None) -> Any:
    if engine != "memory":
        with _scheduler(scheduler):
            return model.fit(train)
    block = train.read()  # the training rows in memory, in order: the in-memory estimator
    layout = train.layout
    model.fit(pd.DataFrame(block.X, columns=list(layout.feature_names)), block.y)
    model.scale_layout_ = layout
    return model


def _predicted(model: Any, split: Any):
    """{"train"|"test": (y, predictions, probabilities or None)} of every row, from one pass
    over the files (one partition at a time; O(rows) numbers in memory)."""
    from ridgeway.scale.sources import load
    from ridgeway.scale.split import held_out

    source = split.source
    layout = source.layout
    names = list(layout.feature_names)
    out: dict[str, tuple[list, list, list]] = {"train": ([], [], []), "test": ([], [], [])}
    for data, part in source.tasks(layout):
        block = load(data, layout, part)
        X = pd.DataFrame(block.X, columns=names)
        test = held_out(np.arange(part.offset, part.offset + block.n_rows), split.test_size,
                        split.seed)  # fmt: skip
        pred = np.asarray(model.predict(X))
        proba = np.asarray(model.predict_proba(X)) if hasattr(model, "predict_proba") else None
        for side, rows in (("train", ~test), ("test", test)):
            ys, preds, probas = out[side]
            ys.append(block.y[rows])
            preds.append(pred[rows])
            if proba is not None:
                probas.append(proba[rows])
    return {
        side: (np.concatenate(ys), np.concatenate(preds),
               np.concatenate(probas) if probas else None)
        for side, (ys, preds, probas) in out.items()
    }  # fmt: skip


def _scores(model: Any, task: str, y: np.ndarray, pred: np.ndarray, proba: Any) -> dict:
    from sklearn import metrics

    from ridgeway.evaluation.kpis import regression_scores

    if task == "regression":
        return regression_scores(y, pred)
    classes = model.classes_
    positive = classes[1]
    # as evaluation.kpis.classification_scores: binary of classes_[1], else macro averages
    kw = {"pos_label": positive} if len(classes) == 2 else {"average": "macro"}
    out = {
        "accuracy": float(metrics.accuracy_score(y, pred)),
        "f1": float(metrics.f1_score(y, pred, zero_division=0, **kw)),
        "precision": float(metrics.precision_score(y, pred, zero_division=0, **kw)),
        "recall": float(metrics.recall_score(y, pred, zero_division=0, **kw)),
    }
    present = np.unique(y).size
    if len(classes) == 2:
        two = present == 2
        out["roc_auc"] = (
            float(metrics.roc_auc_score(y == positive, proba[:, 1])) if two else math.nan
        )
    elif present == len(classes):
        out["roc_auc"] = float(metrics.roc_auc_score(y, proba, multi_class="ovr",
                                                     average="macro", labels=classes))  # fmt: skip
    else:
        out["roc_auc"] = math.nan
    out["log_loss"] = float(metrics.log_loss(y, proba, labels=model.classes_))
    return out


def file_kpis(model: Any, task: str, train: Any) -> dict[str, Any]:
    """The KPIs that need no design matrix in memory: scores of the training and test rows
    (one prediction pass over the files of ``train``, a HashSplit), the λ choice, and the
    coefficients."""
    from ridgeway.evaluation.choice import lambda_choice

    sides = {
        name: (len(y), _scores(model, task, y, pred, proba))
        for name, (y, pred, proba) in _predicted(model, train).items()
    }
    gap_metric = "neg_mse" if task == "regression" else "accuracy"

    def gap_value(s: dict) -> float:
        return -s["mse"] if task == "regression" else s["accuracy"]

    coef = np.atleast_2d(np.asarray(model.coef_, dtype=np.float64))
    names = [str(n) for n in model.feature_names_in_]
    choice = lambda_choice(model)
    l1 = getattr(model, "l1_", None)
    return {
        "model": type(model).__name__,
        "task": task,
        "n_train": sides["train"][0],
        "n_test": sides["test"][0],
        "n_features": len(names),
        "choice": None if choice is None else choice.to_dict(),
        "l2": float(np.ravel(model.l2_)[0]),
        "l1": None if l1 is None else float(np.ravel(l1)[0]),
        "train": sides["train"][1],
        "test": sides["test"][1],
        "gap_metric": gap_metric,
        "gap": gap_value(sides["train"][1]) - gap_value(sides["test"][1]),
        "coef_norm2": float(np.linalg.norm(coef)),
        "coef_max_abs": float(np.max(np.abs(coef))) if coef.size else 0.0,
        "n_nonzero": int(np.count_nonzero(np.any(coef != 0, axis=0))),
        "intercept": [float(v) for v in np.ravel(model.intercept_)],
        "features": [{"feature": f, "coef": float(c)} for f, c in zip(names, coef[0])],
    }


def _figures(model: Any) -> dict:
    from ridgeway.evaluation.choice import score_metric
    from ridgeway.evaluation.curves import validation_curve_of
    from ridgeway.report import plots
    from ridgeway.report.paths import coefficient_path

    names = [str(n) for n in model.feature_names_in_]
    metric, sign = score_metric(model)
    curve = validation_curve_of(model)
    return {
        "Regularization path": plots.regularization_path(coefficient_path(model), names),
        "Validation curve (± 1 standard error)": plots.validation_curve(curve, metric, sign),
        "Training vs validation": plots.train_validation_curve(curve, metric, sign),
    }


def run_fit_files(
    data: str | Path,
    options: Any,
    out_dir: str | Path,
    *,
    engine: str = "auto",
    scheduler: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Fit on the files of ``data`` (a glob) and write report.html, kpis.json, model.zip.
    Returns {"engine", "model", "kpis", "files"}."""
    import json

    from ridgeway.app.persist import save_model
    from ridgeway.evaluation.kpis import json_finite
    from ridgeway.report.html import write_report
    from ridgeway.scale import CSV, Parquet
    from ridgeway.scale.split import HashSplit

    step = progress or (lambda _: None)
    paths = data_paths(data)
    engine = choose_engine(engine, paths)
    kind = CSV if paths[0].lower().endswith(".csv") else Parquet
    source = kind(paths, target=options.target, engine="dask" if engine == "dask" else "stream")
    step("reading the file footers and categories")
    try:
        source.prepared  # noqa: B018  (layout and partitions: a clear error before any work)
    except ValueError as err:
        raise DataError(str(err)) from None
    if options.target not in source.layout.read_columns:
        raise DataError(f"target column {options.target!r} is not in the data")
    task = options.task or _infer_task(source, options.target)
    model = _estimator(options, task)
    train = HashSplit(source, options.test_size, options.seed, "train")
    step(f"fitting {type(model).__name__} ({engine})")
    _fit(model, train, engine, scheduler)
    step("scoring the training and test rows")
    kpis = file_kpis(model, task, train)  # one pass, in this process
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}
    (out / "kpis.json").write_text(json.dumps(json_finite(kpis), indent=2), encoding="utf-8")
    files["kpis"] = out / "kpis.json"
    step("drawing and writing the report")
    settings = {
        "model": type(model).__name__,
        "task": task,
        "target": options.target,
        "files": f"{len(paths)} ({len(source.partitions)} partitions), engine {engine}",
        "train / test rows": f"{kpis['n_train']} / {kpis['n_test']} (hashed row positions, "
        f"seed {options.seed})",
        "λ chosen by": f"{model.cv!r}, rule {options.rule}",
        "categorical columns (one-hot)": ", ".join(source.layout.categories) or "—",
        **{f"test {k}": f"{v:.6g}" for k, v in kpis["test"].items()},
        **{f"train {k}": f"{v:.6g}" for k, v in kpis["train"].items()},
        "chosen l2": f"{kpis['l2']:.6g}",
    }
    files["report"] = write_report(
        out / "report.html",
        title=f"ridgeway: {type(model).__name__} for {options.target!r}",
        figures=_figures(model),
        settings=settings,
    )
    layout = asdict(source.layout)
    layout["categories"] = {k: list(v) for k, v in layout["categories"].items()}
    extra = {"scale_layout": layout, "engine": engine, "seed": options.seed,
             "test_size": options.test_size, "task": task, "cv": options.cv,
             "rule": options.rule, "split": "hashed row positions"}  # fmt: skip
    files["model"] = save_model(model, out / "model.zip", target=options.target, extra=extra)
    return {"engine": engine, "model": model, "kpis": kpis, "files": files}


def restore_layout(model: Any, meta: dict[str, Any]) -> Any:
    """Give a loaded model the column layout (one-hot categories) it was fitted at scale
    with, from its metadata, so that it predicts on raw partitions; no-op for other models."""
    from ridgeway.scale.layout import Layout

    saved = meta.get("extra", {}).get("scale_layout")
    if saved is not None:
        saved = {**saved, "categories": {k: tuple(v) for k, v in saved["categories"].items()},
                 "features": tuple(saved["features"])}  # fmt: skip
        model.scale_layout_ = Layout(**saved)
    return model


def _batches(paths: list[str], batch_rows: int) -> Iterator[pd.DataFrame]:
    import pyarrow.csv as pv
    import pyarrow.parquet as pq

    for path in paths:
        if path.lower().endswith(".csv"):
            with pv.open_csv(path) as reader:
                for batch in reader:
                    yield batch.to_pandas()
        else:
            for batch in pq.ParquetFile(path).iter_batches(batch_size=batch_rows):
                yield batch.to_pandas()


def predict_files(
    model: Any,
    pre: Any,
    data: str | Path,
    write: Callable[[pd.DataFrame], None],
    *,
    id_column: str | None = None,
    batch_rows: int = 65536,
) -> int:
    """Predict the files of ``data`` batch by batch (memory: one batch) and hand each batch's
    predictions (``id_column`` beside them, probabilities for classifiers) to ``write``;
    returns the number of rows. ``pre``: the saved preprocessing, or None for a model
    fitted at scale (its layout encodes the raw columns)."""
    from ridgeway.progress import advance
    from ridgeway.scale.fit import predict_frame

    paths = data_paths(data)
    count = 0
    for frame in _batches(paths, batch_rows):
        if id_column is not None and id_column not in frame.columns:
            raise DataError(f"--id column {id_column!r} is not in {str(data)!r}")
        X = frame if pre is None else pre.transform(frame)
        pred = predict_frame(model, X) if pre is None else model.predict(X)
        columns: dict[str, Any] = {} if id_column is None else {id_column: frame[id_column]}
        result = pd.DataFrame({**columns, "prediction": np.asarray(pred)}, index=frame.index)
        if hasattr(model, "predict_proba"):
            encoded = X if pre is not None else _encoded(model, X)
            proba = model.predict_proba(encoded)
            for j, label in enumerate(model.classes_):
                result[f"proba_{label}"] = proba[:, j]
        write(result.reset_index(drop=True))
        count += len(result)
        advance(count, None, "rows predicted")
    return count


def _encoded(model: Any, frame: pd.DataFrame) -> Any:
    layout = getattr(model, "scale_layout_", None)
    if layout is None:
        return frame
    X = layout.encode(frame, "a batch", need_target=False).X
    return pd.DataFrame(X, columns=list(layout.feature_names))
