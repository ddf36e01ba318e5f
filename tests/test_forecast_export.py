"""The downloaded forecaster reproduces the app's forecast in a fresh Python process."""

import io
import json
import os
import subprocess
import sys
import zipfile

import numpy as np
import pytest

from core.forecast import Forecaster, report
from core.forecast import export as forecast_export
from tests.conftest import noisy_sine_prices

HORIZON = 5

# Runs in a fresh interpreter with only the unzipped files: no project code on its path.
FRESH = """
import json, sys
import keras, numpy as np

info = json.load(open("forecaster.json"))
model = keras.saving.load_model(info["model_file"])
window = list(info["check"]["input_prices"])
path = []
for _ in range({horizon}):
    forecast = float(model.predict(np.array([window]), verbose=0)[0])
    path.append(forecast)
    window = window[1:] + [forecast]
prices = np.load("prices.npy")
width = info["lookback"] + 1
windows = np.lib.stride_tricks.sliding_window_view(prices, width)
json.dump({{"path": path, "next_day": model.predict(windows, verbose=0).tolist()}}, sys.stdout)
"""


@pytest.fixture(scope="module")
def fitted() -> Forecaster:
    model = Forecaster(lookback=10, epochs=3, units=8, layers=2, seed=0).fit(noisy_sine_prices(400))
    # a kept signal, so the shrink factor inside the export is really exercised
    assert 0.0 < model.shrink_ <= 1.0
    return model


@pytest.fixture(scope="module")
def unzipped(fitted, tmp_path_factory):
    folder = tmp_path_factory.mktemp("bundle")
    data = report.model_bytes(fitted)
    with zipfile.ZipFile(io.BytesIO(data)) as bundle:
        assert sorted(bundle.namelist()) == ["README.md", "forecaster.json", "forecaster.keras"]
        bundle.extractall(folder)
    return folder


def run_fresh(folder, code: str) -> str:
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env["TF_CPP_MIN_LOG_LEVEL"] = "3"
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_fresh_process_matches_the_apps_forecast(fitted, unzipped):
    np.save(unzipped / "prices.npy", fitted.series_.to_numpy())
    result = json.loads(run_fresh(unzipped, FRESH.format(horizon=HORIZON)))
    # the app's H-day forecast, built recursively from the same last window; Keras's predict
    # runs a compiled graph whose float32 rounding differs from a direct call by about one
    # float32 step (1.2e-7 relative), which the recursion can carry into later days
    np.testing.assert_allclose(result["path"], fitted.forecast(HORIZON).to_numpy(), rtol=1e-6)
    # every test-part next-day prediction, from windows of raw prices
    evaluation = fitted.evaluate().predictions
    test_days = len(evaluation)
    # window i ends at price i + lookback and predicts price i + lookback + 1
    from_windows = np.asarray(result["next_day"])[-test_days - 1 : -1]
    np.testing.assert_allclose(from_windows, evaluation["lstm"].to_numpy(), rtol=1e-7)


def test_the_documented_call_runs_and_prints_the_check(fitted, unzipped):
    info = json.loads((unzipped / "forecaster.json").read_text())
    printed = run_fresh(unzipped, info["how_to_call"]).split()
    assert float(printed[0]) == pytest.approx(fitted.forecast(1).iloc[0], rel=1e-7)
    assert float(printed[-1]) == pytest.approx(fitted.forecast(1).iloc[0], rel=1e-12)


def test_json_describes_inputs_dates_and_scaling(fitted, unzipped):
    info = json.loads((unzipped / "forecaster.json").read_text())
    series = fitted.series_
    assert info["lookback"] == 10 and info["column"] == series.name
    assert info["input"]["shape"] == [None, 11]
    assert info["check"]["input_prices"] == pytest.approx(series.iloc[-11:].to_list())
    assert info["check"]["input_dates"][-1] == f"{series.index[-1]:%Y-%m-%d}"
    assert info["check"]["next_day"] == f"{fitted.forecast(1).index[0]:%Y-%m-%d}"
    inside = info["inside_the_model"]
    assert (inside["log_return_mean"], inside["log_return_std"], inside["shrink"]) == (
        fitted.mean_,
        fitted.std_,
        fitted.shrink_,
    )
    dates = info["dates"]
    assert dates["first_price"] == f"{series.index[0]:%Y-%m-%d}"
    assert dates["test_days"][0] == f"{fitted.evaluate().predictions.index[0]:%Y-%m-%d}"
    assert info["calendar"].startswith("Forecast days follow the data's")
    readme = (unzipped / "README.md").read_text()
    assert "forecaster.keras" in readme and info["check"]["next_day"] in readme


def test_unfitted_forecaster_cannot_be_exported():
    with pytest.raises(ValueError, match="not fitted yet"):
        forecast_export.export_bundle(Forecaster())


def test_the_refit_on_all_days_exports_its_own_forecast_and_dates(fitted):
    final = fitted.refit_all()
    model = forecast_export.price_model(final)
    window = final.series_.iloc[-(final.lookback + 1) :].to_numpy()[None, :]
    expected = float(final.forecast(1).iloc[0])
    assert float(model.predict(window, verbose=0)[0]) == pytest.approx(expected, rel=1e-6)
    assert expected != pytest.approx(float(fitted.forecast(1).iloc[0]), rel=1e-9)
    dates = forecast_export.model_info(final)["dates"]
    assert dates["training_days"][1] == dates["last_price"]
    assert "retrained on every day" in dates["note"] and "test_days" not in dates
    assert "test_days" in forecast_export.model_info(fitted)["dates"]
