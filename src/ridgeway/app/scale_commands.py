"""``ridgeway scale fit`` / ``ridgeway scale predict``: the CLI on data beyond memory.

``fit`` streams a glob of Parquet/CSV files (``--engine stream``, the default: one process,
one row group at a time) or runs the passes on Dask (``--engine dask``; ``--scheduler
tcp://host:8786`` for a cluster, else Dask's threads), shows partitions done, prints the
choice and saves the model in the usual safe format (JSON + arrays) with the column layout
(the one-hot categories) in its metadata. ``predict`` streams the files partition by
partition into one Parquet file of predictions.
"""

from __future__ import annotations

import contextlib
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ridgeway.app.cli import BadInput, err_console, guarded, out_console
from ridgeway.app.persist import load_model, save_model
from ridgeway.progress import reporting

__all__ = ["scale_app"]

scale_app = typer.Typer(help="Fit and predict on data beyond memory (Parquet/CSV globs, Dask).",
                        no_args_is_help=True)  # fmt: skip

MODELS = {"ridge": "RidgeCV", "elasticnet": "ElasticNetCV", "lasso": "LassoCV",
          "logistic": "LogisticRegressionCV"}  # fmt: skip


def _source(data: str, target: str | None, weight: str | None, key: str | None, engine: str):
    from ridgeway.scale import CSV, Parquet

    if engine not in ("stream", "dask"):
        raise BadInput(f"--engine must be stream or dask; got {engine!r}")
    kind = CSV if data.lower().endswith(".csv") else Parquet
    try:
        source = kind(data, target=target, weight=weight, key=key, engine=engine)
        source.paths  # noqa: B018  (resolve the glob now: a clear error before any work)
        return source
    except FileNotFoundError as err:
        raise BadInput(str(err)) from None


@contextlib.contextmanager
def _scheduler(engine: str, address: str | None):
    if engine == "dask" and address is not None:
        from distributed import Client

        with Client(address) as client:
            yield client
        return
    if address is not None:
        raise BadInput("--scheduler needs --engine dask")
    yield None


@contextlib.contextmanager
def _progress():
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err_console, transient=True) as bar:  # fmt: skip
        work = bar.add_task("starting", total=None)

        def listen(done: int, total: int | None, what: str) -> None:
            bar.update(work, description=what, completed=done, total=total)

        with reporting(listen):
            yield


def _cv(cv: str) -> Any:
    from ridgeway.scale import HashFolds

    if cv in ("loo", "gcv"):
        return cv
    if cv.isdigit() and int(cv) >= 2:
        return HashFolds(int(cv))
    raise BadInput(f"--cv must be loo, gcv or a number of folds; got {cv!r}")


@scale_app.command("fit")
@guarded
def fit_command(
    data: Annotated[str, typer.Argument(help="a glob of Parquet or CSV files (quote it)")],
    target: Annotated[str, typer.Option("--target", "-t", help="target column")],
    model: Annotated[str, typer.Option(help="|".join(MODELS))] = "ridge",
    cv: Annotated[str, typer.Option(help="loo, gcv (ridge) or a number of hash folds")] = "5",
    engine: Annotated[str, typer.Option(help="stream (one process) or dask")] = "stream",
    scheduler: Annotated[str | None, typer.Option(help="tcp://host:8786 (with dask)")] = None,
    weight: Annotated[str | None, typer.Option(help="sample-weight column")] = None,
    key: Annotated[str | None, typer.Option(help="id column the folds hash")] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="output folder")] = Path("ridgeway-out"),
) -> None:
    """Fit a model on files at scale, λ chosen on hash folds; save it as OUT/model.zip."""
    import ridgeway as rw
    from ridgeway.scale import HashFolds, Pass

    if model not in MODELS:
        raise BadInput(f"--model must be one of {'|'.join(MODELS)}; got {model!r}")
    folds = _cv(cv)
    if isinstance(folds, HashFolds) and key is not None:
        folds = HashFolds(folds.n_splits, key=key)
    if isinstance(folds, str) and model != "ridge":
        raise BadInput(f"--cv {cv} is for ridge; {model} takes a number of folds")
    source = _source(data, target, weight, key, engine)
    estimator = getattr(rw, MODELS[model])(cv=folds)
    Pass.reset()
    with _scheduler(engine, scheduler), _progress():
        estimator.fit(source)
    out_console.print(
        f"{type(estimator).__name__} on {source.n_rows} rows × {source.layout.n_features} "
        f"features ({len(source.paths)} files, {len(source.partitions)} partitions, {Pass.passes} "
        f"passes, engine {engine})",
        highlight=False,
    )
    best = float(np.max(estimator.cv_results_["mean_score"]))
    out_console.print(f"chosen l2 = {float(np.ravel(estimator.l2_)[0]):.6g}; best CV score "
                      f"{best:.6g}", highlight=False)  # fmt: skip
    layout = asdict(source.layout)
    layout["categories"] = {k: list(v) for k, v in layout["categories"].items()}
    path = save_model(estimator, out / "model.zip", target=target,
                      extra={"scale_layout": layout, "engine": engine})  # fmt: skip
    out_console.print(f"model: {path}", highlight=False)


@scale_app.command("predict")
@guarded
def predict_command(
    model_file: Annotated[Path, typer.Argument(metavar="MODEL", help="a saved model.zip")],
    data: Annotated[str, typer.Argument(help="a glob of Parquet or CSV files (quote it)")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Parquet file of predictions")] = Path(
        "predictions.parquet"
    ),
) -> None:
    """Predict partition by partition (memory: one partition) into one Parquet file."""
    from ridgeway.app.scale_workflow import restore_layout
    from ridgeway.scale import predict_partitions

    estimator, _, meta = load_model(model_file)
    restore_layout(estimator, meta)
    source = _source(data, None, None, None, "stream")
    out.parent.mkdir(parents=True, exist_ok=True)
    writer, count = None, 0
    with _progress():
        for part, pred in predict_partitions(estimator, source):
            table = pa.table({"row": np.arange(part.offset, part.offset + part.n_rows),
                              "prediction": np.asarray(pred)})  # fmt: skip
            writer = writer or pq.ParquetWriter(out, table.schema)
            writer.write_table(table)
            count += part.n_rows
    if writer is not None:
        writer.close()
    err_console.print(f"{count} predictions written to {out}", highlight=False)
