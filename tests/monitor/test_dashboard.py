"""The dashboard served by uvicorn on 127.0.0.1, spoken to over real HTTP."""

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa

from ridgeway.monitor.dashboard import data
from ridgeway.monitor.dashboard.server import check_binding, start_in_thread
from ridgeway.monitor.schema import metrics


def fetch(url, method="GET", headers=None, body=None):
    """(status, headers, body bytes); HTTP errors are answers too."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as err:
        with err:
            return err.code, err.headers, err.read()


def csrf_of(dashboard):
    status, _, page = fetch(f"{dashboard.url}/models/house")
    assert status == 200
    marker = b'name="csrf-token" content="'
    start = page.index(marker) + len(marker)
    return page[start : page.index(b'"', start)].decode()


def test_pages_and_api(dashboard):
    status, headers, body = fetch(dashboard.url + "/")
    assert status == 200 and b"/models/house" in body
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    status, _, body = fetch(dashboard.url + "/api/models/house")
    payload = json.loads(body)
    assert status == 200 and payload["task"] == "regression"
    assert next(iter(payload["series"])) == "gap" and len(payload["series"]["gap"]["ts"]) == 30
    assert [a["status"] for a in payload["alerts"]] == ["open", "resolved"]
    assert payload["versions"][0]["cv"] == "loo" and payload["versions"][0]["l2"] > 0
    assert payload["rules"][0]["threshold"] == 2.0 and len(payload["drift"]) == 4
    assert fetch(dashboard.url + "/models/nope")[0] == 404
    assert fetch(dashboard.url + "/api/models/nope")[0] == 404
    assert fetch(dashboard.url + "/api/models/house?points=x")[0] == 400


def test_static_files_only_from_the_static_folder(dashboard):
    assert fetch(dashboard.url + "/static/uPlot.iife.min.js")[0] == 200
    assert fetch(dashboard.url + "/static/uPlot.LICENSE")[0] == 200
    for path in (
        "/static/../app.py",
        "/static/%2e%2e/app.py",
        "/static/..%2fapp.py",
        "/static/%2e%2e/%2e%2e/store.py",
        "/static//etc/passwd",
    ):
        status, _, body = fetch(dashboard.url + path)
        assert status == 404, path
        assert b"create_app" not in body and b"root:" not in body


def test_acknowledge_needs_the_csrf_header_and_the_same_origin(dashboard, watched):
    _, mon = watched
    alert = int(mon.alerts(status="open").iloc[0].id)
    url = f"{dashboard.url}/api/alerts/{alert}/acknowledge"
    token = csrf_of(dashboard)
    assert fetch(url, "POST")[0] == 403  # a form from another site cannot set the header
    assert fetch(url, "POST", {"X-CSRF-Token": "guess"})[0] == 403
    evil = {"X-CSRF-Token": token, "Origin": "http://evil.example"}
    assert fetch(url, "POST", evil)[0] == 403
    assert fetch(url, "POST", {"X-CSRF-Token": token, "Sec-Fetch-Site": "cross-site"})[0] == 403
    assert mon.alerts(status="open")["acknowledged_at"].isna().all()
    status, _, body = fetch(url, "POST", {"X-CSRF-Token": token, "Origin": dashboard.url})
    assert status == 200 and json.loads(body)["acknowledged"] is True
    assert mon.alerts(status="open").iloc[0].acknowledged_by == "dashboard"
    assert fetch(dashboard.url + "/api/models/house", "POST", {"X-CSRF-Token": token})[0] == 405


def test_dns_rebinding_host_header_is_refused(dashboard):
    assert fetch(dashboard.url + "/", headers={"Host": "evil.example"})[0] == 400


def test_token_when_required(watched):
    running = start_in_thread(watched[0], token="s3cret")
    try:
        assert fetch(running.url + "/")[0] == 401
        assert fetch(running.url + "/static/uPlot.iife.min.js")[0] == 401
        status, headers, _ = fetch(running.url + "/?token=s3cret")
        assert status == 200 and "rw_dashboard_token=s3cret" in headers["Set-Cookie"]
        assert "HttpOnly" in headers["Set-Cookie"] and "SameSite=strict" in headers["Set-Cookie"]
        assert fetch(running.url + "/", headers={"Cookie": "rw_dashboard_token=s3cret"})[0] == 200
        assert fetch(running.url + "/?token=wrong")[0] == 401
    finally:
        running.stop()


def test_remote_binding_needs_a_flag_and_gets_a_token():
    assert check_binding("127.0.0.1", False, None) is None
    with pytest.raises(ValueError, match="host must be a loopback address unless allow_remote"):
        check_binding("0.0.0.0", False, None)
    assert len(check_binding("0.0.0.0", True, None)) >= 24
    assert check_binding("0.0.0.0", True, "mine") == "mine"


def test_series_are_downsampled_in_the_database(watched, rng):
    _, mon = watched
    model_id = mon.model_id("house")
    values = rng.normal(size=5000)
    with mon.engine.begin() as connection:
        connection.execute(
            sa.insert(metrics),
            [
                {"model_id": model_id, "version": 1, "ts": 1e9 + i, "metric": "latency", "value": v}
                for i, v in enumerate(values)
            ],
        )
    with mon.engine.connect() as connection:
        s = data.series(connection, model_id, "latency", points=100)
        assert "latency" in data.series_names(connection, model_id)
    assert len(s["ts"]) <= 101 and sum(s["count"]) == 5000
    assert min(s["min"]) == values.min() and max(s["max"]) == values.max()
    first = np.asarray(s["count"])[0]
    assert np.isclose(s["mean"][0], values[:first].mean())


def test_dashboard_keeps_serving_while_writers_write(dashboard, watched):
    writer = str(Path(__file__).with_name("writer_process.py"))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    writers = [
        subprocess.Popen(
            [sys.executable, writer, watched[0], "house", "25", str(seed)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
        )
        for seed in (7, 8)
    ]
    statuses = []
    while any(w.poll() is None for w in writers) or len(statuses) < 10:
        statuses.append(fetch(dashboard.url + "/api/models/house")[0])
        statuses.append(fetch(dashboard.url + "/models/house")[0])
    for w in writers:
        _, err = w.communicate(timeout=120)
        assert w.returncode == 0, err
    assert set(statuses) == {200}
    assert len(watched[1].metrics("house", metric="gap")) == 80
