"""``ridgeway fit`` on a glob of Parquet/CSV files: in memory, streamed, or on Dask, with the
same split, folds, model, KPIs, report and model file whichever engine runs it.

The test rows are those whose global position hashes below ``--test-size``
(:mod:`ridgeway.scale.split`), λ is chosen on ``HashFolds(k, seed)`` of the training rows, so
``--engine memory`` (the files read into memory, the in-memory estimator) and ``--engine
stream|dask`` (one pass per statistic, memory bounded by a row group) fit the same model. The
KPIs are the in-memory ``fit``'s (baseline, error reduction, signed coefficients against the
baseline, cond(XᵀX), effective df): read off the rows with engine memory, from passes over
the files otherwise (``evaluation.at_scale``; on the workers with engine dask); the report's
figures from the CV results and ``coef_path_``.
"""

from __future__ import annotations

import contextlib
import glob
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
    ("classification", "svm"): "LinearSVCCV",
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


def _fit(model: Any, train: Any, engine: str) -> Any:
    """The model fitted on the training side of the split: by ridgeway.scale's passes, or
    (engine memory) the in-memory estimator on the training rows read into memory."""
    if engine != "memory":
        return model.fit(train), None
    block = train.read()  # the training rows in memory, in order: the in-memory estimator
    layout = train.layout
    X = pd.DataFrame(block.X, columns=list(layout.feature_names))
    model.fit(X, block.y)
    model.scale_layout_ = layout
    return model, (X, block.y)


def file_kpis(model: Any, train: Any, engine: str, rows: Any) -> Any:
    """The KPIs of the in-memory ``fit`` (evaluation.kpis) on the hashed split: with engine
    memory from the rows in memory, else from passes over the files (evaluation.at_scale:
    the training moments, the baseline's fit, one prediction pass — on the Dask workers with
    engine dask), the same numbers either way."""
    from ridgeway.evaluation.at_scale import kpis_at_scale
    from ridgeway.evaluation.kpis import compute_kpis
    from ridgeway.scale.split import HashSplit

    if engine != "memory":
        return kpis_at_scale(model, train)
    X_train, y_train = rows
    block = HashSplit(train.source, train.test_size, train.seed, "test").read()
    X_test = pd.DataFrame(block.X, columns=list(train.layout.feature_names))
    return compute_kpis(model, X_train, y_train, X_test, block.y)


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
    Returns {"engine", "model", "kpis" (the KPIs), "files"}."""
    from ridgeway.app.persist import save_model
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
    with _scheduler(scheduler if engine == "dask" else None):
        step(f"fitting {type(model).__name__} ({engine})")
        model, rows = _fit(model, train, engine)
        step("scoring against the unregularized baseline")
        kpis = file_kpis(model, train, engine, rows)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}
    (out / "kpis.json").write_text(kpis.to_json(indent=2), encoding="utf-8")
    files["kpis"] = out / "kpis.json"
    step("drawing and writing the report")
    settings = {
        "model": type(model).__name__,
        "task": task,
        "target": options.target,
        "files": f"{len(paths)} ({len(source.partitions)} partitions), engine {engine}",
        "train / test rows": f"{kpis.n_train} / {kpis.n_test} (hashed row positions, "
        f"seed {options.seed})",
        "λ chosen by": f"{model.cv!r}, rule {options.rule}",
        "categorical columns (one-hot)": ", ".join(source.layout.categories) or "—",
    }
    files["report"] = write_report(
        out / "report.html",
        title=f"ridgeway: {type(model).__name__} for {options.target!r}",
        kpis=kpis,
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


def report_files(
    model: Any, meta: dict[str, Any], data: str | Path, out_dir: str | Path
) -> dict[str, Any]:
    """KPIs and report of a model fitted on files (``ridgeway fit GLOB``), on the files of
    ``data``, split again with the saved seed and test size — the same rows, hence the same
    KPIs as at fit time, when the files are the same — from passes over them (streamed).
    Writes report.html; returns {"kpis", "files"}."""
    from ridgeway.evaluation.at_scale import kpis_at_scale
    from ridgeway.report.html import write_report
    from ridgeway.scale import CSV, HashFolds, Parquet
    from ridgeway.scale.split import HashSplit

    extra = meta.get("extra", {})
    restore_layout(model, meta)
    fitted = model.scale_layout_
    paths = data_paths(data)
    kind = CSV if paths[0].lower().endswith(".csv") else Parquet
    source = kind(paths, target=meta["target"], features=list(fitted.features))
    try:
        layout = source.layout
    except ValueError as err:
        raise DataError(str(err)) from None
    if list(layout.feature_names) != list(fitted.feature_names):
        raise DataError(
            f"the files encode to other columns than the model was fitted on (categories "
            f"learnt from the files: {dict(layout.categories)}; the model's: "
            f"{dict(fitted.categories)})"
        )
    seed, test_size = int(extra.get("seed", 0)), float(extra.get("test_size", 0.25))
    if str(extra.get("cv", "")).isdigit():  # the folds of fit time (not in the model file)
        model.set_params(cv=HashFolds(int(extra["cv"]), seed=seed))
    train = HashSplit(source, test_size, seed, "train")
    kpis = kpis_at_scale(model, train)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    settings = {
        "model": type(model).__name__,
        "task": extra.get("task", kpis.task),
        "target": meta["target"],
        "files": f"{len(paths)} ({len(source.partitions)} partitions), streamed",
        "train / test rows": f"{kpis.n_train} / {kpis.n_test} (hashed row positions, seed {seed})",
        "λ chosen by": f"{model.get_params().get('cv')!r}, rule {extra.get('rule')}",
        "categorical columns (one-hot)": ", ".join(layout.categories) or "—",
    }
    report = write_report(
        out / "report.html",
        title=f"ridgeway: saved {type(model).__name__} for {meta['target']!r}",
        kpis=kpis,
        figures=_figures(model),
        settings=settings,
    )
    return {"kpis": kpis, "files": {"report": report}}


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
