"""AppTest of the forecast page: sample, upload, training, errors."""

import dataclasses
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from core import jobs
from core.forecast import prices
from core.forecast import report as forecast_report
from core.forecast.metrics import TEST_NAME, Verdict
from core.progress import EpochReport, PhaseReport
from tests.conftest import alert_texts, random_walk_prices, tiny_settings

PAGE = str(Path(__file__).resolve().parents[1] / "app_pages" / "forecast.py")
TIMEOUT = 180


def open_page() -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    return at


def train_button(at: AppTest):
    return next(button for button in at.button if button.label == "Train the LSTM")


def price_column(at: AppTest):
    return next(box for box in at.selectbox if box.label == "Price column")


def finish_training(at: AppTest) -> AppTest:
    """Wait for the session's training job, then rerun as the page's poll would."""
    if "forecast_job" not in at.session_state:
        return at  # it ended within the run that started it
    job = at.session_state["forecast_job"]
    assert job.wait(TIMEOUT), "the training job did not finish"
    return at.run()


def train(at: AppTest) -> AppTest:
    """Press Train, let the job run to its end and draw its result."""
    train_button(at).click().run()
    assert not at.exception
    return finish_training(at)


def upload(at: AppTest, name: str, content: bytes) -> AppTest:
    at.segmented_control(key="source").set_value("Upload a CSV").run()
    at.file_uploader(key="upload").upload(name, content, "text/csv").run()
    return at


def test_sample_loads_with_report_and_asks_to_train():
    at = open_page()
    assert "5,031 rows, 1999-01-04 → 2018-12-31, column Adj Close" in at.success[0].value
    assert price_column(at).value == "Adj Close"
    assert any("Train the LSTM" in info.value for info in at.info)


def test_training_one_epoch_shows_chart_metrics_and_downloads():
    at = open_page()
    at.slider(key="epochs").set_value(1)
    at.slider(key="lookback").set_value(10)
    train(at)
    assert not at.exception
    assert not at.error
    labels = [metric.label for metric in at.metric]
    assert "Skill ratio" in labels and "LSTM typical error (RMSE)" in labels
    # every number comes with a plain reading
    assert len(at.caption) >= len(labels)
    charts = [element for element in at.get("plotly_chart")]
    assert len(charts) >= 2
    assert "forecast_result" in at.session_state

    # what the LSTM learned: its turbulence forecast beside GARCH's, read in one line from the
    # numbers, and the band card day by day ahead against the promise
    assert any(h.value == "What the LSTM learned: turbulence" for h in at.subheader)
    turbulence = next(
        spec
        for spec in (json.loads(chart.proto.spec) for chart in charts)
        if "volatility" in spec["layout"]["title"]["text"]
    )
    names = {trace["name"] for trace in turbulence["data"]}
    assert {"LSTM forecast", "GARCH(1,1) forecast", "Realised (10-day)"} <= names
    volatility = at.session_state["forecast_result"]["check"].volatility
    assert any(block.value == volatility.reading for block in at.markdown)
    assert "stormiest test weeks" in volatility.reading
    card = next(frame.value for frame in at.dataframe if "Against the promise" in frame.value)
    horizon = at.session_state["forecast_result"]["settings"]["horizon"]
    assert list(card.index) == list(range(1, horizon + 1))
    assert {"Turbulence score (QLIKE)", "Band width, day 1"} <= {m.label for m in at.metric}

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

    # layers are switched in the legend, not by widgets (a widget rerun would drop the zoom):
    # the training-day fit and the band are drawn, the fit switched off until clicked
    assert [toggle.key for toggle in at.toggle] == ["presentation"]
    spec = next(
        spec
        for spec in (json.loads(chart.proto.spec) for chart in charts)
        if any(trace.get("name") == "LSTM prediction" for trace in spec["data"])
    )
    visible = {trace.get("name"): trace.get("visible", True) for trace in spec["data"]}
    assert visible["LSTM on training days"] == "legendonly"
    assert visible["Tomorrow = today"] is True
    assert any("your zoom stays" in caption.value for caption in at.caption)
    # the future table counts the data's trading days and says which calendar dates them
    horizon = at.session_state["forecast_result"]["settings"]["horizon"]
    assert any(header.value == f"Next {horizon} trading days" for header in at.subheader)
    assert any("NYSE holidays" in caption.value for caption in at.caption)

    # a rerun never retrains: the stored model object is the same after it
    model = at.session_state["forecast_result"]["model"]
    at.run()
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
    train(at)
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
    assert price_column(at).value == "Open"
    assert at.selectbox(key="sample").value.startswith("Microsoft")
    at.slider(key="lookback").set_value(20)
    train(at)  # the form submits its sliders with the button
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
    assert price_column(at).value == "Adj Close"


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
    train(at)
    assert not at.exception
    for metric in ("80% band held the price (day 1)", "Error 10 days ahead"):
        assert metric in [item.label for item in at.metric]
    at.number_input(key="seed").set_value(7)
    train(at)
    assert not at.exception
    runs = at.session_state["forecast_runs"]
    assert [run["label"] for run in runs] == ["Run 1", "Run 2"]
    # runs compare on validation loss; the test scores come with a caution
    history = next(table.value for table in at.table if "Validation loss" in table.value.columns)
    assert list(history.index) == ["Run 1", "Run 2"]
    assert history["Validation loss"].str.endswith("(lowest)").sum() == 1
    assert any(forecast_report.HISTORY_CAUTION in caption.value for caption in at.caption)
    at.multiselect(key="overlay_runs").select("Run 1").run()
    assert not at.exception
    specs = [chart.proto.spec for chart in at.get("plotly_chart")]
    figure = next(spec for spec in specs if "LSTM prediction" in spec)
    assert "Run 1 prediction" in figure and "Uncertainty band" in figure
    at.button(key="clear_history").click().run()
    assert not at.exception
    assert at.session_state["forecast_runs"] == []
    assert "forecast_result" in at.session_state


