"""How often a price series has a value (minute, hourly, daily, weekly, monthly), in words.

The frequency is read from the spacing of the timestamps: daily data skips weekends and holidays,
intraday data skips nights, so each kind accepts the gaps its markets leave. Spacing that fits no
kind (quarterly data, a file that switches from daily to weekly) is refused with what was found.
The helpers name the data's steps for the readings: "day", "the next 10 weeks", "next hour".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

NAMES = ("minute", "hourly", "daily", "weekly", "monthly")
MIN_REGULAR_SHARE = 0.9  # share of gaps that must fit the detected kind
MIN_GAPS_JUDGED = 10  # a few rows show too little to call their spacing irregular
# this many gaps in a row at another kind's spacing mean the file switches spacing (daily, then
# weekly); a holiday week or a missed month is one gap, never a run of them
MIN_RUN_OF_OTHER_SPACING = 10
DAY = pd.Timedelta(days=1)
# Gaps each kind accepts, in days: daily data skips weekends and holidays (up to a week, e.g.
# Christmas to New Year); weekly and monthly data may miss one period.
DAY_GAPS = {"daily": (1, 7), "weekly": (5, 15), "monthly": (27, 63)}
TYPICAL_DAYS = {"daily": (1, 4), "weekly": (5, 10), "monthly": (27, 35)}  # the median gap
STEPS = {"daily": DAY, "weekly": pd.Timedelta(days=7), "monthly": pd.Timedelta(days=30.4375)}
NOUNS = {"minute": "minute", "hourly": "hour", "daily": "day", "weekly": "week", "monthly": "month"}
NEXT = {
    "minute": "next minute",
    "hourly": "next hour",
    "daily": "tomorrow",
    "weekly": "next week",
    "monthly": "next month",
}
THIS = {
    "minute": "this minute",
    "hourly": "this hour",
    "daily": "today",
    "weekly": "this week",
    "monthly": "this month",
}


@dataclass(frozen=True)
class Frequency:
    """How often a series has a value.

    Attributes
    ----------
    name : str
        One of :data:`NAMES`.
    step : pd.Timedelta
        The usual spacing: 1 day for daily data, 7 for weekly, about 30.4 for monthly, the
        bar length (e.g. 1 hour or 5 minutes) for intraday data.
    """

    name: str
    step: pd.Timedelta

    @property
    def intraday(self) -> bool:
        """True for minute and hourly data, whose timestamps carry a time of day."""
        return self.name in ("minute", "hourly")

    @property
    def noun(self) -> str:
        """One step in words: "day", "week", "hour", "5 minutes"."""
        return f"{self.bars} {NOUNS[self.name]}s" if self.bars > 1 else NOUNS[self.name]

    def stamp(self, moment: pd.Timestamp) -> str:
        """A timestamp as the data's steps need it: "2024-01-31", or "2024-01-31 09:30"."""
        return f"{moment:%Y-%m-%d %H:%M}" if self.intraday else f"{moment:%Y-%m-%d}"

    @property
    def bars(self) -> int:
        """How many minutes or hours one bar spans (1 for daily and longer data)."""
        unit = {"minute": pd.Timedelta(minutes=1), "hourly": pd.Timedelta(hours=1)}.get(self.name)
        return max(1, round(self.step / unit)) if unit is not None else 1


DAILY = Frequency("daily", DAY)


def steps(count: int, frequency: Frequency) -> str:
    """``count`` steps in words: "1 day", "10 weeks", "3 steps of 5 minutes".

    Parameters
    ----------
    count : int
        How many steps.
    frequency : Frequency
        The series' frequency.

    Returns
    -------
    str
    """
    if frequency.bars > 1:
        return f"{count:,} step{'s' if count != 1 else ''} of {frequency.noun}"
    return f"{count:,} {frequency.noun}{'s' if count != 1 else ''}"


def plural(frequency: Frequency) -> str:
    """The steps as a plural noun, for labels: "days", "hours", "steps of 5 minutes"."""
    if frequency.bars > 1:
        return f"steps of {frequency.noun}"
    return f"{frequency.noun}s"


def next_adjective(frequency: Frequency) -> str:
    """The one-step-ahead forecast as an adjective: "next-day", "next-hour", "next-bar"."""
    return f"next-{frequency.noun}" if frequency.bars == 1 else "next-bar"


def ahead(count: int, frequency: Frequency) -> str:
    """The forecast horizon in words: "the next 10 weeks", "the next hour", "tomorrow".

    Parameters
    ----------
    count : int
        How many steps ahead.
    frequency : Frequency
        The series' frequency.

    Returns
    -------
    str
    """
    if count == 1:
        return NEXT[frequency.name] if frequency.bars == 1 else f"the next {frequency.noun}"
    return f"the next {steps(count, frequency)}"


def next_step(frequency: Frequency) -> str:
    """What "tomorrow" is in this data: "tomorrow", "next hour", "next week"."""
    return NEXT[frequency.name] if frequency.bars == 1 else "the next bar"


def this_step(frequency: Frequency) -> str:
    """What "today" is in this data: "today", "this hour", "this week"."""
    return THIS[frequency.name] if frequency.bars == 1 else "this bar"


def baseline_name(frequency: Frequency) -> str:
    """The persistence baseline's name: "tomorrow = today", "next hour = this hour"."""
    return f"{next_step(frequency)} = {this_step(frequency)}"


