"""Forecast benchmark: the article's many-to-many example beside our Forecaster, same test days.

The article's approach, re-implemented (see docs/BENCHMARKS.md for what had to change for Keras 3):
prices scaled to [0, 1] by a MinMaxScaler fitted on *all* prices, windows of 10 days,
LSTM 50 (return_sequences) -> LSTM 50 -> Dense(1), trained for 100 epochs with the window's own
last value as the target (``train_data[:, -1]``). We score it as the forecaster it claims to be:
its output for the window ending on day t is the prediction for day t + 1. A second run fits the
scaler on the prices before the test part only, which is what the leak hid.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from core import forecast
from core.forecast.metrics import verdict
from core.forecast.prices import load_prices_file
from core.paths import SAMPLES_DIR

ARTICLE_LOOKBACK = 10
ARTICLE_UNITS = 50
ARTICLE_EPOCHS = 100
ARTICLE_BATCH_SIZE = 32  # the article calls fit() without batch_size: Keras' default
SEED = 42
SAMPLE_FILES = {"sp500": SAMPLES_DIR / "sp500.csv", "msft": SAMPLES_DIR / "msft.csv"}
TARGET_MAX_SKILL_LOSS = 1.01  # ours may be at most 1 % worse than persistence
TARGET_SPEEDUP = 2.0  # ours at least 2x faster per epoch than the article's code


@dataclass(frozen=True)
class Settings:
    """How much work one forecast benchmark does."""

    article_epochs: int = ARTICLE_EPOCHS
    ours_epochs: int = forecast.DEFAULT_EPOCHS
    paired_repeats: int = 15  # interleaved single epochs of each model for the speed ratio


FULL = Settings()
QUICK = Settings(article_epochs=5, ours_epochs=3, paired_repeats=3)


class EpochTimer:
    """Keras callback factory recording the wall-clock seconds of every epoch."""

    def __init__(self):
        self.seconds: list[float] = []

    def callback(self):
        import keras

        timer = self

        class _Timer(keras.callbacks.Callback):
            def on_epoch_begin(self, epoch, logs=None):
                self.started = time.perf_counter()

            def on_epoch_end(self, epoch, logs=None):
                timer.seconds.append(time.perf_counter() - self.started)

        return _Timer()


def steady_epoch_seconds(seconds: list[float]) -> float:
    """Median epoch time, leaving out the first epoch (it includes tracing the graph)."""
    steady = seconds[1:] if len(seconds) > 1 else seconds
    return float(statistics.median(steady))


def rmse(actual: np.ndarray, predicted: np.ndarray) -> float:
    return float(np.sqrt(np.mean((np.asarray(predicted) - np.asarray(actual)) ** 2)))


def build_article_model(keras):
    """The article's stacked LSTM; ``keras.Input`` replaces the deprecated ``input_shape=``."""
    model = keras.Sequential(
        [
            keras.Input(shape=(ARTICLE_LOOKBACK, 1)),
            keras.layers.LSTM(ARTICLE_UNITS, return_sequences=True),
            keras.layers.LSTM(ARTICLE_UNITS),
            keras.layers.Dense(1),
        ]
    )
    model.compile(loss="mse", optimizer="adam")
    return model


def article_windows(scaled: np.ndarray) -> np.ndarray:
    """The article's ``sequences``: window ``i`` is ``scaled[i - lookback : i]``, i >= lookback.

    Shaped (windows, lookback, 1): Keras 3's LSTM needs the feature axis the article leaves out.
    """
    starts = np.arange(ARTICLE_LOOKBACK, len(scaled)) - ARTICLE_LOOKBACK
    windows = scaled[starts[:, None] + np.arange(ARTICLE_LOOKBACK)]
    return windows[..., None].astype("float32")


