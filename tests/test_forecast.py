"""Forecaster: windowing, leakage, metrics, and that it learns a real pattern."""

import numpy as np
import pytest

from core import forecast
from core.forecast import Forecaster
from core.forecast.metrics import TEST_NAME, Verdict, chance_words, verdict
from core.forecast.report import direction_reading, history_table, skill_reading
from tests.conftest import noisy_sine_prices, random_walk_prices


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


@pytest.mark.slow
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


@pytest.mark.slow
def test_same_seed_gives_same_model():
    series = random_walk_prices()
    runs = [Forecaster(lookback=10, epochs=2, units=4, seed=7).fit(series) for _ in range(2)]
    predictions = [run.evaluate().predictions["lstm"].to_numpy() for run in runs]
    np.testing.assert_allclose(predictions[0], predictions[1], rtol=1e-5)


@pytest.mark.slow
def test_learns_noisy_sine_better_than_persistence():
    model = Forecaster(lookback=20, epochs=12, units=16, seed=0).fit(noisy_sine_prices())
    evaluation = model.evaluate()
    assert evaluation.skill_ratio < 0.9
    assert evaluation.model["directional_accuracy"] > 0.6
    assert evaluation.verdict.label == "better"
    assert "beat the simple baseline" in evaluation.reading and "p < 0.001" in evaluation.reading


@pytest.mark.slow
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


@pytest.mark.slow
def test_progress_callable_gets_every_epoch():
    seen = []
    Forecaster(lookback=10, epochs=2, units=4, patience=5).fit(
        random_walk_prices(), progress=seen.append
    )
    assert [report.epoch for report in seen] == [1, 2]
    assert "val_loss" in seen[-1].logs


@pytest.mark.slow
def test_should_stop_ends_training_early_and_keeps_a_usable_model():
    model = Forecaster(lookback=10, epochs=50, units=4, patience=50).fit(
        random_walk_prices(), should_stop=lambda: True
    )
    assert model.epochs_run_ == 1
    assert np.isfinite(model.evaluate().skill_ratio)


def validation_loss(model: Forecaster) -> float:
    """Gaussian NLL of the model on its validation windows, as Keras reports val_loss."""
    scaled = (model.returns_ - model.mean_) / model.std_
    split = model.split_
    val_x, val_y = forecast.many_to_many_windows(
        scaled, model.lookback, range(split.train_end, split.val_end)
    )
    predicted = np.asarray(model.model_(val_x, training=False))
    return float(np.mean(forecast.gaussian_nll_loss(val_y, predicted)))


@pytest.mark.slow
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


@pytest.mark.slow
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


@pytest.mark.slow
def test_full_training_is_not_marked_stopped():
    model = Forecaster(lookback=10, epochs=2, units=4, patience=5).fit(random_walk_prices())
    assert not model.stopped_ and model.epochs_run_ == 2


@pytest.mark.slow
def test_refit_that_fails_does_not_look_fitted():
    model = Forecaster(lookback=10, epochs=1, units=4).fit(random_walk_prices())
    model.lookback = 300
    with pytest.raises(ValueError):
        model.fit(random_walk_prices())
    assert not model.is_fitted


@pytest.mark.slow
def test_test_days_fixes_the_test_part():
    model = Forecaster(lookback=10, epochs=1, units=4, test_days=37).fit(random_walk_prices())
    assert len(model.evaluate().predictions) == 37


@pytest.mark.slow
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
    # the band is calibrated multiples of the forecast scale, which grows with distance
    assert (steps["lower_q"] < 0).all() and (steps["upper_q"] > 0).all()
    assert steps["width"].iloc[-1] > steps["width"].iloc[0] > 0
    assert steps["coverage"].between(0, 1).all()
    # day-1 error by step is the evaluation's next-day error
    assert steps["lstm_rmse"].iloc[0] == pytest.approx(model.evaluate().model["rmse"])
    band = check.band
    assert (band["lower"] < band["forecast"]).all() and (band["forecast"] < band["upper"]).all()
    np.testing.assert_allclose(band["forecast"], model.forecast(5).to_numpy())
    assert "80% band covered" in check.reading and "test days one day ahead" in check.reading


