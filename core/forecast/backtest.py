"""Walk-forward backtest: refit the forecaster on an expanding window and test on the next block.

The newest ``total_test_share`` of the return series is cut into ``folds`` consecutive test blocks.
Fold i trains a fresh :class:`core.forecast.Forecaster` on every day before its block (with its own
validation part, scaler and shrink factor, all fitted on those days only) and is scored on its
block, next to the persistence baseline. One split can be lucky; K blocks show whether the result
holds across market regimes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core import forecast
from core.forecast.metrics import Verdict, error_gap, verdict
from core.progress import EpochReport

DEFAULT_FOLDS = 4
DEFAULT_EPOCHS = 10  # four refits of the default model stay under a minute on two cores
DEFAULT_TOTAL_TEST_SHARE = 0.2
MAX_FOLDS = 10


@dataclass(frozen=True)
class FoldReport:
    """What a backtest progress callable receives after each epoch of each fold."""

    fold: int
    folds: int
    epoch: EpochReport
    fold_done: bool = False  # sent once a fold's training ends, however many epochs it ran

    @property
    def fraction(self) -> float:
        if self.fold_done:
            # early stopping can end a fold well before its last planned epoch
            return self.fold / self.folds
        return (self.fold - 1 + self.epoch.fraction) / self.folds

    @property
    def text(self) -> str:
        """A progress-bar caption: the fold and epoch, or that every fold has finished."""
        if self.fold_done and self.fold == self.folds:
            return f"All {self.folds} folds trained"
        if self.fold_done:
            return f"Fold {self.fold} of {self.folds} trained"
        return f"Fold {self.fold} of {self.folds}: epoch {self.epoch.epoch} of {self.epoch.epochs}"


@dataclass(frozen=True)
class Fold:
    """One fold: its test block, the LSTM's and persistence's metrics, and its band's calibration.

    ``volatility`` maps ``lstm``, ``garch``, ``rolling`` and ``static`` to the six band and
    variance scores of :class:`core.forecast.uncertainty.VolatilityCheck` on this fold's block.
    """

    number: int
    train_start: pd.Timestamp
    test_start: pd.Timestamp
    test_end: pd.Timestamp
    n_train_days: int
    n_test_days: int
    model: dict
    persistence: dict
    skill_ratio: float
    band_coverage: float
    epochs_run: int
    shrink: float
    verdict: Verdict  # the LSTM against persistence on this fold's block
    volatility: dict = field(default_factory=dict)

    @property
    def won(self) -> bool:
        """True only for a significant win: a smaller error that chance does not explain."""
        return self.verdict.label == "better"


@dataclass(frozen=True)
class Backtest:
    """All folds, the pooled metrics over every test block, and a plain reading."""

    folds: list[Fold]
    predictions: pd.DataFrame  # index date; columns fold, actual, lstm, persistence
    model: dict
    persistence: dict
    skill_ratio: float
    band_coverage: float
    level: float
    seconds: float
    reading: str
    significance: Verdict  # the LSTM against persistence on the pooled test days
    horizon: int = forecast.DEFAULT_HORIZON  # the last day ahead whose band coverage folds report
    inputs: tuple[str, ...] = ("returns",)  # what the LSTM read, as in Forecaster.inputs_

    @property
    def verdict(self) -> str:
        """``"better"``, ``"worse"`` or ``"no detectable difference"``, significance-tested."""
        return self.significance.label

    @property
    def folds_won(self) -> int:
        """Folds whose LSTM error was significantly smaller than persistence's."""
        return sum(fold.won for fold in self.folds)

    def fold_table(self) -> pd.DataFrame:
        """One row per fold with dates, sizes and the headline numbers."""
        return pd.DataFrame(
            [
                {
                    "fold": fold.number,
                    "test_start": fold.test_start.date(),
                    "test_end": fold.test_end.date(),
                    "train_days": fold.n_train_days,
                    "test_days": fold.n_test_days,
                    "lstm_rmse": fold.model["rmse"],
                    "persistence_rmse": fold.persistence["rmse"],
                    "skill_ratio": fold.skill_ratio,
                    "direction": fold.model["directional_accuracy"],
                    "band_coverage": fold.band_coverage,
                    "band_coverage_last_day": fold.volatility["lstm"]["coverage_last_day"],
                    "garch_coverage": fold.volatility["garch"]["coverage_day1"],
                }
                for fold in self.folds
            ]
        ).set_index("fold")

    def as_dict(self) -> dict:
        """Plain JSON-ready numbers (dates as ISO strings)."""
        return {
            "folds": [
                {
                    "fold": fold.number,
                    "train_start": fold.train_start.strftime("%Y-%m-%d"),
                    "test_start": fold.test_start.strftime("%Y-%m-%d"),
                    "test_end": fold.test_end.strftime("%Y-%m-%d"),
                    "n_train_days": fold.n_train_days,
                    "n_test_days": fold.n_test_days,
                    "model": fold.model,
                    "persistence": fold.persistence,
                    "skill_ratio": fold.skill_ratio,
                    "verdict": fold.verdict.as_dict(),
                    "band_coverage": fold.band_coverage,
                    "epochs_run": fold.epochs_run,
                    "shrink": fold.shrink,
                    "volatility": fold.volatility,
                }
                for fold in self.folds
            ],
            "overall": {
                "model": self.model,
                "persistence": self.persistence,
                "skill_ratio": self.skill_ratio,
                "folds_beaten": self.folds_won,
                "band_level": self.level,
                "band_coverage": self.band_coverage,
                "verdict": self.significance.as_dict(),
            },
            "reading": self.reading,
            "seconds": self.seconds,
            "inputs": list(self.inputs),
        }