def of(index: pd.DatetimeIndex) -> Frequency:
    """The frequency of a series already checked at loading, daily when its spacing is not one.

    Series built in code (tests, the bundled samples) reach the readings without passing
    :func:`detect` at load time; their readings keep the daily words rather than failing.
    """
    try:
        return detect(index)
    except ValueError:
        return DAILY


def detect(index: pd.DatetimeIndex) -> Frequency:
    """Read the frequency from the spacing of ascending, unique timestamps.

    Parameters
    ----------
    index : pd.DatetimeIndex
        The series' timestamps, oldest first, at least two.

    Returns
    -------
    Frequency

    Raises
    ------
    ValueError
        When the spacing is irregular, mixed or fits none of :data:`NAMES`; the message says
        which gaps were found.
    """
    if len(index) < 2:
        return DAILY
    gaps = pd.Series(np.diff(index.to_numpy()))
    typical = gaps.median()
    if typical < DAY:
        return _intraday(index, gaps)
    days = gaps / DAY
    median_days = float(days.median())
    for name, (low, high) in TYPICAL_DAYS.items():
        if low <= median_days <= high:
            accepted_low, accepted_high = DAY_GAPS[name]
            share = float(days.between(accepted_low, accepted_high).mean())
            if share < MIN_REGULAR_SHARE and len(gaps) >= MIN_GAPS_JUDGED:
                raise ValueError(_irregular(name, share, gaps))
            _refuse_a_switch(name, index, days)
            return Frequency(name, STEPS[name])
    raise ValueError(
        f"The dates are about {median_days:,.0f} days apart ({_common_gaps(gaps)}); the "
        "forecaster reads minute, hourly, daily, weekly or monthly data. Upload a series with one "
        "of these spacings."
    )


def _refuse_a_switch(name: str, index: pd.DatetimeIndex, days: pd.Series) -> None:
    """Raise ValueError when a long run of consecutive gaps is off ``name``'s usual spacing.

    The share test in :func:`detect` misses a daily file that turns weekly: a week is also the
    longest holiday gap daily data may have, so every gap "fits". A run of such gaps cannot be
    holidays.
    """
    low, high = TYPICAL_DAYS[name]
    other = ~days.between(low, high).to_numpy()
    # where each run of off-spacing gaps starts and ends (end exclusive)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], other.astype(int), [0]])))
    starts, ends = edges[::2], edges[1::2]
    if not len(starts) or (ends - starts).max() < MIN_RUN_OF_OTHER_SPACING:
        return
    longest = int(np.argmax(ends - starts))
    start, end = int(starts[longest]), int(ends[longest])
    gaps = pd.Series(np.diff(index.to_numpy()))
    usual = _spoken_gap(gaps[~other].mode().iloc[0])
    switched = gaps[start:end].mode().iloc[0]
    kind = next(
        (f" ({kind} data)" for kind, (a, b) in TYPICAL_DAYS.items() if a <= switched / DAY <= b),
        "",
    )
    raise ValueError(
        f"The dates change spacing: most are {usual} apart ({name} data), but the "
        f"{end - start + 1:,} rows from {index[start]:%Y-%m-%d} to {index[end]:%Y-%m-%d} are "
        f"{_spoken_gap(switched)} apart{kind}. Upload one series at one frequency, for example by "
        "exporting it again with a single interval, or keep only the rows of one spacing."
    )


def _intraday(index: pd.DatetimeIndex, gaps: pd.Series) -> Frequency:
    step = gaps.mode().iloc[0]
    if step <= pd.Timedelta(0):
        raise ValueError("Found timestamps that repeat; each time may appear only once.")
    # a bar's gap is the step, a multiple of it (a quiet spell) or a jump to another day (night,
    # weekend); anything else means the bars are not on one grid
    same_day = index[1:].normalize() == index[:-1].normalize()
    multiple = (gaps % step == pd.Timedelta(0)).to_numpy()
    fits = ~same_day | multiple
    if fits.mean() < MIN_REGULAR_SHARE and len(gaps) >= MIN_GAPS_JUDGED:
        raise ValueError(_irregular("intraday", float(fits.mean()), gaps))
    return Frequency("hourly" if step >= pd.Timedelta(hours=1) else "minute", step)


def _irregular(name: str, share: float, gaps: pd.Series) -> str:
    return (
        f"The timestamps are not evenly spaced: only {share:.0%} of the gaps fit {name} data "
        f"(found {_common_gaps(gaps)}). Upload one series at one frequency (minute, hourly, "
        "daily, weekly or monthly), for example by exporting it again with a single interval."
    )


def _common_gaps(gaps: pd.Series, most: int = 3) -> str:
    counts = gaps.value_counts(normalize=True).head(most)
    return ", ".join(f"{share:.0%} {_spoken_gap(gap)} apart" for gap, share in counts.items())


def _spoken_gap(gap: pd.Timedelta) -> str:
    if gap >= DAY and gap % DAY == pd.Timedelta(0):
        days = gap // DAY
        return f"{days:,} day{'s' if days != 1 else ''}"
    minutes = gap / pd.Timedelta(minutes=1)
    if minutes >= 60 and minutes % 60 == 0:
        hours = int(minutes // 60)
        return f"{hours:,} hour{'s' if hours != 1 else ''}"
    return f"{minutes:,.0f} minute{'s' if minutes != 1 else ''}"
