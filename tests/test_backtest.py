"""Walk-forward backtest: fold layout, per-fold refits, pooled metrics, progress, errors."""

import numpy as np
import pandas as pd
import pytest

from core import backtest, forecast
from tests.test_forecast import random_walk_prices


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
    assert as_dict["overall"]["folds_beaten"] == sum(table["skill_ratio"] < 1)


def test_progress_reports_every_epoch_of_every_fold(small_backtest):
    _, reports = small_backtest
    assert [(r.fold, r.epoch.epoch) for r in reports] == [
        (fold, epoch) for fold in (1, 2, 3) for epoch in (1, 2)
    ]
    assert reports[-1].fraction == pytest.approx(1.0)


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
