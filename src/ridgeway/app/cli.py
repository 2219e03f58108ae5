"""The ``ridgeway`` command: parse → call the library → print. No modelling logic here.

Exit codes: 0 success; 2 bad arguments or data (one line saying why); 1 unexpected failure.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from ridgeway.app.persist import ModelFileError, load_model
from ridgeway.app.preprocess import IMPUTE, DataError
from ridgeway.app.tables import comparison_table, kpi_table
from ridgeway.progress import reporting

app = typer.Typer(
    name="ridgeway",
    help="L2-regularized models on CSV/Parquet files: fit, compare, predict, report.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
out_console = Console()
err_console = Console(stderr=True)

BAD_INPUT, FAILURE = 2, 1


class BadInput(Exception):
    """Bad arguments or data: exit code 2 with a one-line reason."""


def read_table(path: Path) -> pd.DataFrame:
    """CSV or Parquet by suffix; an empty or unreadable file is bad input."""
    if not path.is_file():
        raise BadInput(f"data file {str(path)!r} does not exist")
    suffix = path.suffix.lower()
    try:
        if suffix in (".parquet", ".pq"):
            return pd.read_parquet(path)
        if suffix in (".csv", ".txt", ".gz"):
            return pd.read_csv(path)
    except pd.errors.EmptyDataError:
        raise BadInput(f"data file {str(path)!r} is empty") from None
    except (ValueError, OSError, pd.errors.ParserError) as err:
        raise BadInput(f"cannot read {str(path)!r}: {str(err).splitlines()[0]}") from None
    raise BadInput(f"data file must be .csv or .parquet; got {str(path)!r}")


def guarded(command: Callable[..., None]) -> Callable[..., None]:
    """Map failures to exit codes: bad input 2 (one line), anything else 1."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            command(*args, **kwargs)
        except (BadInput, DataError, ModelFileError) as err:
            err_console.print(f"[bold red]error:[/] {err}", highlight=False, soft_wrap=True)
            raise typer.Exit(BAD_INPUT) from None
        except ValueError as err:  # raised by the estimators' own input checks
            message = str(err).splitlines()[0] if str(err) else type(err).__name__
            err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
            raise typer.Exit(BAD_INPUT) from None
        except typer.Exit:
            raise
        except Exception as err:  # the last line of defence: say it, exit 1
            err_console.print(
                f"[bold red]unexpected failure:[/] {type(err).__name__}: {err}", highlight=False
            )
            raise typer.Exit(FAILURE) from None

    return wrapper


def _parse_cv(cv: str) -> str | int:
    if cv.isdigit():
        return int(cv)
    if cv in ("loo", "gcv"):
        return cv
    raise BadInput(f"--cv must be loo, gcv or a number of folds; got {cv!r}")


DataArg = Annotated[Path, typer.Argument(help="CSV or Parquet file")]
TargetOpt = Annotated[str, typer.Option("--target", "-t", help="target column")]
ModelOpt = Annotated[
    str | None, typer.Option(help="ridge|logistic|svm|elasticnet|lasso (default by task)")
]
CvOpt = Annotated[str, typer.Option(help="loo, gcv or a number of folds")]
RuleOpt = Annotated[str, typer.Option(help="min or 1se")]
TestOpt = Annotated[float, typer.Option("--test-size", help="held-out share of rows")]
ImputeOpt = Annotated[str | None, typer.Option(help="|".join(IMPUTE))]
TaskOpt = Annotated[str | None, typer.Option(help="regression|classification (default: infer)")]
CatOpt = Annotated[
    list[str] | None, typer.Option("--categorical", "-c", help="also one-hot encode this column")
]
OutOpt = Annotated[Path, typer.Option("--out", "-o", help="output folder")]
SeedOpt = Annotated[int, typer.Option(help="seed of the split and the folds")]


