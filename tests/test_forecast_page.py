"""AppTest of the forecast page: sample, upload, training, errors."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

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
