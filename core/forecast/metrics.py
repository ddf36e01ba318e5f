"""Scores of next-day forecasts, and the one significance-tested verdict behind any "beat"."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from core.forecast import frequency

ALPHA = 0.05  # a difference counts as real below this two-sided p-value


@dataclass(frozen=True)
class DieboldMariano:
    """The test's statistic, its two-sided p-value, the mean loss difference and the verdict.

    ``verdict`` is ``"better"`` when the first forecaster's loss is significantly lower,
    ``"worse"`` when it is significantly higher, and ``"no difference"`` otherwise.
    """

    statistic: float
    p_value: float
    mean_difference: float
    n: int
    verdict: str


def diebold_mariano(
    errors_a: np.ndarray, errors_b: np.ndarray, horizon: int = 1, alpha: float = ALPHA
) -> DieboldMariano:
    """Diebold–Mariano test of equal squared-error accuracy, with the small-sample correction.

    The loss difference ``d_t = a_t² − b_t²`` has a long-run variance estimated from its
    autocovariances up to lag ``horizon − 1``; the statistic is scaled by the Harvey, Leybourne
    and Newbold (1997) factor and compared with Student's t on ``n − 1`` degrees of freedom.

    Parameters
    ----------
    errors_a, errors_b : array-like
        Forecast errors of the two forecasters on the same days, in the same order.
    horizon : int
        Steps ahead of the forecasts (1 for next-day forecasts).
    alpha : float
        Two-sided significance level for the verdict.

    Returns
    -------
    DieboldMariano
        When the two losses never differ, the statistic is 0 and the p-value 1.

    Raises
    ------
    ValueError
        When the error arrays differ in length, hold non-finite values or fewer than 3 days.
    """
    a, b = np.asarray(errors_a, dtype=np.float64), np.asarray(errors_b, dtype=np.float64)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError(
            f"The two error series must be 1-D and of equal length; got {a.shape} and {b.shape}."
        )
    n = len(a)
    if n < 3 or not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        raise ValueError(
            f"The test needs at least 3 finite errors from each forecaster; got {n} days "
            "(or some missing values). Use a longer test part."
        )
    if not 1 <= horizon < n:
        raise ValueError(f"The horizon is {horizon}; it must be from 1 to {n - 1}.")
    difference = a**2 - b**2
    mean = float(difference.mean())
    centred = difference - mean
    variance = float(centred @ centred) / n
    for lag in range(1, horizon):
        variance += 2.0 * float(centred[lag:] @ centred[:-lag]) / n
    if variance <= 0.0 or not np.isfinite(variance):
        return DieboldMariano(0.0, 1.0, mean, n, "no difference")
    correction = np.sqrt((n + 1 - 2 * horizon + horizon * (horizon - 1) / n) / n)
    statistic = correction * mean / np.sqrt(variance / n)
    p_value = float(2.0 * stats.t.sf(abs(statistic), df=n - 1))
    if p_value >= alpha:
        verdict = "no difference"
    else:
        verdict = "better" if mean < 0 else "worse"
    return DieboldMariano(float(statistic), p_value, mean, n, verdict)


TEST_NAME = "Diebold–Mariano (squared errors, HLN-corrected), two-sided 5%"
LABELS = {"better": "better", "worse": "worse", "no difference": "no detectable difference"}


@dataclass(frozen=True)
class Verdict:
    """Whether a forecaster's squared errors differ from a baseline's by more than chance.

    ``label`` is ``"better"``, ``"worse"`` or ``"no detectable difference"``.
    """

    label: str
    p_value: float
    test: str
    statistic: float
    n: int

    @property
    def significant(self) -> bool:
        return self.label != LABELS["no difference"]

    def as_dict(self) -> dict:
        """``label``, ``p_value`` and ``test``, ready for JSON."""
        return {"label": self.label, "p_value": self.p_value, "test": self.test}

    def chance(self) -> str:
        """The p-value in plain words: how often chance alone would give a gap this size."""
        shown = "p < 0.001" if self.p_value < 0.001 else f"p = {self.p_value:.2f}"
        return f"{shown}: {chance_words(self.p_value)}"


def chance_words(p_value: float) -> str:
    """How often two equally good forecasters would show a gap at least this size, in words."""
    if p_value < 0.001:
        often = "fewer than 1 time in 1,000"
    elif p_value < 0.01:
        often = f"about {p_value * 1000:.0f} times in 1,000"
    else:
        often = f"about {p_value * 100:.0f} times in 100"
    return f"two equally good forecasters would show a gap this size {often}"


def verdict(
    actual: np.ndarray, predicted: np.ndarray, baseline: np.ndarray, alpha: float = ALPHA
) -> Verdict:
    """The one verdict behind every "beat the baseline" claim: a Diebold–Mariano test.

    Compares the squared next-day errors of ``predicted`` and ``baseline`` on the same days
    (HAC variance, Harvey–Leybourne–Newbold correction, two-sided at ``alpha``).

    Parameters
    ----------
    actual, predicted, baseline : array-like
        The actual values and the two forecasts of them, day by day.
    alpha : float
        Two-sided significance level.

    Returns
    -------
    Verdict
        ``"better"`` only when the forecaster's errors are significantly smaller.

    Raises
    ------
    ValueError
        When the arrays differ in length, hold non-finite values or fewer than 3 days.
    """
    actual = np.asarray(actual, dtype=np.float64)
    test = diebold_mariano(
        np.asarray(predicted, dtype=np.float64) - actual,
        np.asarray(baseline, dtype=np.float64) - actual,
        alpha=alpha,
    )
    return Verdict(LABELS[test.verdict], test.p_value, TEST_NAME, test.statistic, test.n)


def regression_metrics(actual: np.ndarray, predicted: np.ndarray, previous: np.ndarray) -> dict:
    """RMSE, MAE, MAPE (%) and directional accuracy of next-day price predictions.

    Directional accuracy is the share of days whose predicted move (up or down from the previous
    close) has the sign of the actual move; it is ``None`` when the predictor never calls a move,
    as for persistence.
    """
    actual, predicted, previous = (
        np.asarray(a, dtype=np.float64) for a in (actual, predicted, previous)
    )
    errors = predicted - actual
    predicted_move = np.sign(predicted - previous)
    actual_move = np.sign(actual - previous)
    called = predicted_move != 0
    direction = (
        float(np.mean(predicted_move[called] == actual_move[called])) if called.any() else None
    )
    return {
        "rmse": float(np.sqrt(np.mean(errors**2))),
        "mae": float(np.mean(np.abs(errors))),
        "mape": float(np.mean(np.abs(errors) / np.abs(actual)) * 100.0),
        "directional_accuracy": direction,
    }


SAME_ERROR_TOLERANCE = 0.0005  # skill ratios within 0.05 % of 1 read as "the same error"


def error_gap(ratio: float) -> str:
    """How an error ratio (LSTM ÷ baseline) reads: "smaller", "same" or "larger".

    The one tie rule for every reading of a skill ratio, so no two sentences disagree on it.
    """
    if ratio < 1.0 - SAME_ERROR_TOLERANCE:
        return "smaller"
    if ratio <= 1.0 + SAME_ERROR_TOLERANCE:
        return "same"
    return "larger"


def plain_reading(
    model_metrics: dict,
    baseline_metrics: dict,
    tested: Verdict,
    spacing: frequency.Frequency = frequency.DAILY,
) -> str:
    """One plain-English sentence: the two errors, and whether the gap is more than chance.

    The size of the gap comes from the RMSEs; whether it counts comes from ``tested`` alone, so
    a 0.1 % smaller error that chance explains never reads as a win. ``spacing`` names the
    data's steps ("next-hour error", "next hour = this hour").
    """
    ratio = model_metrics["rmse"] / baseline_metrics["rmse"]
    following = frequency.next_adjective(spacing)
    typical = f"The LSTM's typical {following} error was {model_metrics['rmse']:,.2f}"
    baseline = f"“{frequency.baseline_name(spacing)}” missed by {baseline_metrics['rmse']:,.2f}"
    if error_gap(ratio) == "smaller":
        gap = f"{typical}, {1.0 - ratio:.1%} smaller than {baseline}"
    elif error_gap(ratio) == "same":
        gap = f"{typical}, the same as {baseline}"
    else:
        gap = f"{typical}, {ratio - 1.0:.1%} larger than {baseline}"
    if tested.label == "better":
        return (
            f"{gap}. The gap is more than chance ({tested.chance()}): the LSTM beat the simple "
            "baseline."
        )
    if tested.label == "worse":
        return (
            f"{gap}. The gap is more than chance ({tested.chance()}): the LSTM did worse than "
            "the simple baseline."
        )
    return (
        f"{gap}. No detectable difference ({tested.chance()}); finding no signal beyond "
        f"{frequency.this_step(spacing)}'s price is normal for {spacing.name} stock prices."
    )


def coverage(actual: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> float | None:
    """Share of finite ``actual`` values inside ``[lower, upper]``; None when there are none."""
    actual, lower, upper = (np.asarray(a, dtype=np.float64) for a in (actual, lower, upper))
    valid = np.isfinite(actual)
    if not valid.any():
        return None
    return float(np.mean((actual[valid] >= lower[valid]) & (actual[valid] <= upper[valid])))


def winkler_score(actual: np.ndarray, lower: np.ndarray, upper: np.ndarray, level: float) -> float:
    """Mean interval (Winkler) score of a ``level`` band: its width plus 2/α per unit missed.

    Computed as ``2/α`` times the sum of the two quantiles' pinball losses (Gneiting & Raftery
    2007), which scikit-learn provides; lower is better.
    """
    from sklearn.metrics import mean_pinball_loss

    alpha = 1.0 - level
    return float(
        2.0
        / alpha
        * (
            mean_pinball_loss(actual, lower, alpha=alpha / 2.0)
            + mean_pinball_loss(actual, upper, alpha=1.0 - alpha / 2.0)
        )
    )


def gaussian_nll(actual: np.ndarray, mean: np.ndarray, variance: np.ndarray) -> float:
    """Mean negative log-likelihood of ``actual`` under Normal(``mean``, ``variance``)."""
    return float(-np.mean(stats.norm.logpdf(actual, loc=mean, scale=np.sqrt(variance))))


def qlike(actual: np.ndarray, variance: np.ndarray) -> float:
    """Mean QLIKE loss ``log h + r² / h`` of variance forecasts ``h`` against returns ``r``.

    Patton (2011): with the squared return as the noisy proxy of the true variance, QLIKE ranks
    variance forecasts as the true variance would; lower is better.
    """
    actual, variance = np.asarray(actual, dtype=np.float64), np.asarray(variance, np.float64)
    return float(np.mean(np.log(variance) + actual**2 / variance))


def band_scores(
    actual: np.ndarray,
    mean: np.ndarray,
    variance: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    level: float,
) -> dict:
    """The six numbers that compare volatility forecasts, for one method on the test part.

    Parameters
    ----------
    actual : np.ndarray
        ``(days, H)`` actual cumulative log returns 1..H days ahead (NaN past the data's end).
    mean, variance : np.ndarray
        ``(days,)`` next-day mean and variance forecasts.
    lower, upper : np.ndarray
        ``(days, H)`` band edges, as cumulative log returns.
    level : float
        The band's promised coverage.

    Returns
    -------
    dict
        ``coverage_day1``, ``coverage_last_day``, ``width_day1``, ``winkler_day1``, ``nll`` and
        ``qlike``.
    """
    day1 = actual[:, 0]
    return {
        "coverage_day1": coverage(day1, lower[:, 0], upper[:, 0]),
        "coverage_last_day": coverage(actual[:, -1], lower[:, -1], upper[:, -1]),
        "width_day1": float(np.mean(upper[:, 0] - lower[:, 0])),
        "winkler_day1": winkler_score(day1, lower[:, 0], upper[:, 0], level),
        "nll": gaussian_nll(day1, mean, variance),
        "qlike": qlike(day1, variance),
    }
