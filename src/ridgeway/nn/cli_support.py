"""What the CLI and the report need for ``--model mlp``: options, the estimator, a summary
and an HTML section. No argument parsing and no printing here (the app layer does both).

The lead wires it as (typer):

    --model mlp --hidden 64,64 --l2 auto|<float> --optimizer adam|sgd|lbfgs
    --epochs 200 --batch-size 64 --budget halving|full --rule min|1se --seed 0

    options = MLPOptions.from_cli(hidden="64,64", l2="auto", ...)
    model = make_estimator(classification, options).fit(X_train, y_train)
    lines = summary_lines(model)                   # print them
    html = report_section(model, level=2)          # append to the HTML report
"""

from __future__ import annotations

import html as html_lib
from dataclasses import dataclass
from typing import Any

from ridgeway.nn.estimators import MLPClassifier, MLPRegressor
from ridgeway.nn.groups import decay_table, param_groups
from ridgeway.nn.plots import training_curves
from ridgeway.nn.report import figure_html, render_search_section

__all__ = ["MLPOptions", "make_estimator", "parse_hidden", "report_section", "summary_lines"]


def parse_hidden(text: str) -> tuple[int, ...]:
    """ "64,64" -> (64, 64); "" or "none" -> () (a linear model)."""
    text = text.strip().lower()
    if text in ("", "none", "()"):
        return ()
    try:
        widths = tuple(int(part) for part in text.split(","))
    except ValueError as exc:
        raise ValueError(
            f"hidden must be comma-separated integers like 64,64; got {text!r}"
        ) from exc
    if any(w < 1 for w in widths):
        raise ValueError(f"hidden must be comma-separated integers >= 1; got {text!r}")
    return widths


def _parse_l2(text: str | float | None) -> float | None:
    if text is None or (isinstance(text, str) and text.strip().lower() in ("auto", "none")):
        return None
    try:
        return float(text)
    except ValueError as exc:
        raise ValueError(f"l2 must be 'auto' or a number >= 0; got {text!r}") from exc


@dataclass(frozen=True)
class MLPOptions:
    hidden: tuple[int, ...] = (64,)
    l2: float | None = None
    optimizer: str = "adam"
    epochs: int = 200
    batch_size: int | None = 64
    budget: str = "halving"
    rule: str = "min"
    random_state: int = 0

    @classmethod
    def from_cli(
        cls, hidden: str = "64", l2: str | float | None = "auto", **rest: Any
    ) -> MLPOptions:
        return cls(hidden=parse_hidden(hidden), l2=_parse_l2(l2), **rest)


def make_estimator(classification: bool, options: MLPOptions) -> MLPRegressor | MLPClassifier:
    """The estimator the CLI fits; ``l2=None`` ("auto") searches λ by halving on a held-out
    split, with early stopping."""
    cls = MLPClassifier if classification else MLPRegressor
    return cls(
        hidden=options.hidden,
        l2=options.l2,
        optimizer=options.optimizer,
        epochs=options.epochs,
        batch_size=options.batch_size,
        budget=options.budget,
        rule=options.rule,
        early_stopping=options.l2 is None,
        random_state=options.random_state,
    )


def summary_lines(model: MLPRegressor | MLPClassifier) -> list[str]:
    lines = [f"MLP hidden={tuple(model.hidden)} optimizer={model.optimizer}; l2 = {model.l2_:.4g}"]
    search = getattr(model, "search_", None)
    if search is not None:
        res = search.cv_results_
        lines.append(
            f"λ chosen by validation loss ({search.rule} rule, budget={search.budget}):"
            f" {len(res['l2'])} values, {search.total_epochs_} epochs in all"
        )
        if res["collapsed"].any():
            lines.append(f"collapsed (weights → 0) at λ = {list(res['l2'][res['collapsed']])}")
    history = getattr(model, "history_", None)
    if history is not None and len(history):
        last = history.records[-1]
        lines.append(f"last epoch: train {last.train_loss:.4g}, validation {last.val_loss:.4g}")
    return lines


def report_section(model: MLPRegressor | MLPClassifier, level: int = 2) -> str:
    """HTML for a fitted MLP: the search (curves, table) or its training curves, and the
    table of which parameters were decayed."""
    net = model.model_
    grouping = decay_table(net, param_groups(net, 1.0))
    search = getattr(model, "search_", None)
    title = f"Neural network (hidden={tuple(model.hidden)})"
    if search is not None:
        return render_search_section(search, title, summary_lines(model), grouping, level=level)
    parts = [f"<h{level}>{html_lib.escape(title)}</h{level}>"]
    parts += [f"<p>{html_lib.escape(s)}</p>" for s in summary_lines(model)]
    history = getattr(model, "history_", None)
    if history is not None and len(history):
        parts.append(figure_html(training_curves(history), "training curves"))
    parts.append(grouping.to_html(index=False))
    return "\n".join(parts)
