"""Forecaster: windowing, leakage, metrics, and that it learns a real pattern."""

import numpy as np
import pandas as pd
import pytest

from core import forecast
from core.forecast import Forecaster
from core.forecast_report import history_table, skill_reading


def price_series(values, start="2020-01-01") -> pd.Series:
    index = pd.bdate_range(start, periods=len(values), name="date")
    return pd.Series(np.asarray(values, dtype=float), index=index, name="Close")


def noisy_sine_prices(n=700, seed=0) -> pd.Series:
    """Log prices follow a sine wave plus noise, so tomorrow's move is largely predictable."""
    rng = np.random.default_rng(seed)
    steps = np.arange(n)
    log_price = np.log(100) + 0.08 * np.sin(2 * np.pi * steps / 25) + rng.normal(0, 0.004, n)
    return price_series(np.exp(log_price))


def random_walk_prices(n=400, seed=1) -> pd.Series:
    rng = np.random.default_rng(seed)
    return price_series(100 * np.exp(np.cumsum(rng.normal(0.0003, 0.01, n))))


def test_windows_target_is_input_shifted_one_day():
    values = np.arange(20, dtype=float)
    inputs, targets = forecast.many_to_many_windows(values, 5, range(5, 8))
    assert inputs.shape == (3, 5, 1) and targets.shape == (3, 5, 1)
    np.testing.assert_array_equal(inputs[0, :, 0], [0, 1, 2, 3, 4])
    np.testing.assert_array_equal(targets[0, :, 0], [1, 2, 3, 4, 5])
    # the last step's target is the window's target index: never beyond the requested range
    assert targets[-1, -1, 0] == 7


def test_split_is_chronological_and_leaves_room():
    split = forecast.chronological_split(1000, 30, 0.2)
    assert split.val_end == 800
    assert 0 < split.train_end < split.val_end
    assert split.train_end - 30 >= forecast.MIN_TRAIN_WINDOWS


def test_too_short_history_says_what_is_needed():
    with pytest.raises(
        ValueError, match=r"has 40 prices; lookback 60 plus a 20% test part needs at least"
    ):
        forecast.check_history(40, 60, 0.2)


def test_regression_metrics_on_known_values():
    actual = np.array([10.0, 11.0, 9.0, 9.0])
    previous = np.array([9.0, 10.0, 11.0, 10.0])
    predicted = np.array([10.5, 10.5, 10.0, 9.5])
    metrics = forecast.regression_metrics(actual, predicted, previous)
    assert metrics["rmse"] == pytest.approx(np.sqrt((0.25 + 0.25 + 1 + 0.25) / 4))
    assert metrics["mae"] == pytest.approx(0.625)
    assert metrics["directional_accuracy"] == pytest.approx(1.0)
    persistence = forecast.regression_metrics(actual, previous, previous)
    assert persistence["directional_accuracy"] is None


def test_unfitted_forecaster_raises_clear_error():
    with pytest.raises(ValueError, match="not fitted yet"):
        Forecaster().evaluate()


def test_bad_hyperparameters_are_rejected():
    with pytest.raises(ValueError, match="lookback is 1"):
        Forecaster(lookback=1).fit(random_walk_prices())


def test_scaler_never_sees_test_values():
    series = random_walk_prices()
    first = Forecaster(lookback=10, epochs=1, units=4, seed=3).fit(series)
    split = first.split_
    returns = forecast.log_returns(series.to_numpy())
    assert first.mean_ == pytest.approx(returns[: split.train_end].mean())
    assert first.std_ == pytest.approx(returns[: split.train_end].std())

    tampered = series.copy()
    tampered.iloc[split.val_end + 1 :] *= np.linspace(1, 50, len(tampered) - split.val_end - 1)
    second = Forecaster(lookback=10, epochs=1, units=4, seed=3).fit(tampered)
    assert second.mean_ == first.mean_ and second.std_ == first.std_


def test_same_seed_gives_same_model():
    series = random_walk_prices()
    runs = [Forecaster(lookback=10, epochs=2, units=4, seed=7).fit(series) for _ in range(2)]
    predictions = [run.evaluate().predictions["lstm"].to_numpy() for run in runs]
    np.testing.assert_allclose(predictions[0], predictions[1], rtol=1e-5)


