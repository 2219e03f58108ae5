"""The dashboard: a Starlette app with Jinja2 pages and a JSON API over the monitoring store.

Pages: ``/`` (models) and ``/models/{name}``; the model page draws its charts with the
vendored uPlot from ``/static`` and refreshes itself from ``/api/models/{name}``. The only
state-changing request is ``POST /api/alerts/{id}/acknowledge`` (CSRF-protected).
"""

from __future__ import annotations

import math
from importlib import resources
from typing import Any

import sqlalchemy as sa
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from ridgeway.monitor import alerts as alerting
from ridgeway.monitor.dashboard import data
from ridgeway.monitor.dashboard.cache import SeriesCache
from ridgeway.monitor.dashboard.security import Guard, csrf_token, new_secret
from ridgeway.monitor.store import create_store_engine, migrate, writing

__all__ = ["create_app"]

HERE = resources.files(__package__)
#: series on a model page, in this order when present; other (custom) metrics follow
ORDER = (
    "gap",
    "mse",
    "rmse",
    "mae",
    "r2",
    "accuracy",
    "f1",
    "precision",
    "recall",
    "roc_auc",
    "log_loss",
    "error_rate",
    "error_change_pct",
    "prediction_mean",
    "psi_max",
    "mean_shift_max",
    "n_rows",
)
POINTS = 150
TOP_DRIFT = 3


def _short(value: Any) -> Any:
    """Six significant digits: what a chart can show, and a third of the bytes."""
    if isinstance(value, float):
        return float(f"{value:.6g}") if math.isfinite(value) else None
    return value


def _compact(series: dict[str, list]) -> dict[str, list]:
    return {key: [_short(v) for v in values] for key, values in series.items() if key != "count"}


class Dashboard:
    """Request handlers over one store (a reader engine; a writer only to acknowledge)."""

    def __init__(self, url: str, *, refresh_s: float, secret: bytes) -> None:
        writer = create_store_engine(url)
        migrate(writer)
        self.writer = writer
        self.reader = create_store_engine(url, writer=False)
        self.refresh_s = refresh_s
        self.csrf = csrf_token(secret)
        self.templates = Jinja2Templates(directory=str(HERE / "templates"))
        # SQLite assigns ids in commit order (one writer at a time), so "rows above the last
        # id seen" is exact there; PostgreSQL sequences are not commit-ordered: aggregate
        # in the database on every request instead
        self.cache = SeriesCache() if self.reader.dialect.name == "sqlite" else None

    def index(self, request: Request) -> Response:
        with self.reader.connect() as connection:
            models = data.model_list(connection)
        context = {"models": models, "refresh_s": self.refresh_s}
        return self.templates.TemplateResponse(request, "index.html", context)

    def model_page(self, request: Request) -> Response:
        name = request.path_params["name"]
        with self.reader.connect() as connection:
            row = data.model_row(connection, name)
        if row is None:
            return self.templates.TemplateResponse(
                request,
                "missing.html",
                {"name": name, "refresh_s": self.refresh_s},
                status_code=404,
            )
        context = {"name": name, "task": row.task, "refresh_s": self.refresh_s, "csrf": self.csrf}
        return self.templates.TemplateResponse(request, "model.html", context)

    def api_models(self, request: Request) -> Response:
        with self.reader.connect() as connection:
            return JSONResponse(data.model_list(connection))

    def api_model(self, request: Request) -> Response:
        name = request.path_params["name"]
        try:
            points = int(request.query_params.get("points", POINTS))
        except ValueError:
            return JSONResponse({"error": "points must be an integer"}, status_code=400)
        with self.reader.connect() as connection:
            row = data.model_row(connection, name)
            if row is None:
                return JSONResponse({"error": f"model {name!r} is not registered"}, status_code=404)
            return JSONResponse(self._model_payload(connection, row, points))

    def _model_payload(self, connection: sa.Connection, row: Any, points: int) -> dict[str, Any]:
        names = data.series_names(connection, row.id)
        names = [n for n in ORDER if n in names] + sorted(n for n in names if n not in ORDER)
        drift = data.drift_table(connection, row.id)
        top = [entry["feature"] for entry in drift[:TOP_DRIFT]]
        return {
            "name": row.name,
            "task": row.task,
            "series": {
                n: _compact(s)
                for n, s in self._series(connection, row.id, names, None, points).items()
            },
            "drift": [{k: _short(v) for k, v in entry.items()} for entry in drift],
            "drift_series": {
                f: _compact(s)
                for f, s in self._series(connection, row.id, ["psi"], top, points).items()
            }
            if top
            else {},
            "versions": data.version_list(connection, row.id),
            "rules": data.rule_thresholds(connection, row.id),
            "alerts": data.alert_list(connection, row.id),
        }

    def _series(
        self,
        connection: sa.Connection,
        model_id: int,
        names: list[str],
        features: list[str] | None,
        points: int,
    ) -> dict[str, dict[str, list]]:
        if self.cache is None:
            return data.series_many(connection, model_id, names, features, points)
        return self.cache.series(connection, model_id, names, features, points)

    def acknowledge(self, request: Request) -> Response:
        try:
            alert_id = int(request.path_params["alert_id"])
        except ValueError:
            return JSONResponse({"error": "alert id must be an integer"}, status_code=400)
        with writing(self.writer) as connection:
            done = alerting.acknowledge(connection, alert_id, "dashboard")
        return JSONResponse({"acknowledged": done, "id": alert_id})

    def health(self, request: Request) -> Response:
        return JSONResponse({"ok": True})


def create_app(
    url: str,
    *,
    token: str | None = None,
    allowed_hosts: list[str] | None = None,
    refresh_s: float = 10.0,
) -> Starlette:
    """The dashboard app over the store at ``url``. ``token``: required on every request
    (``?token=`` once, then a cookie); ``allowed_hosts``: Host headers accepted (DNS
    rebinding protection; default loopback names)."""
    secret = new_secret()
    board = Dashboard(url, refresh_s=refresh_s, secret=secret)
    routes = [
        Route("/", board.index),
        Route("/models/{name:str}", board.model_page),
        Route("/api/models", board.api_models),
        Route("/api/models/{name:str}", board.api_model),
        Route("/api/alerts/{alert_id:str}/acknowledge", board.acknowledge, methods=["POST"]),
        Route("/healthz", board.health),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    middleware = [
        Middleware(
            TrustedHostMiddleware,
            allowed_hosts=allowed_hosts or ["127.0.0.1", "localhost", "[::1]"],
        ),
        Middleware(GZipMiddleware, minimum_size=500),
        Middleware(Guard, secret=secret, token=token),
    ]
    return Starlette(routes=routes, middleware=middleware)
