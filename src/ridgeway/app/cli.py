"""The ``ridgeway`` command: parse → call the library → print. No modelling logic here.

Exit codes: 0 success (also when the reader of our output closes the pipe, as ``| head`` does);
2 bad arguments, data, files or folders (one line saying why); 1 unexpected failure (a bug).

This module imports only typer, click and rich: pandas, scikit-learn, numba and matplotlib load
inside the commands, after every option has been checked, so ``ridgeway --help`` and a bad
option answer at once. The adapters' commands (recommend, monitor, dashboard) load only when
they run.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import os
import sys
from collections.abc import Callable, Sequence
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer
from rich.console import Console
from typer.core import TyperCommand, TyperGroup

try:  # recent typer vendors its own click: its exceptions and classes are the ones raised
    from typer import _click as click
except ImportError:  # pragma: no cover - typer < 0.25 uses click itself
    import click  # type: ignore[no-redef]

if TYPE_CHECKING:
    import pandas as pd

out_console = Console()
err_console = Console(stderr=True)

BAD_INPUT, FAILURE = 2, 1


class BadInput(Exception):
    """Bad arguments, data, files or folders: exit code 2 with a one-line reason."""


# ---- choices, as typed options (checked by the parser, before any work) --------------------


class Model(str, Enum):
    ridge = "ridge"
    logistic = "logistic"
    svm = "svm"
    elasticnet = "elasticnet"
    lasso = "lasso"
    mlp = "mlp"


class Rule(str, Enum):
    min = "min"
    one_se = "1se"


class Impute(str, Enum):
    mean = "mean"
    median = "median"
    most_frequent = "most_frequent"


class Task(str, Enum):
    regression = "regression"
    classification = "classification"


class Engine(str, Enum):
    auto = "auto"
    memory = "memory"
    stream = "stream"
    dask = "dask"


#: the exact CV schemes each --model offers (k folds are always available)
EXACT_CV = {"ridge": ("loo", "gcv"), "logistic": ("loo",), "svm": ("loo",)}


def parse_cv(value: str | int) -> str | int:
    """``loo``, ``gcv`` or a number of folds ≥ 2 (a usage error otherwise)."""
    text = str(value).strip().lower()
    if text in ("loo", "gcv"):
        return text
    if text.isdigit():
        if int(text) < 2:
            raise typer.BadParameter(f"a number of folds must be at least 2; got {text}")
        return int(text)
    raise typer.BadParameter(f"must be loo, gcv or a number of folds (≥ 2); got {value!r}")


def _test_size(value: float) -> float:
    if not 0.0 < value < 1.0:
        raise typer.BadParameter(f"the held-out share must be in (0, 1); got {value}")
    return value


def _version(value: bool) -> None:
    if value:
        from ridgeway import __version__

        out_console.print(f"ridgeway {__version__}", highlight=False)
        raise typer.Exit()


# ---- files and folders: checked before the data is read -----------------------------------


def check_out_folder(out: Path, force: bool) -> None:
    """``--out`` must be a folder we may create or fill: not a file, not below a file,
    writable, and not an existing non-empty folder unless ``--force``."""
    if out.exists():
        if not out.is_dir():
            raise BadInput(f"--out {str(out)!r} is an existing file; give a folder")
        if any(out.iterdir()) and not force:
            raise BadInput(
                f"--out {str(out)!r} already exists and is not empty; pass --force to "
                "overwrite what ridgeway writes there, or choose another folder"
            )
    _check_writable_parent(out)


def check_out_file(out: Path, force: bool) -> None:
    """``predict --out`` must be a file path: not a folder, not an existing file unless
    ``--force``, in a folder we may create or write."""
    if out.is_dir():
        raise BadInput(f"--out {str(out)!r} is a folder; give a file name such as pred.csv")
    if out.exists() and not force:
        raise BadInput(f"--out {str(out)!r} already exists; pass --force to overwrite it")
    _check_writable_parent(out)


def _check_writable_parent(path: Path) -> None:
    target = path if path.is_dir() else path.parent
    existing = target
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise BadInput(f"cannot write to {str(path)!r}: {str(existing)!r} is a file, not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise BadInput(f"cannot write to {str(path)!r}: {str(existing)!r} is not writable")


def _duplicates(names: Sequence[Any]) -> list[str]:
    seen: set[str] = set()
    return sorted({str(n) for n in names if str(n) in seen or seen.add(str(n))})


def read_table(path: Path) -> pd.DataFrame:
    """CSV or Parquet by suffix; an empty or unreadable file, or one whose columns repeat a
    name (pandas would rename them silently), is bad input."""
    import pandas as pd

    if not path.is_file():
        raise BadInput(f"data file {str(path)!r} does not exist")
    suffix = path.suffix.lower()
    try:
        if suffix in (".parquet", ".pq"):
            import pyarrow.parquet as pq

            names = pq.read_schema(path).names
            _refuse_duplicates(path, names)
            return pd.read_parquet(path)
        if suffix in (".csv", ".txt", ".gz"):
            if suffix != ".gz":
                _refuse_duplicates(path, _csv_header(path))
            return pd.read_csv(path)
    except pd.errors.EmptyDataError:
        raise BadInput(f"data file {str(path)!r} is empty") from None
    except (ValueError, OSError, pd.errors.ParserError) as err:
        raise BadInput(f"cannot read {str(path)!r}: {str(err).splitlines()[0]}") from None
    raise BadInput(f"data file must be .csv or .parquet; got {str(path)!r}")


def _csv_header(path: Path) -> list[str]:
    """The column names as written (pandas would rename repeated ones)."""
    import csv

    with path.open(newline="", encoding="utf-8", errors="replace") as handle:
        return next(csv.reader(handle), [])


def _column_names(path: Path) -> list[str]:
    if path.suffix.lower() in (".parquet", ".pq"):
        import pyarrow.parquet as pq

        try:
            return list(pq.read_schema(path).names)
        except (OSError, ValueError):
            return []  # read_table says what is wrong
    return _csv_header(path)


def count_rows(path: Path) -> int | None:
    """Rows of a data file, cheaply: exact for Parquet (its metadata); for a plain CSV an upper
    bound (lines after the header). None where it cannot be told without parsing."""
    suffix = path.suffix.lower()
    if not path.is_file():
        return None
    try:
        if suffix in (".parquet", ".pq"):
            import pyarrow.parquet as pq

            return int(pq.read_metadata(path).num_rows)
        if suffix in (".csv", ".txt"):
            lines, last = 0, b"\n"
            with path.open("rb") as handle:
                while chunk := handle.read(1 << 22):
                    lines += chunk.count(b"\n")
                    last = chunk[-1:]
            return max(0, lines + (last != b"\n") - 1)
    except (OSError, ValueError):
        return None  # read_table says what is wrong
    return None


def _refuse_duplicates(path: Path, names: Sequence[Any]) -> None:
    repeated = _duplicates(names)
    if repeated:
        raise BadInput(
            f"{str(path)!r} repeats the column name(s) {', '.join(map(repr, repeated[:5]))}; "
            "rename them so that every column has its own name"
        )


# ---- exit codes ------------------------------------------------------------------------------


def _quiet_closed_pipe() -> None:
    """The reader closed our stdout (``| head``): nothing is wrong; leave without a traceback
    (Python would otherwise complain when it flushes stdout at exit)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout without a file descriptor (a test runner)
        pass