def test_learns_noisy_sine_better_than_persistence():
    model = Forecaster(lookback=20, epochs=12, units=16, seed=0).fit(noisy_sine_prices())
    evaluation = model.evaluate()
    assert evaluation.skill_ratio < 0.9
    assert evaluation.model["directional_accuracy"] > 0.6
    assert "beat the simple baseline" in evaluation.reading


def test_evaluation_future_and_steps_have_the_right_shape():
    series = random_walk_prices()
    model = Forecaster(lookback=10, epochs=1, units=4).fit(series)
    evaluation = model.evaluate()
    assert evaluation.predictions.index[-1] == series.index[-1]
    assert list(evaluation.predictions.columns) == ["actual", "lstm", "persistence"]
    np.testing.assert_allclose(
        evaluation.predictions["persistence"].to_numpy()[1:],
        evaluation.predictions["actual"].to_numpy()[:-1],
    )
    assert 0.0 <= model.shrink_ <= 1.0
    future = model.forecast(5)
    assert len(future) == 5 and future.index[0] > series.index[-1]
    assert np.all(np.isfinite(future.to_numpy())) and np.all(future.to_numpy() > 0)
    steps = model.latest_window_steps()
    assert len(steps) == 10
    assert steps["predicts_date"].iloc[-1] > series.index[-1]


def test_progress_callable_gets_every_epoch():
    seen = []
    Forecaster(lookback=10, epochs=2, units=4, patience=5).fit(
        random_walk_prices(), progress=seen.append
    )
    assert [report.epoch for report in seen] == [1, 2]
    assert "val_loss" in seen[-1].logs


def test_should_stop_ends_training_early_and_keeps_a_usable_model():
    model = Forecaster(lookback=10, epochs=50, units=4, patience=50).fit(
        random_walk_prices(), should_stop=lambda: True
    )
    assert model.epochs_run_ == 1
    assert np.isfinite(model.evaluate().skill_ratio)


def validation_loss(model: Forecaster) -> float:
    """MSE of the model on its validation windows, as Keras reports val_loss."""
    scaled = (model.returns_ - model.mean_) / model.std_
    split = model.split_
    val_x, val_y = forecast.many_to_many_windows(
        scaled, model.lookback, range(split.train_end, split.val_end)
    )
    predicted = np.asarray(model.model_(val_x, training=False))
    return float(np.mean((predicted - val_y) ** 2))


def test_stop_keeps_the_best_epoch_not_the_last():
    polls = []

    def stop_after_four_epochs() -> bool:
        polls.append(True)
        return len(seen) >= 4

    seen = []
    model = Forecaster(lookback=10, epochs=50, units=8, patience=50, seed=2).fit(
        random_walk_prices(600), progress=seen.append, should_stop=stop_after_four_epochs
    )
    assert model.stopped_ and polls
    assert model.epochs_run_ == len(model.history_["val_loss"]) <= 5
    best = int(np.argmin(model.history_["val_loss"]))
    assert model.best_epoch_ == best + 1
    assert validation_loss(model) == pytest.approx(model.history_["val_loss"][best], rel=1e-3)


def test_an_exception_from_progress_still_leaves_a_fitted_model():
    """A Streamlit rerun interrupts training by raising from the progress callable."""

    class Interrupted(Exception):
        pass

    def interrupt_at_third_epoch(report):
        if report.epoch == 3:
            raise Interrupted

    model = Forecaster(lookback=10, epochs=20, units=4, patience=20)
    with pytest.raises(Interrupted):
        model.fit(random_walk_prices(), progress=interrupt_at_third_epoch)
    assert model.is_fitted and model.stopped_ and model.epochs_run_ == 3
    assert 1 <= model.best_epoch_ <= 3
    assert np.isfinite(model.evaluate().skill_ratio)


def test_full_training_is_not_marked_stopped():
    model = Forecaster(lookback=10, epochs=2, units=4, patience=5).fit(random_walk_prices())
    assert not model.stopped_ and model.epochs_run_ == 2


def test_refit_that_fails_does_not_look_fitted():
    model = Forecaster(lookback=10, epochs=1, units=4).fit(random_walk_prices())
    model.lookback = 300
    with pytest.raises(ValueError):
        model.fit(random_walk_prices())
    assert not model.is_fitted


