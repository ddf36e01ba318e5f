"""The forecast command line: JSON out, exit 2 with one line on bad input."""

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from core.forecast import __main__ as forecast_cli
from core.paths import ROOT, SAMPLES_DIR


@pytest.fixture
def walk_csv(tmp_path):
    rng = np.random.default_rng(5)
    dates = pd.bdate_range("2015-01-01", periods=260)
    closes = 50 * np.exp(np.cumsum(rng.normal(0, 0.01, len(dates))))
    path = tmp_path / "walk.csv"
    pd.DataFrame({"Date": dates.strftime("%Y-%m-%d"), "Close": closes}).to_csv(path, index=False)
    return path, closes


def test_inspect_prints_rows_dates_and_first_last_close(capsys):
    assert forecast_cli.main(["inspect", str(SAMPLES_DIR / "sp500.csv")]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["rows"] == 5031
    assert (result["start"], result["end"]) == ("1999-01-04", "2018-12-31")
    assert result["column"] == "Adj Close"
    assert result["first"] == pytest.approx(1228.099976)
    assert result["last"] == pytest.approx(2506.850098)


def test_inspect_honours_column(capsys):
    assert forecast_cli.main(["inspect", str(SAMPLES_DIR / "msft.csv"), "--column", "open"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["column"] == "Open" and result["first"] == pytest.approx(0.0672)


def test_train_prints_metrics_forecast_and_writes_predictions(walk_csv, tmp_path, capsys):
    path, closes = walk_csv
    out = tmp_path / "predictions.csv"
    argv = [
        "train",
        str(path),
        "--lookback",
        "10",
        "--epochs",
        "1",
        "--horizon",
        "3",
        "--predictions",
        str(out),
    ]
    assert forecast_cli.main(argv) == 0
    result = json.loads(capsys.readouterr().out)
    for part in ("model", "persistence"):
        assert set(result[part]) >= {"rmse", "mae", "mape", "directional_accuracy"}
    assert result["skill_ratio"] == pytest.approx(
        result["model"]["rmse"] / result["persistence"]["rmse"]
    )
    assert len(result["forecast"]) == 3
    assert result["forecast_trained_on"] == "all days"
    assert set(result["verdict"]) == {"label", "p_value", "test"}
    assert result["verdict"]["label"] in ("better", "worse", "no detectable difference")
    assert 0 <= result["verdict"]["p_value"] <= 1 and "Diebold" in result["verdict"]["test"]
    assert result["n_train"] > 0 and result["n_test"] > 0
    written = pd.read_csv(out)
    assert len(written) == result["n_test"]
    assert written["actual"].iloc[-1] == pytest.approx(closes[-1], rel=1e-6)


@pytest.mark.parametrize(
    "argv, message",
    [
        (["inspect", "/no/such/file.csv"], "Could not open"),
        (["train", "{bad}", "--lookback", "200"], "Lower the lookback"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_no_traceback(walk_csv, argv, message):
    argv = [arg.replace("{bad}", str(walk_csv[0])) for arg in argv]
    completed = subprocess.run(
        [sys.executable, "-m", "core.forecast", *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 2
    assert message in completed.stderr
    assert "Traceback" not in completed.stderr
    assert completed.stderr.strip().count("\n") == 0
    assert completed.stdout == ""


VOLATILITY_KEYS = {
    "coverage_day1",
    "coverage_last_day",
    "width_day1",
    "winkler_day1",
    "nll",
    "qlike",
}


def test_train_prints_band_coverage_and_error_by_step(walk_csv, capsys):
    argv = ["train", str(walk_csv[0]), "--lookback", "10", "--epochs", "1", "--horizon", "3"]
    assert forecast_cli.main(argv) == 0
    result = json.loads(capsys.readouterr().out)
    assert len(result["band"]["coverage_by_step"]) == 3
    assert "band covered" in result["band"]["reading"]
    assert len(result["rmse_by_step"]["model"]) == 3
    for day in result["forecast"]:
        assert day["lower"] < day["value"] < day["upper"]
    volatility = result["volatility"]
    assert set(volatility) == {"lstm", "garch", "rolling", "static"}
    for scores in volatility.values():
        assert set(scores) == VOLATILITY_KEYS
    assert volatility["lstm"]["coverage_day1"] == pytest.approx(
        result["band"]["coverage_by_step"][0]
    )
    assert volatility["lstm"]["coverage_last_day"] == pytest.approx(
        result["band"]["coverage_by_step"][-1]
    )


def test_backtest_prints_per_fold_and_overall_metrics(walk_csv, capsys):
    argv = ["backtest", str(walk_csv[0]), "--folds", "2", "--test-share", "0.3"]
    argv += ["--lookback", "10", "--epochs", "1", "--units", "4"]
    assert forecast_cli.main(argv) == 0
    result = json.loads(capsys.readouterr().out)
    assert [fold["fold"] for fold in result["folds"]] == [1, 2]
    for fold in result["folds"]:
        assert set(fold["model"]) >= {"rmse", "mae", "mape", "directional_accuracy"}
        assert fold["persistence"]["rmse"] > 0
        assert fold["test_start"] <= fold["test_end"]
        assert set(fold["volatility"]) == {"lstm", "garch", "rolling", "static"}
        assert set(fold["volatility"]["garch"]) == VOLATILITY_KEYS
        assert fold["volatility"]["lstm"]["coverage_day1"] == fold["band_coverage"]
    overall = result["overall"]
    assert overall["skill_ratio"] == pytest.approx(
        overall["model"]["rmse"] / overall["persistence"]["rmse"]
    )
    assert 0 <= overall["band_coverage"] <= 1
    assert set(overall["verdict"]) == {"label", "p_value", "test"}
    won = sum(fold["verdict"]["label"] == "better" for fold in result["folds"])
    assert overall["folds_beaten"] == won
    assert result["settings"]["folds"] == 2 and "folds" in result["reading"]


def test_backtest_with_too_many_folds_exits_2():
    completed = subprocess.run(
        [sys.executable, "-m", "core.forecast", "backtest", str(SAMPLES_DIR / "sp500.csv")]
        + ["--folds", "40"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 2
    assert "pick from 2 to 10" in completed.stderr and "Traceback" not in completed.stderr


def test_python_m_core_forecast_imports_the_forecast_code_once():
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "core.forecast", "inspect"]
        + [str(SAMPLES_DIR / "sp500.csv")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert json.loads(completed.stdout)["rows"] > 0
    imported = [
        line.rsplit("|", 1)[-1].strip()
        for line in completed.stderr.splitlines()
        if line.startswith("import time:")
    ]
    forecast_code = [name for name in imported if name.startswith("core.forecast")]
    assert "core.forecast.model" in forecast_code and "core.forecast.prices" in forecast_code
    # each module once, and the CLI itself only as __main__, never imported back as a module
    assert len(forecast_code) == len(set(forecast_code))
    assert "core.forecast.__main__" not in forecast_code
