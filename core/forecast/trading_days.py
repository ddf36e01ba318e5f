"""The trading calendar a price series follows, for dating its forecast days.

A CSV says nothing about its exchange, so the calendar is read from the data: the weekdays it
trades on, and the exchange whose holidays (from the ``holidays`` package's financial calendars)
match the weekdays missing from its last years. When no exchange matches, only the weekday
pattern is used and the description says so.

Business days are for daily data only. Weekly and monthly data step on by the data's own spacing
(same weekday, same day of the month or month end); intraday bars step by the bar length through
the times of day and weekdays the data trades at.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import holidays
import pandas as pd

from core.forecast import frequency as frequency_module
from core.forecast.frequency import Frequency

# Exchanges tried, most common first; the codes are ``holidays.financial_holidays`` market codes.
MARKETS = {
    "NYSE": "NYSE",
    "XLON": "London Stock Exchange",
    "XETR": "Xetra (Frankfurt)",
    "XSWX": "SIX Swiss Exchange",
    "XTSE": "Toronto Stock Exchange",
    "XASX": "Australian Securities Exchange",
    "XJPX": "Japan Exchange Group",
    "XHKG": "Hong Kong Stock Exchange",
    "XNSE": "National Stock Exchange of India",
    "XECB": "TARGET2 (euro area)",
}
RECENT_YEARS = 3  # the calendar is read from the newest years: exchanges change their holidays
MIN_MATCH = 0.9  # share of an exchange's holidays the series must skip for that exchange to match
WEEKDAY_SHARE = 0.5  # a weekday trades when it holds at least half the busiest weekday's dates
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
RECENT_BARS = 5_000  # intraday: the session times are read from the newest bars


@dataclass(frozen=True)
class TradingCalendar:
    """The weekdays a series trades on and the exchange whose holidays it skips, if any.

    ``market`` is a ``holidays.financial_holidays`` code such as ``"NYSE"``, or None when no
    exchange's holidays matched the series' gaps. ``frequency`` is the series' spacing;
    ``times`` the times of day its intraday bars fall on (empty for daily and longer data);
    ``month_end`` whether monthly data sits on month ends, which its future dates keep.
    """

    weekdays: tuple[int, ...]
    market: str | None
    frequency: Frequency = frequency_module.DAILY
    times: tuple[pd.Timedelta, ...] = ()
    month_end: bool = False

    @property
    def description(self) -> str:
        """One plain line saying which days the forecast is dated on."""
        days = _weekday_text(self.weekdays)
        name = self.frequency.name
        if name == "weekly":
            return f"Forecast dates step on one week at a time ({days}), as the data does."
        if name == "monthly":
            which = "the last day of each month" if self.month_end else "one month at a time"
            return f"Forecast dates step on {which}, as the data does."
        if self.frequency.intraday:
            return (
                f"Forecast times step on {_one(self.frequency.noun)} at a time through the hours "
                f"the data trades ({_clock(self.times[0])}–{_clock(self.times[-1])}, {days})."
            )
        if self.market is None:
            return (
                f"Forecast days follow the data's weekdays ({days}); no exchange holiday "
                "calendar matched its gaps, so holidays are not skipped."
            )
        return (
            f"Forecast days follow the data's trading days: {days}, skipping "
            f"{MARKETS[self.market]} holidays (the exchange whose holidays the data skips)."
        )

    def next_days(self, after: pd.Timestamp, count: int) -> pd.DatetimeIndex:
        """The first ``count`` trading days (or weeks, months, bars) after ``after``."""
        name = self.frequency.name
        if name == "weekly":
            return pd.DatetimeIndex(
                [after + pd.Timedelta(weeks=step) for step in range(1, count + 1)], name="date"
            )
        if name == "monthly":
            offset = pd.offsets.MonthEnd() if self.month_end else pd.DateOffset(months=1)
            return pd.DatetimeIndex(
                [after + step * offset for step in range(1, count + 1)], name="date"
            )
        if self.frequency.intraday:
            return self._next_bars(after, count)
        start = pd.Timestamp(after).normalize() + pd.Timedelta(days=1)
        # count trading days fit in count * 7 / len(weekdays) days plus room for holidays
        span = int(count * 7 / len(self.weekdays)) + 30
        days = pd.date_range(start, periods=span, freq="D")
        closed = _holidays(self.market, days[0].year, days[-1].year)
        keep = [day for day in days if day.weekday() in self.weekdays and day.date() not in closed]
        return pd.DatetimeIndex(keep[:count], name="date")

    def _next_bars(self, after: pd.Timestamp, count: int) -> pd.DatetimeIndex:
        """The next ``count`` bars at the data's times of day, on its weekdays."""
        per_day = max(1, len(self.times))
        bars_a_day = pd.Timedelta(days=1) / self.frequency.step
        # enough candidate bars to hold count session bars, weekends included
        span = int(count * bars_a_day / per_day * 7 / len(self.weekdays)) + 4 * int(bars_a_day) + 1
        candidates = pd.date_range(
            after + self.frequency.step, periods=span, freq=self.frequency.step
        )
        times = set(self.times)
        keep = [
            bar
            for bar in candidates
            if bar.weekday() in self.weekdays and (bar - bar.normalize()) in times
        ]
        return pd.DatetimeIndex(keep[:count], name="date")


