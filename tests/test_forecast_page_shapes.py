"""AppTest of the forecast page with files of several tickers, workbooks, pasted rows and hourly
data (#17): the boxes they need, the link's ticker, the labels in the data's own steps."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests import price_shapes as shapes

PAGE = str(Path(__file__).resolve().parents[1] / "app_pages" / "forecast.py")
TIMEOUT = 120


def open_page(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    at.query_params.update(query or {})
    at.run()
    assert not at.exception
    return at


def upload(at: AppTest, name: str, content: bytes) -> AppTest:
    at.segmented_control(key="source").set_value("Upload a CSV").run()
    at.file_uploader(key="upload").upload(name, content, "application/octet-stream").run()
    assert not at.exception
    return at


def box(at: AppTest, label_start: str):
    return next(item for item in at.selectbox if item.label.startswith(label_start))


def test_long_file_gets_a_ticker_box_and_the_pick_reaches_the_url():
    at = upload(open_page(), "all_stocks.csv", shapes.long_csv())
    ticker = box(at, "Ticker (3 in this file)")
    assert ticker.options == [
        "AAPL · 90 rows, 2013-02-08 → 2013-06-13",
        "AAL · 70 rows, 2013-02-08 → 2013-05-16",
        "ZTS · 60 rows, 2013-02-08 → 2013-05-02",
    ]
    assert ticker.value == "AAPL"
    ticker.set_value("ZTS").run()
    assert not at.exception
    assert "60 rows, 2013-02-08 → 2013-05-02, column close, ticker ZTS" in at.success[0].value
    assert at.query_params["ticker"] == "ZTS"


def test_link_ticker_starts_the_box_on_it_or_says_it_is_missing():
    at = upload(open_page({"ticker": "aal"}), "all_stocks.csv", shapes.long_csv())
    assert box(at, "Ticker").value == "AAL"
    missing = upload(open_page({"ticker": "MSFT"}), "all_stocks.csv", shapes.long_csv())
    assert box(missing, "Ticker").value == "AAPL"
    assert any("ticker “MSFT”" in warning.value for warning in missing.warning)


def test_workbook_gets_a_sheet_box_on_the_sheet_with_prices():
    data = shapes.workbook({"Notes": [["hello"]], "Prices": shapes.price_rows(120)})
    at = upload(open_page(), "desk.xlsx", data)
    sheet = box(at, "Sheet")
    assert (sheet.options, sheet.value) == (["Notes", "Prices"], "Prices")
    sheet.set_value("Notes").run()
    assert at.error and at.error[0].value.startswith("Sheet 'Notes': Found only one column")


def test_wide_file_labels_the_column_box_by_ticker_and_explains_the_default():
    at = upload(open_page(), "closes.csv", shapes.wide_csv())
    column = box(at, "Price column (one per ticker)")
    assert (column.options, column.value) == (["MSFT", "SPY"], "SPY")
    assert any("one price column per ticker" in info.value for info in at.info)


def test_pasted_rows_load_and_hourly_settings_count_hours():
    at = open_page()
    at.segmented_control(key="source").set_value("Paste rows").run()
    at.text_area(key="paste").input(shapes.yfinance_hourly_csv(20).decode().replace(",", "\t"))
    at.run()
    assert not at.exception
    assert at.success[0].value.startswith("140 rows (hourly), 2023-01-03 09:30 → ")
    assert at.slider(key="lookback").label == "Lookback (hours)"
    assert at.slider(key="horizon").label == "Forecast horizon (hours)"


def test_presentation_mode_keeps_the_picked_ticker():
    at = upload(open_page(), "all_stocks.csv", shapes.long_csv())
    box(at, "Ticker").set_value("ZTS").run()
    at.toggle(key="presentation").set_value(True).run()
    assert not at.exception
    assert any(header.value.startswith("all_stocks.csv · ZTS · close") for header in at.subheader)
