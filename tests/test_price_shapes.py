"""Price data in the shapes people have: Excel, paste, several tickers, minute to monthly (#17)."""

import io
import json
import zipfile

import pandas as pd
import pytest

from core import textio
from core.forecast import __main__ as forecast_cli
from core.forecast import frequency, prices, trading_days
from core.forecast.prices import load_prices
from tests import price_shapes as shapes


def stamps(loaded: prices.PriceData) -> tuple[str, str]:
    return str(loaded.series.index[0]), str(loaded.series.index[-1])


# --- Excel -------------------------------------------------------------------------------------


def test_workbook_reads_the_first_sheet_that_holds_prices():
    rows = shapes.price_rows(80)
    data = shapes.workbook({"Read me": [["Prices from the desk"]], "Prices": rows})
    loaded = load_prices(data)
    assert (loaded.sheet, loaded.sheets) == ("Prices", ("Read me", "Prices"))
    assert len(loaded.series) == 80 and loaded.column == "Close"
    assert stamps(loaded) == ("2024-01-01 00:00:00", "2024-04-19 00:00:00")
    assert loaded.series.iloc[0] == rows[1][1] and loaded.series.iloc[-1] == rows[-1][1]
    assert loaded.frequency.name == "daily"


def test_workbook_sheet_can_be_picked_and_a_missing_one_is_named():
    data = shapes.workbook({"A": shapes.price_rows(30, 1), "B": shapes.price_rows(40, 2)})
    assert len(load_prices(data).series) == 30
    assert len(load_prices(data, sheet="b").series) == 40
    with pytest.raises(ValueError, match=r"^The workbook has no sheet 'C'; its sheets are: A, B\."):
        load_prices(data, sheet="C")
    flat = shapes.workbook({"A": [["Date", "Close"], ["2024-01-02", 5.0], ["2024-01-03", 5.0]]})
    with pytest.raises(ValueError, match=r"^Sheet 'A': Column Close has the same value \(5\)"):
        load_prices(flat, sheet="A")


def test_workbook_without_a_usable_sheet_says_what_each_sheet_lacked():
    data = shapes.workbook({"Notes": [["just words"], ["more words"]], "Empty": []})
    with pytest.raises(ValueError, match=r"^No sheet of the workbook holds a date column") as error:
        load_prices(data)
    message = str(error.value)
    assert "Notes: Found only one column" in message and "Empty: Sheet 'Empty' is empty" in message


def test_workbook_with_intraday_dates_keeps_their_times():
    bars = shapes.hourly_bars(10)
    rows = [["Time stamp", "Last"]] + [
        [bar.to_pydatetime(), 100.0 + index] for index, bar in enumerate(bars)
    ]
    loaded = load_prices(shapes.workbook({"Bars": rows}))
    assert loaded.frequency.name == "hourly" and len(loaded.series) == 70
    assert stamps(loaded) == ("2023-01-03 09:30:00", "2023-01-16 15:30:00")


def test_password_protected_workbook_gets_a_clear_message():
    # an encrypted .xlsx is an OLE container holding an "EncryptedPackage" stream
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + textio.ENCRYPTED_PACKAGE
    with pytest.raises(ValueError, match=r"^The file is a password-protected workbook.*without"):
        load_prices(data)


def test_old_xls_workbook_is_refused_with_how_to_fix():
    with pytest.raises(ValueError, match=r"^The file is an old Excel \.xls workbook"):
        load_prices(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)


def test_workbook_bomb_is_refused_before_it_is_unpacked():
    buffer = io.BytesIO(shapes.workbook({"P": shapes.price_rows(20)}))
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b" " * 5_000_000)  # packs about 1000x
    with pytest.raises(ValueError, match=r"^The workbook unpacks to [\d,]+ times its size; a real"):
        load_prices(buffer.getvalue())


def test_workbook_over_the_unpacked_limit_is_refused(monkeypatch):
    monkeypatch.setattr(textio, "UNPACKED_LIMIT_MB", 0.01)
    with pytest.raises(ValueError, match=r"^The workbook unpacks to more than"):
        load_prices(shapes.workbook({"P": shapes.price_rows(400)}))


