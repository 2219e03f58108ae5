"""How the command line shows long work: rich bars in a terminal, plain lines elsewhere.

Two levels, as the work has them: the *stages* of a command (preprocessing, fitting, scoring,
the comparison's rows, writing), whose number is known up front, and the *steps* inside one
fit (folds × λ), which :func:`ridgeway.progress.advance` reports from the library. In a
terminal the stage bar fills as stages finish and the step bar is hidden between fits, so it
never shows stale work; outside a terminal (CI logs, ``2> log``) each stage is one line with
the elapsed time, and steps are a line at every quarter.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console

__all__ = ["StageDisplay", "showing"]


class StageDisplay:
    """Receives ``stage(text)`` and ``step(done, total, what)`` and shows them on ``console``."""

    def __init__(self, console: Console, n_stages: int) -> None:
        self.console = console
        self.n_stages = n_stages
        self.started = time.perf_counter()
        self.stages_done = -1
        self.quarter = -1
        self.progress: Any = None
        if console.is_terminal:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )

            self.progress = Progress(
                SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                MofNCompleteColumn(), TimeElapsedColumn(), console=console, transient=True,
            )  # fmt: skip
            self.stage_task = self.progress.add_task("starting", total=n_stages)
            self.step_task = self.progress.add_task("", total=None, visible=False)

    def _elapsed(self) -> str:
        return f"[{time.perf_counter() - self.started:6.1f}s]"

    def stage(self, text: str) -> None:
        """A new stage begins (the previous one is done)."""
        self.stages_done += 1
        self.quarter = -1
        if self.progress is None:
            self.console.print(
                f"{self._elapsed()} {min(self.stages_done + 1, self.n_stages)}/{self.n_stages} "
                f"{text}",
                highlight=False,
            )
            return
        total = max(self.n_stages, self.stages_done + 1)
        self.progress.update(
            self.stage_task, description=text, completed=self.stages_done, total=total
        )
        self.progress.update(self.step_task, visible=False, completed=0, total=None)

    def step(self, done: int, total: int | None, what: str) -> None:
        """Steps of the fit in progress (folds × λ)."""
        if self.progress is None:
            if not total:
                return
            quarter = min(4, 4 * done // total)
            if quarter > self.quarter:
                self.quarter = quarter
                self.console.print(f"{self._elapsed()}     {what}: {done}/{total}", highlight=False)
            return
        self.progress.update(
            self.step_task, description=f"  {what}", completed=done, total=total, visible=True
        )

    def finish(self) -> None:
        if self.progress is None:
            self.console.print(f"{self._elapsed()} done", highlight=False)
        else:
            self.progress.update(self.stage_task, completed=self.n_stages, total=self.n_stages)


@contextmanager
def showing(console: Console, n_stages: int) -> Iterator[StageDisplay]:
    """A :class:`StageDisplay` for the block, also listening to the library's progress."""
    from ridgeway.progress import reporting

    display = StageDisplay(console, n_stages)
    with reporting(display.step):
        if display.progress is None:
            yield display
        else:
            with display.progress:
                yield display
    display.finish()
