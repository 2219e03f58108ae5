"""Run the dashboard with uvicorn: loopback by default; another host needs ``allow_remote``
and then always a token."""

from __future__ import annotations

import secrets
import socket
import threading
from dataclasses import dataclass

import uvicorn

from ridgeway.monitor.dashboard.app import create_app
from ridgeway.monitor.dashboard.security import is_loopback

__all__ = ["Running", "check_binding", "serve", "start_in_thread"]


def check_binding(host: str, allow_remote: bool, token: str | None) -> str | None:
    """The token to require (generated for a remote binding without one), or None."""
    if is_loopback(host):
        return token
    if not allow_remote:
        raise ValueError(
            f"host must be a loopback address unless allow_remote is set; got {host!r} "
            "(a remote dashboard always requires a token)"
        )
    return token or secrets.token_urlsafe(24)


def _config(url: str, host: str, port: int, token: str | None, refresh_s: float) -> uvicorn.Config:
    hosts = None if is_loopback(host) else ["*"]  # remote: the token is the guard
    app = create_app(url, token=token, allowed_hosts=hosts, refresh_s=refresh_s)
    return uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False)


def serve(
    url: str,
    host: str = "127.0.0.1",
    port: int = 8050,
    *,
    allow_remote: bool = False,
    token: str | None = None,
    refresh_s: float = 10.0,
) -> None:
    """Serve until interrupted."""
    token = check_binding(host, allow_remote, token)
    uvicorn.Server(_config(url, host, port, token, refresh_s)).run()


@dataclass
class Running:
    """A dashboard serving on a background thread (tests, the demo, benchmarks)."""

    server: uvicorn.Server
    thread: threading.Thread
    url: str

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(30)


def start_in_thread(
    url: str,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    token: str | None = None,
    refresh_s: float = 10.0,
) -> Running:
    """Start on ``port`` (0: a free one) and return once it accepts connections."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    server = uvicorn.Server(_config(url, host, sock.getsockname()[1], token, refresh_s))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the dashboard server did not start")
        thread.join(0.02)
    return Running(server, thread, f"http://{host}:{sock.getsockname()[1]}")
