"""Walk-forward backtest: fold layout, per-fold refits, pooled metrics, progress, errors,
the Diebold–Mariano verdict and how the page boxes it."""

import dataclasses

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from streamlit.testing.v1 import AppTest

from core import forecast
from core.forecast import backtest
from core.forecast import report as forecast_report
from core.forecast.metrics import TEST_NAME, Verdict, diebold_mariano, verdict
from tests.conftest import alert_texts, random_walk_prices


def test_fold_blocks_are_consecutive_and_end_at_the_last_return():
    blocks = backtest.fold_blocks(1000, 4, 0.2)
    assert blocks == [(800, 850), (850, 900), (900, 950), (950, 1000)]


@pytest.mark.parametrize(
    "n, folds, share, message",
    [
        (1000, 1, 0.2, "pick from 2 to"),
        (1000, 4, 0.9, "pick from 5% to 60%"),
        (300, 4, 0.2, "leave 15 test days per fold; each needs at least 20"),
    ],
)
def test_fold_blocks_explain_bad_choices(n, folds, share, message):
    with pytest.raises(ValueError, match=message):
        backtest.fold_blocks(n, folds, share)


@pytest.fixture(scope="module")
def small_backtest():
    reports = []
    result = backtest.walk_forward(
        random_walk_prices(500),
        folds=3,
        total_test_share=0.3,
        progress=reports.append,
        lookback=10,
        epochs=2,
        units=4,
        patience=5,
    )
    return result, reports


@pytest.mark.slow
def test_each_fold_tests_on_its_own_block_after_its_training_days(small_backtest):
    result, _ = small_backtest
    series = random_walk_prices(500)
    assert [fold.number for fold in result.folds] == [1, 2, 3]
    for fold, (start, end) in zip(result.folds, backtest.fold_blocks(499, 3, 0.3), strict=True):
        assert fold.n_train_days == start and fold.n_test_days == end - start
        assert fold.test_start == series.index[start + 1]
        assert fold.test_end == series.index[end]
        assert fold.epochs_run <= 2 and 0 <= fold.shrink <= 1 and 0 <= fold.band_coverage <= 1
    assert result.folds[-1].test_end == series.index[-1]
    # the pooled predictions are the folds' test days, each once, in order
    assert len(result.predictions) == sum(fold.n_test_days for fold in result.folds)
    assert result.predictions.index.is_monotonic_increasing
    assert result.predictions.index.is_unique


@pytest.mark.slow
def test_pooled_metrics_and_reading(small_backtest):
    result, _ = small_backtest
    pooled = result.predictions
    rmse = np.sqrt(np.mean((pooled["lstm"] - pooled["actual"]) ** 2))
    assert result.model["rmse"] == pytest.approx(rmse)
    assert result.skill_ratio == pytest.approx(result.model["rmse"] / result.persistence["rmse"])
    assert "of 3 folds" in result.reading and "80% one-day band" in result.reading
    table = result.fold_table()
    assert list(table.index) == [1, 2, 3]
    as_dict = result.as_dict()
    assert len(as_dict["folds"]) == 3
    # a fold counts as won only when its own test says the LSTM was better
    expected = [
        verdict(fold_days["actual"], fold_days["lstm"], fold_days["persistence"])
        for _, fold_days in pooled.groupby("fold")
    ]
    assert [fold.verdict for fold in result.folds] == expected
    assert as_dict["overall"]["folds_beaten"] == sum(v.label == "better" for v in expected)
    assert [fold["verdict"] for fold in as_dict["folds"]] == [v.as_dict() for v in expected]
    shown = forecast_report.backtest_table(result)["Verdict"].tolist()
    assert shown == [f"{v.label} (p = {v.p_value:.2f})" for v in expected]


def _fold(label: str, ratio: float) -> backtest.Fold:
    stamp = pd.Timestamp("2020-01-01")
    return backtest.Fold(
        1, stamp, stamp, stamp, 100, 50, {}, {}, ratio, 0.8, 1, 0.5, Verdict(label, 0.5, "", 0, 50)
    )


@pytest.mark.parametrize(
    "labels, ratio, test, says, never",
    [
        (["better", "no detectable difference"], 0.97, "better", ["in 1 of 2 folds", "3.0% smaller",
         "the LSTM was better"], "No detectable"),
        (["no detectable difference"] * 2, 0.999, "no detectable difference", ["in 0 of 2 folds",
         "0.1% smaller", "No detectable difference"], "was better"),
        (["worse", "worse"], 1.05, "worse", ["in 0 of 2 folds", "5.0% larger",
         "the LSTM was worse"], "was better"),
        (["no detectable difference"] * 2, 1.02, "no detectable difference", ["2.0% larger",
         "No detectable difference"], "was worse"),
    ],
)  # fmt: skip
def test_backtest_reading_says_what_its_numbers_and_test_say(labels, ratio, test, says, never):
    folds = [_fold(label, 1.0) for label in labels]
    reading = backtest.backtest_reading(folds, ratio, 0.8, 0.8, Verdict(test, 0.03, "", 0, 100))
    assert all(part in reading for part in says) and never not in reading
    assert "p = 0.03" in reading


@pytest.mark.slow
def test_progress_reports_every_epoch_of_every_fold(small_backtest):
    _, reports = small_backtest
    assert [(r.fold, r.epoch.epoch, r.fold_done) for r in reports] == [
        (fold, epoch, done)
        for fold in (1, 2, 3)
        for epoch, done in ((1, False), (2, False), (2, True))
    ]
    assert reports[-1].fraction == pytest.approx(1.0)
    assert reports[0].text == "Fold 1 of 3: epoch 1 of 2"
    assert reports[-1].text == "All 3 folds trained"