def test_sheet_rows_and_columns_are_bounded_while_streaming():
    import openpyxl

    book = openpyxl.load_workbook(
        io.BytesIO(shapes.workbook({"P": shapes.price_rows(50)})), read_only=True
    )
    small = textio.TableLimits(100, 100, 1, 1000, 1000, "hint", "Upload less.")
    with pytest.raises(ValueError, match=r"^Sheet P has 2 columns; the limit is 1\."):
        textio.sheet_text(book["P"], small, "Sheet P")
    few_rows = textio.TableLimits(100, 100, 5, 10, 1000, "hint", "Upload less.")
    with pytest.raises(ValueError, match=r"^Sheet P has more than 10 rows; the limit is 10\. Upl"):
        textio.sheet_text(book["P"], few_rows, "Sheet P")
    few_cells = textio.TableLimits(100, 100, 5, 1000, 30, "hint", "Upload less.")
    with pytest.raises(
        ValueError, match=r"^Sheet P has more than 30 filled cells; the limit is 30"
    ):
        textio.sheet_text(book["P"], few_cells, "Sheet P")
    book.close()


def test_damaged_workbook_is_refused_with_how_to_fix():
    data = shapes.workbook({"P": shapes.price_rows(20)})
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(buffer, "w") as target,
    ):
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info, source.read(info))
            else:
                target.writestr(info, b"<worksheet><sheetData><row>")
    with pytest.raises(ValueError, match=r"^(The workbook is an Excel workbook that could not|No)"):
        load_prices(buffer.getvalue())


def test_sheet_given_for_a_csv_is_refused():
    with pytest.raises(ValueError, match=r"^sheet='P' was given, but the file is text"):
        load_prices(shapes.weekly_csv(), sheet="P")


# --- paste -------------------------------------------------------------------------------------


def test_rows_pasted_from_a_spreadsheet_read_as_tab_separated():
    pasted = "Datum\tSchluss\n02.01.2024\t1.234,50\n03.01.2024\t1.240,10\n04.01.2024\t1.238,00\n"
    loaded = load_prices(pasted.encode())
    assert loaded.series.tolist() == [1234.5, 1240.1, 1238.0]
    assert stamps(loaded) == ("2024-01-02 00:00:00", "2024-01-04 00:00:00")


# --- several tickers ----------------------------------------------------------------------------


def test_long_file_lists_tickers_and_reads_the_one_with_most_rows():
    loaded = load_prices(shapes.long_csv())
    assert loaded.layout == "long" and loaded.ticker == "AAPL"
    assert [(t.name, t.rows) for t in loaded.tickers] == [("AAPL", 90), ("AAL", 70), ("ZTS", 60)]
    zts = loaded.tickers[2]
    assert (str(zts.start.date()), str(zts.end.date())) == ("2013-02-08", "2013-05-02")
    assert len(loaded.series) == 90 and loaded.column == "close"
    assert loaded.series.iloc[0] == shapes.walk(90, 1)[0]
    assert loaded.series.iloc[-1] == shapes.walk(90, 1)[-1]
    assert "Name" not in loaded.numeric_columns and "volume" not in loaded.numeric_columns
    assert loaded.report.endswith("column close, ticker AAPL")


def test_long_file_ticker_is_picked_case_insensitively():
    loaded = load_prices(shapes.long_csv(), ticker="zts")
    assert loaded.ticker == "ZTS" and len(loaded.series) == 60
    assert loaded.series.iloc[-1] == shapes.walk(60, 2)[-1]


def test_unknown_ticker_lists_the_file_s_tickers():
    with pytest.raises(ValueError, match=r"^Ticker 'MSFT' is not in the file's Name column; it has "
                       r"3 tickers: AAPL, AAL, ZTS\. Pick one of them\.$"):  # fmt: skip
        load_prices(shapes.long_csv(), ticker="MSFT")


def test_ticker_for_a_file_with_one_series_is_refused():
    with pytest.raises(ValueError, match=r"^ticker='AAPL' was given, but the file has no ticker"):
        load_prices(shapes.weekly_csv(), ticker="AAPL")