class ArticleForecaster:
    """The article's approach, trained on the prices before ``first_test_day``.

    Parameters
    ----------
    first_test_day : int
        Index (into the price array) of the first test day; no window used in training reaches it.
    scaler_on : {"all", "train"}
        ``"all"`` fits the MinMaxScaler on every price, as the article does (a leak);
        ``"train"`` fits it on the prices before the test part only.
    epochs : int
        Training epochs (the article uses 100).
    """

    def __init__(self, first_test_day: int, scaler_on: str = "all", epochs: int = ARTICLE_EPOCHS):
        if scaler_on not in ("all", "train"):
            raise ValueError(f"scaler_on is {scaler_on!r}; use 'all' or 'train'.")
        self.first_test_day = first_test_day
        self.scaler_on = scaler_on
        self.epochs = epochs

    def fit(self, prices: np.ndarray) -> ArticleForecaster:
        import keras
        from sklearn.preprocessing import MinMaxScaler

        prices = np.asarray(prices, dtype=np.float64).reshape(-1, 1)
        fit_part = prices if self.scaler_on == "all" else prices[: self.first_test_day]
        self.scaler_ = MinMaxScaler(feature_range=(0, 1)).fit(fit_part)
        self.windows_ = article_windows(self.scaler_.transform(prices)[:, 0])
        # window i (row i - lookback) ends on day i - 1, so it forecasts day i: train on the
        # windows forecasting a day before the test part, i.e. on pre-test prices only
        n_train = self.first_test_day - ARTICLE_LOOKBACK
        train_data = self.windows_[:n_train]
        keras.utils.set_random_seed(SEED)
        self.model_ = build_article_model(keras)
        self.timer_ = EpochTimer()
        started = time.perf_counter()
        # the article's bug, kept on purpose: the target is the window's own last value
        self.model_.fit(
            train_data,
            train_data[:, -1],
            epochs=self.epochs,
            batch_size=ARTICLE_BATCH_SIZE,
            verbose=0,
            callbacks=[self.timer_.callback()],
        )
        self.train_seconds_ = time.perf_counter() - started
        self.train_data_ = train_data
        return self

    def predict_days(self, days: np.ndarray) -> np.ndarray:
        """Price predicted for each day in ``days`` from the window ending the day before."""
        windows = self.windows_[np.asarray(days) - ARTICLE_LOOKBACK]
        scaled = self.model_.predict(windows, batch_size=4096, verbose=0)
        return self.scaler_.inverse_transform(scaled.reshape(-1, 1))[:, 0]

    def one_epoch(self) -> float:
        """Seconds of one more training epoch on the same data (for paired timing)."""
        started = time.perf_counter()
        self.model_.fit(
            self.train_data_,
            self.train_data_[:, -1],
            epochs=1,
            batch_size=ARTICLE_BATCH_SIZE,
            verbose=0,
        )
        return time.perf_counter() - started


class OursEpochs:
    """Times single training epochs of our architecture, with its validation pass, as in ``fit``.

    ``Forecaster.model_`` is an uncompiled copy of the trained weights, so this trains a compiled
    clone of it on the same windows; one untimed epoch first traces the training step.
    """

    def __init__(self, model: forecast.Forecaster):
        import keras

        scaled = model.scaled_inputs  # (days, inputs): the return first, then e.g. the range
        split, lookback = model.split_, model.lookback

        def windows(targets: range) -> tuple:
            inputs, following = forecast.many_to_many_windows(scaled, lookback, targets)
            return inputs[..., 0], following[..., :1, 0]  # every input; the next return

        self.train = windows(range(lookback, split.train_end))
        self.validation = windows(range(split.train_end, split.val_end))
        self.trainer = keras.models.clone_model(model.model_)
        self.trainer.set_weights(model.model_.get_weights())
        learning_rate = getattr(forecast, "LEARNING_RATE", 1e-3)
        # compiled as Forecaster.fit compiles its trainers, so the timing is of how we really train
        self.trainer.compile(
            optimizer=keras.optimizers.Adam(learning_rate),
            loss=forecast.gaussian_nll_loss,
            steps_per_execution=getattr(forecast, "STEPS_PER_CALL", 1),
        )
        self.one_epoch()

    def one_epoch(self) -> float:
        started = time.perf_counter()
        self.trainer.fit(
            *self.train,
            validation_data=self.validation,
            epochs=1,
            batch_size=forecast.BATCH_SIZE,
            shuffle=True,
            verbose=0,
        )
        return time.perf_counter() - started


def paired_epoch_ratios(article: ArticleForecaster, ours: forecast.Forecaster, repeats: int):
    """Alternate one epoch of each model ``repeats`` times; article/ours seconds per pair."""
    ours_epochs = OursEpochs(ours)
    pairs = []
    for _ in range(repeats):
        article_seconds = article.one_epoch()
        ours_seconds = ours_epochs.one_epoch()
        pairs.append(
            {
                "article_s": article_seconds,
                "ours_s": ours_seconds,
                "ratio": article_seconds / ours_seconds,
            }
        )
    return pairs


