"""The forecast's uncertainty band, its baselines, and how each held up on the test part.

The LSTM forecasts each day's return *and* its scale. The band at step k is the forecast path
plus or minus the k-day scale (the square root of the summed one-day variances along the path),
multiplied by per-step factors calibrated on validation only: the quantiles of the validation
errors divided by their forecast scale (split-conformal scaling). Coverage, width, interval
score and the variance forecast's likelihood are measured on the test part, which nothing is
fitted on, beside three baselines that get the same calibration: GARCH(1,1) from ``arch``
(parameters fitted on the training days, then fixed), a rolling 20-day volatility, and the
static band (validation error quantiles, the same width every day).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.forecast import frequency

DEFAULT_LEVEL = 0.8  # share of outcomes the uncertainty band should hold
MIN_BAND_SAMPLES = 10  # validation errors needed to measure a band step rather than extrapolate it
ROLLING_DAYS = 20  # the rolling-volatility baseline's window (about a trading month)
STORM_SHARE = 0.2  # the stormiest fifth of the test weeks, for the turbulence reading
WEEK = 5  # trading days per week
STORM_WIDENING = 1.2  # the band must be this many times as wide in storms to have learned them
STORM_SHORTFALL = 0.05  # held this far below the promise in storms: under-covered
# stretches of the test part the turbulence reading compares, per kind of data: its name and
# the pandas period that groups the timestamps (daily data uses WEEK-day blocks instead)
GROUPS = {
    "minute": ("hours", "h"),
    "hourly": ("days", "D"),
    "daily": ("weeks", "W"),
    "weekly": ("months", "M"),
    "monthly": ("years", "Y"),
}
METHODS = ("lstm", "garch", "rolling", "static")
METHOD_NAMES = {
    "lstm": "LSTM",
    "garch": "GARCH(1,1)",
    "rolling": "Rolling 20-day",
    "static": "Static band",
}


@dataclass(frozen=True)
class VolatilityCheck:
    """How each method's band and variance forecast held up on the test part.

    ``methods`` maps ``lstm``, ``garch``, ``rolling`` and ``static`` to a dict with
    ``coverage_day1``, ``coverage_last_day``, ``width_day1`` (mean band width as a log return,
    about a share of the price), ``winkler_day1`` (interval score, same units), ``nll``
    (Gaussian negative log-likelihood of the next-day return) and ``qlike`` (of the variance).
    ``daily`` has one row per test day: ``actual`` (the log return), ``lstm_sigma``,
    ``garch_sigma``, ``rolling_sigma`` (one-day forecast scales), ``lstm_lower``,
    ``lstm_upper``, ``garch_lower`` and ``garch_upper`` (the calibrated day-1 bands, log returns).
    """

    level: float
    horizon: int
    methods: dict
    daily: pd.DataFrame
    reading: str


@dataclass(frozen=True)
class HorizonCheck:
    """The H-day forecast with its band, and how the band and the errors held up on the test part.

    ``steps`` has one row per step ahead (index ``step`` = 1..H) and columns ``lower_q`` and
    ``upper_q`` (multipliers of the forecast scale, calibrated on validation),
    ``validation_samples``, ``measured`` (False where too few validation errors existed and the
    last measured step's multipliers were reused), ``coverage`` (share of test cases inside the
    LSTM's band), ``garch_coverage`` and ``static_coverage`` (the same for two baselines),
    ``width`` (the band's mean width on test days, as a log return), ``test_samples``,
    ``lstm_rmse`` and ``persistence_rmse`` (price units, on the test part).
    ``band`` has index date and columns ``forecast``, ``lower``, ``upper``.
    """

    level: float
    steps: pd.DataFrame
    band: pd.DataFrame
    reading: str
    volatility: VolatilityCheck | None = None


def band_reading(
    level: float, steps: pd.DataFrame, spacing: frequency.Frequency = frequency.DAILY
) -> str:
    """One sentence on how often the band held the actual price on the test part, in the data's
    steps (``spacing``)."""
    first = steps.iloc[0]
    unit = frequency.plural(spacing)
    one = f"one {spacing.noun}" if spacing.bars == 1 else "one step"
    text = (
        f"The {level:.0%} band covered {first['coverage']:.0%} of "
        f"{int(first['test_samples']):,} test {unit} {one} ahead"
    )
    last = steps.iloc[-1]
    if len(steps) > 1 and last["test_samples"] > 0:
        text += f" and {last['coverage']:.0%} {frequency.steps(len(steps), spacing)} ahead"
    gap = first["coverage"] - level
    if abs(gap) <= 0.05:
        verdict = "close to its promise"
    elif gap < 0:
        verdict = f"too narrow: real moves were wilder than on the validation {unit}"
    else:
        verdict = f"wider than needed: the test {unit} were calmer than the validation {unit}"
    return f"{text} (aim: {level:.0%}); {one} ahead it is {verdict}."


def check_horizon(horizon: int) -> None:
    """Raise ValueError unless the horizon is 1 to 60 days."""
    if not 1 <= horizon <= 60:
        raise ValueError(f"The horizon is {horizon} days; pick from 1 to 60.")


def _step_quantiles(values: np.ndarray, level: float, widen: bool):
    """Per-step ``level``-central quantiles of ``values`` (rows × steps, NaN = missing).

    A step with fewer than MIN_BAND_SAMPLES values takes the last measured step's quantiles,
    widened like the square root of the distance when ``widen``.
    """
    tail = (1.0 - level) / 2.0
    counts = np.isfinite(values).sum(axis=0)
    measured = counts >= MIN_BAND_SAMPLES
    lower, upper = np.empty(values.shape[1]), np.empty(values.shape[1])
    last = 0
    for step in range(values.shape[1]):
        if measured[step]:
            lower[step], upper[step] = np.nanquantile(values[:, step], [tail, 1.0 - tail])
            last = step
        else:
            factor = np.sqrt((step + 1) / (last + 1)) if widen else 1.0
            lower[step], upper[step] = lower[last] * factor, upper[last] * factor
    return lower, upper, counts, measured


def error_quantiles(errors: np.ndarray, level: float):
    """Per-step lower and upper error quantiles; too-thin steps widen like the square root of k.

    Step 1 always has enough errors: the validation part holds at least data.MIN_VALIDATION_DAYS.
    """
    return _step_quantiles(errors, level, widen=True)


def conformal_multipliers(errors: np.ndarray, scales: np.ndarray, level: float):
    """Per-step lower and upper multipliers of the forecast scale from validation errors.

    The band at step k is ``path + lower[k] * scale`` to ``path + upper[k] * scale``, with the
    multipliers the ``level``-central quantiles of ``errors / scales`` on validation (split
    conformal scaling). Steps with too few errors reuse the last measured step's multipliers:
    the scale already grows with distance.

    Returns
    -------
    lower, upper, counts, measured : np.ndarray
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        standardised = np.where(scales > 0, errors / scales, np.nan)
    return _step_quantiles(standardised, level, widen=False)


def garch_variances(returns: np.ndarray, train_end: int, origins: np.ndarray, horizon: int):
    """GARCH(1,1) one-day variances for each of ``horizon`` days after each origin.

    Fitted (constant mean, normal errors, ``arch``'s public API) on ``returns[:train_end]``
    only; the forecasts from later origins run with those parameters fixed, each reading the
    returns before its origin. ``origins`` are indices of the first unknown return.

    Returns
    -------
    np.ndarray
        Shape ``(len(origins), horizon)``, in squared log-return units.
    """
    from arch import arch_model

    # arch's optimiser is best conditioned on percent returns
    model = arch_model(100.0 * returns, mean="Constant", vol="GARCH", p=1, q=1, rescale=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a convergence warning still leaves usable parameters
        fitted = model.fit(last_obs=train_end, disp="off")
        first = int(origins.min()) - 1
        forecasts = fitted.forecast(horizon=horizon, start=first, reindex=False)
    variances = forecasts.variance.to_numpy() / 1e4
    return variances[origins - 1 - first]


def rolling_variances(returns: np.ndarray, origins: np.ndarray, horizon: int) -> np.ndarray:
    """The variance of the ``ROLLING_DAYS`` returns before each origin, for every day ahead."""
    windows = returns[np.asarray(origins)[:, None] - ROLLING_DAYS + np.arange(ROLLING_DAYS)]
    return np.repeat(windows.var(axis=1, ddof=1)[:, None], horizon, axis=1)


def turbulence_reading(
    daily: pd.DataFrame, level: float, spacing: frequency.Frequency = frequency.DAILY
) -> str:
    """One sentence: how much the band widened in the stormiest stretches of the test part, if
    it held there, and what that says; the conclusion follows the numbers.

    Daily test days are grouped into weeks of ``WEEK`` days; other data into the calendar
    stretch of :data:`GROUPS` (hourly bars into days, weekly ones into months). The stormiest
    ``STORM_SHARE`` of stretches by realised volatility (root mean square return) are compared
    with the others. The band "learned that storms follow storms" only when it was at least
    ``STORM_WIDENING`` times as wide in storms; it was under-covered when it held the price
    more than ``STORM_SHORTFALL`` below the promise there.
    """
    groups, grouping = GROUPS[spacing.name]
    if spacing.name == "daily":
        stretch = np.arange(len(daily)) // WEEK
    else:
        stretch = daily.index.to_period(grouping).astype(str).to_numpy()
    realised = daily["actual"].pow(2).groupby(stretch).mean()
    n_storm = max(1, int(round(len(realised) * STORM_SHARE)))
    if len(realised) < 2:
        return f"The test part is too short to tell stormy {groups} from calm ones."
    storm = np.isin(stretch, realised.nlargest(n_storm).index)

    def widened(name: str) -> tuple[float, float]:
        width = daily[f"{name}_upper"] - daily[f"{name}_lower"]
        inside = (daily["actual"] >= daily[f"{name}_lower"]) & (
            daily["actual"] <= daily[f"{name}_upper"]
        )
        return float(width[storm].mean() / width[~storm].mean()), float(inside[storm].mean())

    lstm_ratio, lstm_held = widened("lstm")
    garch_ratio, garch_held = widened("garch")
    price = f"{frequency.next_adjective(spacing)} price"
    under = lstm_held < level - STORM_SHORTFALL
    if round(lstm_ratio, 1) >= STORM_WIDENING:
        verdict = "it learned that storms follow storms" + (
            ", but not enough: in storms the price fell outside the band too often" if under else ""
        )
    elif lstm_ratio > 1.0:
        verdict = "it hardly widened in storms, so it did not learn much about the turbulence" + (
            ", and storms were under-covered" if under else ""
        )
    else:
        return (
            f"On the {n_storm} stormiest test {groups} the LSTM's band was no wider than on the "
            f"other {groups} ({lstm_ratio:.1f}×) and held the {price} {lstm_held:.0%} of the "
            f"time (aim {level:.0%}; GARCH: {garch_ratio:.1f}×, {garch_held:.0%}): it did not "
            "learn the turbulence" + (", and storms were under-covered." if under else ".")
        )
    return (
        f"On the {n_storm} stormiest test {groups} the LSTM's band was {lstm_ratio:.1f}× as wide "
        f"as on the other {groups} and held the {price} {lstm_held:.0%} of the time (aim "
        f"{level:.0%}; GARCH: {garch_ratio:.1f}× and {garch_held:.0%}): {verdict}."
    )