def test_long_file_ticker_with_too_few_rows_says_so():
    data = shapes.long_csv({"BIG": 30, "ONE": 1})
    with pytest.raises(ValueError, match=r"^Found 1 row for ticker ONE .*Pick a ticker with more"):
        load_prices(data, ticker="ONE")


def test_duplicate_timestamps_within_a_ticker_are_refused():
    text = shapes.long_csv().decode()
    lines = text.splitlines()
    repeated = next(line for line in lines if line.endswith(",ZTS"))
    data = "\n".join([*lines, repeated])
    expected = r"^Ticker ZTS has 1 row repeating a timestamp \(first 2013-02-08\); a file with"
    with pytest.raises(ValueError, match=expected):
        load_prices(data.encode(), ticker="ZTS")


def test_wide_file_offers_each_ticker_and_explains_the_default():
    loaded = load_prices(shapes.wide_csv())
    assert loaded.layout == "wide" and loaded.numeric_columns == ["MSFT", "SPY"]
    assert loaded.column == "SPY" and len(loaded.series) == 80
    assert loaded.notes == (
        "The file has one price column per ticker (MSFT, SPY); reading SPY, the one with the "
        "most dates. Pick another ticker in the price column box.",
    )
    msft = load_prices(shapes.wide_csv(), column="msft")
    assert msft.column == "MSFT" and len(msft.series) == 70
    assert msft.notes[0].startswith("The file has one price column per ticker") and (
        "reading MSFT, the one asked for" in msft.notes[0]
    )


def test_ohlc_file_is_not_wide():
    loaded = load_prices(shapes.yfinance_hourly_csv(5))
    assert loaded.layout == "single" and loaded.notes == ()


# --- frequency ---------------------------------------------------------------------------------


def test_yfinance_hourly_keeps_every_bar_instead_of_collapsing_to_days():
    loaded = load_prices(shapes.yfinance_hourly_csv(60))
    assert len(loaded.series) == 420 and loaded.frequency.name == "hourly"
    assert stamps(loaded) == ("2023-01-03 09:30:00", "2023-03-27 15:30:00")
    assert loaded.report.startswith("420 rows (hourly), 2023-01-03 09:30 → 2023-03-27 15:30")


def test_tradingview_unix_times_read_as_hourly_bars():
    loaded = load_prices(shapes.tradingview_csv(300))
    assert loaded.frequency.name == "hourly" and len(loaded.series) == 300
    assert stamps(loaded) == ("2024-01-01 00:00:00", "2024-01-13 11:00:00")
    assert loaded.series.iloc[-1] == shapes.walk(300, 4, 42_000)[-1]


def test_minute_bars_with_iso_t_and_zone():
    loaded = load_prices(shapes.minute_csv(240))
    assert loaded.frequency.name == "minute" and loaded.frequency.step == pd.Timedelta("1min")
    assert stamps(loaded) == ("2024-03-04 14:30:00", "2024-03-04 18:29:00")


def test_weekly_and_monthly_series():
    weekly = load_prices(shapes.weekly_csv(60))
    assert weekly.frequency.name == "weekly" and len(weekly.series) == 60
    monthly = load_prices(shapes.monthly_csv(144))
    assert monthly.frequency.name == "monthly" and monthly.column == "Passengers"
    assert stamps(monthly) == ("1949-01-01 00:00:00", "1960-12-01 00:00:00")


def test_mixed_spacing_is_refused_with_what_was_found():
    days = pd.bdate_range("2020-01-01", periods=40)
    weeks = pd.date_range(days[-1] + pd.Timedelta(days=7), periods=40, freq="7D")
    dates = days.append(weeks)
    data = pd.DataFrame({"Date": dates.strftime("%Y-%m-%d"), "Close": range(1, 81)})
    expected = (
        r"^The timestamps are not evenly spaced: only 51% of the gaps fit weekly data \(found 51% "
        r"7 days apart, 39% 1 day apart, 10% 3 days apart\)\. Upload one series at one frequency"
    )
    with pytest.raises(ValueError, match=expected):
        load_prices(data.to_csv(index=False).encode())


