"""The forecaster's data: log returns, extra inputs, the chronological split and windows."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

DEFAULT_TEST_SHARE = 0.2
VALIDATION_SHARE = 0.15  # of the part before the test part
MIN_TEST_DAYS = 20
MIN_VALIDATION_DAYS = 20
MIN_TRAIN_WINDOWS = 50


def required_rows(lookback: int, test_share: float = DEFAULT_TEST_SHARE) -> int:
    """Smallest number of prices that leaves room for training, validation and test windows."""
    core_days = lookback + MIN_TRAIN_WINDOWS + MIN_VALIDATION_DAYS + 1
    with_test = int(np.ceil(core_days / (1.0 - test_share)))
    return max(with_test, core_days + MIN_TEST_DAYS)


def check_history(n_rows: int, lookback: int, test_share: float = DEFAULT_TEST_SHARE) -> None:
    """Raise ValueError when a series is too short for the chosen lookback and test part."""
    if not 0.05 <= test_share <= 0.5:
        raise ValueError(
            f"The test share is {test_share:.0%}; it must be between 5% and 50%. "
            "Pick a value in that range."
        )
    if lookback < 2:
        raise ValueError(f"The lookback is {lookback} days; it must be at least 2.")
    needed = required_rows(lookback, test_share)
    if n_rows < needed:
        raise ValueError(
            f"The series has {n_rows:,} prices; lookback {lookback} plus a {test_share:.0%} test "
            f"part needs at least {needed:,}. Lower the lookback or upload a longer history."
        )


@dataclass(frozen=True)
class Split:
    """Chronological split of the return series: indices into the returns array."""

    train_end: int  # returns[:train_end] are training targets
    val_end: int  # returns[train_end:val_end] are validation targets; the rest is the test part


def chronological_split(
    n_returns: int, lookback: int, test_share: float, test_days: int | None = None
) -> Split:
    """Split ``n_returns`` returns into training, validation and test parts, oldest first.

    ``test_days``, when given, fixes the size of the test part instead of ``test_share``.
    """
    if test_days is None:
        n_test = max(MIN_TEST_DAYS, int(round(n_returns * test_share)))
    elif test_days < 1:
        raise ValueError(f"The test part has {test_days} days; it needs at least 1.")
    else:
        n_test = test_days
    before_test = n_returns - n_test
    n_val = max(MIN_VALIDATION_DAYS, int(round(before_test * VALIDATION_SHARE)))
    train_end = before_test - n_val
    if train_end - lookback < MIN_TRAIN_WINDOWS:
        raise ValueError(
            f"Only {max(train_end - lookback, 0)} training windows are left after the split; "
            f"at least {MIN_TRAIN_WINDOWS} are needed. Lower the lookback or the test share, "
            "or upload a longer history."
        )
    return Split(train_end=train_end, val_end=before_test)


def log_returns(prices: np.ndarray) -> np.ndarray:
    """Daily log returns of a positive price array (one shorter than the input)."""
    return np.diff(np.log(np.asarray(prices, dtype=np.float64)))


def many_to_many_windows(values: np.ndarray, lookback: int, last_targets: range):
    """Inputs and per-step targets for every window whose last target index is in ``last_targets``.

    The window predicting target index ``t`` reads ``values[t - lookback : t]`` and its per-step
    targets are ``values[t - lookback + 1 : t + 1]``: the input shifted one day ahead.
    """
    starts = np.arange(last_targets.start, last_targets.stop) - lookback
    offsets = np.arange(lookback)
    inputs = values[starts[:, None] + offsets]
    targets = values[starts[:, None] + offsets + 1]
    return inputs[..., None].astype("float32"), targets[..., None].astype("float32")


# What each input the LSTM can read is called on screen, in the CLI's JSON and in the export.
INPUT_NAMES = {
    "returns": "daily returns",
    "range": "the day's high–low range",
    "volume": "the day's change in volume",
}


def extra_columns(
    table: pd.DataFrame, use_range: bool = True, use_volume: bool = False
) -> pd.DataFrame | None:
    """The loader's High, Low and Volume columns the forecaster may read besides the price.

    Parameters
    ----------
    table : pd.DataFrame
        ``PriceData.table``: every numeric column of the file on the price series' dates.
    use_range : bool
        Take High and Low (both needed) for the day's high–low range; on by default, since it
        lowered the validation loss on every series tried.
    use_volume : bool
        Take Volume; off by default, since it did not help consistently on validation.

    Returns
    -------
    pd.DataFrame or None
        Columns ``high``, ``low`` and/or ``volume`` on ``table``'s index; None when the file has
        none of the asked columns (the forecaster then reads returns only).
    """
    names = {str(name).strip().lower(): name for name in table.columns}
    picked = {}
    if use_range and "high" in names and "low" in names:
        picked["high"], picked["low"] = table[names["high"]], table[names["low"]]
    if use_volume and "volume" in names:
        picked["volume"] = table[names["volume"]]
    return pd.DataFrame(picked, index=table.index).astype(np.float64) if picked else None


def extra_features(extras: pd.DataFrame | None, index: pd.DatetimeIndex) -> dict[str, np.ndarray]:
    """The extra inputs per return, aligned with ``log_returns`` of the prices on ``index``.

    Return ``i`` ends on day ``index[i + 1]``; it is paired with that day's range
    ``|log(high / low)|`` and its volume change ``log(1 + volume) - log(1 + previous volume)``.
    A day whose high, low or volume is missing, not above zero (volume: below zero) or
    unreadable gives NaN, which the forecaster reads as a typical day.
    """
    if extras is None:
        return {}
    frame = extras.reindex(index)
    features = {}
    with np.errstate(divide="ignore", invalid="ignore"):
        if {"high", "low"} <= set(frame.columns):
            high, low = frame["high"].to_numpy(np.float64), frame["low"].to_numpy(np.float64)
            day_range = np.abs(np.log(high / low))
            day_range[(high <= 0) | (low <= 0) | ~np.isfinite(day_range)] = np.nan
            features["range"] = day_range[1:]
        if "volume" in frame.columns:
            volume = frame["volume"].to_numpy(np.float64, copy=True)
            volume[volume < 0] = np.nan
            change = np.diff(np.log1p(volume))
            change[~np.isfinite(change)] = np.nan
            features["volume"] = change
    return features