def _one_line(err: BaseException) -> str:
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__


def guarded(command: Callable[..., None]) -> Callable[..., None]:
    """Map failures to exit codes: bad input 2 (one line), a closed pipe 0, anything else 1."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            command(*args, **kwargs)
        except BrokenPipeError:
            _quiet_closed_pipe()
            raise typer.Exit(0) from None
        except Exception as err:
            if not _bad_input(err):
                raise
            err_console.print(f"[bold red]error:[/] {err}", highlight=False, soft_wrap=True)
            raise typer.Exit(BAD_INPUT) from None

    return _last_line_of_defence(wrapper)


def _bad_input(err: Exception) -> bool:
    """Our own bad-input errors; the modules that define them are looked up, not imported
    (importing persist would load every estimator before the command starts)."""
    kinds: list[type] = [BadInput]
    for module, name in (("ridgeway.app.preprocess", "DataError"),
                         ("ridgeway.app.persist", "ModelFileError")):  # fmt: skip
        if module in sys.modules:
            kinds.append(getattr(sys.modules[module], name))
    return isinstance(err, tuple(kinds))


def _last_line_of_defence(command: Callable[..., None]) -> Callable[..., None]:
    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            command(*args, **kwargs)
        except OSError as err:  # a file or folder we could not read or write
            where = f" {err.filename!r}" if err.filename else ""
            reason = err.strerror or _one_line(err)
            err_console.print(
                f"[bold red]error:[/] cannot use{where}: {reason}", highlight=False, soft_wrap=True
            )
            raise typer.Exit(BAD_INPUT) from None
        except ValueError as err:  # raised by the estimators' own input checks
            err_console.print(
                f"[bold red]error:[/] {_one_line(err)}", highlight=False, soft_wrap=True
            )
            raise typer.Exit(BAD_INPUT) from None
        except typer.Exit:
            raise
        except Exception as err:  # the last line of defence: say it, exit 1
            err_console.print(
                f"[bold red]unexpected failure:[/] {type(err).__name__}: {err}", highlight=False
            )
            raise typer.Exit(FAILURE) from None

    return wrapper


class LazyCommand(TyperCommand):
    """A command listed in ``--help`` whose module is imported only when it runs."""

    def __init__(self, name: str, help: str, load: Callable[[], click.Command]) -> None:
        super().__init__(name, help=help)
        self.load = load
        self.rich_help_panel = None

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None,
                     **extra: Any) -> click.Context:  # fmt: skip
        return self.load().make_context(info_name, args, parent=parent, **extra)


def _typer_command(module: str, function: str, name: str) -> Callable[[], click.Command]:
    def load() -> click.Command:
        if module.startswith("ridgeway.monitor") and importlib.util.find_spec("sqlalchemy") is None:
            raise click.UsageError(
                f"`ridgeway {name}` needs the monitoring extra: pip install 'ridgeway[monitor]'"
            )
        single = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
        single.command(name)(getattr(importlib.import_module(module), function))
        return typer.main.get_command(single)

    return load


def _typer_group(module: str, attribute: str, name: str, needs: str | None = "sqlalchemy"
                 ) -> Callable[[], click.Command]:  # fmt: skip
    def load() -> click.Command:
        if needs is not None and importlib.util.find_spec(needs) is None:
            raise click.UsageError(
                f"`ridgeway {name}` needs the monitoring extra: pip install 'ridgeway[monitor]'"
            )
        group = typer.main.get_group(getattr(importlib.import_module(module), attribute))
        group.name = name
        return group

    return load


#: the adapters' commands, each defined in its own package, imported when it runs
FEATURE_COMMANDS = {
    "recommend": LazyCommand(
        "recommend",
        "Matrix factorization by alternating ridge (ALS), λ chosen.",
        _typer_command("ridgeway.recommend.cli", "recommend_command", "recommend"),
    ),
    "scale": LazyCommand(
        "scale",
        "Fit and predict on data beyond memory (Parquet/CSV globs, Dask).",
        _typer_group("ridgeway.app.scale_commands", "scale_app", "scale", needs=None),
    ),
    "monitor": LazyCommand(
        "monitor",
        "Log metrics of a deployed model, check rules, list and send alerts.",
        _typer_group("ridgeway.monitor.cli", "monitor_app", "monitor"),
    ),
    "dashboard": LazyCommand(
        "dashboard",
        "Serve the monitoring dashboard (127.0.0.1 by default).",
        _typer_command("ridgeway.monitor.cli", "dashboard", "dashboard"),
    ),
}


class RidgewayGroup(TyperGroup):
    """The top-level group: lazy adapter commands, and usage errors as one line (exit 2)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*super().list_commands(ctx), *FEATURE_COMMANDS]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return super().get_command(ctx, cmd_name) or FEATURE_COMMANDS.get(cmd_name)

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             **extra: Any) -> Any:  # fmt: skip
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            code = code if isinstance(code, int) else 0
        except click.exceptions.NoArgsIsHelpError as err:
            err_console.print(err.ctx.get_help() if err.ctx else "", highlight=False)
            code = err.exit_code
        except click.ClickException as err:
            command = err.ctx.command_path if getattr(err, "ctx", None) else "ridgeway"  # type: ignore[attr-defined]
            message = err.format_message().replace("Value error, ", "")  # pydantic's prefix
            err_console.print(
                f"[bold red]error:[/] {message} (see `{command} --help`)",
                highlight=False, soft_wrap=True,
            )  # fmt: skip
            code = err.exit_code
        except typer.Abort:
            err_console.print("aborted", highlight=False)
            code = FAILURE
        except SystemExit as exit_:  # typer exits 1 itself when stdout's reader has gone
            closed_pipe = isinstance(exit_.__context__, BrokenPipeError)
            code = 0 if closed_pipe else exit_.code if isinstance(exit_.code, int) else FAILURE
        if standalone_mode:
            sys.exit(code)
        return code


