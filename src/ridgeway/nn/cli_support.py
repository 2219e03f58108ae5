"""What the CLI and the report need for ``--model mlp``: options, the estimator, a summary
and an HTML section. No argument parsing and no printing here (the app layer does both).

``ridgeway fit DATA --target y --model mlp`` (``ridgeway.app.cli`` and
``ridgeway.app.mlp_workflow``) uses it as:

    --hidden 64,64 --l2 auto|<float> --optimizer adam|sgd|adamw|lbfgs --lr 1e-3
    --epochs 200 --batch-size 64 (0: full batch) --budget halving|full --rule min|1se --seed 0

    options = MLPOptions.from_cli(hidden="64,64", l2="auto", ...)
    model = make_estimator(classification, options).fit(X_train, y_train)
    lines = summary_lines(model)                   # print them
    html = report_section(model, level=2)          # a section of the HTML report
"""

from __future__ import annotations

import html as html_lib
from dataclasses import dataclass
from typing import Any

import numpy as np

from ridgeway.nn.estimators import MLPClassifier, MLPRegressor
from ridgeway.nn.groups import decay_table, param_groups
from ridgeway.nn.history import TrainingHistory
from ridgeway.nn.mlp import SOLVERS
from ridgeway.nn.plots import training_curves
from ridgeway.nn.report import figure_html, render_search_section

__all__ = [
    "MLPOptions",
    "decay_words",
    "make_estimator",
    "parse_hidden",
    "report_section",
    "summary_lines",
]


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


BUDGETS = ("halving", "full")


@dataclass(frozen=True)
class MLPOptions:
    """The command line's network settings; checked when made (before any data is read)."""

    hidden: tuple[int, ...] = (64,)
    l2: float | None = None
    optimizer: str = "adam"
    lr: float | None = None
    epochs: int = 200
    batch_size: int | None = 64
    budget: str = "halving"
    rule: str = "min"
    random_state: int = 0

    def __post_init__(self) -> None:
        if self.optimizer not in SOLVERS:
            raise ValueError(
                f"optimizer must be one of {'|'.join(SOLVERS)}; got {self.optimizer!r}"
            )
        if self.budget not in BUDGETS:
            raise ValueError(f"budget must be one of {'|'.join(BUDGETS)}; got {self.budget!r}")
        if isinstance(self.epochs, bool) or not isinstance(self.epochs, int) or self.epochs < 1:
            raise ValueError(f"epochs must be an integer >= 1; got {self.epochs!r}")
        if self.batch_size is not None and not (
            isinstance(self.batch_size, int) and self.batch_size >= 1
        ):
            raise ValueError(
                f"batch size must be an integer >= 1 (0 on the command line: full batch); "
                f"got {self.batch_size!r}"
            )
        if self.lr is not None and not (np.isfinite(self.lr) and self.lr > 0):
            raise ValueError(f"lr must be a finite number > 0; got {self.lr!r}")
        if self.l2 is not None and not (np.isfinite(self.l2) and self.l2 >= 0):
            raise ValueError(f"l2 must be 'auto' or a finite number >= 0; got {self.l2!r}")
        if self.l2 is None and self.optimizer == "lbfgs":
            raise ValueError(
                "optimizer lbfgs trains one given λ: give --l2 a number, or search with "
                "sgd, adam or adamw"
            )

    @classmethod
    def from_cli(
        cls,
        hidden: str = "64",
        l2: str | float | None = "auto",
        batch_size: int | None = 64,
        **rest: Any,
    ) -> MLPOptions:
        """From the command line's text: ``hidden`` "64,32", ``l2`` "auto" or a number,
        ``batch_size`` 0 for full batch."""
        batch = None if batch_size == 0 else batch_size
        return cls(hidden=parse_hidden(hidden), l2=_parse_l2(l2), batch_size=batch, **rest)


def make_estimator(classification: bool, options: MLPOptions) -> MLPRegressor | MLPClassifier:
    """The estimator the CLI fits; ``l2=None`` ("auto") searches λ by halving on a held-out
    split, with early stopping."""
    cls = MLPClassifier if classification else MLPRegressor
    return cls(
        hidden=options.hidden,
        l2=options.l2,
        optimizer=options.optimizer,
        lr=options.lr,
        epochs=options.epochs,
        batch_size=options.batch_size,
        budget=options.budget,
        rule=options.rule,
        early_stopping=options.l2 is None,
        random_state=options.random_state,
    )


def decay_words(model: MLPRegressor | MLPClassifier) -> str:
    """What the decay of a fitted MLP was, in words that do not call AdamW's decay a λ."""
    if model.optimizer == "adamw":
        return f"AdamW weight_decay = {model.l2_:.4g} (decoupled: no λ)"
    return f"l2 = {model.l2_:.4g} (torch weight_decay = {model.weight_decay_:.3g})"


def summary_lines(model: MLPRegressor | MLPClassifier) -> list[str]:
    lines = [f"MLP hidden={tuple(model.hidden)} optimizer={model.optimizer}; {decay_words(model)}"]
    search = getattr(model, "search_", None)
    if search is not None:
        res = search.cv_results_
        what = "AdamW weight_decay" if model.optimizer == "adamw" else "λ"
        lines.append(
            f"{what} chosen by validation loss ({search.rule} rule, budget={search.budget}):"
            f" {len(res['l2'])} values, {search.total_epochs_} epochs in all"
        )
        if res["collapsed"].any():
            lines.append(f"collapsed (weights → 0) at λ = {list(res['l2'][res['collapsed']])}")
    history = getattr(model, "history_", None)
    if history is not None and len(history):
        last = history.records[-1]
        lines.append(f"last epoch: train {last.train_loss:.4g}, validation {last.val_loss:.4g}")
    return lines


def report_section(
    model: MLPRegressor | MLPClassifier,
    level: int = 2,
    baseline_history: TrainingHistory | None = None,
    sentences: tuple[str, ...] = (),
) -> str:
    """HTML for a fitted MLP: the search (validation loss, gap and ‖W‖ against λ; the chosen
    λ's training curves; the search table) or its own training curves, and the table of which
    parameters were decayed. ``baseline_history``: the same network trained with λ = 0."""
    net = model.model_
    decay = model.weight_decay_ if np.isfinite(model.weight_decay_) else 0.0
    grouping = decay_table(net, param_groups(net, decay))
    search = getattr(model, "search_", None)
    title = f"Neural network (hidden={tuple(model.hidden)})"
    lines = [*summary_lines(model), *sentences]
    if search is not None:
        return render_search_section(search, title, lines, grouping, baseline_history, level=level)
    h1, h2 = f"h{level}", f"h{level + 1}"
    parts = [f"<{h1}>{html_lib.escape(title)}</{h1}>"]
    parts += [f"<p>{html_lib.escape(s)}</p>" for s in lines]
    history = getattr(model, "history_", None)
    if history is not None and len(history):
        parts.append(f"<{h2}>Training curves at λ = {model.l2_:.4g}</{h2}>")
        parts.append(figure_html(training_curves(history), "training curves"))
    if baseline_history is not None and len(baseline_history):
        parts.append(f"<{h2}>Training curves without decay (λ = 0)</{h2}>")
        parts.append(figure_html(training_curves(baseline_history, "λ = 0"), "no decay"))
    parts.append(f"<{h2}>Which parameters are decayed</{h2}>")
    parts.append(grouping.to_html(index=False))
    return "\n".join(parts)