@pytest.mark.slow
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
    lower, upper, counts, measured = forecast.error_quantiles(errors, 0.8)
    assert list(measured) == [True, True, False, False]
    assert upper[3] == pytest.approx(upper[1] * np.sqrt(4 / 2))
    assert list(counts) == [30, 20, 0, 0]


@pytest.mark.slow
@pytest.mark.parametrize("level, horizon, message", [(0.3, 5, "band level"), (0.8, 0, "horizon")])
def test_horizon_check_rejects_bad_arguments(level, horizon, message):
    model = Forecaster(lookback=10, epochs=1, units=4).fit(random_walk_prices())
    with pytest.raises(ValueError, match=message):
        model.horizon_check(horizon, level)


def verdict_of(label: str, p_value: float) -> Verdict:
    return Verdict(label, p_value, TEST_NAME, 0.0, 100)


@pytest.mark.parametrize(
    "ratio, test, says, never",
    [
        (
            0.95,
            verdict_of("better", 0.01),
            ["5.0% smaller", "the LSTM beat it", "p = 0.01"],
            "worse",
        ),
        (
            0.95,
            verdict_of("no detectable difference", 0.3),
            ["5.0% smaller", "no detectable"],
            "beat",
        ),
        (
            1.0002,
            verdict_of("no detectable difference", 0.9),
            ["the same", "no detectable"],
            "beat",
        ),
        (1.08, verdict_of("worse", 0.02), ["8.0% larger", "the LSTM did worse"], "beat"),
        (
            1.08,
            verdict_of("no detectable difference", 0.4),
            ["8.0% larger", "no detectable"],
            "worse",
        ),
    ],
)
def test_skill_reading_says_what_its_number_and_test_say(ratio, test, says, never):
    reading = skill_reading(ratio, test)
    assert reading.startswith("LSTM error ÷ “tomorrow = today” error: below 1 means the LSTM")
    assert all(part in reading for part in says) and never not in reading
    assert f"{ratio:.3f}" in reading


def test_history_table_shows_what_decides_first_and_the_horizon():
    settings = {
        "data": "walk.csv", "column": "Close", "lookback": 10, "epochs": 5, "units": 8,
        "layers": 1, "horizon": 7, "test_share": 0.2, "seed": 1,
    }  # fmt: skip
    run = {
        "label": "Run 1", "settings": settings, "skill_ratio": 0.9912, "rmse": 1.5,
        "coverage": 0.8, "epochs_run": 3, "stopped": True, "val_loss": 0.91,
        "verdict": "no detectable difference",
    }  # fmt: skip
    table = history_table([run])
    # validation loss compares runs; the test scores follow it
    assert list(table.columns[:4]) == [
        "Validation loss", "Test skill ratio", "Test RMSE", "Band held (day 1)",
    ]  # fmt: skip
    assert table.loc["Run 1", "Horizon"] == "7 days"
    assert table.loc["Run 1", "Epochs"] == "3 of 5 (stopped)"


@pytest.mark.parametrize(
    "lstm_rmse, test, says, never",
    [
        (0.9, verdict_of("better", 0.004), ["10.0% smaller", "beat the simple baseline"], "worse"),
        (
            0.999,
            verdict_of("no detectable difference", 0.43),
            ["0.1% smaller", "No detectable"],
            "beat",
        ),
        (1.1, verdict_of("worse", 0.0004), ["10.0% larger", "did worse"], "beat"),
        (
            1.1,
            verdict_of("no detectable difference", 0.2),
            ["10.0% larger", "No detectable"],
            "worse",
        ),
    ],
)
def test_plain_reading_never_calls_a_chance_gap_a_win(lstm_rmse, test, says, never):
    reading = forecast.plain_reading({"rmse": lstm_rmse}, {"rmse": 1.0}, test)
    assert all(part in reading for part in says) and never not in reading
    assert test.chance() in reading


@pytest.mark.parametrize(
    "p_value, words",
    [(0.43, "about 43 times in 100"), (0.004, "about 4 times in 1,000"), (1e-5, "fewer than 1")],
)
def test_p_values_in_plain_words(p_value, words):
    assert words in chance_words(p_value)
    shown = verdict_of("better", p_value).chance()
    assert shown.startswith("p < 0.001" if p_value < 0.001 else f"p = {p_value:.2f}")