app = typer.Typer(
    name="ridgeway",
    cls=RidgewayGroup,
    help="L2-regularized models on CSV/Parquet files: fit, compare, predict, report.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="print the version"),
    ] = False,
) -> None:
    """L2-regularized models on CSV/Parquet files: fit, compare, predict, report."""


DataArg = Annotated[Path, typer.Argument(help="CSV or Parquet file")]
TargetOpt = Annotated[str, typer.Option("--target", "-t", help="target column")]
ModelOpt = Annotated[Model | None, typer.Option(help="default: ridge (regression), logistic")]
CvOpt = Annotated[
    str, typer.Option(parser=parse_cv, metavar="loo|gcv|INT", help="loo, gcv or k folds (≥ 2)")
]
RuleOpt = Annotated[Rule, typer.Option(help="λ with the best CV score, or the largest within 1 SE")]
TestOpt = Annotated[
    float, typer.Option("--test-size", callback=_test_size, help="held-out share of rows")
]
ImputeOpt = Annotated[Impute | None, typer.Option(help="fill missing values (default: refuse)")]
TaskOpt = Annotated[Task | None, typer.Option(help="default: inferred from the target")]
CatOpt = Annotated[
    list[str] | None,
    typer.Option("--categorical", "-c", help="one-hot encode this column too (repeat the flag)"),
]
OutOpt = Annotated[Path, typer.Option("--out", "-o", help="output folder")]
ForceOpt = Annotated[bool, typer.Option("--force", help="overwrite an existing --out")]
SeedOpt = Annotated[int, typer.Option(help="seed of the split and the folds")]
EngineOpt = Annotated[
    Engine,
    typer.Option(help="auto: stream files larger than a quarter of free memory; memory, "
                 "stream (one row group at a time) or dask"),
]  # fmt: skip
SchedulerOpt = Annotated[
    str | None, typer.Option(help="a Dask scheduler address, tcp://host:8786 (--engine dask)")
]
PositiveOpt = Annotated[
    str | None,
    typer.Option("--positive-class", help="class F1/precision/recall count as positive "
                 "(binary; default: the second in sorted order)"),
]  # fmt: skip
# --model mlp only (a torch network, ridgeway.nn); None: not given. Checked, with the
# defaults, by ridgeway.nn.cli_support.MLPOptions, imported only when --model mlp runs.
MLP_HELP = "--model mlp: "
HiddenOpt = Annotated[
    str | None, typer.Option(help=MLP_HELP + "hidden widths, e.g. 64,32; none: linear, default 64")
]
L2Opt = Annotated[
    str | None,
    typer.Option(
        "--l2", help=MLP_HELP + "λ, or auto to choose it on a held-out split, default auto"
    ),
]
OptimizerOpt = Annotated[
    Literal["adam", "sgd", "adamw", "lbfgs"] | None,
    typer.Option(
        help=MLP_HELP + "adamw's decay is decoupled: --l2 is then its weight_decay; default adam"
    ),
]
LrOpt = Annotated[
    float | None, typer.Option(help=MLP_HELP + "learning rate, default 1e-3 (sgd 1e-2)")
]
EpochsOpt = Annotated[int | None, typer.Option(help=MLP_HELP + "epochs per run, default 200")]
BatchOpt = Annotated[
    int | None, typer.Option("--batch-size", help=MLP_HELP + "rows per step, 0: full, default 64")
]
BudgetOpt = Annotated[
    Literal["halving", "full"] | None,
    typer.Option(
        help=MLP_HELP + "λ search: successive halving or every λ all epochs, default halving"
    ),
]


