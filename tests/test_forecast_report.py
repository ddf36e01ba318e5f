"""Page-facing helpers: URL setups, run history rows, readable tables."""

import numpy as np
import pandas as pd
import pytest

from core import forecast
from core.forecast import Forecaster
from core.forecast import report as forecast_report
from tests.conftest import random_walk_prices, tiny_settings

SAMPLES = ["sp500", "msft"]


def test_empty_url_gives_the_defaults_without_notes():
    setup, notes = forecast_report.read_setup({}, SAMPLES)
    assert notes == []
    assert setup["sample"] == "sp500" and setup["column"] is None and not setup["present"]
    assert setup["lookback"] == forecast.DEFAULT_LOOKBACK
    assert setup["test_share"] == forecast.DEFAULT_TEST_SHARE


def test_url_round_trips():
    setup = {
        "sample": "msft", "column": "Open", "lookback": 40, "epochs": 3, "units": 64,
        "layers": 2, "horizon": 7, "test_share": 0.3, "seed": 9, "present": True,
    }  # fmt: skip
    query = forecast_report.setup_query(setup)
    assert query["present"] == "1" and query["lookback"] == "40"
    assert forecast_report.read_setup(query, SAMPLES) == (setup, [])


@pytest.mark.parametrize(
    "params, key, value, note",
    [
        ({"lookback": "9999"}, "lookback", 120, "outside 5–120; using 120"),
        ({"epochs": "-3"}, "epochs", 1, "outside 1–100; using 1"),
        ({"horizon": "ten"}, "horizon", forecast.DEFAULT_HORIZON, "not a number"),
        ({"seed": "nan"}, "seed", forecast.DEFAULT_SEED, "not a number"),
        ({"units": "50"}, "units", 64, "not one of 8, 16, 32, 64, 128; using 64"),
        ({"test_share": "0.9"}, "test_share", 0.4, "using 0.4"),
        ({"sample": "nope"}, "sample", "sp500", "does not exist"),
        ({"lookback": ["10", "20"]}, "lookback", 20, None),
    ],
)
def test_bad_url_values_are_clamped_with_a_note(params, key, value, note):
    setup, notes = forecast_report.read_setup(params, SAMPLES)
    assert setup[key] == value
    if note is None:
        assert notes == []
    else:
        assert len(notes) == 1 and note in notes[0]


@pytest.mark.slow
def test_run_record_and_history_table():
    model = Forecaster(lookback=10, epochs=1, units=4).fit(random_walk_prices())
    evaluation, check = model.evaluate(), model.horizon_check(3)
    settings = tiny_settings()
    record = forecast_report.run_record(2, settings, model, evaluation, check)
    assert record["label"] == "Run 2" and len(record["predictions"]) == len(evaluation.predictions)
    assert record["val_loss"] == model.history_["val_loss"][model.best_epoch_ - 1]
    table = forecast_report.history_table([record])
    assert list(table.index) == ["Run 2"]
    assert table.loc["Run 2", "Epochs"] == "1 of 1"
    # runs compare on validation loss, which comes first; the test score carries its verdict
    assert list(table.columns[:2]) == ["Validation loss", "Test skill ratio"]
    assert f"({evaluation.verdict.label})" in table.loc["Run 2", "Test skill ratio"]
    other = {**record, "label": "Run 3", "val_loss": record["val_loss"] + 1.0}
    elsewhere = {**other, "label": "Run 4", "settings": {**settings, "data": "other"}}
    table = forecast_report.history_table([record, other, elsewhere])
    assert table["Validation loss"].str.endswith("(lowest)").tolist() == [True, False, True]
    readings = forecast_report.horizon_readings(check)
    assert readings[0].label == "80% band held the price (day 1)"
    assert all(item.reading for item in readings)
    future = forecast_report.future_table(check.band, check.level)
    assert list(future.columns) == ["LSTM forecast", "80% band"]
    csv = forecast_report.predictions_csv(evaluation, check.band).decode()
    assert "band_lower" in csv.splitlines()[0] and csv.count("future") == 3


@pytest.mark.slow
def test_train_run_scores_the_held_out_model_and_forecasts_with_the_refit():
    settings = tiny_settings(epochs=2)
    phases = []
    result = forecast_report.train_run(random_walk_prices(), settings, phases.append, lambda: False)
    model, final, check = result["model"], result["final"], result["check"]
    assert final is not None and final.model_ is not model.model_
    assert result["evaluation"].model == model.evaluate().model
    expected = final.future_band(check.steps["lower_q"], check.steps["upper_q"])
    pd.testing.assert_frame_equal(check.band, expected)
    pd.testing.assert_series_equal(result["future"], expected["forecast"])
    assert not np.allclose(check.band["forecast"], model.horizon_check(3).band["forecast"])
    assert any("all days" in getattr(phase, "label", "") for phase in phases)


@pytest.mark.slow
def test_train_run_stopped_while_refitting_keeps_the_held_out_forecast():
    settings = tiny_settings()
    phases = []

    def stop_once_refitting() -> bool:
        return any("all days" in getattr(phase, "label", "") for phase in phases)

    result = forecast_report.train_run(
        random_walk_prices(), settings, phases.append, stop_once_refitting
    )
    assert result["final"] is None
    pd.testing.assert_frame_equal(result["check"].band, result["model"].horizon_check(3).band)
