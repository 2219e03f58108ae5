"""The dashboard in headless Chromium: charts drawn, alerts listed and acknowledged, and not
one request leaving 127.0.0.1. Screenshots land in /tmp/ridgeway-dashboard-*.png."""

import shutil

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is absent: apt-get install chromium"
)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


@pytest.fixture
def browser():
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


def test_model_page_charts_alerts_and_acknowledge(browser, dashboard, watched):
    _, mon = watched
    page = browser.new_page(viewport={"width": 1300, "height": 1000})
    requests, errors = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))

    page.goto(dashboard.url + "/")
    assert page.locator("#models a", has_text="house").count() == 1
    page.screenshot(path="/tmp/ridgeway-dashboard-models.png")
    page.click("#models a")
    page.wait_for_selector('.chart[data-metric="gap"] canvas')
    # the gap chart: live series, training reference, the threshold line of the rule
    legend = page.locator('.chart[data-metric="gap"] .u-legend').inner_text()
    assert "live" in legend and "above 2 (critical)" in legend
    assert page.locator(".chart canvas").count() >= 10
    rows = page.locator("#alerts tbody tr")
    assert rows.count() == 2
    assert rows.nth(0).locator("td").nth(2).inner_text() == "open"
    assert "λ =" in page.locator("#summary").inner_text()
    assert page.locator("#versions td.lambda").count() == 1
    page.screenshot(path="/tmp/ridgeway-dashboard-model.png", full_page=True)

    open_id = int(mon.alerts(status="open").iloc[0].id)
    page.locator(f'#alerts tr[data-id="{open_id}"] button.ack').click()
    page.wait_for_selector(f'#alerts tr[data-id="{open_id}"] td:has-text("by dashboard")')
    assert mon.alerts(status="open").iloc[0].acknowledged_by == "dashboard"
    page.screenshot(path="/tmp/ridgeway-dashboard-acknowledged.png")

    assert errors == []
    assert requests and all(
        url.startswith(dashboard.url + "/") or url.startswith("data:") for url in requests
    ), requests