def _mlp_options(model: str | None, **given: Any) -> Any:
    """The network's settings for --model mlp (checked before the data is read); for any
    other model, None (and no network option may be given)."""
    given = {k: v for k, v in given.items() if v is not None}
    if model != "mlp":
        if given:
            flags = ", ".join("--" + k.replace("_", "-") for k in given)
            verb = "applies" if len(given) == 1 else "apply"
            raise BadInput(f"{flags} {verb} to --model mlp only; got --model {model or 'default'}")
        return None
    from ridgeway.nn.cli_support import MLPOptions  # torch: only when a network is asked for

    return MLPOptions.from_cli(**given)


def _check_cv_for_model(cv: str | int, model: Model | None) -> None:
    if isinstance(cv, int) or model is None or model is Model.mlp:
        return  # the default model's schemes are checked once the task is known
    offered = EXACT_CV.get(model.value, ())
    if cv not in offered:
        also = f" or {' / '.join(offered)}" if offered else ""
        raise BadInput(
            f"--cv {cv} is not available for --model {model.value}; use a number of folds "
            f"(e.g. --cv 5){also}"
        )


def _run(data: Path, target: str, model: Model | None, cv: str | int, rule: Rule,
         test_size: float, impute: Impute | None, task: Task | None,
         categorical: list[str] | None, out: Path, force: bool, seed: int,
         compare: bool, positive_class: str | None = None, mlp: Any = None) -> None:  # fmt: skip
    _check_cv_for_model(cv, model)
    check_out_folder(out, force)
    from ridgeway.app.preprocess import check_row_count

    if data.is_file() and data.suffix.lower() in (".csv", ".txt", ".parquet", ".pq"):
        _refuse_duplicates(data, _column_names(data))  # before the row count: a clearer reason
    rows = count_rows(data)
    if rows is not None and rows > 0:  # too few rows: said before the file is parsed
        check_row_count(rows, test_size, cv)
    frame = read_table(data)

    from ridgeway.app.display import showing
    from ridgeway.app.tables import comparison_table, kpi_table
    from ridgeway.app.workflow import Options, run_fit

    options = Options(
        target=target, model=None if model is None else model.value, cv=cv, rule=rule.value,
        test_size=test_size, impute=None if impute is None else impute.value,
        task=None if task is None else task.value, categorical=tuple(categorical or ()),
        seed=seed, positive_class=positive_class, mlp=mlp,
    )  # fmt: skip
    with showing(err_console, 8 if compare else 4) as display:
        result = run_fit(frame, options, out, compare=compare, progress=display.stage)
    for note in result.notes:
        err_console.print(f"note: {note}", highlight=False, soft_wrap=True)
    out_console.print(result.kpis.headline, highlight=False)
    out_console.print(kpi_table(result.kpis))
    if result.comparison is not None:
        out_console.print(comparison_table(result.comparison.table, result.comparison.title))
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
    rule: RuleOpt = Rule.min,
    test_size: TestOpt = 0.25,
    impute: ImputeOpt = None,
    task: TaskOpt = None,
    categorical: CatOpt = None,
    out: OutOpt = Path("ridgeway-out"),
    force: ForceOpt = False,
    seed: SeedOpt = 0,
    positive_class: PositiveOpt = None,
    hidden: HiddenOpt = None,
    l2: L2Opt = None,
    optimizer: OptimizerOpt = None,
    lr: LrOpt = None,
    epochs: EpochsOpt = None,
    batch_size: BatchOpt = None,
    budget: BudgetOpt = None,
    engine: EngineOpt = Engine.auto,
    scheduler: SchedulerOpt = None,
) -> None:
    """Fit a model with λ chosen by cross-validation; print KPIs, write report and model.

    --model mlp trains a torch network whose weight decay is chosen on a held-out split.

    DATA may be a quoted glob of Parquet/CSV files ('data/*.parquet').

    Files are split and folded by a hash of the row, and streamed when large (--engine).

    Every engine gives the same results."""
    if _on_files(data, engine, scheduler):
        _run_files(data, target, model, cv, rule, test_size, task, out, force, seed, engine,
                   scheduler, impute=impute, categorical=categorical,
                   positive_class=positive_class,
                   network=any(v is not None for v in (hidden, l2, optimizer, lr, epochs,
                                                       batch_size, budget)))  # fmt: skip
        return
    mlp = _mlp_options(None if model is None else model.value, hidden=hidden, l2=l2,
                       optimizer=optimizer, lr=lr, epochs=epochs, batch_size=batch_size,
                       budget=budget)  # fmt: skip
    _run(data, target, model, cv, rule, test_size, impute, task, categorical, out, force, seed,
         False, positive_class, mlp)  # fmt: skip