def bench_series(
    series: pd.Series, settings: Settings = FULL, extras: pd.DataFrame | None = None
) -> dict:
    """Train ours and both article variants on one price series and compare them.

    Returns a dict of raw measurements and the ratios computed from them in this run.
    """
    ours_timer: list[float] = []
    last_epoch_end = [0.0]

    def on_epoch(report):
        now = time.perf_counter()
        ours_timer.append(now - last_epoch_end[0])
        last_epoch_end[0] = now

    ours = forecast.Forecaster(epochs=settings.ours_epochs)
    last_epoch_end[0] = time.perf_counter()
    ours.fit(series, progress=on_epoch, extras=extras)  # the product reads High/Low by default
    # the first entry also holds windowing and model building: only the steady epochs count
    evaluation = ours.evaluate()
    test = evaluation.predictions
    prices = ours.series_.to_numpy()
    # returns[i] moves prices[i] to prices[i + 1]: the first test price is val_end + 1
    test_days = np.arange(ours.split_.val_end, len(ours.returns_)) + 1
    if not np.array_equal(prices[test_days], test["actual"].to_numpy()):
        raise ValueError("The article's test days do not match the Forecaster's test part.")
    persistence_rmse = rmse(test["actual"], test["persistence"])

    variants = {}
    models = {}
    for name, scaler_on in (("article", "all"), ("article_no_leak", "train")):
        model = ArticleForecaster(
            int(test_days[0]), scaler_on=scaler_on, epochs=settings.article_epochs
        ).fit(prices)
        predicted = model.predict_days(test_days)
        model_rmse = rmse(test["actual"], predicted)
        variants[name] = {
            "scaler_fitted_on": "all prices" if scaler_on == "all" else "pre-test prices",
            "epochs": settings.article_epochs,
            "train_seconds": model.train_seconds_,
            "epoch_seconds": model.timer_.seconds,
            "median_epoch_seconds": steady_epoch_seconds(model.timer_.seconds),
            "test_rmse": model_rmse,
            "skill_ratio": model_rmse / persistence_rmse,
            # the same test as the page's verdict, against persistence on the same days
            "verdict": verdict(test["actual"], predicted, test["persistence"]).as_dict(),
            "train_windows": len(model.train_data_),
        }
        models[name] = model

    pairs = paired_epoch_ratios(models["article"], ours, settings.paired_repeats)
    ours_result = {
        "settings": {
            "lookback": ours.lookback,
            "epochs": ours.epochs,
            "units": ours.units,
            "layers": ours.layers,
        },
        "epochs_run": ours.epochs_run_,
        "train_seconds": ours.train_seconds_,
        "epoch_seconds": ours_timer,
        "median_epoch_seconds": steady_epoch_seconds(ours_timer),
        "test_rmse": evaluation.model["rmse"],
        "skill_ratio": evaluation.skill_ratio,
        "verdict": evaluation.verdict.as_dict(),
        "shrink": ours.shrink_,
        "parameters": ours.parameter_count(),
    }
    article = variants["article"]
    return {
        "prices": len(prices),
        "first_date": str(series.index[0].date()),
        "last_date": str(series.index[-1].date()),
        "test_days": len(test_days),
        "test_first_date": str(test.index[0].date()),
        "test_last_date": str(test.index[-1].date()),
        "persistence_rmse": persistence_rmse,
        "ours": ours_result,
        **variants,
        "paired_epochs": pairs,
        "ratios": {
            # > 1 means ours is faster: the article's seconds per epoch over ours
            "per_epoch_speed_paired_median": float(statistics.median(p["ratio"] for p in pairs)),
            "per_epoch_speed_in_training": article["median_epoch_seconds"]
            / ours_result["median_epoch_seconds"],
            "total_training_time_article_over_ours": article["train_seconds"]
            / ours_result["train_seconds"],
            # < 1 means ours has the smaller test RMSE
            "ours_rmse_over_article": ours_result["test_rmse"] / article["test_rmse"],
            "ours_rmse_over_article_no_leak": ours_result["test_rmse"]
            / variants["article_no_leak"]["test_rmse"],
        },
    }


def targets(sample: dict) -> dict:
    """PASS/FAIL of the issue's forecast targets for one sample."""
    ours, article = sample["ours"], sample["article"]
    speed = sample["ratios"]["per_epoch_speed_paired_median"]
    return {
        "ours_within_1pct_of_persistence": ours["skill_ratio"] <= TARGET_MAX_SKILL_LOSS,
        "ours_2x_faster_per_epoch": speed >= TARGET_SPEEDUP,
        "ours_skill_equal_or_better_than_article": ours["skill_ratio"] <= article["skill_ratio"],
    }


def run(quick: bool = False, samples: dict[str, Path] | None = None, log=print) -> dict:
    """Run the forecast benchmark on the bundled samples (only S&P 500 when ``quick``)."""
    settings = QUICK if quick else FULL
    if samples is None:
        samples = {"sp500": SAMPLE_FILES["sp500"]} if quick else SAMPLE_FILES
    results = {"settings": settings.__dict__, "samples": {}}
    for name, path in samples.items():
        log(f"forecast: {name} ({path.name})")
        loaded = load_prices_file(path)
        sample = bench_series(loaded.series, settings, forecast.extra_columns(loaded.table))
        sample["file"] = str(path.relative_to(SAMPLES_DIR.parents[1]))
        sample["targets"] = targets(sample)
        results["samples"][name] = sample
        log(
            f"forecast: {name}: speed x{sample['ratios']['per_epoch_speed_paired_median']:.2f}, "
            f"skill ours {sample['ours']['skill_ratio']:.4f}, "
            f"article {sample['article']['skill_ratio']:.4f}, "
            f"no leak {sample['article_no_leak']['skill_ratio']:.4f}"
        )
    return results
