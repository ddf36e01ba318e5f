"""Forecast views in a real Chromium: trading-day forecast, model zip, band, backtest box.

One server and one browser for the module; each test gets a fresh page (a new session).
Screenshots go to the git-ignored ``screenshots/`` folder, in the light and the dark theme.
"""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from tests import browser_support as support

SHOTS = support.ROOT / "screenshots"
TRAIN_TIMEOUT_MS = 240_000
BACKTEST_TIMEOUT_MS = 420_000
# the smallest settings the page offers: a quick training on the S&P 500 sample
SMALL_RUN = "/forecast?sample=sp500&lookback=5&epochs=1&units=8"
PREDICTIONS = "LSTM prediction"

support.require_chromium()


def open_page(browser, app_url, scheme: str = "light"):
    context = browser.new_context(
        viewport=support.VIEWPORT, accept_downloads=True, color_scheme=scheme
    )
    page = context.new_page()
    errors: list[str] = []

    def on_console(message) -> None:
        # failed loads are checked by URL below: a deep link makes Streamlit probe its
        # endpoints under /forecast/ first, which answer 404 before it finds them at the root
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)

    def on_response(response) -> None:
        if response.status >= 400 and not response.url.startswith(app_url + "/forecast/_stcore/"):
            errors.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(app_url + SMALL_RUN)
    page.get_by_role("button", name="Train the LSTM").wait_for(timeout=60_000)
    support.wait_until_idle(page)
    return context, page, errors


def chart_index(page, trace_name: str) -> int:
    return page.evaluate(
        """(name) => Array.from(document.querySelectorAll('.js-plotly-plot'))
            .findIndex(chart => (chart.data || []).some(trace => trace.name === name))""",
        trace_name,
    )


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.wait_for_timeout(800)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_forecast_skips_the_holiday_and_the_model_zip_reproduces_it(browser, app_url, scheme):
    context, page, errors = open_page(browser, app_url, scheme)
    page.get_by_role("button", name="Train the LSTM").click()
    support.wait_for_trace(page, PREDICTIONS, timeout_ms=TRAIN_TIMEOUT_MS)
    support.wait_until_idle(page)
    index = chart_index(page, PREDICTIONS)
    page.locator(".js-plotly-plot").nth(index).scroll_into_view_if_needed()
    shot(page, f"forecast_band_{scheme}")

    # the first forecast day after Mon 31 Dec 2018 is Wed 2 Jan 2019: 1 Jan is a holiday
    traces = {trace["name"]: trace for trace in support.plotly_traces(page, index)}
    future = next(trace for name, trace in traces.items() if name.startswith("Next "))
    assert str(future["x"][1]).startswith("2019-01-02")
    assert "Uncertainty band" in traces

    download = page.get_by_role("button", name="Download the model (.zip)")
    download.scroll_into_view_if_needed()
    with page.expect_download() as download_info:
        download.click()
    assert download_info.value.suggested_filename == "lstm_forecaster.zip"
    with zipfile.ZipFile(io.BytesIO(download_info.value.path().read_bytes())) as bundle:
        assert {"forecaster.keras", "forecaster.json", "README.md"} <= set(bundle.namelist())
        info = json.loads(bundle.read("forecaster.json"))
    assert info["lookback"] == 5 and info["column"] == "Adj Close"
    assert info["check"]["next_day"] == "2019-01-02"
    # the zip's next-day forecast is the one the page draws
    assert info["check"]["next_day_forecast"] == pytest.approx(future["y"][1], rel=1e-9)
    assert errors == [], f"browser console errors: {errors}"
    context.close()


def test_backtest_finishes_its_bar_and_boxes_no_difference_neutrally(browser, app_url):
    context, page, errors = open_page(browser, app_url)
    page.get_by_role("button", name="Run the backtest").click()
    reading = page.get_by_text("by more than chance in")
    reading.wait_for(timeout=BACKTEST_TIMEOUT_MS)
    support.wait_until_idle(page)
    bar = page.get_by_role("progressbar")
    assert bar.get_attribute("aria-valuenow") == "100"
    assert page.get_by_text("All 4 folds trained").is_visible()
    bar.scroll_into_view_if_needed()
    shot(page, "forecast_backtest_reading")

    # this sample and these settings tie with tomorrow = today: never green
    alert = page.locator('[data-testid^="stAlertContent"]').filter(has_text="more than chance in")
    assert "No detectable difference" in alert.inner_text()
    assert alert.get_attribute("data-testid") == "stAlertContentInfo"

    index = chart_index(page, "Skill ratio")
    low, high = page.evaluate(
        "(i) => document.querySelectorAll('.js-plotly-plot')[i]._fullLayout.yaxis2.range.slice()",
        index,
    )
    assert low == 0 and high >= 1.2
    page.locator(".js-plotly-plot").nth(index).scroll_into_view_if_needed()
    shot(page, "forecast_backtest")
    assert errors == [], f"browser console errors: {errors}"
    context.close()


def test_a_legend_click_shows_a_line_and_keeps_the_zoom(browser, app_url):
    """Issue 12 item 11: the layers are switched in the legend, which never redraws the chart."""
    context, page, errors = open_page(browser, app_url)
    page.get_by_role("button", name="Train the LSTM").click()
    support.wait_for_trace(page, PREDICTIONS, timeout_ms=TRAIN_TIMEOUT_MS)
    support.wait_until_idle(page)
    index = chart_index(page, PREDICTIONS)
    chart = page.locator(".js-plotly-plot").nth(index)
    chart.scroll_into_view_if_needed()
    assert page.get_by_text("Click a legend entry to show or hide a line").is_visible()

    # zoom in as a user would: drag across the middle of the plot area
    box = chart.locator(".nsewdrag").first.bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.3, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.6, y, steps=8)
    page.mouse.up()
    layout = "(i) => document.querySelectorAll('.js-plotly-plot')[i]._fullLayout.xaxis.range"
    zoomed = page.evaluate(layout, index)

    def visible(name: str):
        return page.evaluate(
            """([i, name]) => {
                const chart = document.querySelectorAll('.js-plotly-plot')[i];
                const trace = chart.data.find(t => t.name === name);
                return trace.visible === undefined ? true : trace.visible;
            }""",
            [index, name],
        )

    assert visible("LSTM on training days") == "legendonly"
    entry = chart.locator("g.traces").filter(has_text="LSTM on training days")
    entry.locator("rect.legendtoggle").click()  # the legend's click target over the text
    page.wait_for_timeout(1500)  # a widget would have rerun the script by now
    support.wait_until_idle(page)
    assert visible("LSTM on training days") is True
    assert page.evaluate(layout, index) == zoomed
    shot(page, "forecast_legend_zoom")
    assert errors == [], f"browser console errors: {errors}"
    context.close()