def test_quarterly_spacing_is_refused():
    dates = pd.date_range("2000-03-31", periods=30, freq="QE")
    data = pd.DataFrame({"Date": dates.strftime("%Y-%m-%d"), "Close": range(1, 31)})
    with pytest.raises(
        ValueError, match=r"^The dates are about 91 days apart \(48% 92 days apart.*minute, hourly"
    ):
        load_prices(data.to_csv(index=False).encode())


def test_frequency_words():
    hourly = frequency.Frequency("hourly", pd.Timedelta(hours=1))
    weekly = frequency.Frequency("weekly", pd.Timedelta(days=7))
    five = frequency.Frequency("minute", pd.Timedelta(minutes=5))
    assert frequency.ahead(10, weekly) == "the next 10 weeks"
    assert frequency.ahead(1, hourly) == "next hour" and frequency.ahead(1, frequency.DAILY) == (
        "tomorrow"
    )
    assert frequency.baseline_name(frequency.DAILY) == "tomorrow = today"
    assert frequency.baseline_name(hourly) == "next hour = this hour"
    assert frequency.plural(five) == "steps of 5 minutes" and frequency.steps(1, five) == (
        "1 step of 5 minutes"
    )
    assert frequency.next_adjective(weekly) == "next-week"
    assert hourly.stamp(pd.Timestamp("2024-01-02 09:30")) == "2024-01-02 09:30"
    assert weekly.stamp(pd.Timestamp("2024-01-05")) == "2024-01-05"


# --- future dates follow the data's spacing ----------------------------------------------------


def test_weekly_future_dates_keep_the_weekday():
    index = load_prices(shapes.weekly_csv(60)).series.index
    days = trading_days.trading_calendar(index).next_days(index[-1], 3)
    assert [str(day.date()) for day in days] == ["2021-02-26", "2021-03-05", "2021-03-12"]


def test_monthly_future_dates_keep_month_ends():
    index = pd.date_range("2020-01-31", periods=24, freq="ME")
    calendar = trading_days.trading_calendar(index)
    assert calendar.month_end and "last day of each month" in calendar.description
    days = calendar.next_days(index[-1], 3)
    assert [str(day.date()) for day in days] == ["2022-01-31", "2022-02-28", "2022-03-31"]


def test_hourly_future_bars_follow_the_session_and_skip_the_weekend():
    index = load_prices(shapes.yfinance_hourly_csv(60)).series.index  # ends Mon 15:30
    calendar = trading_days.trading_calendar(index)
    bars = calendar.next_days(index[-1], 8)
    assert str(bars[0]) == "2023-03-28 09:30:00" and str(bars[-1]) == "2023-03-29 09:30:00"
    friday = shapes.hourly_bars(5)  # Tue 3 Jan .. Mon 9 Jan 2023
    after = trading_days.trading_calendar(friday).next_days(pd.Timestamp("2023-01-06 15:30"), 1)
    assert str(after[0]) == "2023-01-09 09:30:00"
    assert "09:30–15:30, Mon–Fri" in calendar.description


def test_daily_data_still_gets_business_days():
    index = pd.bdate_range("2024-01-01", periods=60)
    days = trading_days.trading_calendar(index).next_days(index[-1], 2)
    assert [day.weekday() for day in days] == [0, 1]  # Friday's next days: Monday, Tuesday


# --- command line ------------------------------------------------------------------------------


