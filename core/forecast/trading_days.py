"""The trading calendar a price series follows, for dating its forecast days.

A CSV says nothing about its exchange, so the calendar is read from the data: the weekdays it
trades on, and the exchange whose holidays (from the ``holidays`` package's financial calendars)
match the weekdays missing from its last years. When no exchange matches, only the weekday
pattern is used and the description says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import holidays
import pandas as pd

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


@dataclass(frozen=True)
class TradingCalendar:
    """The weekdays a series trades on and the exchange whose holidays it skips, if any.

    ``market`` is a ``holidays.financial_holidays`` code such as ``"NYSE"``, or None when no
    exchange's holidays matched the series' gaps.
    """

    weekdays: tuple[int, ...]
    market: str | None

    @property
    def description(self) -> str:
        """One plain line saying which days the forecast is dated on."""
        days = _weekday_text(self.weekdays)
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
        """The first ``count`` trading days after ``after``."""
        start = pd.Timestamp(after).normalize() + pd.Timedelta(days=1)
        # count trading days fit in count * 7 / len(weekdays) days plus room for holidays
        span = int(count * 7 / len(self.weekdays)) + 30
        days = pd.date_range(start, periods=span, freq="D")
        closed = _holidays(self.market, days[0].year, days[-1].year)
        keep = [day for day in days if day.weekday() in self.weekdays and day.date() not in closed]
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


def _weekday_text(weekdays: tuple[int, ...]) -> str:
    if weekdays == tuple(range(weekdays[0], weekdays[-1] + 1)) and len(weekdays) > 2:
        return f"{DAY_NAMES[weekdays[0]]}–{DAY_NAMES[weekdays[-1]]}"
    return ", ".join(DAY_NAMES[day] for day in weekdays)
