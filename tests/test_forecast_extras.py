"""The day's high–low range (on by default) and volume (optional) as extra LSTM inputs (#15)."""

import io
import json
import os
import subprocess
import sys
import zipfile

import numpy as np
import pandas as pd
import pytest

from core.forecast import Forecaster, backtest, data, report
from core.forecast import __main__ as forecast_cli
from core.forecast import export as forecast_export
from core.forecast import prices as price_files
from tests.conftest import tiny_settings

pytestmark = pytest.mark.slow  # most tests here train a small model

TINY = {"lookback": 10, "epochs": 1, "units": 4, "seed": 3}


def turbulent_table(n: int = 320, seed: int = 7) -> pd.DataFrame:
    """Close, High, Low and Volume whose range and volume follow calm and stormy spells."""
    rng = np.random.default_rng(seed)
    sigma = 0.01 * np.exp(np.sin(np.arange(n) / 30.0))
    close = 100 * np.exp(np.cumsum(rng.normal(0, sigma)))
    spread = np.abs(rng.normal(0, sigma)) + 0.2 * sigma
    index = pd.bdate_range("2018-01-01", periods=n, name="date")
    return pd.DataFrame(
        {
            "Close": close,
            "High": close * np.exp(spread),
            "Low": close * np.exp(-spread),
            "Volume": 1e6 * (1 + 50 * sigma) * rng.uniform(0.8, 1.2, n),
        },
        index=index,
    )


def as_csv(table: pd.DataFrame) -> bytes:
    return table.rename_axis("Date").to_csv().encode()


# -- which columns, which features ------------------------------------------------------------
def test_extra_columns_takes_high_low_by_default_and_volume_only_when_asked():
    table = price_files.load_prices(as_csv(turbulent_table())).table
    assert list(data.extra_columns(table).columns) == ["high", "low"]
    assert list(data.extra_columns(table, use_volume=True).columns) == ["high", "low", "volume"]
    assert data.extra_columns(table, use_range=False) is None
    assert list(data.extra_columns(table, False, True).columns) == ["volume"]


def test_a_file_without_high_and_low_has_no_extras():
    table = turbulent_table()[["Close", "High"]]  # a high without a low gives no range
    loaded = price_files.load_prices(as_csv(table))
    assert data.extra_columns(loaded.table) is None


def test_range_is_paired_with_its_return_and_bad_days_are_missing():
    index = pd.bdate_range("2020-01-01", periods=5)
    extras = pd.DataFrame(
        {"high": [11.0, 12.0, np.nan, 10.0, 9.0], "low": [10.0, 10.0, 10.0, 10.0, 0.0]},
        index=index,
    )
    day_range = data.extra_features(extras, index)["range"]
    # return i ends on day i + 1: the first day's range is never read
    np.testing.assert_allclose(day_range[:1], [np.log(1.2)])
    assert np.isnan(day_range[1])  # no high that day
    assert day_range[2] == 0.0  # high = low: a range of zero is a real (calm) value
    assert np.isnan(day_range[3])  # a low of zero cannot give a range


# -- training ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return turbulent_table()


@pytest.fixture(scope="module")
def with_range(table) -> Forecaster:
    extras = data.extra_columns(price_files.load_prices(as_csv(table)).table)
    return Forecaster(**TINY).fit(table["Close"].rename("Close"), extras=extras)


def test_without_extras_the_model_reads_returns_only_exactly_as_before(table):
    series = table["Close"].rename("Close")
    plain = Forecaster(**TINY).fit(series)
    empty = Forecaster(**TINY).fit(series, extras=None)
    assert plain.inputs_ == empty.inputs_ == ("returns",)
    assert plain.model_.input_shape == (None, 10, 1)
    np.testing.assert_array_equal(plain.history_["val_loss"], empty.history_["val_loss"])
    assert plain.inputs_reading == "daily returns"


def test_the_range_is_read_and_scaled_on_training_days_only(table, with_range):
    assert with_range.inputs_ == ("returns", "range")
    assert with_range.model_.input_shape == (None, 10, 2)
    assert with_range.inputs_reading == "daily returns and the day's high–low range"
    # a wild range on test days changes nothing the scaling learned
    wild = table.copy()
    test_days = wild.index[with_range.split_.val_end + 1 :]
    wild.loc[test_days, "High"] *= 3
    extras = data.extra_columns(price_files.load_prices(as_csv(wild)).table)
    refit = Forecaster(**TINY).fit(wild["Close"].rename("Close"), extras=extras)
    assert refit.extra_scaling_["range"] == pytest.approx(with_range.extra_scaling_["range"])
    assert refit.scaled_inputs[-1, 1] > 5  # the test days do read the wild range


def test_a_range_missing_on_some_days_reads_them_as_typical(table):
    holes = table.copy()
    holes.iloc[50:60, holes.columns.get_loc("High")] = np.nan
    extras = data.extra_columns(price_files.load_prices(as_csv(holes)).table)
    model = Forecaster(**TINY).fit(holes["Close"].rename("Close"), extras=extras)
    assert model.inputs_ == ("returns", "range") and model.input_notes_ == []
    # return i ends on day i + 1, so days 50..59 are returns 49..58
    np.testing.assert_array_equal(model.scaled_inputs[49:59, 1], 0.0)
    assert np.all(np.isfinite(model.scaled_inputs))
    assert np.isfinite(model.evaluate().skill_ratio)


