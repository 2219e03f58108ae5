"""Progress of long work (folds × λ), reported to whoever listens — or to no one.

The estimators stay silent and dependency-free: their loops call :func:`advance`, which does
nothing unless a caller (the command line, a notebook) installed a listener with
:func:`reporting`. The listener lives in a context variable, so threads and nested calls
each see their own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = ["advance", "reporting"]

#: listener(steps_done, steps_total, what): steps_total may be None when unknown
Listener = Callable[[int, int | None, str], None]

_listener: ContextVar[Listener | None] = ContextVar("ridgeway_progress", default=None)


@contextmanager
def reporting(listener: Listener) -> Iterator[None]:
    """Send progress of the work inside the block to ``listener``."""
    token = _listener.set(listener)
    try:
        yield
    finally:
        _listener.reset(token)


def advance(done: int, total: int | None, what: str) -> None:
    """Report that ``done`` of ``total`` steps of ``what`` are finished (no-op if unheard)."""
    listener = _listener.get()
    if listener is not None:
        listener(done, total, what)
