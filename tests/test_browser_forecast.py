"""The forecast page in headless Chromium: Stop keeps the training; uploads keep their column.

One server and one browser for the module; each test gets a fresh page (a new Streamlit session).
These are the flows AppTest cannot see: a click that lands while training runs, and a file
uploader whose options change under a kept widget.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import numpy as np
import pandas as pd
import pytest

from tests import browser_support as support

TRAIN_TIMEOUT_MS = 300_000
SHOTS = support.ROOT / "screenshots"

support.require_chromium()


@pytest.fixture
def page(browser):
    """A fresh browser page, failing the test on any console error or traceback.

    Opened on a deep link, Streamlit's client first asks for ``/forecast/_stcore/...``, which
    answers 404 before it finds the server's root; those two requests are not errors.
    """
    context = browser.new_context(viewport=support.VIEWPORT)
    page = context.new_page()
    errors: list[str] = []

    def on_console(message) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)

    def on_response(response) -> None:
        if response.status >= 400 and "/forecast/_stcore/" not in response.url:
            errors.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    assert errors == [], f"browser console errors: {errors}"
    assert page.get_by_text("Traceback").count() == 0
    context.close()


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def price_box(page) -> str:
    """The text the Price column select box shows."""
    return page.get_by_role("combobox", name="Price column").input_value()


def url_column(page) -> str | None:
    return parse_qs(urlparse(page.url).query).get("column", [None])[0]


def test_stop_keeps_the_best_epoch_and_ends_the_training(page, app_url):
    page.goto(f"{app_url}/forecast?sample=sp500&lookback=60&epochs=100&units=64&layers=2")
    page.get_by_role("button", name="Train the LSTM").wait_for(timeout=60_000)
    support.wait_until_idle(page)
    assert price_box(page) == "Adj Close"
    page.get_by_role("button", name="Train the LSTM").click()
    progress = page.get_by_text(re.compile(r"Epoch [2-9]\d* of 100"))
    progress.first.wait_for(timeout=TRAIN_TIMEOUT_MS)
    seen = int(re.search(r"Epoch (\d+) of 100", progress.first.inner_text()).group(1))
    page.get_by_role("button", name="Stop").click()

    stopped = page.get_by_text(re.compile(r"Training was stopped after \d+ of 100 epochs"))
    stopped.wait_for(timeout=TRAIN_TIMEOUT_MS)
    run = int(re.search(r"after (\d+) of 100", stopped.inner_text()).group(1))
    # the job ended promptly: within the epoch that was running when Stop was pressed, or the
    # next one when the click reached the server as an epoch ended (epochs take seconds here)
    assert seen <= run <= seen + 2
    page.get_by_text("Skill ratio", exact=True).first.wait_for(timeout=60_000)
    assert page.get_by_text("nothing to keep").count() == 0
    page.get_by_text("1 run in this session").wait_for(timeout=60_000)
    history = page.locator('[data-testid="stTable"]').filter(has_text="Validation loss")
    assert "(stopped)" in history.inner_text()
    support.wait_until_idle(page)
    assert price_box(page) == "Adj Close"
    assert url_column(page) == "Adj Close"
    shot(page, "forecast_stopped")


def yahoo_csv(rows: int, seed: int) -> str:
    """A Yahoo Finance export: Adj Close differs from Close, and Open comes first."""
    rng = np.random.default_rng(seed)
    dates = pd.bdate_range("2019-01-02", periods=rows)
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, rows)))
    frame = pd.DataFrame(
        {
            "Date": dates.strftime("%Y-%m-%d"),
            "Open": close * 1.01,
            "High": close * 1.02,
            "Low": close * 0.98,
            "Close": close,
            "Adj Close": close * 0.97,
            "Volume": rng.integers(1_000_000, 9_000_000, rows),
        }
    )
    return frame.to_csv(index=False, float_format="%.4f")


def nasdaq_csv(rows: int, seed: int) -> str:
    """A Nasdaq.com export: newest first, dollar signs, Close/Last before Open."""
    rng = np.random.default_rng(seed)
    dates = pd.bdate_range("2020-01-02", periods=rows)[::-1]
    close = 50 * np.exp(np.cumsum(rng.normal(0, 0.01, rows)))
    lines = ["Date, Close/Last, Volume, Open, High, Low"]
    for day, price in zip(dates, close, strict=True):
        lines.append(
            f"{day:%m/%d/%Y}, ${price:.2f}, 1234567, ${price * 1.01:.2f}, "
            f"${price * 1.02:.2f}, ${price * 0.98:.2f}"
        )
    return "\n".join(lines) + "\n"


def train_and_read_status(page, run: int) -> str:
    support.wait_until_idle(page)
    page.get_by_role("button", name="Train the LSTM").click()
    status = page.get_by_text(re.compile(rf"Run {run}: (trained|stopped) .* on "))
    status.wait_for(timeout=TRAIN_TIMEOUT_MS)
    support.wait_until_idle(page)
    return status.inner_text()


def test_each_upload_is_read_and_trained_on_its_own_best_column(page, app_url, tmp_path):
    yahoo, nasdaq = tmp_path / "yahoo.csv", tmp_path / "nasdaq.csv"
    yahoo.write_text(yahoo_csv(300, seed=1))
    nasdaq.write_text(nasdaq_csv(300, seed=2))
    page.goto(f"{app_url}/forecast?lookback=5&epochs=1&units=8")
    page.get_by_role("button", name="Train the LSTM").wait_for(timeout=60_000)
    support.wait_until_idle(page)
    assert price_box(page) == "Adj Close"  # the S&P 500 sample first

    page.get_by_text("Upload a CSV", exact=True).click()
    page.locator("input[type=file]").set_input_files(str(yahoo))
    page.get_by_text("column Adj Close").wait_for(timeout=60_000)
    support.wait_until_idle(page)
    assert price_box(page) == "Adj Close"
    assert "yahoo.csv · Adj Close" in train_and_read_status(page, 1)
    assert url_column(page) == "Adj Close"
    assert price_box(page) == "Adj Close"

    page.locator("input[type=file]").set_input_files(str(nasdaq))
    page.get_by_text("column Close/Last").wait_for(timeout=60_000)
    support.wait_until_idle(page)
    assert price_box(page) == "Close/Last"
    assert page.get_by_text("The link asks for column").count() == 0
    assert "nasdaq.csv · Close/Last" in train_and_read_status(page, 2)
    assert url_column(page) == "Close/Last"
    shot(page, "forecast_second_upload")


def test_training_on_the_sample_shows_what_the_lstm_learned_turbulence(page, app_url):
    page.goto(f"{app_url}/forecast?sample=sp500&epochs=2&horizon=5")
    page.get_by_role("button", name="Train the LSTM").wait_for(timeout=60_000)
    support.wait_until_idle(page)
    page.get_by_role("button", name="Train the LSTM").click()
    traces = support.wait_for_trace(page, "GARCH(1,1) forecast", timeout_ms=TRAIN_TIMEOUT_MS)
    names = [trace["name"] for trace in traces]
    assert {"LSTM forecast", "GARCH(1,1) forecast", "Realised (10-day)"} <= set(names)
    lstm = next(trace["y"] for trace in traces if trace["name"] == "LSTM forecast")
    # a forecast volatility on every test day (percent of the price), not a flat line
    assert len(lstm) > 900 and min(lstm) > 0 and max(lstm) > 1.5 * min(lstm)
    heading = page.get_by_role("heading", name="What the LSTM learned: turbulence")
    heading.wait_for(timeout=60_000)
    page.get_by_text(re.compile(r"On the \d+ stormiest test weeks")).wait_for(timeout=60_000)
    page.get_by_text("How often the 80% band held the price, by days ahead").wait_for(
        timeout=60_000
    )
    support.wait_until_idle(page)
    heading.scroll_into_view_if_needed()
    shot(page, "forecast_turbulence")
