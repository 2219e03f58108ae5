"""Webhook delivery on a background thread: logging only queues an event id, so a slow,
failing or malformed receiver never blocks it. Each event is POSTed as JSON with a timeout
and retried with exponential backoff; its delivery state (sent / failed, attempts, last
error) is written back to the event row."""

from __future__ import annotations

import http.client
import json
import queue
import threading
import time
import urllib.error
import urllib.request

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from ridgeway.monitor.schema import events
from ridgeway.monitor.store import writing

__all__ = ["Notifier", "post_json"]


def post_json(url: str, payload: dict, timeout: float) -> None:
    """POST ``payload``; raises on a transport error or a non-2xx status."""
    body = json.dumps(payload).encode()
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "User-Agent": "ridgeway-monitor"},
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:  # http(s) only: Rule checks
        response.read()


class Notifier:
    """One daemon thread delivering queued events of one store."""

    def __init__(
        self, engine: Engine, *, timeout: float = 5.0, retries: int = 3, backoff: float = 0.5
    ) -> None:
        self.engine = engine
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self._queue: queue.Queue[int | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def submit(self, event_ids: list[int]) -> None:
        if not event_ids:
            return
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="ridgeway-webhooks", daemon=True
                )
                self._thread.start()
        for event_id in event_ids:
            self._queue.put(event_id)

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every queued event was tried (True), or ``timeout`` seconds (False)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self._queue.unfinished_tasks:
            if deadline is not None and time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def _run(self) -> None:
        while True:
            event_id = self._queue.get()
            try:
                if event_id is not None:
                    self._deliver(event_id)
            finally:
                self._queue.task_done()

    def _deliver(self, event_id: int) -> None:
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.select(events.c.webhook, events.c.payload).where(events.c.id == event_id)
            ).first()
        if row is None or row.webhook is None:
            return
        error: str | None = None
        attempts = 0
        for attempt in range(self.retries):
            attempts = attempt + 1
            try:
                post_json(row.webhook, row.payload, self.timeout)
                error = None
                break
            except (
                OSError,
                ValueError,
                http.client.HTTPException,
            ) as err:  # URLError is an OSError
                error = f"{type(err).__name__}: {err}"[:500]
                if attempt + 1 < self.retries:
                    time.sleep(self.backoff * 2**attempt)
        with writing(self.engine) as connection:
            connection.execute(
                sa.update(events)
                .where(events.c.id == event_id)
                .values(delivery="failed" if error else "sent", attempts=attempts, last_error=error)
            )
