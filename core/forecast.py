"""Many-to-many LSTM forecaster for daily prices, with the persistence baseline beside it.

How it works
------------
Prices become daily log returns ``r_t = log(p_t / p_{t-1})``: a scale-free target, so test prices
above anything seen in training are no problem. The returns are split chronologically into a
training, a validation and a test part, and standardised with the mean and standard deviation of
the training part only.

Each window holds ``lookback`` consecutive returns. The LSTM reads it with ``return_sequences=True``
and a Dense head at every step predicts the *next* day's return at every step, so the target is the
window shifted by one day and every step is trained (a true many-to-many model). The next-day
forecast is the last step's output.

Daily returns are close to unpredictable. So that an LSTM with no real skill cannot do worse than
"tomorrow = today", its predicted return is multiplied by a shrink factor in [0, 1] fitted by least
squares on the validation part (never the test part). A shrink of 0 means the validation data showed
no usable signal and the forecast falls back to persistence.

The H-day future forecast is recursive: each predicted return is appended to the window and the
model is asked again. Its band comes from the errors the same recursive forecast made on the
validation part: for each step k = 1..H, the empirical quantiles of the k-day log-return error. The
band's honesty (how often it held the actual price) and the error by step are measured on the test
part, which nothing is fitted on.

Training keeps the weights of the epoch with the lowest validation loss however it ends: by running
all epochs, by early stopping, by ``should_stop`` or by an exception raised from a callback (a
Streamlit rerun interrupts a script that way).
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core import trading_days
from core.progress import ProgressFn, keras_progress_callback
from core.significance import Verdict, verdict

DEFAULT_LOOKBACK = 30
DEFAULT_EPOCHS = 15
DEFAULT_UNITS = 32
DEFAULT_LAYERS = 1
DEFAULT_HORIZON = 10
DEFAULT_TEST_SHARE = 0.2
DEFAULT_SEED = 42
DEFAULT_LEVEL = 0.8  # share of outcomes the uncertainty band should hold
VALIDATION_SHARE = 0.15  # of the part before the test part
BATCH_SIZE = 64
LEARNING_RATE = 1e-3
# Batches run per call into TensorFlow: fewer round trips through Python, so a training holds
# the interpreter lock less and the server stays responsive while it runs.
STEPS_PER_CALL = 16
PATIENCE = 4
DROPOUT = 0.1
MIN_TEST_DAYS = 20
MIN_VALIDATION_DAYS = 20
MIN_TRAIN_WINDOWS = 50
MIN_BAND_SAMPLES = 10  # validation errors needed to measure a band step rather than extrapolate it


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


def plain_reading(model_metrics: dict, baseline_metrics: dict, tested: Verdict) -> str:
    """One plain-English sentence: the two errors, and whether the gap is more than chance.

    The size of the gap comes from the RMSEs; whether it counts comes from ``tested`` alone, so
    a 0.1 % smaller error that chance explains never reads as a win.
    """
    ratio = model_metrics["rmse"] / baseline_metrics["rmse"]
    typical = f"The LSTM's typical next-day error was {model_metrics['rmse']:,.2f}"
    baseline = f"“tomorrow = today” missed by {baseline_metrics['rmse']:,.2f}"
    if ratio < 0.9995:
        gap = f"{typical}, {1.0 - ratio:.1%} smaller than {baseline}"
    elif ratio <= 1.0005:
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
        "today's price is normal for daily stock prices."
    )


@dataclass(frozen=True)
class Evaluation:
    """Test-part results: one row per test day plus metrics for the LSTM and persistence."""

    predictions: pd.DataFrame  # index date; columns actual, lstm, persistence
    model: dict
    persistence: dict
    skill_ratio: float
    up_day_share: float
    reading: str
    verdict: Verdict  # the LSTM against persistence, significance-tested


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


class Persistence:
    """The honest baseline: tomorrow's price equals today's."""

    def fit(self, series: pd.Series) -> Persistence:
        self.last_price_ = float(series.iloc[-1])
        return self

    def predict_next(self, previous_prices: np.ndarray) -> np.ndarray:
        return np.asarray(previous_prices, dtype=np.float64)


class Forecaster:
    """Many-to-many LSTM next-day price forecaster with an sklearn-like API.

    Parameters
    ----------
    lookback : int
        Days of history each window holds (the LSTM's number of steps).
    epochs : int
        Maximum passes over the training windows; early stopping on validation may end sooner.
    units : int
        Memory cells per LSTM layer.
    layers : int
        Stacked LSTM layers.
    test_share : float
        Share of the newest days kept aside for the test part.
    seed : int
        Seed for weights and shuffling; the same seed gives the same model.
    patience : int
        Epochs without a better validation loss before training stops early.
    test_days : int, optional
        Exact size of the test part in days; overrides ``test_share`` (used by the backtest).
    """

    def __init__(
        self,
        lookback: int = DEFAULT_LOOKBACK,
        epochs: int = DEFAULT_EPOCHS,
        units: int = DEFAULT_UNITS,
        layers: int = DEFAULT_LAYERS,
        test_share: float = DEFAULT_TEST_SHARE,
        seed: int = DEFAULT_SEED,
        patience: int = PATIENCE,
        test_days: int | None = None,
    ):
        self.lookback = lookback
        self.epochs = epochs
        self.units = units
        self.layers = layers
        self.test_share = test_share
        self.seed = seed
        self.patience = patience
        self.test_days = test_days

    # -- training -------------------------------------------------------------------------------
    def fit(
        self,
        series: pd.Series,
        progress: ProgressFn | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> Forecaster:
        """Train on the training part of ``series``; keep validation for early stopping.

        Parameters
        ----------
        series : pd.Series
            Positive prices on an ascending DatetimeIndex (as returned by ``core.prices``).
        progress : callable, optional
            Called with a :class:`core.progress.EpochReport` after every epoch.
        should_stop : callable, optional
            Polled after every batch; returning True stops training and keeps the best weights so
            far. An exception raised by ``progress`` also keeps them before it propagates.

        Returns
        -------
        Forecaster
            ``self``, with ``model_``, ``mean_``, ``std_``, ``shrink_``, ``history_``, ``split_``,
            ``series_``, ``epochs_run_``, ``best_epoch_``, ``stopped_``, ``train_seconds_`` and
            ``all_days_`` (False: the test part was held out).

        Raises
        ------
        ValueError
            For bad parameters, a too-short series, or a stop before the first epoch finished.
        """
        self._check_params()
        self._forget()
        prices = self._validated_prices(series)
        if self.test_days is None:
            check_history(len(prices), self.lookback, self.test_share)
        returns = log_returns(prices.to_numpy())
        split = chronological_split(len(returns), self.lookback, self.test_share, self.test_days)

        train_returns = returns[: split.train_end]
        mean, std = float(train_returns.mean()), float(train_returns.std()) or 1.0
        scaled = (returns - mean) / std
        train_x, train_y = many_to_many_windows(
            scaled, self.lookback, range(self.lookback, split.train_end)
        )
        val_x, val_y = many_to_many_windows(
            scaled, self.lookback, range(split.train_end, split.val_end)
        )

        import keras

        keras.utils.set_random_seed(self.seed)
        model = self._build_model(keras)
        shape = (self.lookback, self.units, self.layers)
        trainer = _TRAINERS.lease(shape, lambda: self._compiled_trainer(keras))
        _reset_trainer(trainer, model)
        best = _best_weights_tracker(keras)
        asked_to_stop = []

        def stop_now() -> bool:
            if should_stop is not None and should_stop():
                asked_to_stop.append(True)
                return True
            return False

        callbacks = [
            best,  # first, so an epoch is recorded before a later callback can raise
            keras.callbacks.EarlyStopping(monitor="val_loss", patience=self.patience),
            keras.callbacks.TerminateOnNaN(),
            keras_progress_callback(progress, self.epochs, stop_now),
        ]
        started = time.perf_counter()
        interrupted = True
        try:
            trainer.fit(
                train_x,
                train_y,
                validation_data=(val_x, val_y),
                epochs=self.epochs,
                batch_size=BATCH_SIZE,
                shuffle=True,
                callbacks=callbacks,
                verbose=0,
            )
            interrupted = False
        finally:
            _TRAINERS.give_back(shape, trainer)
            # Runs on an interruption too, so whoever stopped the training still gets a model.
            if best.weights is not None:
                model.set_weights(best.weights)
                self.model_, self.mean_, self.std_ = model, mean, std
                self.series_, self.returns_, self.split_ = prices, returns, split
                self.history_ = best.history
                self.epochs_run_ = len(best.history["loss"])
                self.best_epoch_ = best.epoch
                self.stopped_ = interrupted or bool(asked_to_stop)
                self.train_seconds_ = time.perf_counter() - started
                self.all_days_ = False  # True only for refit_all's copy
                self.shrink_ = self._fit_shrink(val_x, returns[split.train_end : split.val_end])
        if not hasattr(self, "shrink_"):
            raise ValueError("Training stopped before the first epoch finished; train again.")
        return self

    def refit_all(
        self,
        progress: ProgressFn | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> Forecaster | None:
        """A copy with the same settings, trained on every day of the series for the future.

        The held-out fit measured everything (scores, band); this copy learns from the newest
        days too, which the forecast beyond the last date needs most. It trains for the best
        epoch count the held-out fit found (nothing is left to stop it early), is scaled with
        all days' returns, and keeps the held-out fit's shrink, which only held-out days can
        measure. Its ``evaluate`` and ``horizon_check`` would score it on days it trained on: use
        it for ``forecast`` and :meth:`future_band` only.

        Returns
        -------
        Forecaster or None
            The refitted copy, or None when ``should_stop`` stopped it before the last epoch.
        """
        self._require_fitted()
        returns = self.returns_
        mean, std = float(returns.mean()), float(returns.std()) or 1.0
        inputs, targets = many_to_many_windows(
            (returns - mean) / std, self.lookback, range(self.lookback, len(returns))
        )
        import keras

        keras.utils.set_random_seed(self.seed)
        model = self._build_model(keras)
        shape = (self.lookback, self.units, self.layers)
        trainer = _TRAINERS.lease(shape, lambda: self._compiled_trainer(keras))
        _reset_trainer(trainer, model)
        stopped = []

        def stop_now() -> bool:
            if should_stop is not None and should_stop():
                stopped.append(True)
                return True
            return False

        started = time.perf_counter()
        try:
            trainer.fit(
                inputs,
                targets,
                epochs=self.best_epoch_,
                batch_size=BATCH_SIZE,
                shuffle=True,
                callbacks=[
                    keras.callbacks.TerminateOnNaN(),
                    keras_progress_callback(progress, self.best_epoch_, stop_now),
                ],
                verbose=0,
            )
            model.set_weights(trainer.get_weights())
        finally:
            _TRAINERS.give_back(shape, trainer)
        if stopped or not all(np.all(np.isfinite(w)) for w in model.get_weights()):
            return None
        final = copy.copy(self)
        final.model_, final.mean_, final.std_ = model, mean, std
        final.train_seconds_ = time.perf_counter() - started
        final.epochs_run_ = self.best_epoch_
        final.all_days_ = True
        return final

    def future_band(self, lower: np.ndarray, upper: np.ndarray) -> pd.DataFrame:
        """The recursive forecast beyond the last date with a band of log-return error quantiles.

        ``lower`` and ``upper`` hold one quantile per step ahead (from ``horizon_check``'s
        ``steps``); the result has index date and columns ``forecast``, ``lower``, ``upper``.
        """
        self._require_fitted()
        lower, upper = np.asarray(lower, dtype=np.float64), np.asarray(upper, dtype=np.float64)
        horizon = len(lower)
        _check_horizon(horizon)
        path = np.cumsum(
            self._recursive_returns(self._origin_windows([len(self.returns_)]), horizon)[0]
        )
        last = float(self.series_.iloc[-1])
        return pd.DataFrame(
            {
                "forecast": last * np.exp(path),
                "lower": last * np.exp(path + lower),
                "upper": last * np.exp(path + upper),
            },
            index=self._future_dates(horizon),
        )

    def _forget(self) -> None:
        """Drop what an earlier fit learned, so a failed refit never looks fitted."""
        for name in [name for name in vars(self) if name.endswith("_")]:
            delattr(self, name)

    def _check_params(self) -> None:
        for name, low, high in (
            ("lookback", 2, 365),
            ("epochs", 1, 500),
            ("units", 1, 512),
            ("layers", 1, 4),
        ):
            value = getattr(self, name)
            if not isinstance(value, int | np.integer) or not low <= value <= high:
                raise ValueError(
                    f"{name} is {value!r}; it must be a whole number from {low} to {high}."
                )

    @staticmethod
    def _validated_prices(series: pd.Series) -> pd.Series:
        if not isinstance(series, pd.Series) or not isinstance(series.index, pd.DatetimeIndex):
            raise ValueError(
                "Expected a price series with dates as its index; load it with core.prices."
            )
        values = series.to_numpy(dtype=np.float64)
        if not np.all(np.isfinite(values)) or np.any(values <= 0):
            raise ValueError(
                "Prices must be finite and above zero; clean the series with core.prices."
            )
        if not series.index.is_monotonic_increasing:
            series = series.sort_index()
        return series.astype(np.float64)

    def _build_model(self, keras):
        inputs = keras.Input(shape=(self.lookback, 1), name="scaled_returns")
        hidden = inputs
        for layer in range(self.layers):
            hidden = keras.layers.LSTM(
                self.units, return_sequences=True, dropout=DROPOUT, name=f"lstm_{layer + 1}"
            )(hidden)
        # A Dense layer on a 3-D tensor is applied at every step: one next-day return per step.
        outputs = keras.layers.Dense(1, name="next_day_return")(hidden)
        return keras.Model(inputs, outputs, name="many_to_many_lstm")

    def _compiled_trainer(self, keras):
        trainer = self._build_model(keras)
        trainer.compile(
            optimizer=keras.optimizers.Adam(learning_rate=LEARNING_RATE),
            loss="mse",
            steps_per_execution=STEPS_PER_CALL,
        )
        return trainer

    def _last_step_returns(self, windows: np.ndarray) -> np.ndarray:
        """The model's next-day return (unscaled) from the last step of each window."""
        import keras

        # Keras's compiled predict step is several times faster than an eager call, which the
        # recursive band check makes dozens of times. It runs on a pooled model of this shape
        # given these weights, so its traced function is reused by later fits rather than
        # traced (and kept by TensorFlow for good) once per fitted model.
        shape = (self.lookback, self.units, self.layers)
        predictor = _PREDICTORS.lease(shape, lambda: self._build_model(keras))
        try:
            predictor.set_weights(self.model_.get_weights())
            outputs = [
                predictor.predict_on_batch(windows[start : start + 4096])[:, -1, 0]
                for start in range(0, len(windows), 4096)
            ]
        finally:
            _PREDICTORS.give_back(shape, predictor)
        scaled = np.concatenate(outputs) if outputs else np.empty(0)
        return scaled.astype(np.float64) * self.std_ + self.mean_

    def _fit_shrink(self, val_windows: np.ndarray, val_returns: np.ndarray) -> float:
        raw = self._last_step_returns(val_windows)
        denominator = float(np.dot(raw, raw))
        if denominator == 0.0:
            return 0.0
        return float(np.clip(np.dot(raw, val_returns) / denominator, 0.0, 1.0))

    # -- prediction -----------------------------------------------------------------------------
    @property
    def is_fitted(self) -> bool:
        return hasattr(self, "shrink_")

    def _require_fitted(self) -> None:
        if not self.is_fitted:
            raise ValueError("This Forecaster is not fitted yet; call fit(series) first.")

    def evaluate(self) -> Evaluation:
        """Next-day predictions on the test part, for the LSTM and persistence, with metrics."""
        self._require_fitted()
        split, returns = self.split_, self.returns_
        scaled = (returns - self.mean_) / self.std_
        test_targets = range(split.val_end, len(returns))
        test_x, _ = many_to_many_windows(scaled, self.lookback, test_targets)
        predicted_returns = self.shrink_ * self._last_step_returns(test_x)

        prices = self.series_.to_numpy()
        # returns[i] moves prices[i] to prices[i + 1]
        target_idx = np.arange(split.val_end, len(returns)) + 1
        previous = prices[target_idx - 1]
        actual = prices[target_idx]
        lstm = previous * np.exp(predicted_returns)
        baseline = Persistence().predict_next(previous)

        frame = pd.DataFrame(
            {"actual": actual, "lstm": lstm, "persistence": baseline},
            index=self.series_.index[target_idx],
        )
        # Every score, direction included, comes from this one forecast: a zero shrink calls
        # no move, so its direction is None like persistence's.
        model_metrics = regression_metrics(actual, lstm, previous)
        baseline_metrics = regression_metrics(actual, baseline, previous)
        tested = verdict(actual, lstm, baseline)
        return Evaluation(
            predictions=frame,
            model=model_metrics,
            persistence=baseline_metrics,
            skill_ratio=model_metrics["rmse"] / baseline_metrics["rmse"],
            up_day_share=float(np.mean(actual > previous)),
            reading=plain_reading(model_metrics, baseline_metrics, tested),
            verdict=tested,
        )

    def fitted_train(self) -> pd.DataFrame:
        """In-sample next-day predictions on the training part (for an optional chart layer)."""
        self._require_fitted()
        scaled = (self.returns_ - self.mean_) / self.std_
        train_x, _ = many_to_many_windows(
            scaled, self.lookback, range(self.lookback, self.split_.train_end)
        )
        target_idx = np.arange(self.lookback, self.split_.train_end) + 1
        prices = self.series_.to_numpy()
        predicted = prices[target_idx - 1] * np.exp(self.shrink_ * self._last_step_returns(train_x))
        return pd.DataFrame({"lstm": predicted}, index=self.series_.index[target_idx])

    def forecast(self, horizon: int = DEFAULT_HORIZON) -> pd.Series:
        """Recursive H-day forecast beyond the last date, on the series' own trading days.

        Each step's predicted return (shrunk as in evaluation) is appended to the window before
        the next step is predicted.
        """
        self._require_fitted()
        _check_horizon(horizon)
        returns = self._recursive_returns(self._origin_windows([len(self.returns_)]), horizon)
        values = float(self.series_.iloc[-1]) * np.exp(np.cumsum(returns[0]))
        return pd.Series(values, index=self._future_dates(horizon), name="forecast")

    def horizon_check(
        self, horizon: int = DEFAULT_HORIZON, level: float = DEFAULT_LEVEL
    ) -> HorizonCheck:
        """The future forecast with a ``level`` band, and its honesty and error by step on test.

        The band's width at step k is the spread of the k-day-ahead errors of the same recursive
        forecast started from every validation day; coverage and RMSE by step come from forecasts
        started from every test day. Nothing is fitted on the test part.
        """
        self._require_fitted()
        _check_horizon(horizon)
        if not 0.5 <= level <= 0.99:
            raise ValueError(f"The band level is {level:.0%}; pick from 50% to 99%.")
        split, n_returns = self.split_, len(self.returns_)
        val_errors, _, _ = self._step_errors(split.train_end, split.val_end, horizon)
        lower, upper, counts, measured = error_quantiles(val_errors, level)
        test_errors, predicted, origins = self._step_errors(split.val_end, n_returns, horizon)

        inside = (test_errors >= lower) & (test_errors <= upper)
        valid = np.isfinite(test_errors)
        test_counts = valid.sum(axis=0)
        prices = self.series_.to_numpy()
        start_price = prices[origins][:, None]  # the last known price at each forecast origin
        target_idx = origins[:, None] + np.arange(1, horizon + 1)
        actual = np.where(valid, prices[np.minimum(target_idx, len(prices) - 1)], np.nan)
        lstm_sq = (start_price * np.exp(predicted) - actual) ** 2
        persistence_sq = (start_price - actual) ** 2
        with np.errstate(invalid="ignore"):
            steps = pd.DataFrame(
                {
                    "lower_q": lower,
                    "upper_q": upper,
                    "validation_samples": counts,
                    "measured": measured,
                    "coverage": np.where(valid, inside, False).sum(axis=0)
                    / np.maximum(test_counts, 1),
                    "test_samples": test_counts,
                    "lstm_rmse": np.sqrt(np.nanmean(lstm_sq, axis=0)),
                    "persistence_rmse": np.sqrt(np.nanmean(persistence_sq, axis=0)),
                },
                index=pd.RangeIndex(1, horizon + 1, name="step"),
            )

        band = self.future_band(lower, upper)
        return HorizonCheck(level=level, steps=steps, band=band, reading=band_reading(level, steps))

    def _origin_windows(self, origins) -> np.ndarray:
        """Scaled windows of the ``lookback`` returns before each origin (first unknown return)."""
        scaled = (self.returns_ - self.mean_) / self.std_
        starts = np.asarray(origins)[:, None] - self.lookback + np.arange(self.lookback)
        return scaled[starts].astype("float32")

    def _recursive_returns(self, windows: np.ndarray, horizon: int) -> np.ndarray:
        """Shrunk predicted log returns, ``(len(windows), horizon)``, feeding each step back in."""
        windows = np.array(windows, dtype="float32")
        out = np.empty((len(windows), horizon))
        for step in range(horizon):
            predicted = self.shrink_ * self._last_step_returns(windows[..., None])
            out[:, step] = predicted
            fed_back = ((predicted - self.mean_) / self.std_).astype("float32")[:, None]
            windows = np.concatenate([windows[:, 1:], fed_back], axis=1)
        return out

    def _step_errors(self, start: int, end: int, horizon: int):
        """k-day log-return errors (actual minus predicted) of forecasts from origins in a part.

        Only targets inside ``returns[start:end]`` count; the others are NaN.
        Returns the errors, the predicted cumulative returns, and the origins.
        """
        origins = np.arange(start, end)
        predicted = np.cumsum(self._recursive_returns(self._origin_windows(origins), horizon), 1)
        target = origins[:, None] + np.arange(horizon)
        inside = target < end
        actual = np.cumsum(self.returns_[np.minimum(target, len(self.returns_) - 1)], axis=1)
        errors = np.where(inside, actual - predicted, np.nan)
        return errors, predicted, origins

    def _future_dates(self, horizon: int) -> pd.DatetimeIndex:
        """The next ``horizon`` days the series would trade: its weekdays less exchange holidays."""
        return trading_days.trading_calendar(self.series_.index).next_days(
            self.series_.index[-1], horizon
        )

    def latest_window_steps(self) -> pd.DataFrame:
        """The most recent window and the model's per-step next-day predictions (many-to-many)."""
        self._require_fitted()
        scaled = (self.returns_[-self.lookback :] - self.mean_) / self.std_
        output = np.asarray(self.model_(scaled[None, :, None].astype("float32"), training=False))
        step_returns = self.shrink_ * (output[0, :, 0].astype(np.float64) * self.std_ + self.mean_)
        prices = self.series_.to_numpy()[-self.lookback :]
        next_dates = list(self.series_.index[-self.lookback + 1 :]) + [self._future_dates(1)[0]]
        return pd.DataFrame(
            {
                "date": self.series_.index[-self.lookback :],
                "price": prices,
                "predicts_date": next_dates,
                "predicted_next": prices * np.exp(step_returns),
            }
        )

    def parameter_count(self) -> int:
        self._require_fitted()
        return int(self.model_.count_params())


def _check_horizon(horizon: int) -> None:
    if not 1 <= horizon <= 60:
        raise ValueError(f"The horizon is {horizon} days; pick from 1 to 60.")


def error_quantiles(errors: np.ndarray, level: float):
    """Per-step lower and upper error quantiles; too-thin steps widen like the square root of k.

    Step 1 always has enough errors: the validation part holds at least MIN_VALIDATION_DAYS.
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


class _TrainerPool:
    """Compiled training models, reused across fits of the same shape.

    TensorFlow keeps every traced training function for the life of the process (about 12 MB per
    new compiled model here), so a server that compiled a fresh model for every training grew
    without bound. A fit leases an idle compiled model of its shape, resets it to freshly seeded
    weights and a new optimiser state, and gives it back afterwards; the fitted Forecaster keeps
    its own uncompiled copy of the weights. Two fits never share a leased model.
    """

    def __init__(self, idle_per_shape: int = 2):
        self._idle: dict[tuple, list] = {}
        self._lock = threading.Lock()
        self._idle_per_shape = idle_per_shape

    def lease(self, shape: tuple, build: Callable[[], object]):
        with self._lock:
            idle = self._idle.get(shape)
            if idle:
                return idle.pop()
        return build()

    def give_back(self, shape: tuple, trainer) -> None:
        with self._lock:
            idle = self._idle.setdefault(shape, [])
            if len(idle) < self._idle_per_shape:
                idle.append(trainer)


_TRAINERS = _TrainerPool()
_PREDICTORS = _TrainerPool()  # uncompiled models whose predict step is traced once per shape


def _reset_trainer(trainer, fresh) -> None:
    """Give a leased trainer the fresh model's weights and seed state and a zeroed optimiser."""
    for target, source in zip(trainer.variables, fresh.variables, strict=True):
        target.assign(source)
    optimizer = trainer.optimizer
    for variable in optimizer.variables:
        if variable is not optimizer._learning_rate:  # noqa: SLF001 - keep the learning rate
            variable.assign(np.zeros(variable.shape, dtype=variable.dtype))


def _best_weights_tracker(keras):
    """A Keras callback that records every epoch's logs and the weights of the best one."""

    class _BestWeights(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.history: dict[str, list[float]] = {}
            self.weights = None
            self.epoch = 0
            self.loss = np.inf

        def on_epoch_end(self, epoch, logs=None):
            for key, value in (logs or {}).items():
                self.history.setdefault(key, []).append(float(value))
            loss = float((logs or {}).get("val_loss", np.nan))
            if np.isfinite(loss) and loss < self.loss:
                self.loss, self.epoch = loss, epoch + 1
                self.weights = self.model.get_weights()

    return _BestWeights()


if __name__ == "__main__":
    from core.forecast_cli import main

    raise SystemExit(main())
