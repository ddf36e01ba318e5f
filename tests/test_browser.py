"""End-to-end tests in a real headless Chromium against `streamlit run app.py`.

One server and one browser for the whole module; each test gets a fresh page (a new Streamlit
session). Screenshots of each state go to the git-ignored ``screenshots/`` folder.
"""

from __future__ import annotations

import os

import pandas as pd
import pytest

from tests import browser_support as support

SHOTS = support.ROOT / "screenshots"
TRAIN_TIMEOUT_MS = 240_000

if not support.chromium_available():
    if os.environ.get("CI"):
        raise RuntimeError(
            "CI must run the browser tests: install Debian's chromium (.ci/run does)"
        )
    pytest.skip(
        "Debian chromium is not installed (apt-get install -y chromium)", allow_module_level=True
    )


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    log = tmp_path_factory.mktemp("server") / "streamlit.log"
    with support.running_app(log_path=log) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with support.chromium() as browser:
        yield browser


@pytest.fixture
def page(browser, app_url):
    """A fresh browser page on the home page, failing the test on any console error."""
    context = browser.new_context(viewport=support.VIEWPORT, accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: errors.append(f"unexpected dialog: {dialog.message}"))
    page.goto(app_url)
    page.get_by_role("heading", name="LSTM Lab").wait_for()
    yield page
    SHOTS.mkdir(exist_ok=True)
    assert errors == [], f"browser console errors: {errors}"
    assert page.get_by_text("Traceback").count() == 0
    context.close()


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.wait_for_timeout(500)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def open_forecast(page) -> None:
    page.get_by_role("link", name="Stock forecast").first.click()
    page.get_by_role("slider", name="Epochs").wait_for()


def set_slider_to_minimum(page, name: str) -> None:
    slider = page.get_by_role("slider", name=name)
    slider.focus()
    slider.press("Home")


def test_home_links_to_both_tools(page):
    assert page.get_by_role("link", name="Review sentiment").count() >= 1
    shot(page, "home")
    open_forecast(page)
    assert page.get_by_text("5,031 rows, 1999-01-04 → 2018-12-31").is_visible()
    page.get_by_role("link", name="Review sentiment").first.click()
    page.get_by_role("heading", name="Review sentiment").first.wait_for()


def test_forecast_trains_and_draws_predicted_and_actual(page):
    open_forecast(page)
    set_slider_to_minimum(page, "Epochs")
    set_slider_to_minimum(page, "Lookback (days)")
    page.get_by_role("button", name="Train the LSTM").click()
    page.get_by_text("Skill ratio").first.wait_for(timeout=TRAIN_TIMEOUT_MS)
    by_name = {trace["name"]: trace for trace in support.wait_for_trace(page, "LSTM prediction")}
    actual, predicted = by_name["Actual"], by_name["LSTM prediction"]
    assert len(actual["y"]) == len(predicted["y"]) > 100
    assert actual["x"] == predicted["x"]
    assert all(value > 0 for value in predicted["y"])
    assert "Tomorrow = today" in by_name
    shot(page, "forecast")

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download predictions (CSV)").click()
    frame = pd.read_csv(download_info.value.path())
    assert {"date", "actual", "lstm_prediction", "tomorrow_equals_today"} <= set(frame.columns)
    assert (frame["part"] == "test").sum() == len(actual["y"])


def test_malformed_upload_shows_readable_error(page, tmp_path):
    open_forecast(page)
    page.get_by_text("Upload a CSV", exact=True).click()
    bad = tmp_path / "prices.csv"
    bad.write_text("name,score\nann,1\nbob,2\n")
    page.locator("input[type=file]").set_input_files(str(bad))
    error = page.get_by_text("No date column found")
    error.wait_for(timeout=30_000)
    assert "Need a column of dates" in error.inner_text()
    shot(page, "forecast_bad_upload")
