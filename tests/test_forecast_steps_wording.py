"""The forecast page's readings and charts speak in the data's own steps (weeks, hours), and
daily data keeps its daily words."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from core import explain
from core.forecast import charts, frequency, report, uncertainty

WEEKLY = frequency.Frequency("weekly", pd.Timedelta(days=7))
HOURLY = frequency.Frequency("hourly", pd.Timedelta(hours=1))


def _steps(horizon: int = 3) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "lstm_rmse": np.linspace(1.0, 2.0, horizon),
            "persistence_rmse": np.linspace(1.1, 2.1, horizon),
            "coverage": np.full(horizon, 0.8),
            "garch_coverage": np.full(horizon, 0.78),
            "static_coverage": np.full(horizon, 0.75),
            "test_samples": np.full(horizon, 180),
            "width": np.full(horizon, 0.02),
            "measured": np.full(horizon, True),
        },
        index=pd.RangeIndex(1, horizon + 1, name="step"),
    )


def _check(horizon: int = 3) -> SimpleNamespace:
    days = pd.date_range("2020-01-05", periods=40, freq="W")
    width = np.where(np.arange(40) >= 32, 0.04, 0.02)
    daily = pd.DataFrame(
        {"actual": np.full(40, 0.001), "lstm_lower": -width / 2, "lstm_upper": width / 2},
        index=days,
    )
    scores = {"width_day1": 0.02, "winkler_day1": 0.03, "qlike": 1.0}
    methods = {"lstm": scores, "garch": scores, "rolling": scores, "static": scores}
    volatility = SimpleNamespace(methods=methods, daily=daily, horizon=horizon)
    return SimpleNamespace(
        steps=_steps(horizon), level=0.8, volatility=volatility, reading="The band held."
    )


def test_charts_name_weeks_on_weekly_data_and_days_on_daily_data():
    history = pd.Series(
        np.linspace(100, 120, 60),
        index=pd.date_range("2020-01-05", periods=60, freq="W"),
        name="Close",
    )
    test = pd.DataFrame(
        {"actual": history.iloc[40:], "lstm": history.iloc[40:], "persistence": history.iloc[40:]}
    )
    future = pd.Series(
        [121.0] * 10, index=pd.date_range(history.index[-1], periods=11, freq="W")[1:]
    )
    weekly = {
        trace.name
        for trace in charts.predictions(history, test, future=future, spacing=WEEKLY).data
    }
    assert {"Next week = this week", "Next 10 weeks (forecast)"} <= weekly
    daily = {trace.name for trace in charts.predictions(history, test, future=future).data}
    assert {"Tomorrow = today", "Next 10 days (forecast)"} <= daily
    errors = charts.horizon_errors(_steps(), WEEKLY)
    assert errors.layout.xaxis.title.text == "Weeks ahead"
    assert errors.layout.title.text == "Error by weeks ahead (test part)"
    assert charts.horizon_errors(_steps()).layout.xaxis.title.text == "Days ahead"
    assert charts.band_coverage(_steps(), 0.8, HOURLY).layout.xaxis.title.text == "Hours ahead"


def test_turbulence_chart_legend_follows_the_steps():
    index = pd.date_range("2021-01-04 09:00", periods=30, freq="h")
    daily = pd.DataFrame(
        {"actual": np.full(30, 0.01), "lstm_sigma": 0.01, "garch_sigma": 0.01}, index=index
    )
    names = [trace.name for trace in charts.turbulence(daily, HOURLY).data]
    assert names[:2] == ["Hour's move (size)", "Realised (10-hour)"]
    assert charts.turbulence(daily, HOURLY).layout.yaxis.title.text == "Hourly volatility"


def test_forecast_story_reads_the_data_steps():
    dates = pd.date_range("2024-01-07", periods=30, freq="W")
    steps = pd.DataFrame(
        {
            "date": dates,
            "price": 100.0,
            "predicts_date": dates + pd.Timedelta(days=7),
            "predicted_next": 101.0,
        }
    )
    weekly = explain.forecast_story(steps, WEEKLY)
    assert "read the last 30 weeks" in weekly and "one week per step" in weekly
    assert "next week's price" in weekly and "the next-week forecast" in weekly
    assert "day" not in weekly.replace("Sun", "")  # "Sun" carries no "day"; the words do not
    daily = explain.forecast_story(steps)
    assert "the last 30 trading days" in daily and "the next-day forecast" in daily


def test_cards_read_weeks_on_weekly_data():
    direction = report.direction_reading(0.55, 0.5, WEEKLY)
    assert "the week's move" in direction and "of test weeks went up" in direction
    assert "next week = this week" in report.direction_reading(None, 0.5, WEEKLY)
    assert "of test days went up" in report.direction_reading(0.55, 0.5)
    band = uncertainty.band_reading(0.8, _steps(10), WEEKLY)
    assert "of 180 test weeks one week ahead" in band and "10 weeks ahead" in band
    assert "day" not in band
    assert "of 180 test days one day ahead" in uncertainty.band_reading(0.8, _steps(10))


def test_turbulence_cards_and_band_table_read_hours_on_hourly_data():
    check = _check()
    cards = report.volatility_readings(check, HOURLY)
    assert cards[0].label == "Band width, hour 1"
    assert "next-hour band" in cards[0].reading and "calmest test hour" in cards[0].reading
    assert "day" not in " ".join(card.label + card.reading for card in cards)
    table = report.band_table(check, HOURLY)
    assert table.index.name == "Hours ahead" and "Test hours" in table.columns
    assert report.band_table(check).index.name == "Days ahead"


@pytest.mark.parametrize(
    ("spacing", "horizon"), [(WEEKLY, "10 weeks"), (frequency.DAILY, "10 days")]
)
def test_run_history_horizon_in_the_data_steps(spacing, horizon):
    settings = {
        "data": "a.csv",
        "column": "Close",
        "lookback": 30,
        "epochs": 5,
        "units": 32,
        "layers": 1,
        "horizon": 10,
        "test_share": 0.2,
        "seed": 0,
    }
    run = {
        "label": "Run 1",
        "settings": settings,
        "val_loss": 0.1,
        "skill_ratio": 1.0,
        "verdict": "same",
        "rmse": 1.0,
        "coverage": 0.8,
        "epochs_run": 5,
        "stopped": False,
        "spacing": spacing,
    }
    assert report.history_table([run])["Horizon"].iloc[0] == horizon


def _turbulence(storm_width: float, storm_move: float, index=None) -> pd.DataFrame:
    index = pd.bdate_range("2020-01-01", periods=50) if index is None else index
    stormy = np.arange(50) >= 40  # the last two weeks
    width = np.where(stormy, storm_width, 0.02)
    return pd.DataFrame(
        {
            "actual": np.where(stormy, storm_move, 0.001),
            "lstm_lower": -width / 2,
            "lstm_upper": width / 2,
            "garch_lower": -np.full(50, 0.015),
            "garch_upper": np.full(50, 0.015),
        },
        index=index,
    )


def test_turbulence_reading_says_storms_follow_storms_only_when_the_band_widened():
    widened = uncertainty.turbulence_reading(_turbulence(0.04, 0.01), 0.8)
    assert "2.0× as wide" in widened and widened.endswith("it learned that storms follow storms.")
    flat = uncertainty.turbulence_reading(_turbulence(0.022, 0.005), 0.8)
    assert "1.1× as wide" in flat and "storms follow storms" not in flat
    assert "it hardly widened in storms" in flat and "under-covered" not in flat
    same = uncertainty.turbulence_reading(_turbulence(0.02, 0.005), 0.8)
    assert "no wider" in same and "storms follow storms" not in same


def test_turbulence_reading_says_when_storms_were_under_covered():
    # wider in storms, yet every stormy move fell outside the band
    missed = uncertainty.turbulence_reading(_turbulence(0.04, 0.03), 0.8)
    assert "held the next-day price 0% of the time" in missed
    assert "not enough: in storms the price fell outside the band too often" in missed
    flat = uncertainty.turbulence_reading(_turbulence(0.02, 0.03), 0.8)
    assert flat.endswith("did not learn the turbulence, and storms were under-covered.")


def test_turbulence_reading_groups_hourly_bars_into_days():
    hours = pd.date_range("2024-01-01 09:00", periods=50, freq="h")  # 09:00 to 10:00 two days on
    text = uncertainty.turbulence_reading(_turbulence(0.04, 0.01, hours), 0.8, HOURLY)
    assert "stormiest test days" in text and "the next-hour price" in text
    assert "weeks" not in text


def test_loss_caption_follows_the_curve():
    calm = report.loss_reading({"loss": [1.0, 0.8, 0.7], "val_loss": [0.9, 0.6, 0.65]})
    assert "fell from 0.9000 at epoch 1 to 0.6000 at epoch 2" in calm
    assert "validation line sits below the training line" in calm
    flat = report.loss_reading({"loss": [1.0, 0.8, 0.7], "val_loss": [1.2, 1.3, 1.25]}, WEEKLY)
    assert "never went below epoch 1's 1.2000" in flat and "fell" not in flat
    assert "validation line sits above the training line" in flat and "weeks" in flat
    assert "below the training line" not in flat
    assert "no curve to read yet" in report.loss_reading({"loss": [1.0], "val_loss": [0.9]})


@pytest.mark.parametrize(
    ("coverage", "shown"),
    [(0.834, "+3 pts (on target)"), (0.766, "-3 pts (on target)"), (0.836, "+4 pts")],
)
def test_band_table_labels_on_target_by_the_points_it_shows(coverage, shown):
    check = _check(1)
    check.steps["coverage"] = coverage
    assert report.band_table(check)["Against the promise"].iloc[0] == shown


def test_width_card_says_about_as_wide_when_the_widths_round_equal():
    check = _check()
    methods = check.volatility.methods
    methods["lstm"] = {**methods["lstm"], "width_day1": 0.0199}
    methods["garch"] = {**methods["garch"], "width_day1": 0.0201}
    card = report.volatility_readings(check)[0].reading
    assert "averaged ±1.0%, so the LSTM's was about as wide on a typical day" in card
    methods["lstm"] = {**methods["lstm"], "width_day1": 0.016}
    assert "was narrower on a typical day" in report.volatility_readings(check)[0].reading


def test_last_step_band_card_reads_on_n_test_steps():
    cards = report.horizon_readings(_check(10), WEEKLY)
    card = next(card for card in cards if card.label == "80% band held the price (week 10)")
    assert "held the price on this share of 180 test weeks, against a promise of 80%" in (
        card.reading
    )
    assert "this often" not in card.reading


def test_forecast_source_says_one_epoch_not_one_epochs():
    from ui.forecast import forecast_source

    model = SimpleNamespace(best_epoch_=1)
    assert "for 1 epoch (the best count found)" in forecast_source({"final": 1, "model": model})
    model.best_epoch_ = 3
    assert "for 3 epochs (the best" in forecast_source({"final": 1, "model": model})


@pytest.mark.parametrize(
    ("index", "read"),
    [
        (
            pd.date_range("2020-01-05", periods=40, freq="W"),
            "The LSTM read weekly returns and the week's high–low range. For weeks beyond",
        ),
        (
            pd.bdate_range("2020-01-01", periods=40),
            "The LSTM read daily returns and the day's high–low range. For days beyond",
        ),
    ],
)
def test_inputs_line_names_the_data_steps(index, read):
    model = SimpleNamespace(
        series_=pd.Series(1.0, index=index), inputs_=("returns", "range"), input_notes_=[]
    )
    assert report.inputs_line(model).startswith(read)
