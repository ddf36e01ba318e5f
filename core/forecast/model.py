"""The many-to-many LSTM forecaster and the persistence baseline (see core.forecast)."""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.forecast import frequency, trading_days
from core.forecast.data import (
    DEFAULT_TEST_SHARE,
    check_history,
    chronological_split,
    log_returns,
    many_to_many_windows,
)
from core.forecast.metrics import Verdict, plain_reading, regression_metrics, verdict
from core.forecast.uncertainty import (
    DEFAULT_LEVEL,
    HorizonCheck,
    band_reading,
    check_horizon,
    error_quantiles,
)
from core.progress import ProgressFn, keras_progress_callback

DEFAULT_LOOKBACK = 30
DEFAULT_EPOCHS = 15
DEFAULT_UNITS = 32
DEFAULT_LAYERS = 1
DEFAULT_HORIZON = 10
DEFAULT_SEED = 42
BATCH_SIZE = 64
LEARNING_RATE = 1e-3
# Batches run per call into TensorFlow: fewer round trips through Python, so a training holds
# the interpreter lock less and the server stays responsive while it runs.
STEPS_PER_CALL = 16
PATIENCE = 4
DROPOUT = 0.1


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


class Persistence:
    """The honest baseline: tomorrow's price equals today's."""

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
            Positive prices on an ascending DatetimeIndex (as returned by ``core.forecast.prices``).
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
        check_horizon(horizon)
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
                "Expected a price series with dates as its index; load it with "
                "core.forecast.prices."
            )
        values = series.to_numpy(dtype=np.float64)
        if not np.all(np.isfinite(values)) or np.any(values <= 0):
            raise ValueError(
                "Prices must be finite and above zero; clean the series with core.forecast.prices."
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
            reading=plain_reading(
                model_metrics, baseline_metrics, tested, frequency.of(self.series_.index)
            ),
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
        check_horizon(horizon)
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
        check_horizon(horizon)
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
        # a constant learning rate is itself an optimizer variable, returned by the property
        if variable is not optimizer.learning_rate:
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
