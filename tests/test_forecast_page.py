"""AppTest of the forecast page: sample, upload, training, errors."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from core.forecast import Forecaster
from tests.test_forecast import random_walk_prices

PAGE = str(Path(__file__).resolve().parents[1] / "app_pages" / "forecast.py")
TIMEOUT = 180


def open_page() -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    return at


def train_button(at: AppTest):
    return next(button for button in at.button if button.label == "Train the LSTM")


def upload(at: AppTest, name: str, content: bytes) -> AppTest:
    at.segmented_control(key="source").set_value("Upload a CSV").run()
    at.file_uploader(key="upload").upload(name, content, "text/csv").run()
    return at


def test_sample_loads_with_report_and_asks_to_train():
    at = open_page()
    assert "5,031 rows, 1999-01-04 → 2018-12-31, column Adj Close" in at.success[0].value
    assert at.selectbox(key="column").value == "Adj Close"
    assert any("Train the LSTM" in info.value for info in at.info)


def test_training_one_epoch_shows_chart_metrics_and_downloads():
    at = open_page()
    at.slider(key="epochs").set_value(1)
    at.slider(key="lookback").set_value(10)
    train_button(at).click().run()
    assert not at.exception
    assert not at.error
    labels = [metric.label for metric in at.metric]
    assert "Skill ratio" in labels and "LSTM typical error (RMSE)" in labels
    # every number comes with a plain reading
    assert len(at.caption) >= len(labels)
    charts = [element for element in at.get("plotly_chart")]
    assert len(charts) >= 2
    assert "forecast_result" in at.session_state

    # what just happened: the unrolled diagram has one step per lookback day, and the layers
    # are described with the model's real sizes
    assert any(header.value == "What just happened" for header in at.subheader)
    diagrams = [
        spec["layout"]["meta"]
        for spec in (json.loads(chart.proto.spec) for chart in charts)
        if "steps" in spec.get("layout", {}).get("meta", {})
    ]
    assert [meta["steps"] for meta in diagrams] == [10]
    layers = next(table.value for table in at.table if "What it does" in table.value.columns)
    model = at.session_state["forecast_result"]["model"]
    assert layers["Learned numbers"].sum() == model.model_.count_params()

    # a display option never retrains: the stored model object is the same after the rerun
    model = at.session_state["forecast_result"]["model"]
    at.toggle(key="show_persistence").set_value(False).run()
    assert not at.exception
    assert at.session_state["forecast_result"]["model"] is model


def test_uploaded_european_csv_is_used():
    rows = ["Datum;Eröffnung;Schlusskurs;Volumen"]
    for day in range(1, 29):
        rows.append(f"{day:02d}.02.2021;1.0{day:02d},50;1.1{day:02d},25;12.345")
    at = upload(open_page(), "boerse.csv", "\n".join(rows).encode("utf-8"))
    assert not at.exception
    assert "28 rows, 2021-02-01 → 2021-02-28, column Schlusskurs" in at.success[0].value


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "not CSV text"),
        (b"name,score\nann,1\nbob,2\n", "No date column"),
    ],
)
def test_bad_upload_shows_error_not_exception(content, expected):
    at = upload(open_page(), "bad.csv", content)
    assert not at.exception
    assert at.error, "a bad file must produce an st.error"
    assert expected.lower() in at.error[0].value.lower()


def test_too_short_history_for_lookback_is_an_error_at_training():
    rows = ["Date,Close"] + [f"2021-03-{day:02d},{100 + day}" for day in range(1, 31)]
    at = upload(open_page(), "short.csv", "\n".join(rows).encode())
    train_button(at).click().run()
    assert not at.exception
    assert any("Lower the lookback or upload a longer history" in error.value for error in at.error)


def walk_csv(rows: int = 420) -> bytes:
    rng = np.random.default_rng(4)
    dates = pd.bdate_range("2016-01-04", periods=rows)
    closes = 80 * np.exp(np.cumsum(rng.normal(0, 0.01, rows)))
    lines = ["Date,Close"] + [f"{d:%Y-%m-%d},{c:.4f}" for d, c in zip(dates, closes, strict=True)]
    return "\n".join(lines).encode()


def quick_settings(at: AppTest) -> AppTest:
    at.slider(key="epochs").set_value(1)
    at.slider(key="lookback").set_value(10)
    return at


def test_url_sets_the_controls_and_the_url_follows_them():
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    at.query_params.update(
        {"sample": "msft", "column": "Open", "lookback": "44", "epochs": "1", "units": "64"}
    )
    at.run()
    assert not at.exception and not at.warning
    assert at.slider(key="lookback").value == 44 and at.slider(key="epochs").value == 1
    assert at.select_slider(key="units").value == 64
    assert at.selectbox(key="column").value == "Open"
    assert at.selectbox(key="sample").value.startswith("Microsoft")
    at.slider(key="lookback").set_value(20)
    train_button(at).click().run()  # the form submits its sliders with the button
    assert not at.exception
    assert at.query_params["sample"] == "msft" and at.query_params["column"] == "Open"
    assert at.query_params["lookback"] == "20" and at.query_params["units"] == "64"


def test_bad_url_values_are_clamped_with_a_visible_note():
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    at.query_params.update({"lookback": "5000", "units": "abc", "column": "Nope"})
    at.run()
    assert not at.exception
    warnings = " ".join(warning.value for warning in at.warning)
    assert "outside 5–120; using 120" in warnings
    assert "not a number" in warnings and "no such column" in warnings
    assert at.slider(key="lookback").value == 120
    assert at.selectbox(key="column").value == "Adj Close"


def test_presentation_mode_hides_the_controls():
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    at.query_params["present"] = "1"
    at.run()
    assert not at.exception
    assert at.toggle(key="presentation").value is True
    assert not at.slider and not at.selectbox
    assert any(button.label == "Train the LSTM" for button in at.button)
    at.toggle(key="presentation").set_value(False).run()
    assert at.slider(key="lookback") is not None


def test_two_runs_fill_the_history_can_be_overlaid_and_cleared():
    at = quick_settings(upload(open_page(), "walk.csv", walk_csv()))
    train_button(at).click().run()
    assert not at.exception
    for metric in ("80% band held the price (day 1)", "Error 10 days ahead"):
        assert metric in [item.label for item in at.metric]
    at.number_input(key="seed").set_value(7)
    train_button(at).click().run()
    assert not at.exception
    runs = at.session_state["forecast_runs"]
    assert [run["label"] for run in runs] == ["Run 1", "Run 2"]
    at.multiselect(key="overlay_runs").select("Run 1").run()
    assert not at.exception
    specs = [chart.proto.spec for chart in at.get("plotly_chart")]
    figure = next(spec for spec in specs if "LSTM prediction" in spec)
    assert "Run 1 prediction" in figure and "Uncertainty band" in figure
    at.button(key="clear_history").click().run()
    assert not at.exception
    assert at.session_state["forecast_runs"] == []
    assert "forecast_result" in at.session_state


def test_interrupted_training_is_finished_with_its_best_epoch():
    """What a Stop click leaves behind: a Forecaster whose fit was interrupted after epoch 2."""
    series = random_walk_prices(420)
    model = Forecaster(lookback=10, epochs=30, units=4, patience=30)

    def interrupt(report):
        if report.epoch == 2:
            raise RuntimeError("rerun")

    with pytest.raises(RuntimeError):
        model.fit(series, progress=interrupt)
    at = open_page()
    settings = {
        "data": "walk.csv", "column": "Close", "lookback": 10, "epochs": 30, "units": 4,
        "layers": 1, "horizon": 5, "test_share": 0.2, "seed": 42,
    }  # fmt: skip
    at.session_state["forecast_pending"] = {"model": model, "settings": settings, "series": series}
    at.run()
    assert not at.exception
    assert "forecast_pending" not in at.session_state
    assert any("stopped after 2 of 30 epochs" in info.value for info in at.info)
    assert at.session_state["forecast_runs"][0]["stopped"]


def test_backtest_runs_from_the_page():
    at = quick_settings(upload(open_page(), "walk.csv", walk_csv(500)))
    at.button(key="run_backtest").click().run()
    assert not at.exception and not at.error
    assert "Folds won by the LSTM" in [metric.label for metric in at.metric]
    assert "forecast_backtest" in at.session_state