def fold_blocks(n_returns: int, folds: int, total_test_share: float) -> list[tuple[int, int]]:
    """``(start, end)`` return indices of each fold's test block, oldest first, ending at the end.

    Raises
    ------
    ValueError
        When the blocks would be shorter than ``forecast.MIN_TEST_DAYS`` or the folds are out of
        range.
    """
    if not 2 <= folds <= MAX_FOLDS:
        raise ValueError(f"The backtest has {folds} folds; pick from 2 to {MAX_FOLDS}.")
    if not 0.05 <= total_test_share <= 0.6:
        raise ValueError(
            f"The backtest's test share is {total_test_share:.0%}; pick from 5% to 60%."
        )
    block = int(round(n_returns * total_test_share / folds))
    if block < forecast.MIN_TEST_DAYS:
        raise ValueError(
            f"{folds} folds over {total_test_share:.0%} of {n_returns:,} days leave {block} test "
            f"days per fold; each needs at least {forecast.MIN_TEST_DAYS}. Use fewer folds, a "
            "larger test share or a longer history."
        )
    first = n_returns - folds * block
    return [(first + i * block, first + (i + 1) * block) for i in range(folds)]


def walk_forward(
    series: pd.Series,
    folds: int = DEFAULT_FOLDS,
    total_test_share: float = DEFAULT_TOTAL_TEST_SHARE,
    level: float = forecast.DEFAULT_LEVEL,
    horizon: int = forecast.DEFAULT_HORIZON,
    progress: Callable[[FoldReport], object] | None = None,
    should_stop: Callable[[], bool] | None = None,
    extras: pd.DataFrame | None = None,
    **forecaster_params,
) -> Backtest:
    """Run an expanding-window backtest of the LSTM against persistence.

    Parameters
    ----------
    series : pd.Series
        Positive prices on an ascending DatetimeIndex (from ``core.forecast.prices``).
    folds : int
        Number of consecutive test blocks.
    total_test_share : float
        Share of the newest days shared out among the test blocks.
    level : float
        Level of the uncertainty band whose coverage each fold reports.
    horizon : int
        Days ahead of the band's last day, whose coverage each fold reports too.
    progress : callable, optional
        Receives a :class:`FoldReport` after every epoch of every fold.
    should_stop : callable, optional
        Passed to each fold's training: stops it early, keeping its best weights.
    extras : pd.DataFrame, optional
        High/Low (and Volume) columns each fold's LSTM reads besides the returns (see
        :meth:`core.forecast.Forecaster.fit`); each fold scales them on its own training days.
    **forecaster_params
        ``lookback``, ``epochs``, ``units``, ``layers``, ``seed``, ``patience`` for each refit
        (``epochs`` defaults to ``DEFAULT_EPOCHS``).

    Returns
    -------
    Backtest

    Raises
    ------
    ValueError
        When the series is too short for the folds and lookback, or a parameter is out of range.
    """
    forecaster_params.setdefault("epochs", DEFAULT_EPOCHS)
    for name in ("test_share", "test_days"):
        if name in forecaster_params:
            raise ValueError(f"{name} is set by the backtest's folds; leave it out.")
    n_returns = len(series) - 1
    blocks = fold_blocks(n_returns, folds, total_test_share)
    started = time.perf_counter()
    results, frames = [], []
    for number, (start, end) in enumerate(blocks, start=1):

        def forward(report: EpochReport, number: int = number) -> None:
            if progress is not None:
                progress(FoldReport(fold=number, folds=folds, epoch=report))

        # prices[: end + 1] holds returns[:end]; the last end - start returns are the test block.
        model = forecast.Forecaster(test_days=end - start, **forecaster_params)
        try:
            model.fit(
                series.iloc[: end + 1], progress=forward, should_stop=should_stop, extras=extras
            )
        except ValueError as error:
            raise ValueError(f"Fold {number} of {folds}: {error}") from None
        if progress is not None:
            last = EpochReport(epoch=model.epochs_run_, epochs=model.epochs)
            progress(FoldReport(fold=number, folds=folds, epoch=last, fold_done=True))
        evaluation = model.evaluate()
        check = model.horizon_check(horizon, level)
        coverage = float(check.steps["coverage"].iloc[0])
        results.append(
            Fold(
                number=number,
                train_start=series.index[0],
                test_start=evaluation.predictions.index[0],
                test_end=evaluation.predictions.index[-1],
                n_train_days=int(start),
                n_test_days=int(end - start),
                model=evaluation.model,
                persistence=evaluation.persistence,
                skill_ratio=evaluation.skill_ratio,
                band_coverage=coverage,
                epochs_run=model.epochs_run_,
                shrink=model.shrink_,
                verdict=evaluation.verdict,
                volatility=check.volatility.methods,
            )
        )
        frames.append(evaluation.predictions.assign(fold=number))
    pooled = pd.concat(frames)[["fold", "actual", "lstm", "persistence"]]
    previous = pooled["persistence"].to_numpy()
    model_metrics = forecast.regression_metrics(pooled["actual"], pooled["lstm"], previous)
    baseline = forecast.regression_metrics(pooled["actual"], previous, previous)
    coverage = float(
        np.average([f.band_coverage for f in results], weights=[f.n_test_days for f in results])
    )
    ratio = model_metrics["rmse"] / baseline["rmse"]
    test = verdict(pooled["actual"], pooled["lstm"], previous)
    return Backtest(
        folds=results,
        predictions=pooled,
        model=model_metrics,
        persistence=baseline,
        skill_ratio=ratio,
        band_coverage=coverage,
        level=level,
        seconds=time.perf_counter() - started,
        reading=backtest_reading(results, ratio, coverage, level, test),
        significance=test,
        horizon=horizon,
        inputs=model.inputs_,  # the last fold's; a fold leaves an input out only if it is bad
    )