def walk_settings(epochs: int) -> dict:
    return {
        "data": "walk.csv", "column": "Close", "lookback": 10, "epochs": epochs, "units": 4,
        "layers": 1, "horizon": 10, "test_share": 0.2, "seed": 42,
    }  # fmt: skip


def test_stop_ends_the_job_and_keeps_its_best_epoch():
    """What a Stop click does: the job's stop is set, it ends, and the page keeps its best epoch."""
    series = prices.load_prices(walk_csv()).series
    job = jobs.submit(forecast_report.train_run, series, walk_settings(100))
    deadline = time.monotonic() + TIMEOUT
    while not any(isinstance(item, EpochReport) for item in job.progress()):
        assert time.monotonic() < deadline and not job.done(), "no epoch finished"
        time.sleep(0.2)
    job.stop()  # what the Stop button's callback does
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    at.session_state["forecast_job"] = job
    at.run()  # the panel follows the job to its end, then the rerun collects it
    assert not at.exception and not at.error
    assert "forecast_job" not in at.session_state
    model = at.session_state["forecast_result"]["model"]
    assert model.stopped_ and model.epochs_run_ < 100
    assert any(f"stopped after {model.epochs_run_} of 100 epochs" in i.value for i in at.info)
    assert at.session_state["forecast_runs"][0]["stopped"]
    # every step after the epochs was reported to the progress panel as it started
    phases = [item.label for item in job.progress() if isinstance(item, PhaseReport)]
    assert phases == [
        "Scoring the test days",
        "Checking the forecast 10 days ahead",
        "Replaying the training days",
    ]


def test_test_share_reads_as_a_percentage():
    at = open_page()
    share = at.select_slider(key="test_share")
    assert share.value == 0.2 and "20%" in share.options and "0.2" not in share.options