def test_verdict_matches_a_hand_computed_diebold_mariano_case():
    # errors 1, 2, 3, 4 against 1, 1, 1, 1: d = 0, 3, 8, 15, mean 6.5, variance 129 / 4 / 4 days
    result = verdict([0.0] * 4, [1.0, 2.0, 3.0, 4.0], [1.0] * 4)
    statistic = np.sqrt((4 + 1 - 2) / 4) * 6.5 / np.sqrt(32.25 / 4)  # HLN factor sqrt(3/4)
    assert result.statistic == pytest.approx(statistic) == pytest.approx(1.98248, abs=1e-5)
    # Student's t with 3 degrees of freedom, two-sided
    assert result.p_value == pytest.approx(0.14174, abs=1e-4)
    assert result.label == "no detectable difference" and not result.significant
    assert result.as_dict() == {"label": result.label, "p_value": result.p_value, "test": TEST_NAME}


def test_verdict_says_better_and_worse_only_for_real_gaps():
    rng = np.random.default_rng(3)
    actual = rng.normal(0, 1, 400)
    close, far = actual + rng.normal(0, 0.5, 400), actual + rng.normal(0, 1.0, 400)
    assert verdict(actual, close, far).label == "better"
    assert verdict(actual, far, close).label == "worse"
    twin = actual + rng.normal(0, 1.0, 400)
    assert verdict(actual, far, twin).label == "no detectable difference"


@pytest.mark.slow
def test_zero_shrink_scores_direction_from_the_same_forecast_as_the_error():
    model = Forecaster(lookback=10, epochs=1, units=4).fit(random_walk_prices())
    model.shrink_ = 0.0  # what a validation part with no usable signal fits
    evaluation = model.evaluate()
    frame = evaluation.predictions
    np.testing.assert_allclose(frame["lstm"], frame["persistence"])
    assert evaluation.model["rmse"] == pytest.approx(evaluation.persistence["rmse"])
    assert evaluation.model["directional_accuracy"] is None
    assert "called no move" in direction_reading(None, 0.5)
    assert "called the day's move" in direction_reading(0.55, 0.5)


@pytest.fixture(scope="module")
def held_out_and_refit():
    model = Forecaster(lookback=10, epochs=2, units=4).fit(random_walk_prices())
    before = model.evaluate().model
    return model, model.refit_all(), before


@pytest.mark.slow
def test_refit_learns_from_every_day_for_the_best_epoch_count(held_out_and_refit):
    model, final, before = held_out_and_refit
    returns = forecast.log_returns(model.series_.to_numpy())
    assert final.mean_ == pytest.approx(returns.mean()) != pytest.approx(model.mean_)
    assert final.model_ is not model.model_ and final.shrink_ == model.shrink_
    assert not all(
        np.allclose(a, b)
        for a, b in zip(final.model_.get_weights(), model.model_.get_weights(), strict=True)
    )
    # the held-out model is untouched: its scores are the same after the refit
    assert model.evaluate().model == before


@pytest.mark.slow
def test_future_band_puts_the_held_out_band_around_the_refit_path(held_out_and_refit):
    model, final, _ = held_out_and_refit
    check = model.horizon_check(4)
    band = final.future_band(check.steps["lower_q"], check.steps["upper_q"])
    assert list(band.index) == list(check.band.index)
    # both edges are the held-out multipliers times one scale path: the refit's own
    upper_scale = np.log(band["upper"] / band["forecast"]).to_numpy() / check.steps["upper_q"]
    lower_scale = np.log(band["lower"] / band["forecast"]).to_numpy() / check.steps["lower_q"]
    np.testing.assert_allclose(upper_scale, lower_scale)
    assert np.all(np.diff(upper_scale) > 0)
    np.testing.assert_allclose(band["forecast"], final.forecast(4).to_numpy())


@pytest.mark.slow
def test_a_stopped_refit_gives_none():
    model = Forecaster(lookback=10, epochs=1, units=4).fit(random_walk_prices())
    assert model.refit_all(should_stop=lambda: True) is None
