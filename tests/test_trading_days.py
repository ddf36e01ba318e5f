"""Forecast days follow the series' own calendar: its weekdays and its exchange's holidays."""

from datetime import date

import holidays
import pandas as pd
import pytest

from core.forecast import Forecaster, prices, trading_days
from core.paths import SAMPLES_DIR


@pytest.fixture(scope="module")
def sp500() -> pd.Series:
    return prices.load_prices((SAMPLES_DIR / "sp500.csv").read_bytes(), None).series


def test_sp500_sample_reads_as_nyse_and_skips_new_year(sp500):
    calendar = trading_days.trading_calendar(sp500.index)
    assert calendar == trading_days.TradingCalendar(weekdays=(0, 1, 2, 3, 4), market="NYSE")
    days = calendar.next_days(sp500.index[-1], 15)
    assert sp500.index[-1] == pd.Timestamp("2018-12-31")
    assert days[0] == pd.Timestamp("2019-01-02")  # Tue 1 Jan 2019 is a market holiday
    assert pd.Timestamp("2019-01-21") not in days  # Martin Luther King Jr. Day
    assert all(day.weekday() < 5 for day in days) and len(days) == 15
    assert "NYSE holidays" in calendar.description


@pytest.mark.slow
def test_forecaster_dates_its_forecast_on_trading_days(sp500):
    model = Forecaster(lookback=5, epochs=1, units=4).fit(sp500)
    future = model.forecast(10).index
    band = model.horizon_check(10).band.index
    assert list(future) == list(band)
    assert pd.Timestamp("2019-01-01") not in future
    assert all(day.weekday() < 5 for day in future)
    assert future[0] == pd.Timestamp("2019-01-02")
    assert model.latest_window_steps()["predicts_date"].iloc[-1] == pd.Timestamp("2019-01-02")


def test_series_without_holiday_gaps_keeps_plain_weekdays():
    index = pd.bdate_range("2020-01-01", "2022-12-30")
    calendar = trading_days.trading_calendar(index)
    assert calendar.market is None and calendar.weekdays == (0, 1, 2, 3, 4)
    expected = pd.bdate_range(index[-1] + pd.offsets.BDay(1), periods=10)
    assert list(calendar.next_days(index[-1], 10)) == list(expected)
    assert "holidays are not skipped" in calendar.description


def test_seven_day_series_forecasts_weekends_too():
    index = pd.date_range("2021-01-01", "2023-06-30", freq="D")
    calendar = trading_days.trading_calendar(index)
    assert calendar.weekdays == tuple(range(7)) and calendar.market is None
    assert list(calendar.next_days(index[-1], 3)) == list(
        pd.date_range("2023-07-01", periods=3, freq="D")
    )
    assert "Mon–Sun" in calendar.description


def test_london_series_gets_london_holidays():
    closed = holidays.financial_holidays("XLON", years=range(2019, 2024))
    index = pd.DatetimeIndex(
        [day for day in pd.bdate_range("2019-01-02", "2023-12-22") if day.date() not in closed]
    )
    calendar = trading_days.trading_calendar(index)
    assert calendar.market == "XLON"
    days = calendar.next_days(index[-1], 5)
    # Christmas Day and Boxing Day 2023 fall on Monday and Tuesday
    assert [day.date() for day in days][:2] == [date(2023, 12, 27), date(2023, 12, 28)]


def test_empty_series_is_rejected():
    with pytest.raises(ValueError, match="no dates"):
        trading_days.trading_calendar(pd.DatetimeIndex([]))
