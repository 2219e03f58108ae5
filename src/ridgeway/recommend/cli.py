"""``ridgeway recommend``: ratings file in → model, top-n per user, KPIs, HTML report out.

Parse, call the library, print. Exit codes as the main CLI: 0 success; 2 bad arguments or data
(one line saying why); 1 unexpected failure. The main CLI mounts the command with
``app.command("recommend")(recommend_command)``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from ridgeway.recommend import persist, report
from ridgeway.recommend.cv import ALSCV

BAD_INPUT = 2
console = Console()
err_console = Console(stderr=True)


def read_ratings(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise ValueError(f"ratings file {path} does not exist")
    if path.suffix.lower() in (".parquet", ".pq"):
        return pd.read_parquet(path)
    return pd.read_csv(path, sep=None, engine="python")  # sniffs comma, tab, semicolon


def kpi_table(kpis: dict[str, object]) -> Table:
    table = Table(title="recommendation KPIs")
    table.add_column("KPI")
    table.add_column("value", justify="right")
    for key, value in kpis.items():
        table.add_row(key, f"{value:.4g}" if isinstance(value, float) else str(value))
    return table


def run(
    ratings: Path,
    user: str,
    item: str,
    rating: str | None,
    implicit: bool,
    out: Path,
    *,
    factors: int = 32,
    l2: list[float] | None = None,
    cv: int = 5,
    n: int = 10,
    scaling: str = "none",
    rule: str = "min",
    iterations: int = 15,
    seed: int = 0,
) -> dict[str, Path]:
    """The whole command without the parsing: returns the files written."""
    model = ALSCV(
        l2=l2 or None,
        factors=factors,
        cv=cv,
        rule=rule,
        feedback="implicit" if implicit else "explicit",
        l2_scaling=scaling,
        iterations=iterations,
        k=n,
        random_state=seed,
    )
    model.fit(read_ratings(ratings), user=user, item=item, rating=rating)
    return write_outputs(model, out, n, f"Recommendations: {ratings.name}")


def write_outputs(model: ALSCV, out: Path, n: int, title: str) -> dict[str, Path]:
    """model.zip, top_n.csv (user, rank, item, score), kpis.json, report.html."""
    out.mkdir(parents=True, exist_ok=True)
    kpis = report.kpis(model)
    files = {
        "model": persist.save(model, out / "model.zip"),
        "top_n": out / "top_n.csv",
        "kpis": out / "kpis.json",
        "report": report.write(out / "report.html", model, kpis, title),
    }
    model.recommend(model.user_ids_, n=n).to_csv(files["top_n"], index=False)
    files["kpis"].write_text(json.dumps(kpis, indent=2), encoding="utf-8")
    console.print(kpi_table(kpis))
    return files


def recommend_command(
    ratings: Annotated[Path, typer.Argument(help="CSV or Parquet, one row per interaction")],
    user: Annotated[str, typer.Option(help="column of user ids")],
    item: Annotated[str, typer.Option(help="column of item ids")],
    out: Annotated[Path, typer.Option(help="folder for model.zip, top_n.csv, kpis, report")],
    rating: Annotated[str | None, typer.Option(help="column of ratings or counts")] = None,
    implicit: Annotated[bool, typer.Option("--implicit", help="counts, not ratings")] = False,
    factors: Annotated[int, typer.Option(help="latent factors")] = 32,
    l2: Annotated[
        list[float] | None, typer.Option(help="λ grid (repeat); default: 9 values")
    ] = None,
    cv: Annotated[int, typer.Option(help="folds per user")] = 5,
    n: Annotated[int, typer.Option(help="items per user in top_n.csv")] = 10,
    scaling: Annotated[str, typer.Option(help="l2_scaling: none or count (ALS-WR)")] = "none",
    rule: Annotated[str, typer.Option(help="min or 1se")] = "min",
    iterations: Annotated[int, typer.Option(help="sweeps per fit")] = 15,
    seed: Annotated[int, typer.Option(help="random seed")] = 0,
) -> None:
    """Fit ALS with λ chosen by per-user cross-validation; write the model, the top-n list
    per user, the KPIs and an HTML report."""
    try:
        files = run(
            ratings,
            user,
            item,
            rating,
            implicit,
            out,
            factors=factors,
            l2=l2,
            cv=cv,
            n=n,
            scaling=scaling,
            rule=rule,
            iterations=iterations,
            seed=seed,
        )
    except (ValueError, KeyError, TypeError, OSError) as error:
        err_console.print(f"error: {error}", highlight=False, soft_wrap=True)
        raise typer.Exit(BAD_INPUT) from None
    for name, path in files.items():
        console.print(f"{name}: {path}", highlight=False)


app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
app.command("recommend")(recommend_command)
