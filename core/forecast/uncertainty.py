"""The forecast's uncertainty band: validation error quantiles by step, and how they held up.

The band at step k is the spread of the k-day log-return errors that the same recursive
forecast made from every validation day; its coverage and the error by step are measured on the
test part, which nothing is fitted on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

DEFAULT_LEVEL = 0.8  # share of outcomes the uncertainty band should hold
MIN_BAND_SAMPLES = 10  # validation errors needed to measure a band step rather than extrapolate it


@dataclass(frozen=True)
class HorizonCheck:
    """The H-day forecast with its band, and how the band and the errors held up on the test part.

    ``steps`` has one row per step ahead (index ``step`` = 1..H) and columns ``lower_q`` and
    ``upper_q`` (log-return error quantiles from validation), ``validation_samples``, ``measured``
    (False where too few validation errors existed and the width was extrapolated by the square
    root of the step), ``coverage`` (share of test cases inside the band), ``test_samples``,
    ``lstm_rmse`` and ``persistence_rmse`` (price units, on the test part).
    ``band`` has index date and columns ``forecast``, ``lower``, ``upper``.
    """

    level: float
    steps: pd.DataFrame
    band: pd.DataFrame
    reading: str


def band_reading(level: float, steps: pd.DataFrame) -> str:
    """One sentence on how often the band held the actual price on the test part."""
    first = steps.iloc[0]
    text = (
        f"The {level:.0%} band covered {first['coverage']:.0%} of "
        f"{int(first['test_samples']):,} test days one day ahead"
    )
    last = steps.iloc[-1]
    if len(steps) > 1 and last["test_samples"] > 0:
        text += f" and {last['coverage']:.0%} {len(steps)} days ahead"
    gap = first["coverage"] - level
    if abs(gap) <= 0.05:
        verdict = "close to its promise"
    elif gap < 0:
        verdict = "too narrow: real moves were wilder than on the validation days"
    else:
        verdict = "wider than needed: the test days were calmer than the validation days"
    return f"{text} (aim: {level:.0%}); one day ahead it is {verdict}."


def check_horizon(horizon: int) -> None:
    """Raise ValueError unless the horizon is 1 to 60 days."""
    if not 1 <= horizon <= 60:
        raise ValueError(f"The horizon is {horizon} days; pick from 1 to 60.")


def error_quantiles(errors: np.ndarray, level: float):
    """Per-step lower and upper error quantiles; too-thin steps widen like the square root of k.

    Step 1 always has enough errors: the validation part holds at least data.MIN_VALIDATION_DAYS.
    """
    tail = (1.0 - level) / 2.0
    counts = np.isfinite(errors).sum(axis=0)
    measured = counts >= MIN_BAND_SAMPLES
    lower, upper = np.empty(errors.shape[1]), np.empty(errors.shape[1])
    last = 0
    for step in range(errors.shape[1]):
        if measured[step]:
            lower[step], upper[step] = np.nanquantile(errors[:, step], [tail, 1.0 - tail])
            last = step
        else:
            widen = np.sqrt((step + 1) / (last + 1))
            lower[step], upper[step] = lower[last] * widen, upper[last] * widen
    return lower, upper, counts, measured
