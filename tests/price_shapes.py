"""Small price files in the shapes people have, built in code: Excel, long, wide, intraday...

Shared by the unit tests (tests/test_price_shapes.py), the browser test and the ingest bench.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

LONG_TICKERS = {"AAL": 70, "AAPL": 90, "ZTS": 60}  # rows each; AAPL has the most


def walk(count: int, seed: int = 0, start: float = 100.0) -> np.ndarray:
    """A positive random walk of ``count`` prices, rounded to cents."""
    rng = np.random.default_rng(seed)
    return (start * np.exp(np.cumsum(rng.normal(0, 0.01, count)))).round(2)


def long_csv(tickers: dict[str, int] = LONG_TICKERS) -> bytes:
    """Kaggle's all_stocks_5yr shape: date,open,high,low,close,volume,Name, tickers A-Z."""
    frames = []
    for seed, (name, rows) in enumerate(tickers.items()):
        close = walk(rows, seed)
        frames.append(
            pd.DataFrame(
                {
                    "date": pd.bdate_range("2013-02-08", periods=rows).strftime("%Y-%m-%d"),
                    "open": close,
                    "high": close + 1,
                    "low": close - 1,
                    "close": close,
                    "volume": 1000 + seed,
                    "Name": name,
                }
            )
        )
    return pd.concat(frames).to_csv(index=False).encode()


def wide_csv(rows: int = 80) -> bytes:
    """One column per ticker; MSFT starts later, so SPY has the most dates."""
    frame = pd.DataFrame(
        {
            "Date": pd.bdate_range("2020-01-01", periods=rows).strftime("%Y-%m-%d"),
            "MSFT": walk(rows, 1, 150),
            "SPY": walk(rows, 2, 300),
        }
    )
    frame.loc[:9, "MSFT"] = np.nan
    return frame.to_csv(index=False).encode()


def hourly_bars(days: int = 60) -> pd.DatetimeIndex:
    """NYSE hourly bars as yfinance dates them: 09:30 to 15:30, seven a weekday."""
    sessions = pd.bdate_range("2023-01-03", periods=days)
    return pd.DatetimeIndex(
        [day + pd.Timedelta(minutes=570 + 60 * bar) for day in sessions for bar in range(7)]
    )


def yfinance_hourly_csv(days: int = 60) -> bytes:
    """yfinance ``interval="1h"`` export: Datetime with a UTC offset, OHLC, Adj Close, Volume."""
    bars = hourly_bars(days)
    close = walk(len(bars), 3)
    return (
        pd.DataFrame(
            {
                "Datetime": bars.strftime("%Y-%m-%d %H:%M:%S-05:00"),
                "Open": close,
                "High": close + 0.5,
                "Low": close - 0.5,
                "Close": close,
                "Adj Close": close,
                "Volume": 100,
            }
        )
        .to_csv(index=False)
        .encode()
    )


def tradingview_csv(rows: int = 300) -> bytes:
    """TradingView export of 24/7 hourly crypto bars: time in Unix seconds, lower-case OHLC."""
    times = pd.date_range("2024-01-01", periods=rows, freq="h")
    close = walk(rows, 4, 42_000)
    return (
        pd.DataFrame(
            {
                "time": (times - pd.Timestamp("1970-01-01")) // pd.Timedelta(seconds=1),
                "open": close,
                "high": close + 10,
                "low": close - 10,
                "close": close,
                "Volume": 3.5,
            }
        )
        .to_csv(index=False)
        .encode()
    )


def minute_csv(rows: int = 240) -> bytes:
    """One-minute bars with ISO 'T' timestamps and a Z zone."""
    times = pd.date_range("2024-03-04 14:30", periods=rows, freq="min")
    return (
        pd.DataFrame({"timestamp": times.strftime("%Y-%m-%dT%H:%M:%SZ"), "price": walk(rows, 5)})
        .to_csv(index=False)
        .encode()
    )


def weekly_csv(rows: int = 60) -> bytes:
    """Weekly closes on Fridays, month-first US dates."""
    return (
        pd.DataFrame(
            {
                "Date": pd.date_range("2020-01-03", periods=rows, freq="W-FRI").strftime(
                    "%m/%d/%Y"
                ),
                "Close": walk(rows, 6),
            }
        )
        .to_csv(index=False)
        .encode()
    )


def monthly_csv(rows: int = 144) -> bytes:
    """A monthly series dated 1949-01, 1949-02... (the AirPassengers layout)."""
    return (
        pd.DataFrame(
            {
                "Month": pd.date_range("1949-01-01", periods=rows, freq="MS").strftime("%Y-%m"),
                "Passengers": np.arange(rows) + 112,
            }
        )
        .to_csv(index=False)
        .encode()
    )


def workbook(sheets: dict[str, list[list]]) -> bytes:
    """An .xlsx holding ``sheets`` (name -> rows, header first), written by openpyxl."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def price_rows(rows: int = 80, seed: int = 7) -> list[list]:
    """A Date/Close table as Excel cells: real dates and floats, header first."""
    dates = pd.bdate_range("2024-01-01", periods=rows)
    return [["Date", "Close"]] + [
        [day.to_pydatetime(), float(price)]
        for day, price in zip(dates, walk(rows, seed), strict=True)
    ]


def long_file(rows: int, tickers: int, seed: int = 0) -> bytes:
    """A long file of ``rows`` rows: ``tickers`` tickers of the same business days each."""
    per = rows // tickers
    rng = np.random.default_rng(seed)
    dates = pd.bdate_range("1990-01-01", periods=per).strftime("%Y-%m-%d")
    close = (100 * np.exp(np.cumsum(rng.normal(0, 0.01, per * tickers)))).round(2)
    return (
        pd.DataFrame(
            {
                "date": np.tile(dates, tickers),
                "close": close,
                "volume": rng.integers(1_000, 9_000_000, per * tickers),
                "Name": np.repeat([f"T{index:03d}" for index in range(tickers)], per),
            }
        )
        .to_csv(index=False)
        .encode()
    )