@pytest.mark.parametrize(
    ("high", "note"),
    [("Close", "the same on every training day"), (np.nan, "missing on")],
)
def test_a_range_that_cannot_teach_is_left_out_with_a_note(table, high, note):
    flat = table.copy()
    flat["High"] = flat["Close"] if high == "Close" else high
    if high == "Close":
        flat["Low"] = flat["Close"]  # every range is zero
    else:
        flat.iloc[:5, flat.columns.get_loc("High")] = flat["Close"].iloc[:5] * 1.01
    extras = pd.DataFrame({"high": flat["High"], "low": flat["Low"]})
    model = Forecaster(**TINY).fit(flat["Close"].rename("Close"), extras=extras)
    assert model.inputs_ == ("returns",)
    assert len(model.input_notes_) == 1 and note in model.input_notes_[0]
    assert "The LSTM read daily returns." in report.inputs_line(model)


def test_future_days_feed_back_a_range_in_line_with_the_forecast_scale(with_range):
    # a day forecast as wild as the training days' average gets their average range
    mean, _ = with_range.extra_scaling_["range"]
    assert with_range.range_feedback == pytest.approx(mean / with_range.std_)
    check = with_range.horizon_check(4)
    assert check.band["lower"].lt(check.band["forecast"]).all()
    assert np.all(np.isfinite(check.steps["coverage"]))


def test_volume_is_read_only_when_asked(table):
    extras = data.extra_columns(
        price_files.load_prices(as_csv(table)).table, use_range=False, use_volume=True
    )
    model = Forecaster(**TINY).fit(table["Close"].rename("Close"), extras=extras)
    assert model.inputs_ == ("returns", "volume")
    assert model.inputs_reading == "daily returns and the day's change in volume"


def test_train_run_and_refit_keep_the_range_and_say_so(table):
    extras = data.extra_columns(price_files.load_prices(as_csv(table)).table)
    result = report.train_run(
        table["Close"].rename("Close"),
        tiny_settings(),
        lambda _: None,
        lambda: False,
        extras=extras,
    )
    assert result["final"].inputs_ == ("returns", "range")
    assert result["inputs"].startswith("The LSTM read daily returns and the day's high–low range.")
    assert len(result["check"].band) == 3


def test_the_backtest_reads_the_range_in_every_fold(table):
    extras = data.extra_columns(price_files.load_prices(as_csv(table)).table)
    series = table["Close"].rename("Close")
    result = backtest.walk_forward(series, folds=2, total_test_share=0.3, extras=extras, **TINY)
    assert result.inputs == ("returns", "range")
    assert result.as_dict()["inputs"] == ["returns", "range"]
    plain = backtest.walk_forward(series, folds=2, total_test_share=0.3, **TINY)
    assert plain.inputs == ("returns",)


# -- the CLI -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("flags", "inputs"),
    [([], ["returns", "range"]), (["--no-range"], ["returns"]), (["--volume"], None)],
)
def test_cli_records_the_inputs_used(table, tmp_path, capsys, flags, inputs):
    path = tmp_path / "ohlcv.csv"
    path.write_bytes(as_csv(table))
    argv = ["train", str(path), "--lookback", "10", "--epochs", "1", "--units", "4", *flags]
    assert forecast_cli.main(argv + ["--horizon", "2"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["inputs"] == (inputs or ["returns", "range", "volume"])
    assert result["input_notes"] == []


# -- the export --------------------------------------------------------------------------------
def test_exported_range_model_runs_in_a_fresh_process(with_range, tmp_path):
    with zipfile.ZipFile(io.BytesIO(report.model_bytes(with_range))) as bundle:
        bundle.extractall(tmp_path)
    info = json.loads((tmp_path / "forecaster.json").read_text())
    assert info["lstm_reads"] == ["returns", "range"]
    assert info["input"]["name"] == ["prices", "high", "low"]
    assert set(info["check"]["inputs"]) == {"prices", "high", "low"}
    assert info["range_feedback"] == pytest.approx(with_range.range_feedback)
    readme = (tmp_path / "README.md").read_text()
    assert "`high`, `low`" in readme and "high–low range" in readme
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env["TF_CPP_MIN_LOG_LEVEL"] = "3"
    done = subprocess.run(
        [sys.executable, "-c", info["how_to_call"]],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    printed = done.stdout.split()
    assert float(printed[0]) == pytest.approx(with_range.forecast(1).iloc[0], rel=1e-6)


def test_exported_range_model_matches_every_test_prediction(with_range, table):
    model = forecast_export.price_model(with_range)
    width = with_range.lookback + 1
    starts = range(len(table) - width)  # each window predicts the day after its last price
    window = {
        name: np.stack([table[column].to_numpy()[s : s + width] for s in starts])
        for name, column in (("prices", "Close"), ("high", "High"), ("low", "Low"))
    }
    predicted = model.predict(window, verbose=0)
    expected = with_range.evaluate().predictions["lstm"].to_numpy()
    np.testing.assert_allclose(predicted[-len(expected) :], expected, rtol=1e-6)


# -- the page ----------------------------------------------------------------------------------
def test_the_page_says_which_inputs_the_lstm_read():
    from tests.test_forecast_page import open_page, train, upload

    at = open_page()  # the S&P 500 sample has High and Low
    at.slider(key="epochs").set_value(1)
    at.slider(key="lookback").set_value(10)
    train(at)
    assert not at.exception and not at.error
    captions = [caption.value for caption in at.caption]
    assert any(
        c.startswith("The LSTM read daily returns and the day's high–low range.") for c in captions
    )
    assert at.session_state["forecast_result"]["model"].inputs_ == ("returns", "range")

    closes = turbulent_table(260)["Close"]
    at = upload(at, "close_only.csv", as_csv(closes.to_frame()))
    train(at)
    assert not at.exception and not at.error
    assert "The LSTM read daily returns." in [caption.value for caption in at.caption]
    assert at.session_state["forecast_result"]["model"].inputs_ == ("returns",)
