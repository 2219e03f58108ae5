"""``ridgeway monitor register|log|rule|check|alerts|retune`` and ``ridgeway dashboard``.

Mount on the main CLI: ``app.add_typer(monitor_app, name="monitor")`` and
``app.command("dashboard")(dashboard)``. Exit codes: 0 success (``check``: no open alert);
1 ``check`` found open alerts; 2 bad arguments or data (one line saying why).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

__all__ = ["dashboard", "monitor_app"]

monitor_app = typer.Typer(
    name="monitor",
    help="Watch deployed models: KPIs over time, rules and alerts, the retune loop.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
out = Console(width=160)
err = Console(stderr=True)
BAD_INPUT, ALERTS_OPEN = 2, 1

DbOpt = Annotated[str, typer.Option("--db", help="SQLAlchemy URL, e.g. sqlite:///monitor.db")]
NameOpt = Annotated[str, typer.Option("--name", "-n", help="model name in the monitor")]
DataArg = Annotated[Path, typer.Argument(help="CSV or Parquet file")]


class BadInput(Exception):
    """Bad arguments or data: exit code 2 with a one-line reason."""


def guarded(command: Callable[..., None]) -> Callable[..., None]:
    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        from ridgeway.monitor.store import SchemaError

        try:
            command(*args, **kwargs)
        except (BadInput, ValueError, KeyError, SchemaError) as error:
            message = error.args[0] if isinstance(error, KeyError) and error.args else error
            err.print(f"error: {message}", highlight=False, soft_wrap=True)
            raise typer.Exit(BAD_INPUT) from None

    return wrapper


def read_table(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise BadInput(f"data file {str(path)!r} does not exist")
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        return pd.read_parquet(path)
    if suffix in (".csv", ".txt", ".gz"):
        return pd.read_csv(path)
    raise BadInput(f"data file must be .csv or .parquet; got {path.name!r}")


def split_target(frame: pd.DataFrame, target: str | None) -> tuple[pd.DataFrame, Any]:
    if target is None:
        return frame, None
    if target not in frame.columns:
        raise BadInput(f"target must be a column of the data; {target!r} is not one")
    return frame.drop(columns=[target]), frame[target].to_numpy()


def _open(db: str) -> Any:
    from ridgeway.monitor import Monitor

    return Monitor(db)


def _table(frame: pd.DataFrame, columns: list[str], title: str) -> Table:
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column)
    for row in frame[columns].itertuples(index=False):
        table.add_row(
            *("—" if pd.isna(v) else f"{v:.4g}" if isinstance(v, float) else str(v) for v in row)
        )
    return table


@monitor_app.command()
@guarded
def register(
    model_file: Annotated[Path, typer.Argument(metavar="MODEL", help="a saved model.zip")],
    data: DataArg,
    db: DbOpt,
    name: NameOpt,
    target: Annotated[
        str | None, typer.Option("--target", "-t", help="label column (default: the model's)")
    ] = None,
    version: Annotated[int | None, typer.Option(help="version number (default: next)")] = None,
    gap_metric: Annotated[
        str | None, typer.Option(help="metric of the gap (default mse/accuracy)")
    ] = None,
) -> None:
    """Register a saved model with its reference data (its training or validation rows)."""
    from ridgeway import persist

    try:
        model, preprocessor, meta = persist.load_model(model_file)
    except persist.ModelFileError as error:
        raise BadInput(str(error)) from None
    X, y = split_target(read_table(data), target or meta.get("target"))
    if y is None:
        raise BadInput("register needs labels: give --target COL")
    with _open(db) as mon:
        number = mon.register(
            name, model, X, y, version, preprocessor=preprocessor, gap_metric=gap_metric
        )
        reference = mon.load(name, number).reference
    train = ", ".join(f"{k} {v:.4g}" for k, v in reference["train"].items() if v is not None)
    out.print(
        f"registered {name!r} version {number}: λ = {reference['coefficients']['l2']:.4g}; "
        f"training {train}"
    )


@monitor_app.command()
@guarded
def log(
    data: DataArg,
    db: DbOpt,
    name: NameOpt,
    target: Annotated[
        str | None, typer.Option("--target", "-t", help="label column; without it: drift only")
    ] = None,
    at: Annotated[str | None, typer.Option(help="time of the batch (ISO; default now)")] = None,
) -> None:
    """Score a batch with the registered model and record its KPIs, gap and drift."""
    X, y = split_target(read_table(data), target)
    with _open(db) as mon:
        batch = mon.log(name, X, y, at=at)
        opened = mon.alerts(name, status="open")
    labels = "" if y is not None else ", no labels"
    out.print(
        f"logged batch {batch} of {name!r} ({len(X)} rows{labels}); {len(opened)} open alert(s)"
    )


@monitor_app.command()
@guarded
def rule(
    db: DbOpt,
    name: NameOpt,
    metric: Annotated[
        str, typer.Option(help="gap, mse, accuracy, psi_max, psi (with --feature), ...")
    ] = "gap",
    above: Annotated[float | None, typer.Option(help="breach when the value is above")] = None,
    below: Annotated[float | None, typer.Option(help="breach when the value is below")] = None,
    feature: Annotated[str | None, typer.Option(help="the feature of a per-feature metric")] = None,
    relative: Annotated[
        bool, typer.Option("--relative", help="compare (value − ref)/|ref|")
    ] = False,
    patience: Annotated[int, typer.Option(help="consecutive breaches before an alert")] = 1,
    warmup: Annotated[int, typer.Option(help="first values ignored")] = 0,
    severity: Annotated[str, typer.Option(help="warning or critical")] = "warning",
    webhook: Annotated[str | None, typer.Option(help="URL to POST alert events to")] = None,
) -> None:
    """Add an alert rule to a model."""
    with _open(db) as mon:
        rule_id = mon.add_rule(
            name,
            metric,
            above=above,
            below=below,
            feature=feature,
            relative_to_reference=relative,
            patience=patience,
            warmup=warmup,
            severity=severity,
            webhook=webhook,
        )
        described = mon.rules(name).set_index("id").loc[rule_id, "rule"]
    out.print(f"rule {rule_id} on {name!r}: {described} ({severity})")


ALERT_COLUMNS = [
    "id",
    "model",
    "severity",
    "status",
    "message",
    "opened_at",
    "resolved_at",
    "acknowledged_by",
]


@monitor_app.command()
@guarded
def check(
    db: DbOpt,
    name: Annotated[str | None, typer.Option("--name", "-n", help="only this model")] = None,
    severity: Annotated[str | None, typer.Option(help="only count this severity")] = None,
    unacknowledged: Annotated[
        bool, typer.Option("--unacknowledged", help="ignore acknowledged alerts")
    ] = False,
) -> None:
    """Exit 1 (and print them) while alerts are open; 0 when none is: for cron and CI."""
    with _open(db) as mon:
        frame = mon.alerts(name, status="open", severity=severity)
    if unacknowledged:
        frame = frame[frame["acknowledged_at"].isna()]
    if frame.empty:
        out.print("no open alerts")
        return
    out.print(_table(frame, ALERT_COLUMNS, f"{len(frame)} open alert(s)"))
    raise typer.Exit(ALERTS_OPEN)


@monitor_app.command()
@guarded
def alerts(
    db: DbOpt,
    name: Annotated[str | None, typer.Option("--name", "-n", help="only this model")] = None,
    status: Annotated[str, typer.Option(help="open, resolved or all")] = "all",
    acknowledge: Annotated[
        int | None, typer.Option("--acknowledge", help="acknowledge alert ID")
    ] = None,
    by: Annotated[str | None, typer.Option(help="who acknowledges (default: the user)")] = None,
) -> None:
    """List alerts, newest first; or acknowledge one."""
    with _open(db) as mon:
        if acknowledge is not None:
            done = mon.acknowledge(acknowledge, by)
            out.print(
                f"alert {acknowledge} "
                + ("acknowledged" if done else "was already acknowledged or does not exist")
            )
            return
        frame = mon.alerts(name, status=None if status == "all" else status)
    out.print(_table(frame, ALERT_COLUMNS, f"{len(frame)} alert(s)"))


@monitor_app.command()
@guarded
def retune(
    data: DataArg,
    db: DbOpt,
    name: NameOpt,
    target: Annotated[str, typer.Option("--target", "-t", help="label column")],
) -> None:
    """Refit λ on recent labelled DATA with the same CV; register it as a new version."""
    X, y = split_target(read_table(data), target)
    with _open(db) as mon:
        result = mon.retune(name, X, y)
    table = Table(title=f"retune of {name!r}", title_justify="left")
    for column in ("", f"old (v{result.old_version})", f"new (v{result.new_version})"):
        table.add_column(column)
    for row in result.rows():
        table.add_row(*row)
    out.print(table)


@guarded
def dashboard(
    db: DbOpt,
    port: Annotated[int, typer.Option(help="port")] = 8050,
    host: Annotated[
        str, typer.Option(help="address to bind (default loopback only)")
    ] = "127.0.0.1",
    allow_remote: Annotated[
        bool,
        typer.Option("--allow-remote", help="allow a non-loopback host (then a token is required)"),
    ] = False,
    token: Annotated[
        str | None,
        typer.Option(help="token required on every request (generated for a remote host)"),
    ] = None,
    refresh: Annotated[float, typer.Option(help="seconds between page refreshes")] = 10.0,
) -> None:
    """Serve the monitoring dashboard in the browser (no network needed: every asset is local)."""
    from ridgeway.monitor.dashboard.server import check_binding, serve

    token = check_binding(host, allow_remote, token)
    query = f"/?token={token}" if token else "/"
    out.print(f"dashboard: http://{host}:{port}{query}  (Ctrl-C stops)", highlight=False)
    serve(db, host, port, allow_remote=allow_remote, token=token, refresh_s=refresh)


def main() -> None:
    """Stand-alone entry (until the lead mounts these on ``ridgeway``)."""
    root = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
    root.add_typer(monitor_app, name="monitor")
    root.command("dashboard")(dashboard)
    root()


if __name__ == "__main__":
    main()
