"""The forecaster's data: log returns, the chronological split and many-to-many windows."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

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
