"""The forecast's turbulence: the LSTM's scale, the calibrated band, its baselines and scores."""

import copy
import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from core.forecast import Forecaster, metrics, uncertainty
from core.forecast import report as forecast_report
from tests.conftest import price_series, random_walk_prices

SIX_KEYS = {"coverage_day1", "coverage_last_day", "width_day1", "winkler_day1", "nll", "qlike"}


def storm_and_calm_prices(n: int = 1500, seed: int = 4) -> pd.Series:
    """Blocks of 60 calm days (0.4 % moves) and 60 stormy days (2.5 % moves), in turn."""
    rng = np.random.default_rng(seed)
    scale = np.where((np.arange(n) // 60) % 2 == 0, 0.004, 0.025)
    return price_series(100 * np.exp(np.cumsum(rng.normal(0.0, scale))))


# -- metrics ----------------------------------------------------------------------------------
def test_coverage_counts_finite_days_inside_the_band():
    actual = np.array([0.0, 1.0, 2.0, np.nan])
    assert metrics.coverage(actual, np.full(4, -0.5), np.full(4, 1.0)) == pytest.approx(2 / 3)
    assert metrics.coverage(np.full(3, np.nan), np.zeros(3), np.ones(3)) is None


def test_winkler_score_is_width_plus_two_over_alpha_per_unit_missed():
    level = 0.8  # alpha 0.2: a miss costs 10 per unit outside
    actual = np.array([0.5, 2.0, -1.0])
    lower, upper = np.zeros(3), np.ones(3)
    expected = np.mean([1.0, 1.0 + 10 * 1.0, 1.0 + 10 * 1.0])
    assert metrics.winkler_score(actual, lower, upper, level) == pytest.approx(expected)


def test_gaussian_nll_and_qlike_match_their_formulas():
    actual, mean, variance = np.array([0.01, -0.02]), np.array([0.0, 0.001]), np.array([1e-4, 4e-4])
    expected = -np.mean(stats.norm.logpdf(actual, mean, np.sqrt(variance)))
    assert metrics.gaussian_nll(actual, mean, variance) == pytest.approx(expected)
    assert metrics.qlike(actual, variance) == pytest.approx(
        np.mean(np.log(variance) + actual**2 / variance)
    )
    # QLIKE prefers the true variance to one twice or half as large
    rng = np.random.default_rng(0)
    moves = rng.normal(0, 0.01, 20_000)
    true = metrics.qlike(moves, np.full_like(moves, 1e-4))
    assert true < metrics.qlike(moves, np.full_like(moves, 2e-4))
    assert true < metrics.qlike(moves, np.full_like(moves, 0.5e-4))


def test_gaussian_nll_loss_is_the_normal_log_density():
    from keras import ops

    target = np.array([[[0.3], [-1.2]]], dtype="float32")
    output = np.array([[[0.1, math.log(0.5)], [0.0, math.log(2.0)]]], dtype="float32")
    from core.forecast.model import gaussian_nll_loss

    loss = ops.convert_to_numpy(gaussian_nll_loss(target, output))
    expected = -stats.norm.logpdf([0.3, -1.2], loc=[0.1, 0.0], scale=[0.5, 2.0])
    np.testing.assert_allclose(loss[0], expected, rtol=1e-5)


# -- calibration and baselines ----------------------------------------------------------------
def test_conformal_multipliers_are_quantiles_of_the_standardised_errors():
    rng = np.random.default_rng(1)
    scales = rng.uniform(0.5, 3.0, (400, 3))
    z = rng.normal(size=(400, 3))
    errors = z * scales
    errors[15:, 2] = np.nan  # 15 errors are still enough to measure a step
    lower, upper, counts, measured = uncertainty.conformal_multipliers(errors, scales, 0.8)
    np.testing.assert_allclose(lower[:2], np.quantile(z[:, :2], 0.1, axis=0))
    np.testing.assert_allclose(upper[:2], np.quantile(z[:, :2], 0.9, axis=0))
    assert list(counts) == [400, 400, 15] and list(measured) == [True, True, True]
    errors[9:, 2] = np.nan  # too few: the step reuses the last measured step's multipliers
    lower, upper, _, measured = uncertainty.conformal_multipliers(errors, scales, 0.8)
    assert not measured[2] and lower[2] == lower[1] and upper[2] == upper[1]


def test_garch_is_fitted_on_training_days_and_each_forecast_reads_only_the_past():
    rng = np.random.default_rng(2)
    returns = rng.normal(0, 0.01, 900) * np.where(np.arange(900) % 200 < 100, 1.0, 3.0)
    origins = np.arange(600, 900)
    first = uncertainty.garch_variances(returns, 600, origins, 3)
    assert first.shape == (300, 3) and np.all(first > 0)
    tampered = returns.copy()
    tampered[750:] *= 5.0
    second = uncertainty.garch_variances(tampered, 600, origins, 3)
    # the parameters came from the first 600 days; a forecast from day o reads days before o
    np.testing.assert_allclose(first[:151], second[:151], rtol=1e-9)
    assert np.all(second[152:] > first[152:])


def test_rolling_variance_is_the_last_twenty_days_variance():
    returns = np.random.default_rng(3).normal(0, 0.01, 100)
    variances = uncertainty.rolling_variances(returns, np.array([20, 57]), 2)
    assert variances[1, 0] == pytest.approx(np.var(returns[37:57], ddof=1))
    assert variances[0, 1] == variances[0, 0]


def test_turbulence_reading_is_computed_from_the_bands():
    days = pd.bdate_range("2020-01-01", periods=50)
    stormy = np.arange(50) >= 40  # the last two weeks
    width = np.where(stormy, 0.04, 0.02)
    daily = pd.DataFrame(
        {
            "actual": np.where(stormy, 0.03, 0.001),  # outside the stormy band: it never held
            "lstm_lower": -width / 2,
            "lstm_upper": width / 2,
            "garch_lower": -np.full(50, 0.015),
            "garch_upper": np.full(50, 0.015),
        },
        index=days,
    )
    text = uncertainty.turbulence_reading(daily, 0.8)
    assert text.startswith("On the 2 stormiest test weeks the LSTM's band was 2.0× as wide")
    assert "held the next-day price 0% of the time" in text and "GARCH: 1.0× and 0%" in text


# -- the trained model ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def stormy_model():
    return Forecaster(lookback=20, epochs=6, units=8, seed=1).fit(storm_and_calm_prices())


@pytest.mark.slow
def test_the_lstm_learns_turbulence_and_its_loss_goes_down(stormy_model):
    losses = stormy_model.history_["loss"]
    assert losses[-1] < losses[0]
    check = stormy_model.horizon_check(5)
    daily = check.volatility.daily
    stormy = (np.arange(len(stormy_model.returns_)) // 60 % 2 == 1)[stormy_model.split_.val_end :]
    # days well inside a stormy block (the window has seen the storm) against calm ones
    ratio = daily["lstm_sigma"][stormy].median() / daily["lstm_sigma"][~stormy].median()
    assert ratio > 2.0
    assert "it learned that storms follow storms" in check.volatility.reading


@pytest.mark.slow
def test_horizon_check_scores_every_method_and_the_band_widens_with_distance(stormy_model):
    check = stormy_model.horizon_check(5, level=0.8)
    methods = check.volatility.methods
    assert set(methods) == {"lstm", "garch", "rolling", "static"}
    for scores in methods.values():
        assert set(scores) == SIX_KEYS
        assert 0 <= scores["coverage_day1"] <= 1 and scores["width_day1"] > 0
    json.dumps(methods)  # plain numbers, ready for the CLI
    # on a series whose turbulence comes and goes, a band that follows it beats a static one
    assert methods["lstm"]["qlike"] < methods["static"]["qlike"]
    assert methods["lstm"]["winkler_day1"] < methods["static"]["winkler_day1"]
    steps = check.steps
    assert steps["width"].is_monotonic_increasing
    assert steps["coverage"].iloc[0] == pytest.approx(methods["lstm"]["coverage_day1"])
    daily = check.volatility.daily
    assert len(daily) == len(stormy_model.evaluate().predictions)
    assert (daily["lstm_lower"] < daily["lstm_upper"]).all()


@pytest.mark.slow
def test_the_future_band_follows_the_latest_turbulence(stormy_model):
    check = stormy_model.horizon_check(3)
    lookback = stormy_model.lookback

    def first_day_width(last_moves_scale: float) -> float:
        """The band's day-1 width when the latest ``lookback`` days moved this much."""
        model = copy.copy(stormy_model)  # the same weights and calibration
        returns = stormy_model.returns_.copy()
        returns[-lookback:] = np.random.default_rng(5).normal(0, last_moves_scale, lookback)
        model.returns_ = returns
        band = model.future_band(check.steps["lower_q"], check.steps["upper_q"])
        return float((np.log(band["upper"]) - np.log(band["lower"])).iloc[0])

    assert first_day_width(0.03) > 2 * first_day_width(0.003)


@pytest.mark.slow
def test_band_card_and_score_table_read_the_check(stormy_model):
    check = stormy_model.horizon_check(4)
    table = forecast_report.band_table(check)
    assert list(table.index) == [1, 2, 3, 4] and table.index.name == "Days ahead"
    gap = round((check.steps["coverage"].iloc[0] - 0.8) * 100)
    assert table["Against the promise"].iloc[0].startswith(f"{gap:+d} pts")
    scores = forecast_report.volatility_table(check)
    assert list(scores.columns) == ["LSTM", "GARCH(1,1)", "Rolling 20-day", "Static band"]
    assert "Held, day 4" in scores.index
    readings = forecast_report.volatility_readings(check)
    lstm, garch = check.volatility.methods["lstm"], check.volatility.methods["garch"]
    says = "better than" if lstm["qlike"] < garch["qlike"] else "not as good as"
    assert f"the LSTM was {says} GARCH" in readings[1].reading


@pytest.mark.slow
def test_a_random_walk_band_still_keeps_its_promise_roughly():
    model = Forecaster(lookback=10, epochs=2, units=4).fit(random_walk_prices(800))
    coverage = model.horizon_check(1).steps["coverage"].iloc[0]
    assert 0.65 <= coverage <= 0.95


def test_band_card_shows_a_dash_for_days_past_the_test_part():
    steps = pd.DataFrame(
        {
            "coverage": [0.79, 0.0],
            "garch_coverage": [0.81, 0.0],
            "static_coverage": [0.7, 0.0],
            "test_samples": [20, 0],
        },
        index=pd.RangeIndex(1, 3, name="step"),
    )
    check = uncertainty.HorizonCheck(level=0.8, steps=steps, band=pd.DataFrame(), reading="")
    table = forecast_report.band_table(check)
    assert table.loc[1].tolist() == ["79%", "-1 pts (on target)", "81%", "70%", "20"]
    assert table.loc[2].tolist() == ["—", "—", "—", "—", "0"]