def test_test_days_fixes_the_test_part():
    model = Forecaster(lookback=10, epochs=1, units=4, test_days=37).fit(random_walk_prices())
    assert len(model.evaluate().predictions) == 37


def test_horizon_check_band_widens_and_is_measured_on_the_right_parts():
    series = random_walk_prices(500)
    model = Forecaster(lookback=10, epochs=1, units=4).fit(series)
    check = model.horizon_check(5, level=0.8)
    steps = check.steps
    assert list(steps.index) == [1, 2, 3, 4, 5]
    n_val = model.split_.val_end - model.split_.train_end
    n_test = len(model.returns_) - model.split_.val_end
    assert list(steps["validation_samples"]) == [n_val - k for k in range(5)]
    assert list(steps["test_samples"]) == [n_test - k for k in range(5)]
    width = steps["upper_q"] - steps["lower_q"]
    assert width.iloc[-1] > width.iloc[0] > 0
    assert steps["coverage"].between(0, 1).all()
    # day-1 error by step is the evaluation's next-day error
    assert steps["lstm_rmse"].iloc[0] == pytest.approx(model.evaluate().model["rmse"])
    band = check.band
    assert (band["lower"] < band["forecast"]).all() and (band["forecast"] < band["upper"]).all()
    np.testing.assert_allclose(band["forecast"], model.forecast(5).to_numpy())
    assert "80% band covered" in check.reading and "test days one day ahead" in check.reading


def test_band_quantiles_ignore_the_test_part():
    series = random_walk_prices(500)
    first = Forecaster(lookback=10, epochs=1, units=4, seed=3).fit(series)
    tampered = series.copy()
    start = first.split_.val_end + 1
    tampered.iloc[start:] *= np.exp(np.random.default_rng(9).normal(0, 0.1, len(series) - start))
    second = Forecaster(lookback=10, epochs=1, units=4, seed=3).fit(tampered)
    columns = ["lower_q", "upper_q"]
    np.testing.assert_allclose(
        first.horizon_check(3).steps[columns], second.horizon_check(3).steps[columns], rtol=1e-5
    )


def test_band_steps_without_enough_validation_errors_are_extrapolated():
    errors = np.full((30, 4), np.nan)
    errors[:, 0] = np.linspace(-1, 1, 30)
    errors[:20, 1] = np.linspace(-2, 2, 20)
    lower, upper, counts, measured = forecast._error_quantiles(errors, 0.8)
    assert list(measured) == [True, True, False, False]
    assert upper[3] == pytest.approx(upper[1] * np.sqrt(4 / 2))
    assert list(counts) == [30, 20, 0, 0]


@pytest.mark.parametrize("level, horizon, message", [(0.3, 5, "band level"), (0.8, 0, "horizon")])
def test_horizon_check_rejects_bad_arguments(level, horizon, message):
    model = Forecaster(lookback=10, epochs=1, units=4).fit(random_walk_prices())
    with pytest.raises(ValueError, match=message):
        model.horizon_check(horizon, level)


@pytest.mark.parametrize(
    "ratio, says, never",
    [
        (0.95, "the LSTM beat it, with 5.0% less error", "lost"),
        (1.0002, "it is a tie", "beat it"),
        (1.08, "the LSTM lost: its error was 8.0% larger", "beat it"),
    ],
)
def test_skill_reading_is_true_for_wins_ties_and_losses(ratio, says, never):
    reading = skill_reading(ratio)
    assert reading.startswith("LSTM error ÷ “tomorrow = today” error: below 1 means the LSTM")
    assert says in reading and never not in reading
    assert f"{ratio:.3f}" in reading


def test_history_table_shows_what_decides_first_and_the_horizon():
    settings = {
        "data": "walk.csv", "column": "Close", "lookback": 10, "epochs": 5, "units": 8,
        "layers": 1, "horizon": 7, "test_share": 0.2, "seed": 1,
    }  # fmt: skip
    run = {
        "label": "Run 1", "settings": settings, "skill_ratio": 0.9912, "rmse": 1.5,
        "coverage": 0.8, "epochs_run": 3, "stopped": True,
    }  # fmt: skip
    table = history_table([run])
    assert list(table.columns[:3]) == ["Skill ratio", "RMSE", "Band held (day 1)"]
    assert table.loc["Run 1", "Horizon"] == "7 days"
    assert table.loc["Run 1", "Epochs"] == "3 of 5 (stopped)"
