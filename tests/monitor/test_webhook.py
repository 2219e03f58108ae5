"""Webhooks against real receivers on 127.0.0.1: delivered, retried, malformed, slow."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ridgeway.monitor import Monitor

T0 = 1.7e9


class Receiver:
    """An HTTP server on 127.0.0.1 whose behaviour the test chooses per request."""

    def __init__(self, behaviour):
        self.bodies, self.behaviour, self.requests = [], behaviour, 0
        self.release = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                receiver.requests += 1
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.behaviour(receiver, self, body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def ok(receiver, handler, body):
    receiver.bodies.append(json.loads(body))
    handler.send_response(204)
    handler.end_headers()


def fail_twice(receiver, handler, body):
    if receiver.requests <= 2:
        handler.send_response(503)
        handler.end_headers()
    else:
        ok(receiver, handler, body)


def malformed(receiver, handler, body):
    handler.wfile.write(b"this is not HTTP\r\n\r\n")  # no status line


def slow(receiver, handler, body):
    receiver.release.wait(30)  # until the test has finished logging
    ok(receiver, handler, body)


@pytest.fixture
def receiver(request):
    made = Receiver(request.param)
    yield made
    made.close()


def _fire(mon, webhook, regression):
    model, X, y = regression
    mon.register("house", model, X, y)
    mon.add_rule("house", "mse", above=0.0, webhook=webhook)
    return mon.log("house", X, y, at=T0)


@pytest.mark.parametrize("receiver", [ok], indirect=True)
def test_opened_and_resolved_events_are_posted(sqlite_url, regression, receiver):
    mon = Monitor(sqlite_url, webhook_retries=1)
    _model, _X, _y = regression
    _fire(mon, receiver.url, regression)
    mon.log_metrics("house", {"mse": -1.0}, at=T0 + 1)  # recovers
    assert mon.notifier.flush(30)
    assert [b["event"] for b in receiver.bodies] == ["opened", "resolved"]
    opened = receiver.bodies[0]
    assert (
        opened["model"] == "house" and opened["metric"] == "mse" and opened["severity"] == "warning"
    )
    assert opened["evidence"][0]["value"] > 0 and opened["at"] == T0
    assert mon.events()["delivery"].tolist() == ["sent", "sent"]
    mon.close()


@pytest.mark.parametrize("receiver", [fail_twice], indirect=True)
def test_failed_deliveries_are_retried(sqlite_url, regression, receiver):
    mon = Monitor(sqlite_url, webhook_retries=3)
    mon.notifier.backoff = 0.01
    _fire(mon, receiver.url, regression)
    assert mon.notifier.flush(30)
    event = mon.events().iloc[0]
    assert (event.delivery, event.attempts, receiver.requests) == ("sent", 3, 3)
    mon.close()


@pytest.mark.parametrize("receiver", [malformed], indirect=True)
def test_a_malformed_receiver_is_recorded_as_failed(sqlite_url, regression, receiver):
    mon = Monitor(sqlite_url, webhook_retries=2)
    mon.notifier.backoff = 0.01
    _fire(mon, receiver.url, regression)
    assert mon.notifier.flush(30)
    event = mon.events().iloc[0]
    assert event.delivery == "failed" and event.attempts == 2
    assert "BadStatusLine" in event.last_error or "RemoteDisconnected" in event.last_error
    assert len(mon.alerts(status="open")) == 1  # the alert is stored all the same
    mon.close()


@pytest.mark.parametrize("receiver", [slow], indirect=True)
def test_a_slow_receiver_never_blocks_logging(sqlite_url, regression, receiver):
    mon = Monitor(sqlite_url, webhook_timeout=60, webhook_retries=1)
    _model, X, y = regression
    _fire(mon, receiver.url, regression)
    # the receiver holds the first delivery until released: logging goes on meanwhile
    for day in range(1, 6):
        mon.log("house", X, y, at=T0 + day)
    assert not receiver.release.is_set() and len(mon.metrics("house", metric="mse")) == 6
    assert mon.events()["delivery"].tolist() == ["pending"]
    receiver.release.set()
    assert mon.notifier.flush(30)
    assert mon.events()["delivery"].tolist() == ["sent"]
    mon.close()


def test_an_unreachable_receiver_times_out(sqlite_url, regression):

    mon = Monitor(sqlite_url, webhook_timeout=1, webhook_retries=1)
    _fire(mon, "http://127.0.0.1:9/hook", regression)  # discard port: connection refused
    assert mon.notifier.flush(30)
    assert mon.events().iloc[0].delivery == "failed"
    mon.close()
