"""The report is one self-contained HTML file that a headless browser renders."""

import base64
import re
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest

import ridgeway as rw
from ridgeway.evaluation.curves import validation_curve_of
from ridgeway.evaluation.kpis import compute_kpis
from ridgeway.report.html import data_summary, render_report, write_report
from ridgeway.report.paths import coefficient_path
from ridgeway.report.plots import regularization_path, validation_curve


@pytest.fixture
def report_parts(rng):
    frame = pd.DataFrame(rng.normal(size=(80, 4)), columns=list("abcd"))
    frame.loc[3, "c"] = np.nan
    X = frame.fillna(0.0)
    y = X["a"] + rng.normal(size=80)
    model = rw.RidgeCV(cv=4).fit(X[:60], y[:60])
    kpis = compute_kpis(model, X[:60], y[:60], X[60:], y[60:])
    figures = {
        "path": regularization_path(coefficient_path(model), list("abcd")),
        "curve": validation_curve(validation_curve_of(model)),
    }
    return {"kpis": kpis, "figures": figures, "data": frame}


def test_self_contained(report_parts):
    html = render_report(title="t <&>", settings={"folds": 4}, **report_parts)
    assert "<title>t &lt;&amp;&gt;</title>" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)  # nothing from a network
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', html)
    assert len(images) == 2
    assert all(base64.b64decode(i).startswith(b"\x89PNG") for i in images)
    assert "Key performance indicators" in html and "What was done" in html


def test_data_summary_counts_missing(report_parts):
    summary = data_summary(report_parts["data"]).set_index("column")
    assert summary.loc["c", "missing"] == 1 and summary.loc["a", "missing"] == 0


def test_renders_in_headless_chromium(report_parts, tmp_path):
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("chromium is not installed (apt-get install chromium); .ci/run installs it")
    page = write_report(tmp_path / "report.html", title="render test", **report_parts)
    shot = tmp_path / "shot.png"
    cmd = [
        browser, "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}",
        "--window-size=1200,2000", page.resolve().as_uri(),
    ]  # fmt: skip
    subprocess.run(cmd, check=True, capture_output=True, timeout=120)
    png = shot.read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 20_000  # a blank page is a few kB


def test_distinct_counts_match_pandas(rng):
    frame = pd.DataFrame(rng.integers(0, 5, size=(50, 4)).astype(float), columns=list("abcd"))
    frame.loc[[1, 7], "b"] = np.nan
    frame["e"] = rng.choice(["x", "y"], size=50)
    frame["f"] = np.nan
    summary = data_summary(frame)
    np.testing.assert_array_equal(summary["distinct"], frame.nunique().to_numpy())


def _layout(browser, page, tmp_path, width=1400):
    """(page scroll width, widest horizontal overflow of a scrolling box) in a ``width`` px
    window, as the browser lays the page out."""
    probe = tmp_path / "probe.html"
    html = page.read_text(encoding="utf-8")
    script = (
        "<script>window.onload = function () { var over = 0;"
        " document.querySelectorAll('.wide').forEach(function (e) {"
        " over = Math.max(over, e.scrollWidth - e.clientWidth); });"
        " document.body.setAttribute('data-layout',"
        " document.documentElement.scrollWidth + ',' + over); };</script>"
    )
    probe.write_text(html.replace("</body>", script + "</body>"), encoding="utf-8")
    cmd = [
        browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}", f"--window-size={width},900",
        "--dump-dom", probe.resolve().as_uri(),
    ]  # fmt: skip
    dom = subprocess.run(cmd, check=True, capture_output=True, timeout=120, text=True).stdout
    page_width, overflow = re.search(r'data-layout="(\d+),(\d+)"', dom).groups()
    return int(page_width), int(overflow)


def test_wide_comparison_fits_a_1400_px_window(tmp_path, rng):
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("chromium is not installed (apt-get install chromium); .ci/run installs it")
    from ridgeway.report.compare import compare_penalties

    names = [f"a_rather_long_feature_name_{j}" for j in range(12)]
    X = pd.DataFrame(rng.normal(size=(120, 12)), columns=names)
    y = X.iloc[:, 0] - X.iloc[:, 1] + rng.normal(size=120)
    c = compare_penalties(X[:90], y[:90], X[90:], y[90:], classification=False, n_folds=3)
    k = c.kpis["L2 (ridge)"]
    page = write_report(tmp_path / "report.html", title="wide", kpis=k, comparison=c.table,
                        notes=c.notes, comparison_title=c.title)  # fmt: skip
    html = page.read_text(encoding="utf-8")
    assert html.index(k.headline.split(",")[0]) < html.index("Key performance indicators")
    page_width, overflow = _layout(browser, page, tmp_path)
    assert page_width <= 1400 and overflow == 0  # nothing to scroll sideways