def trading_calendar(index: pd.DatetimeIndex) -> TradingCalendar:
    """Read the trading calendar from a series' dates (ascending, at least one).

    Parameters
    ----------
    index : pd.DatetimeIndex
        The dates of a price series, oldest first.

    Returns
    -------
    TradingCalendar
    """
    if len(index) == 0:
        raise ValueError("The series has no dates; load at least one price first.")
    spacing = frequency_module.of(index)
    if spacing.name != "daily":
        recent = index[-RECENT_BARS:]
        weekdays = tuple(sorted({int(day) for day in recent.weekday}))
        times = tuple(sorted(set(recent - recent.normalize()))) if spacing.intraday else ()
        month_end = bool(recent.is_month_end.all())
        return TradingCalendar(weekdays, None, spacing, times, month_end)
    last = index[-1].normalize()
    recent = index[index >= last - pd.DateOffset(years=RECENT_YEARS)].normalize()
    counts = recent.weekday.value_counts()
    busy = counts.index[counts >= WEEKDAY_SHARE * counts.max()]
    weekdays = tuple(sorted(int(day) for day in busy))
    span = pd.date_range(recent[0], last, freq="D")
    expected = {day.date() for day in span if day.weekday() in weekdays}
    missing = expected - {day.date() for day in recent}
    best, best_explained = None, 0
    for market in MARKETS:
        closed = {day for day in _holidays(market, span[0].year, span[-1].year) if day in expected}
        explained = len(closed & missing)
        if closed and explained >= MIN_MATCH * len(closed) and explained > best_explained:
            best, best_explained = market, explained
    return TradingCalendar(weekdays=weekdays, market=best)


def _holidays(market: str | None, first_year: int, last_year: int) -> frozenset[date]:
    if market is None:
        return frozenset()
    return frozenset(holidays.financial_holidays(market, years=range(first_year, last_year + 1)))


def _one(noun: str) -> str:
    return noun if noun[0].isdigit() else f"one {noun}"


def _clock(time_of_day: pd.Timedelta) -> str:
    minutes = int(time_of_day / pd.Timedelta(minutes=1))
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _weekday_text(weekdays: tuple[int, ...]) -> str:
    if weekdays == tuple(range(weekdays[0], weekdays[-1] + 1)) and len(weekdays) > 2:
        return f"{DAY_NAMES[weekdays[0]]}–{DAY_NAMES[weekdays[-1]]}"
    return ", ".join(DAY_NAMES[day] for day in weekdays)