def backtest_reading(
    folds: list[Fold],
    ratio: float,
    coverage: float,
    level: float,
    test: Verdict,
) -> str:
    """Plain sentences: folds won, overall error, whether the gap is real, the band's honesty.

    A fold counts as won only when its own test says "better"; the overall gap's wording comes
    from ``test`` on the pooled days.
    """
    won = sum(fold.won for fold in folds)
    if error_gap(ratio) == "smaller":
        overall = f"{1 - ratio:.1%} smaller error than “tomorrow = today” over all test days"
    elif error_gap(ratio) == "same":
        overall = "the same error as “tomorrow = today” over all test days"
    else:
        overall = f"{ratio - 1:.1%} larger error than “tomorrow = today” over all test days"
    text = (
        f"The LSTM beat the baseline by more than chance in {won} of {len(folds)} folds, "
        f"with {overall}"
    )
    if test.label == "better":
        text += f". That gap is more than chance ({test.chance()}): the LSTM was better"
    elif test.label == "worse":
        text += f". That gap is more than chance ({test.chance()}): the LSTM was worse"
    else:
        text += f". No detectable difference ({test.chance()})"
    by_fold = ", ".join(f"{fold.band_coverage:.0%}" for fold in folds)
    return (
        f"{text}. Its {level:.0%} one-day band held the actual price on {coverage:.0%} "
        f"of those days (fold by fold: {by_fold})."
    )