def _on_files(data: Path, engine: Engine, scheduler: str | None) -> bool:
    """Whether fit runs on files at scale: a glob, an engine other than auto, or a single
    file that auto streams (larger than a share of the available memory)."""
    if scheduler is not None and engine is not Engine.dask:
        raise BadInput("--scheduler needs --engine dask")
    from ridgeway.app.scale_workflow import choose_engine, is_glob

    if is_glob(data) or engine is not Engine.auto:
        return True
    return data.is_file() and choose_engine("auto", [str(data)]) == "stream"


def _run_files(data: Path, target: str, model: Model | None, cv: str | int, rule: Rule,
               test_size: float, task: Task | None, out: Path, force: bool, seed: int,
               engine: Engine, scheduler: str | None, *, impute: Any, categorical: Any,
               positive_class: Any, network: bool) -> None:  # fmt: skip
    given = {"--impute": impute, "--categorical": categorical,
             "--positive-class": positive_class}  # fmt: skip
    flags = [k for k, v in given.items() if v] + (["network options"] if network else [])
    if flags:
        raise BadInput(f"{', '.join(flags)} do not apply to files fitted at scale (a glob or "
                       "--engine); categories are learnt from the files")  # fmt: skip
    if not (isinstance(cv, int) or str(cv).isdigit()):
        raise BadInput(f"--cv {cv} is not available on files; use a number of hash folds")
    if model is not None and model.value not in ("ridge", "logistic", "svm", "elasticnet", "lasso"):
        raise BadInput(f"--model {model.value} is not available on files; use ridge, "
                       "logistic, svm, elasticnet or lasso")  # fmt: skip
    check_out_folder(out, force)
    from ridgeway.app.display import showing
    from ridgeway.app.scale_workflow import data_paths, run_fit_files
    from ridgeway.app.workflow import Options

    data_paths(data)  # no file: one line, before any work
    options = Options(target=target, model=None if model is None else model.value, cv=cv,
                      rule=rule.value, test_size=test_size,
                      task=None if task is None else task.value, seed=seed)  # fmt: skip
    with showing(err_console, 5) as display:  # partitions done: the passes' progress
        result = run_fit_files(data, options, out, engine=engine.value, scheduler=scheduler,
                               progress=display.stage)  # fmt: skip
    from ridgeway.app.tables import kpi_table

    kpis = result["kpis"]
    out_console.print(
        f"{kpis.model} on {kpis.n_train} training / {kpis.n_test} test rows "
        f"(engine {result['engine']}); chosen l2 = {kpis.l2:.6g}",
        highlight=False,
    )
    out_console.print(kpis.headline, highlight=False)  # as the in-memory fit prints them
    out_console.print(kpi_table(kpis))
    for name, path in result["files"].items():
        out_console.print(f"{name}: {path}", highlight=False)