@pytest.mark.slow
def test_progress_reaches_the_end_when_folds_stop_early():
    # every fold stops after its first epoch of five, as early stopping often does
    reports = []
    backtest.walk_forward(
        random_walk_prices(400),
        folds=2,
        total_test_share=0.2,
        progress=reports.append,
        should_stop=lambda: True,
        lookback=10,
        epochs=5,
        units=4,
    )
    fractions = [report.fraction for report in reports]
    assert fractions == sorted(fractions)
    assert fractions[-1] == pytest.approx(1.0)
    assert reports[-1].text == "All 2 folds trained"


def test_diebold_mariano_at_one_step_is_the_paired_t_test_of_squared_errors():
    rng = np.random.default_rng(0)
    a, b = rng.normal(0, 1.0, 300), rng.normal(0, 1.1, 300)
    result = diebold_mariano(a, b)
    reference = stats.ttest_1samp(a**2 - b**2, 0.0)
    assert result.statistic == pytest.approx(reference.statistic)
    assert result.p_value == pytest.approx(reference.pvalue)
    assert result.n == 300


def test_diebold_mariano_verdicts():
    rng = np.random.default_rng(1)
    truth = rng.normal(0, 1, 500)
    small, large = 0.5 * truth + rng.normal(0, 0.05, 500), truth
    assert diebold_mariano(small, large).verdict == "better"
    assert diebold_mariano(large, small).verdict == "worse"
    same = diebold_mariano(truth, truth.copy())
    assert (same.statistic, same.p_value, same.verdict) == (0.0, 1.0, "no difference")
    noise = diebold_mariano(rng.normal(0, 1, 500), rng.normal(0, 1, 500))
    assert noise.verdict == "no difference" and noise.p_value > 0.05


def test_diebold_mariano_longer_horizon_widens_the_variance_for_overlapping_errors():
    rng = np.random.default_rng(2)
    shocks = rng.normal(0, 1, 400)
    # 5-day sums overlap, so their loss differences are autocorrelated
    a = np.convolve(shocks, np.ones(5), "valid") * 0.9
    b = np.convolve(shocks, np.ones(5), "valid")
    assert abs(diebold_mariano(a, b, horizon=5).statistic) < abs(diebold_mariano(a, b).statistic)


@pytest.mark.parametrize(
    "a, b, message",
    [
        ([1.0, 2.0, 3.0], [1.0, 2.0], "equal length"),
        ([1.0, 2.0], [1.0, 2.0], "at least 3 finite errors"),
        ([1.0, np.nan, 3.0], [1.0, 2.0, 3.0], "at least 3 finite errors"),
    ],
)
def test_diebold_mariano_explains_bad_input(a, b, message):
    with pytest.raises(ValueError, match=message):
        diebold_mariano(a, b)


@pytest.mark.slow
def test_backtest_carries_the_test_on_its_pooled_errors(small_backtest):
    result, _ = small_backtest
    pooled = result.predictions
    expected = verdict(pooled["actual"], pooled["lstm"], pooled["persistence"])
    assert result.significance == expected
    assert result.verdict == expected.label
    assert expected.chance() in result.reading
    assert result.as_dict()["overall"]["verdict"] == {
        "label": expected.label,
        "p_value": expected.p_value,
        "test": TEST_NAME,
    }


def _render(stored, series, settings):
    from ui import forecast as ui_forecast

    ui_forecast.render_backtest(stored, series, settings)


@pytest.mark.slow
@pytest.mark.parametrize(
    "label, box",
    [("no detectable difference", "info"), ("better", "success"), ("worse", "warning")],
)
def test_page_boxes_the_reading_by_its_tested_verdict(small_backtest, label, box):
    result, _ = small_backtest
    test = Verdict(label, 0.5 if label.startswith("no") else 0.01, TEST_NAME, 1.0, 100)
    result = dataclasses.replace(result, significance=test, reading="the reading")
    settings = {"data": "walk"}
    stored = {"result": result, "settings": settings}
    at = AppTest.from_function(
        _render, args=(stored, random_walk_prices(500), settings), default_timeout=60
    )
    at.run()
    assert not at.exception
    boxes = alert_texts(at)
    assert boxes[box] == ["the reading"]
    assert all("the reading" not in values for kind, values in boxes.items() if kind != box)


@pytest.mark.slow
def test_each_fold_fits_its_scaler_on_its_own_training_part(monkeypatch):
    fitted = []
    original = forecast.Forecaster.fit

    def record(self, series, **kwargs):
        original(self, series, **kwargs)
        fitted.append((len(series), self.split_, self.mean_))
        return self

    monkeypatch.setattr(forecast.Forecaster, "fit", record)
    series = random_walk_prices(400)
    backtest.walk_forward(series, folds=2, total_test_share=0.2, lookback=10, epochs=1, units=4)
    returns = forecast.log_returns(series.to_numpy())
    (first_len, first_split, first_mean), (second_len, _, second_mean) = fitted
    assert first_len < second_len == len(series)
    assert first_mean == pytest.approx(returns[: first_split.train_end].mean())
    assert first_mean != second_mean


def test_too_short_series_names_the_fold():
    with pytest.raises(ValueError, match="Fold 1 of 2: Only"):
        backtest.walk_forward(
            random_walk_prices(200), folds=2, total_test_share=0.3, lookback=90, epochs=1
        )


def test_test_share_is_rejected_as_a_forecaster_parameter():
    with pytest.raises(ValueError, match="set by the backtest"):
        backtest.walk_forward(pd.Series(dtype=float), test_share=0.2)
