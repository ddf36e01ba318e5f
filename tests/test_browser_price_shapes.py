"""Price files in the shapes people have, in headless Chromium (#17): an Excel workbook, then a
long file of several tickers where the user picks one; each trains (1 epoch) on what was picked.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

from tests import browser_support as support
from tests import price_shapes as shapes

TRAIN_TIMEOUT_MS = 300_000
SHOTS = support.ROOT / "screenshots"

support.require_chromium()


def train_and_read_status(page, run: int) -> str:
    support.wait_until_idle(page)
    page.get_by_role("button", name="Train the LSTM").click()
    status = page.get_by_text(re.compile(rf"Run {run}: (trained|stopped) .* on "))
    status.wait_for(timeout=TRAIN_TIMEOUT_MS)
    support.wait_until_idle(page)
    return status.inner_text()


def test_upload_a_workbook_then_a_long_file_and_train_on_a_picked_ticker(
    browser, app_url, tmp_path
):
    workbook, long_file = tmp_path / "desk prices.xlsx", tmp_path / "all_stocks.csv"
    workbook.write_bytes(
        shapes.workbook({"Read me": [["From the desk"]], "Prices": shapes.price_rows(200)})
    )
    long_file.write_bytes(shapes.long_csv({"AAL": 150, "AAPL": 200, "ZTS": 120}))
    context = browser.new_context(viewport=support.VIEWPORT)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{app_url}/forecast?lookback=5&epochs=1&units=8&horizon=3")
    page.get_by_role("button", name="Train the LSTM").wait_for(timeout=60_000)
    support.wait_until_idle(page)

    page.get_by_text("Upload a CSV", exact=True).click()
    page.locator("input[type=file]").set_input_files(str(workbook))
    page.get_by_text("200 rows, 2024-01-01 → 2024-10-04, column Close").wait_for(timeout=60_000)
    support.wait_until_idle(page)
    # the workbook's first sheet holds no prices: the sheet box starts on the one that does
    assert page.get_by_role("combobox", name="Sheet").input_value() == "Prices"
    assert "desk prices.xlsx · Prices · Close" in train_and_read_status(page, 1)

    page.locator("input[type=file]").set_input_files(str(long_file))
    ticker = page.get_by_role("combobox", name=re.compile(r"^Ticker \(3 in this file\)"))
    ticker.wait_for(timeout=60_000)
    support.wait_until_idle(page)
    assert ticker.input_value().startswith("AAPL · 200 rows, 2013-02-08 → ")  # the most rows
    ticker.click()
    page.get_by_role("option", name=re.compile(r"^ZTS · 120 rows")).click()
    page.get_by_text("120 rows, 2013-02-08 → 2013-07-25, column close, ticker ZTS").wait_for(
        timeout=60_000
    )
    support.wait_until_idle(page)
    assert parse_qs(urlparse(page.url).query).get("ticker") == ["ZTS"]
    assert "all_stocks.csv · ZTS · close" in train_and_read_status(page, 2)
    page.get_by_text("Skill ratio", exact=True).first.wait_for(timeout=60_000)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "forecast_long_file_ticker.png"), full_page=True)
    assert errors == [] and page.get_by_text("Traceback").count() == 0
    context.close()