@app.command()
@guarded
def compare(
    data: DataArg,
    target: TargetOpt,
    model: ModelOpt = None,
    cv: CvOpt = "5",
    rule: RuleOpt = Rule.min,
    test_size: TestOpt = 0.25,
    impute: ImputeOpt = None,
    task: TaskOpt = None,
    categorical: CatOpt = None,
    out: OutOpt = Path("ridgeway-out"),
    force: ForceOpt = False,
    seed: SeedOpt = 0,
    positive_class: PositiveOpt = None,
) -> None:
    """Like fit, plus the model family's other penalties and no penalty, on the same folds.

    The other penalties are L1 and elastic net where the family has them."""
    _run(data, target, model, cv, rule, test_size, impute, task, categorical, out, force, seed,
         True, positive_class)  # fmt: skip


@app.command()
@guarded
def predict(
    model_file: Annotated[Path, typer.Argument(metavar="MODEL", help="a saved model.zip")],
    data: DataArg,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="CSV, or Parquet (.parquet), for predictions (default: CSV on stdout)",
        ),
    ] = None,
    id_column: Annotated[
        str | None, typer.Option("--id", help="copy this column of DATA beside the predictions")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="overwrite an existing --out")] = False,
) -> None:
    """Predict with a saved model (its preprocessing included) on new rows."""
    if out is not None:
        check_out_file(out, force)
    from ridgeway.app.persist import load_model

    model, pre, meta = load_model(model_file)
    from ridgeway.app.scale_workflow import is_glob

    if is_glob(data) or "scale_layout" in meta.get("extra", {}):
        _predict_files(model, pre, meta, data, out, id_column)
        return
    frame = read_table(data)
    if id_column is not None and id_column not in frame.columns:
        raise BadInput(f"--id column {id_column!r} is not in {str(data)!r}")

    import pandas as pd

    X = frame if pre is None else pre.transform(frame)
    columns: dict[str, Any] = {} if id_column is None else {id_column: frame[id_column]}
    result = pd.DataFrame({**columns, "prediction": model.predict(X)}, index=frame.index)
    if hasattr(model, "predict_proba"):
        proba = model.predict_proba(X)
        for j, label in enumerate(model.classes_):
            result[f"proba_{label}"] = proba[:, j]
    if out is None:
        result.to_csv(sys.stdout, index=False)
        sys.stdout.flush()  # a closed pipe shows here, inside the guard
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        result.to_csv(out, index=False)
        err_console.print(f"{len(result)} predictions written to {out}", highlight=False)