def test_a_new_training_stops_the_running_one():
    first = jobs.submit(
        forecast_report.train_run, prices.load_prices(walk_csv()).series, walk_settings(100)
    )
    at = open_page()
    at.session_state["forecast_job"] = first
    train(quick_settings(at))
    assert first.stopping() and first.wait(TIMEOUT)
    runs = at.session_state["forecast_runs"]
    assert len(runs) == 1 and runs[0]["settings"]["epochs"] == 1


def test_each_upload_starts_on_its_own_best_column():
    at = open_page()
    at.selectbox(key="sample").set_value(at.selectbox(key="sample").options[0]).run()
    price_column(at).set_value("Open").run()
    yahoo = b"Date,Open,High,Low,Close,Adj Close,Volume\n" + b"".join(
        f"2024-01-{day:02d},{day}.5,{day}.9,{day}.1,{day}.4,{day}.3,1000\n".encode()
        for day in range(1, 29)
    )
    at = upload(at, "yahoo.csv", yahoo)
    assert price_column(at).value == "Adj Close"
    assert "Volume" not in price_column(at).options
    nasdaq = b"Date,Close/Last,Volume,Open,High,Low\n" + b"".join(
        f"01/{day:02d}/2024,${day}.4,1000,${day}.5,${day}.9,${day}.1\n".encode()
        for day in range(28, 0, -1)
    )
    at.file_uploader(key="upload").upload("nasdaq.csv", nasdaq, "text/csv").run()
    assert price_column(at).value == "Close/Last"
    assert not at.warning
    assert "column Close/Last" in at.success[0].value


def test_backtest_runs_from_the_page():
    at = quick_settings(upload(open_page(), "walk.csv", walk_csv(500)))
    at.button(key="run_backtest").click().run()
    assert not at.exception and not at.error
    assert "Folds won by the LSTM" in [metric.label for metric in at.metric]
    assert "forecast_backtest" in at.session_state
    # calibration per fold: how often each fold's band held, one day and the last day ahead
    # a static table with short names, so the Verdict and band columns fit a 1280 px page
    folds = next(table.value for table in at.table if "Band, 1st" in table.value)
    assert {"Verdict", "Band, last", "GARCH, 1st"} <= set(folds.columns)
    assert list(folds.index[:2]) == ["Fold 1", "Fold 2"]
    # the folds train with the page's Epochs setting, and the caption says that number
    epochs = at.session_state["forecast_backtest"]["settings"]["epochs"]
    result = at.session_state["forecast_backtest"]["result"]
    assert all(fold.epochs_run <= epochs for fold in result.folds)
    note = f"Each fold trained up to {epochs} epoch{'s' if epochs != 1 else ''};"
    assert any(note in caption.value for caption in at.caption)
    assert "fold by fold" in at.session_state["forecast_backtest"]["result"].reading


@pytest.fixture(scope="module")
def small_result():
    settings = tiny_settings()
    result = forecast_report.train_run(
        random_walk_prices(), settings, lambda _: None, lambda: False
    )
    return {**result, "label": "Run 1", "status": "Run 1: trained"}


def _render_result(result):
    from ui import forecast as ui_forecast

    ui_forecast.render_result(result, result["settings"])


@pytest.mark.parametrize(
    "label, box",
    [("no detectable difference", "info"), ("better", "success"), ("worse", "warning")],
)
def test_headline_is_green_only_for_a_significant_win(small_result, label, box):
    tested = Verdict(label, 0.5 if label.startswith("no") else 0.01, TEST_NAME, 1.0, 100)
    evaluation = dataclasses.replace(
        small_result["evaluation"], verdict=tested, reading="the headline"
    )
    at = AppTest.from_function(
        _render_result, args=({**small_result, "evaluation": evaluation},), default_timeout=120
    )
    at.run()
    assert not at.exception
    boxes = alert_texts(at)
    assert "the headline" in boxes[box]
    assert all("the headline" not in values for kind, values in boxes.items() if kind != box)
    # the page says where the forecast beyond the last date comes from
    assert any("retrained on all days" in caption.value for caption in at.caption)
