"""The many-to-many LSTM forecaster and the persistence baseline (see core.forecast)."""

from __future__ import annotations

import copy
import math
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.forecast import frequency, trading_days
from core.forecast.data import (
    DEFAULT_TEST_SHARE,
    INPUT_NAMES,
    check_history,
    chronological_split,
    extra_features,
    log_returns,
    many_to_many_windows,
)
from core.forecast.metrics import Verdict, band_scores, plain_reading, regression_metrics, verdict
from core.forecast.uncertainty import (
    DEFAULT_LEVEL,
    METHODS,
    HorizonCheck,
    VolatilityCheck,
    band_reading,
    check_horizon,
    conformal_multipliers,
    error_quantiles,
    garch_variances,
    rolling_variances,
    turbulence_reading,
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
# Bounds of the predicted log-scale, in units of the training returns' standard deviation: a
# scale from e^-5 to e^3 times the usual move covers any market, and keeps the loss finite.
LOG_SCALE_RANGE = (-5.0, 3.0)
# An extra input is read only when the training days have it on at least this share of days
# and it varies there; otherwise it could teach nothing and the LSTM reads returns only.
MIN_KNOWN_SHARE = 0.5


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


def gaussian_nll_loss(y_true, y_pred):
    """Gaussian negative log-likelihood of each step's target under its (mean, log-scale).

    Training on it teaches the LSTM the next day's return *and* how wild the day will be: a
    too-narrow scale on a stormy day costs far more than a slightly wide one.
    """
    from keras import ops

    mean = y_pred[..., 0:1]
    log_scale = ops.clip(y_pred[..., 1:2], *LOG_SCALE_RANGE)
    standardised = (y_true - mean) * ops.exp(-log_scale)
    per_step = log_scale + 0.5 * ops.square(standardised) + 0.5 * math.log(2.0 * math.pi)
    return ops.mean(per_step, axis=-1)


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
        extras: pd.DataFrame | None = None,
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
        extras : pd.DataFrame, optional
            The day's ``high`` and ``low`` (read as the high–low range) and/or ``volume``
            (read as its daily change), on the series' dates (see
            :func:`core.forecast.data.extra_columns`). Each is standardised with the training
            part's mean and standard deviation; a missing day reads as a typical one. An input
            known on under half the training days, or constant there, is left out with a note
            in ``input_notes_``. Without extras the model reads returns only.

        Returns
        -------
        Forecaster
            ``self``, with ``model_``, ``mean_``, ``std_``, ``shrink_``, ``history_``, ``split_``,
            ``series_``, ``epochs_run_``, ``best_epoch_``, ``stopped_``, ``train_seconds_``,
            ``all_days_`` (False: the test part was held out), ``inputs_`` (what the LSTM read,
            ``"returns"`` first) and ``input_notes_``.

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
        features, notes = _usable_features(extra_features(extras, prices.index), split.train_end)
        self.inputs_, self.input_notes_ = ("returns", *features), notes
        # the raw columns, on the prices' days, for the export's check window
        self.extras_ = None if extras is None else extras.reindex(prices.index)

        mean, std, extra_scaling, scaled = _scaled_inputs(returns, features, split.train_end)
        train_x, train_y = _windows(scaled, self.lookback, range(self.lookback, split.train_end))
        val_x, val_y = _windows(scaled, self.lookback, range(split.train_end, split.val_end))

        import keras

        keras.utils.set_random_seed(self.seed)
        model = self._build_model(keras)
        shape = self._shape()
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
                self.extra_scaling_, self.features_ = extra_scaling, features
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
        mean, std, extra_scaling, scaled = _scaled_inputs(returns, self.features_, len(returns))
        inputs, targets = _windows(scaled, self.lookback, range(self.lookback, len(returns)))
        import keras

        keras.utils.set_random_seed(self.seed)
        model = self._build_model(keras)
        shape = self._shape()
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
        final.extra_scaling_ = extra_scaling
        final.train_seconds_ = time.perf_counter() - started
        final.epochs_run_ = self.best_epoch_
        final.all_days_ = True
        return final

    def future_band(self, lower: np.ndarray, upper: np.ndarray) -> pd.DataFrame:
        """The recursive forecast beyond the last date with its calibrated band.

        ``lower`` and ``upper`` hold one multiplier of the forecast scale per step ahead (from
        ``horizon_check``'s ``steps``); this model's own scale path sets the width, so the band
        follows its latest turbulence. The result has index date and columns ``forecast``,
        ``lower``, ``upper``.
        """
        self._require_fitted()
        lower, upper = np.asarray(lower, dtype=np.float64), np.asarray(upper, dtype=np.float64)
        horizon = len(lower)
        check_horizon(horizon)
        windows = self._origin_windows([len(self.returns_)])
        path = np.cumsum(self._recursive_returns(windows, horizon)[0])
        scale = np.sqrt(np.cumsum(self._recursive_variances(windows, horizon)[0]))
        lower, upper = lower * scale, upper * scale
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

    def _shape(self) -> tuple:
        """What a pooled trainer or predictor must match to take this model's weights."""
        return (self.lookback, self.units, self.layers, len(self.inputs_))

    def _build_model(self, keras):
        channels = len(self.inputs_)
        inputs = keras.Input(shape=(self.lookback, channels), name="scaled_returns")
        # The up and down parts of each return: their sum is the day's size, which is what
        # turbulence is made of, so the LSTM need not learn an absolute value from one input.
        ups = keras.layers.ReLU(name="up_moves")(inputs)
        downs = keras.layers.ReLU(name="down_moves")(keras.layers.Rescaling(-1.0)(inputs))
        # Extra inputs (channels after the return) also go in as they are: this is the layout
        # the validation experiment that turned the range on measured.
        parts = [ups, downs] if channels == 1 else [ups, downs, inputs]
        hidden = keras.layers.Concatenate(name="moves")(parts)
        for layer in range(self.layers):
            hidden = keras.layers.LSTM(
                self.units, return_sequences=True, dropout=DROPOUT, name=f"lstm_{layer + 1}"
            )(hidden)
        # A Dense layer on a 3-D tensor is applied at every step: at each step the next day's
        # return (channel 0) and the log of its scale (channel 1), a Gaussian forecast.
        outputs = keras.layers.Dense(2, name="next_day_return")(hidden)
        return keras.Model(inputs, outputs, name="many_to_many_lstm")

    def _compiled_trainer(self, keras):
        trainer = self._build_model(keras)
        trainer.compile(
            optimizer=keras.optimizers.Adam(learning_rate=LEARNING_RATE),
            loss=gaussian_nll_loss,
            steps_per_execution=STEPS_PER_CALL,
        )
        return trainer

    def _last_step_returns(self, windows: np.ndarray) -> np.ndarray:
        """The model's next-day return (unscaled) from the last step of each window."""
        return self._last_step(windows)[0]

    def _last_step(self, windows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The next-day return and its scale (unscaled, unshrunk) from each window's last step."""
        import keras

        # Keras's compiled predict step is several times faster than an eager call, which the
        # recursive band check makes dozens of times. It runs on a pooled model of this shape
        # given these weights, so its traced function is reused by later fits rather than
        # traced (and kept by TensorFlow for good) once per fitted model.
        shape = self._shape()
        predictor = _PREDICTORS.lease(shape, lambda: self._build_model(keras))
        try:
            predictor.set_weights(self.model_.get_weights())
            outputs = [
                predictor.predict_on_batch(windows[start : start + 4096])[:, -1, :]
                for start in range(0, len(windows), 4096)
            ]
        finally:
            _PREDICTORS.give_back(shape, predictor)
        scaled = np.concatenate(outputs).astype(np.float64) if outputs else np.empty((0, 2))
        log_scale = np.clip(scaled[:, 1], *LOG_SCALE_RANGE)
        return scaled[:, 0] * self.std_ + self.mean_, np.exp(log_scale) * self.std_

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
        test_x, _ = _windows(self.scaled_inputs, self.lookback, range(split.val_end, len(returns)))
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
        train_x, _ = _windows(
            self.scaled_inputs, self.lookback, range(self.lookback, self.split_.train_end)
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
        """The future forecast with a ``level`` band, how it held on test, and its baselines.

        The same recursive forecast (path and scale) starts from every validation and test day.
        The band's per-step multipliers of the scale come from validation errors only
        (:func:`conformal_multipliers`); coverage, width and RMSE by step come from the test
        days. GARCH(1,1), a rolling 20-day volatility and the static band of validation error
        quantiles are scored on the same test days (``volatility``). Nothing is fitted on the
        test part.
        """
        self._require_fitted()
        check_horizon(horizon)
        if not 0.5 <= level <= 0.99:
            raise ValueError(f"The band level is {level:.0%}; pick from 50% to 99%.")
        split, returns = self.split_, self.returns_
        n_returns, n_val = len(returns), split.val_end - split.train_end
        origins = np.arange(split.train_end, n_returns)
        windows = self._origin_windows(origins)
        predicted = np.cumsum(self._recursive_returns(windows, horizon), axis=1)
        target = origins[:, None] + np.arange(horizon)
        actual = np.cumsum(returns[np.minimum(target, n_returns - 1)], axis=1)
        in_val = (origins < split.val_end)[:, None] & (target < split.val_end)
        in_test = (origins >= split.val_end)[:, None] & (target < n_returns)
        val_errors = np.where(in_val, actual - predicted, np.nan)[:n_val]
        test_actual = np.where(in_test, actual, np.nan)[n_val:]
        test_path = predicted[n_val:]

        variances = {
            "lstm": self._recursive_variances(windows, horizon),
            "garch": garch_variances(returns, split.train_end, origins, horizon),
            "rolling": rolling_variances(returns, origins, horizon),
        }
        bands, methods = {}, {}
        for name, variance in variances.items():
            scale = np.sqrt(np.cumsum(variance, axis=1))
            low, high, counts, measured = conformal_multipliers(val_errors, scale[:n_val], level)
            if name == "lstm":
                multipliers = (low, high)
            bands[name] = (test_path + low * scale[n_val:], test_path + high * scale[n_val:])
        static_low, static_high, _, _ = error_quantiles(val_errors, level)
        bands["static"] = (test_path + static_low, test_path + static_high)
        variances["static"] = np.full_like(variances["lstm"], np.nanvar(val_errors[:, 0]))
        for name in METHODS:
            methods[name] = band_scores(
                test_actual, test_path[:, 0], variances[name][n_val:, 0], *bands[name], level
            )

        test_origins = origins[n_val:]
        prices = self.series_.to_numpy()
        start_price = prices[test_origins][:, None]  # the last known price at each origin
        target_idx = test_origins[:, None] + np.arange(1, horizon + 1)
        valid = np.isfinite(test_actual)
        actual_price = np.where(valid, prices[np.minimum(target_idx, len(prices) - 1)], np.nan)
        lstm_sq = (start_price * np.exp(test_path) - actual_price) ** 2
        persistence_sq = (start_price - actual_price) ** 2
        test_counts = valid.sum(axis=0)

        def held(name: str) -> np.ndarray:
            low, high = bands[name]
            inside = (test_actual >= low) & (test_actual <= high)
            return inside.sum(axis=0) / np.maximum(test_counts, 1)

        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a step with no test day is NaN
            width = np.where(valid, bands["lstm"][1] - bands["lstm"][0], np.nan)
            steps = pd.DataFrame(
                {
                    "lower_q": multipliers[0],
                    "upper_q": multipliers[1],
                    "validation_samples": counts,
                    "measured": measured,
                    "coverage": held("lstm"),
                    "garch_coverage": held("garch"),
                    "static_coverage": held("static"),
                    "width": np.nanmean(width, axis=0),
                    "test_samples": test_counts,
                    "lstm_rmse": np.sqrt(np.nanmean(lstm_sq, axis=0)),
                    "persistence_rmse": np.sqrt(np.nanmean(persistence_sq, axis=0)),
                },
                index=pd.RangeIndex(1, horizon + 1, name="step"),
            )
        daily = pd.DataFrame(
            {
                "actual": returns[test_origins],
                **{f"{name}_sigma": np.sqrt(variances[name][n_val:, 0]) for name in variances},
                **{
                    f"{name}_{edge}": bands[name][side][:, 0]
                    for name in ("lstm", "garch")
                    for side, edge in enumerate(("lower", "upper"))
                },
            },
            index=self.series_.index[test_origins + 1],
        ).drop(columns="static_sigma")
        volatility = VolatilityCheck(
            level=level,
            horizon=horizon,
            methods=methods,
            daily=daily,
            reading=turbulence_reading(daily, level, frequency.of(self.series_.index)),
        )
        band = self.future_band(*multipliers)
        return HorizonCheck(
            level=level,
            steps=steps,
            band=band,
            reading=band_reading(level, steps, frequency.of(self.series_.index)),
            volatility=volatility,
        )

    def _origin_windows(self, origins) -> np.ndarray:
        """Scaled input windows, ``(origins, lookback, inputs)``, of the days before each origin
        (the index of its first unknown return)."""
        starts = np.asarray(origins)[:, None] - self.lookback + np.arange(self.lookback)
        return self.scaled_inputs[starts].astype("float32")

    def _recursive_returns(self, windows: np.ndarray, horizon: int) -> np.ndarray:
        """Shrunk predicted log returns, ``(len(windows), horizon)``, feeding each step back in."""
        windows = np.array(windows, dtype="float32")
        out = np.empty((len(windows), horizon))
        for step in range(horizon):
            mean, scale = self._last_step(windows)
            predicted = self.shrink_ * mean
            out[:, step] = predicted
            windows = np.concatenate([windows[:, 1:], self._fed_back(predicted, scale)], axis=1)
        return out

    def _recursive_variances(self, windows: np.ndarray, horizon: int) -> np.ndarray:
        """Forecast one-day variances, ``(len(windows), horizon)``, along a typical path.

        Each step feeds back a move as large as its forecast scale, up and down in turn: the
        squared move then equals its expected value, as in GARCH's multi-step forecast (feeding
        back the mean alone would show the LSTM a string of eerily calm days). Extra inputs
        are fed back as :meth:`_fed_back` says.
        """
        windows = np.array(windows, dtype="float32")
        out = np.empty((len(windows), horizon))
        for step in range(horizon):
            mean, scale = self._last_step(windows)
            out[:, step] = scale**2
            move = self.shrink_ * mean + (scale if step % 2 == 0 else -scale)
            windows = np.concatenate([windows[:, 1:], self._fed_back(move, scale)], axis=1)
        return out

    def _fed_back(self, move: np.ndarray, scale: np.ndarray) -> np.ndarray:
        """The scaled inputs, ``(len(move), 1, inputs)``, of a forecast day appended to a window.

        A future day's high–low range is unknown: it is set to the forecast scale times the
        training days' average range per standard deviation of return (``range_feedback``), so
        a day forecast as wild as usual gets the usual range and a stormy one a wide range, as
        the scale feedback above does for the move. A future day's volume change is set to the
        training days' average (zero once scaled).
        """
        columns = [(move - self.mean_) / self.std_]
        for name in self.inputs_[1:]:
            mean, std = self.extra_scaling_[name]
            future = scale * self.range_feedback if name == "range" else mean
            columns.append((future - mean) / std * np.ones_like(move))
        return np.stack(columns, axis=-1).astype("float32")[:, None, :]

    @property
    def scaled_inputs(self) -> np.ndarray:
        """Every day's inputs as the LSTM reads them, ``(len(returns_), len(inputs_))``: each
        standardised with this model's scaling, the return first, a missing day as 0."""
        return _apply_scaling(
            self.returns_, self.features_, self.mean_, self.std_, self.extra_scaling_
        )

    @property
    def range_feedback(self) -> float | None:
        """Average high–low range per standard deviation of return on the scaling days: what
        multi-day forecasts multiply the forecast scale by to set a future day's range."""
        if "range" not in self.extra_scaling_:
            return None
        return self.extra_scaling_["range"][0] / self.std_

    @property
    def inputs_reading(self) -> str:
        """What the LSTM read, in words: "daily returns and the day's high–low range"."""
        self._require_fitted()
        words = [INPUT_NAMES[name] for name in self.inputs_]
        return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]

    def _future_dates(self, horizon: int) -> pd.DatetimeIndex:
        """The next ``horizon`` days the series would trade: its weekdays less exchange holidays."""
        return trading_days.trading_calendar(self.series_.index).next_days(
            self.series_.index[-1], horizon
        )

    def latest_window_steps(self) -> pd.DataFrame:
        """The most recent window and the model's per-step next-day predictions (many-to-many)."""
        self._require_fitted()
        window = self.scaled_inputs[None, -self.lookback :].astype("float32")
        output = np.asarray(self.model_(window, training=False))
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


def _usable_features(
    features: dict[str, np.ndarray], train_end: int
) -> tuple[dict[str, np.ndarray], list[str]]:
    """The extra inputs the training part can teach, and a note on each one left out."""
    usable, notes = {}, []
    for name, values in features.items():
        known = values[:train_end][np.isfinite(values[:train_end])]
        if len(known) < MIN_KNOWN_SHARE * train_end:
            notes.append(
                f"Not reading {INPUT_NAMES[name]}: it is missing on {train_end - len(known):,} "
                f"of {train_end:,} training days."
            )
        elif np.ptp(known) == 0:
            notes.append(
                f"Not reading {INPUT_NAMES[name]}: it is the same on every training day, so it "
                "tells nothing."
            )
        else:
            usable[name] = values
    return usable, notes


def _scaled_inputs(
    returns: np.ndarray, features: dict[str, np.ndarray], end: int
) -> tuple[float, float, dict[str, tuple[float, float]], np.ndarray]:
    """Returns and extra inputs standardised with their first ``end`` days only (no leak).

    Returns the returns' mean and standard deviation, each extra input's, and the scaled
    inputs as ``(len(returns), 1 + extras)``, the return first. A missing extra value becomes
    0, the scaled training mean: a typical day.
    """
    mean, std = float(returns[:end].mean()), float(returns[:end].std()) or 1.0
    scaling = {}
    for name, values in features.items():
        known = values[:end][np.isfinite(values[:end])]
        scaling[name] = (float(known.mean()), float(known.std()) or 1.0)
    return mean, std, scaling, _apply_scaling(returns, features, mean, std, scaling)


def _apply_scaling(
    returns: np.ndarray,
    features: dict[str, np.ndarray],
    mean: float,
    std: float,
    scaling: dict[str, tuple[float, float]],
) -> np.ndarray:
    """The scaled inputs, ``(len(returns), 1 + extras)``; a missing extra value becomes 0."""
    columns = [(returns - mean) / std]
    for name, values in features.items():
        columns.append(np.nan_to_num((values - scaling[name][0]) / scaling[name][1], nan=0.0))
    return np.stack(columns, axis=-1)


def _windows(scaled: np.ndarray, lookback: int, last_targets: range):
    """Input windows ``(n, lookback, inputs)`` and the next-day scaled return at every step."""
    inputs, targets = many_to_many_windows(scaled, lookback, last_targets)
    return inputs[..., 0], targets[..., :1, 0]