def _predict_files(model: Any, pre: Any, meta: dict[str, Any], data: Path, out: Path | None,
                   id_column: str | None) -> None:  # fmt: skip
    """Predictions streamed batch by batch: into Parquet (--out *.parquet) or CSV."""
    from ridgeway.app.scale_workflow import predict_files, restore_layout

    restore_layout(model, meta)
    parquet = out is not None and out.suffix.lower() in (".parquet", ".pq")
    state: dict[str, Any] = {"writer": None}
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        if not parquet:
            out.write_text("", encoding="utf-8")

    def write(batch: Any) -> None:
        if parquet:
            import pyarrow as pa
            import pyarrow.parquet as pq

            table = pa.Table.from_pandas(batch, preserve_index=False)
            if state["writer"] is None:
                state["writer"] = pq.ParquetWriter(out, table.schema)
            state["writer"].write_table(table)
            return
        first = state["writer"] is None
        state["writer"] = True
        if out is None:
            batch.to_csv(sys.stdout, index=False, header=first)
        else:
            batch.to_csv(out, index=False, header=first, mode="a")

    try:
        count = predict_files(model, pre, data, write, id_column=id_column)
    finally:
        if parquet and state["writer"] is not None:
            state["writer"].close()
    if out is None:
        sys.stdout.flush()
    else:
        err_console.print(f"{count} predictions written to {out}", highlight=False)


@app.command()
@guarded
def report(
    model_file: Annotated[Path, typer.Argument(metavar="MODEL", help="a saved model.zip")],
    data: DataArg,
    out: OutOpt = Path("ridgeway-report"),
    force: ForceOpt = False,
) -> None:
    """Rebuild KPIs and the HTML report of a saved model on DATA.

    The rows are split as at fit time, from the seed and test size saved with the model.

    For a model fitted on files, DATA is the glob of files, streamed."""
    check_out_folder(out, force)
    from ridgeway.app.persist import load_model
    from ridgeway.app.tables import kpi_table
    from ridgeway.app.workflow import report_saved

    model, pre, meta = load_model(model_file)
    if meta.get("target") is not None and "scale_layout" in meta.get("extra", {}):
        from ridgeway.app.scale_workflow import report_files  # fitted on files: passes

        found = report_files(model, meta, data, out)
        out_console.print(found["kpis"].headline, highlight=False)
        out_console.print(kpi_table(found["kpis"]))
        for name, path in found["files"].items():
            out_console.print(f"{name}: {path}", highlight=False)
        return
    if pre is None or meta.get("target") is None:
        raise BadInput("the model file has no preprocessing or target: save it with the CLI")
    if meta.get("network") is not None:  # an MLP file (torch already loaded it)
        from ridgeway.app.mlp_workflow import report_saved_mlp

        result = report_saved_mlp(model, pre, meta, read_table(data), out)
    else:
        result = report_saved(model, pre, meta, read_table(data), out)
    out_console.print(result.kpis.headline, highlight=False)
    out_console.print(kpi_table(result.kpis))
    for name, path in result.files.items():
        out_console.print(f"{name}: {path}", highlight=False)


def main() -> None:
    """Console entry point (``[project.scripts] ridgeway``)."""
    app()


if __name__ == "__main__":
    main()