def test_inspect_reports_frequency_tickers_and_ticker(tmp_path, capsys):
    path = tmp_path / "all_stocks.csv"
    path.write_bytes(shapes.long_csv())
    assert forecast_cli.main(["inspect", str(path), "--ticker", "AAL"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["frequency"] == "daily"
    assert (result["tickers"], result["ticker"]) == (["AAPL", "AAL", "ZTS"], "AAL")
    assert (result["rows"], result["start"], result["end"]) == (70, "2013-02-08", "2013-05-16")


def test_inspect_prints_intraday_dates_as_iso_date_times(tmp_path, capsys):
    path = tmp_path / "hourly.csv"
    path.write_bytes(shapes.yfinance_hourly_csv(3))
    assert forecast_cli.main(["inspect", str(path)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["frequency"] == "hourly" and "tickers" not in result
    assert (result["start"], result["end"]) == ("2023-01-03T09:30:00", "2023-01-05T15:30:00")


def test_inspect_reads_a_picked_sheet(tmp_path, capsys):
    path = tmp_path / "book.xlsx"
    path.write_bytes(shapes.workbook({"A": shapes.price_rows(30), "B": shapes.price_rows(40)}))
    assert forecast_cli.main(["inspect", str(path), "--sheet", "B"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["sheet"], result["rows"], result["column"]) == ("B", 40, "Close")


def test_inspect_unknown_ticker_exits_2_with_one_line(tmp_path, capsys):
    path = tmp_path / "all_stocks.csv"
    path.write_bytes(shapes.long_csv())
    assert forecast_cli.main(["inspect", str(path), "--ticker", "NOPE"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("error: Ticker 'NOPE' is not in the file") and error.count("\n") == 1


def test_train_takes_a_ticker_and_dates_weekly_forecasts_by_week(tmp_path, capsys):
    path = tmp_path / "weekly_long.csv"
    frames = [
        pd.DataFrame(
            {
                "Date": pd.date_range("2015-01-02", periods=rows, freq="W-FRI").strftime(
                    "%Y-%m-%d"
                ),
                "Symbol": name,
                "Close": shapes.walk(rows, seed),
            }
        )
        for seed, (name, rows) in enumerate({"AAA": 200, "BBB": 260}.items())
    ]
    pd.concat(frames).to_csv(path, index=False)
    argv = ["train", str(path), "--ticker", "aaa", "--lookback", "8", "--epochs", "1"]
    assert forecast_cli.main([*argv, "--horizon", "3", "--units", "4"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["ticker"], result["frequency"]) == ("AAA", "weekly")
    last = pd.Timestamp("2015-01-02") + pd.Timedelta(weeks=199)
    assert [row["date"] for row in result["forecast"]] == [
        str((last + pd.Timedelta(weeks=step)).date()) for step in (1, 2, 3)
    ]


# --- readings in the data's own steps ------------------------------------------------------------


def test_readings_of_hourly_data_speak_in_hours():
    from core.forecast import Forecaster
    from core.forecast import report as forecast_report

    loaded = load_prices(shapes.yfinance_hourly_csv(60))
    model = Forecaster(lookback=10, epochs=1, units=4, seed=1).fit(loaded.series)
    evaluation = model.evaluate()
    assert evaluation.reading.startswith("The LSTM's typical next-hour error was ")
    assert "“next hour = this hour” missed by" in evaluation.reading
    cards = forecast_report.readings(evaluation, model)
    assert cards[0].reading.startswith(f"On {len(model.evaluate().predictions):,} test hours ")
    assert "next-hour price" in cards[0].reading
    assert cards[1].label == "Next hour = this hour error (RMSE)"
    assert cards[1].reading.startswith("Guessing that next hour's price equals this hour's")
    assert cards[2].reading.startswith("LSTM error ÷ “next hour = this hour” error: below 1")
    check = model.horizon_check(3)
    horizon = forecast_report.horizon_readings(check, loaded.frequency)
    assert [card.label for card in horizon] == [
        f"{check.level:.0%} band held the price (hour 1)",
        f"{check.level:.0%} band held the price (hour 3)",
        "Band width on hour 3",
        "Error 3 hours ahead",
    ]
    assert str(check.band.index[0]) == "2023-03-28 09:30:00"  # the next session's first bar
    assert forecast_report.future_table(check.band, check.level).index[0] == "Tue 28 Mar 2023 09:30"


# --- crypto exports ------------------------------------------------------------------------------


def test_cryptodatadownload_title_line_is_skipped_and_unix_column_is_not_a_price():
    times = pd.date_range("2024-01-01", periods=48, freq="h")[::-1]  # newest first
    frame = pd.DataFrame(
        {
            "unix": (times - pd.Timestamp("1970-01-01")) // pd.Timedelta(milliseconds=1),
            "date": times.strftime("%Y-%m-%d %H:%M:%S"),
            "symbol": "BTC/USDT",
            "close": shapes.walk(48, 8, 42_000),
            "Volume BTC": 3.0,
        }
    )
    data = ("https://www.CryptoDataDownload.com\n" + frame.to_csv(index=False)).encode()
    loaded = load_prices(data)
    assert loaded.frequency.name == "hourly" and loaded.numeric_columns == ["close"]
    assert stamps(loaded) == ("2024-01-01 00:00:00", "2024-01-02 23:00:00")
    assert loaded.series.iloc[-1] == frame["close"].iloc[0]
    assert loaded.notes == (
        "Skipped the first line, 'https://www.CryptoDataDownload.com': it is not part of the "
        "table.",
    )


def test_binance_klines_without_a_header_read_as_hourly_closes():
    opens = pd.date_range("2024-01-01", periods=30, freq="h")
    millis = (opens - pd.Timestamp("1970-01-01")) // pd.Timedelta(milliseconds=1)
    rows = [
        f"{ms},{100 + i}.5,{101 + i},{99 + i},{100 + i}.25,12.5,{ms + 3_599_999},5000.1,100,5.1,"
        "200.2,0"
        for i, ms in enumerate(millis)
    ]
    loaded = load_prices("\n".join(rows).encode())
    assert loaded.column == "Close" and loaded.frequency.name == "hourly"
    assert loaded.series.iloc[0] == 100.25 and len(loaded.series) == 30
    assert "Close time" not in loaded.numeric_columns and "Ignore" not in loaded.numeric_columns


def test_daily_file_stamped_at_varying_close_times_stays_daily():
    days = pd.bdate_range("2024-01-01", periods=30)
    stamped = [f"{day:%Y-%m-%d} 16:0{index % 3}:00" for index, day in enumerate(days)]
    loaded = load_prices(
        pd.DataFrame({"Date": stamped, "Close": range(1, 31)}).to_csv(index=False).encode()
    )
    assert loaded.frequency.name == "daily" and str(loaded.series.index[0]) == "2024-01-01 00:00:00"


def test_rows_sharing_dates_without_a_ticker_column_are_not_collapsed():
    # intraday bars whose time of day is missing: collapsing them to days would be silent loss
    days = pd.bdate_range("2024-01-01", periods=10).strftime("%Y-%m-%d")
    data = pd.DataFrame({"Date": [day for day in days for _ in range(7)], "Close": range(1, 71)})
    expected = r"^100% of the rows share their timestamp with another row \(e\.g\. 2024-01-01 appe"
    with pytest.raises(ValueError, match=expected + r"ars 7 times\), and no text column"):
        load_prices(data.to_csv(index=False).encode())


def test_a_daily_file_that_turns_weekly_is_refused_naming_both_spacings():
    trading_days = pd.bdate_range("2020-01-01", periods=300 + 240 * 5)
    dates = trading_days[:300].append(trading_days[304::5][:240])  # then every 5th trading day
    data = pd.DataFrame({"Date": dates.strftime("%Y-%m-%d"), "Close": range(1, 541)})
    expected = (
        r"^The dates change spacing: most are 1 day apart \(daily data\), but the 241 rows from "
        rf"{dates[299]:%Y-%m-%d} to {dates[-1]:%Y-%m-%d} are 7 days apart \(weekly data\)\. "
        r"Upload one series at one frequency"
    )
    with pytest.raises(ValueError, match=expected):
        load_prices(data.to_csv(index=False).encode())


def test_daily_files_with_holiday_weeks_and_weekly_files_with_missed_weeks_still_load():
    trading_days = pd.bdate_range("2001-01-02", "2003-12-31")
    # a week-long closure (as after 11 September 2001) and scattered one-day holidays
    closed = pd.bdate_range("2001-09-11", "2001-09-14").append(trading_days[::23])
    daily = trading_days.difference(closed)
    data = pd.DataFrame({"Date": daily.strftime("%Y-%m-%d"), "Close": range(1, len(daily) + 1)})
    assert load_prices(data.to_csv(index=False).encode()).frequency.name == "daily"
    weeks = pd.date_range("2020-01-03", periods=120, freq="W-FRI")
    weeks = weeks.delete([20, 50, 51, 90])  # a few missed weeks, one of them two in a row
    data = pd.DataFrame({"Date": weeks.strftime("%Y-%m-%d"), "Close": range(1, len(weeks) + 1)})
    assert load_prices(data.to_csv(index=False).encode()).frequency.name == "weekly"