def _run(data, target, model, cv, rule, test_size, impute, task, categorical, out, seed, compare):
    from ridgeway.app.workflow import Options, run_fit

    if impute is not None and impute not in IMPUTE:
        raise BadInput(f"--impute must be one of {'|'.join(IMPUTE)}; got {impute!r}")
    frame = read_table(data)
    options = Options(
        target=target, model=model, cv=_parse_cv(cv), rule=rule, test_size=test_size,
        impute=impute, task=task, categorical=tuple(categorical or ()), seed=seed,
    )  # fmt: skip
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
        MofNCompleteColumn(), TimeElapsedColumn(), console=err_console, transient=True,
    ) as progress:  # fmt: skip
        bar = progress.add_task("starting", total=None)
        work = progress.add_task("", total=None, visible=False)

        def listen(done: int, total: int | None, what: str) -> None:  # folds × λ, from fits
            progress.update(work, description=f"  {what}", completed=done, total=total,
                            visible=True)  # fmt: skip

        with reporting(listen):
            result = run_fit(
                frame, options, out, compare=compare,
                progress=lambda text: progress.update(bar, description=text),
            )  # fmt: skip
    out_console.print(kpi_table(result.kpis))
    if result.comparison is not None:
        out_console.print(
            comparison_table(result.comparison.table, "L2 vs L1 vs elastic net vs none")
        )
        for note in result.comparison.notes:
            out_console.print(f"  note: {note}", highlight=False)
    for name, path in result.files.items():
        out_console.print(f"{name}: {path}", highlight=False)


@app.command()
@guarded
def fit(
    data: DataArg,
    target: TargetOpt,
    model: ModelOpt = None,
    cv: CvOpt = "5",
    rule: RuleOpt = "min",
    test_size: TestOpt = 0.25,
    impute: ImputeOpt = None,
    task: TaskOpt = None,
    categorical: CatOpt = None,
    out: OutOpt = Path("ridgeway-out"),
    seed: SeedOpt = 0,
) -> None:
    """Fit a model with λ chosen by cross-validation; print KPIs, write report and model."""
    _run(data, target, model, cv, rule, test_size, impute, task, categorical, out, seed, False)


@app.command()
@guarded
def compare(
    data: DataArg,
    target: TargetOpt,
    model: ModelOpt = None,
    cv: CvOpt = "5",
    rule: RuleOpt = "min",
    test_size: TestOpt = 0.25,
    impute: ImputeOpt = None,
    task: TaskOpt = None,
    categorical: CatOpt = None,
    out: OutOpt = Path("ridgeway-out"),
    seed: SeedOpt = 0,
) -> None:
    """Like fit, plus L2 vs L1 vs elastic net vs no penalty on the same folds."""
    _run(data, target, model, cv, rule, test_size, impute, task, categorical, out, seed, True)


@app.command()
@guarded
def predict(
    model_file: Annotated[Path, typer.Argument(metavar="MODEL", help="a saved model.zip")],
    data: DataArg,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="CSV for predictions")] = None,
) -> None:
    """Predict with a saved model (its preprocessing included) on new rows."""
    model, pre, _ = load_model(model_file)
    frame = read_table(data)
    X = frame if pre is None else pre.transform(frame)
    result = pd.DataFrame({"prediction": model.predict(X)}, index=frame.index)
    if hasattr(model, "predict_proba"):
        proba = model.predict_proba(X)
        for j, label in enumerate(model.classes_):
            result[f"proba_{label}"] = proba[:, j]
    if out is None:
        result.to_csv(sys.stdout, index=False)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        result.to_csv(out, index=False)
        err_console.print(f"{len(result)} predictions written to {out}", highlight=False)


@app.command()
@guarded
def report(
    model_file: Annotated[Path, typer.Argument(metavar="MODEL", help="a saved model.zip")],
    data: DataArg,
    out: OutOpt = Path("ridgeway-report"),
) -> None:
    """Rebuild KPIs and the HTML report of a saved model on DATA (the split it was fitted on,
    from the seed and test size saved with it)."""
    from ridgeway.app.workflow import report_saved

    model, pre, meta = load_model(model_file)
    if pre is None or meta.get("target") is None:
        raise BadInput("the model file has no preprocessing or target: save it with the CLI")
    result = report_saved(model, pre, meta, read_table(data), out)
    out_console.print(kpi_table(result.kpis))
    for name, path in result.files.items():
        out_console.print(f"{name}: {path}", highlight=False)


def _mount_feature_commands() -> None:
    """Commands of the adapters (recommend, monitor), each defined in its own package."""
    from ridgeway.recommend.cli import recommend_command

    app.command("recommend", help="Matrix factorization by alternating ridge (ALS), λ chosen.")(
        recommend_command
    )
    try:  # the monitoring extra (SQLAlchemy, Starlette, ...) may be absent
        from ridgeway.monitor.cli import dashboard, monitor_app
    except ImportError:
        return
    app.add_typer(monitor_app, name="monitor")
    app.command("dashboard", help="Serve the monitoring dashboard (127.0.0.1 by default).")(
        dashboard
    )


_mount_feature_commands()


def main() -> None:
    """Console entry point (``[project.scripts] ridgeway``)."""
    app()


if __name__ == "__main__":
    main()
