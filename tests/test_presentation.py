"""Presentation-mode text and chart styles, diagrams on phones, and the new glossary terms."""

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from core import diagrams, explain, glossary
from core.forecast import charts, presentation

SETTINGS = {
    "data": "S&P 500 index, 1999–2018 (Yahoo format)",
    "column": "Adj Close",
    "lookback": 60,
    "epochs": 20,
    "units": 32,
    "layers": 2,
    "horizon": 10,
    "test_share": 0.2,
    "seed": 42,
}
NEW_TERMS = ["TF-IDF", "MAE", "signal kept", "band"]


def test_title_line_names_the_data_and_every_setting():
    line = presentation.title_line(SETTINGS)
    assert line == (
        "S&P 500 index, 1999–2018 (Yahoo format) · Adj Close · lookback 60 days · up to 20 "
        "epochs · 2 LSTM layers of 32 units · 10-day forecast · newest 20% held out for testing "
        "· seed 42"
    )
    single = presentation.title_line(SETTINGS | {"epochs": 1, "layers": 1, "units": 8})
    assert "up to 1 epoch ·" in single and "1 LSTM layer of 8 units" in single


def prediction_figure():
    dates = pd.bdate_range("2024-01-01", periods=40)
    history = pd.Series(range(100, 140), index=dates, dtype=float, name="Close")
    test = pd.DataFrame(
        {"actual": history[30:], "lstm": history[30:] + 1, "persistence": history[29:-1].values},
        index=dates[30:],
    )
    return charts.predictions(history, test, window_days=400)


def all_font_sizes(figure) -> list[float]:
    layout = figure.layout
    sizes = [layout.font.size, layout.title.font.size, layout.legend.font.size]
    for axis in (layout.xaxis, layout.yaxis):
        sizes += [axis.tickfont.size, axis.title.font.size]
    sizes += [annotation.font.size for annotation in layout.annotations]
    return sizes


def test_enlarge_sets_every_chart_text_to_at_least_18_px():
    figure = prediction_figure()
    assert min(size or 12 for size in all_font_sizes(figure)) < 18  # before: theme sizes
    enlarged = charts.enlarge(prediction_figure())
    assert all(size is not None and size >= 18 for size in all_font_sizes(enlarged))
    assert enlarged.layout.height > figure.layout.height


def test_prediction_and_actual_differ_in_colour_and_dash():
    lines = {trace.name: trace.line for trace in prediction_figure().data}
    lstm, actual, baseline = lines["LSTM prediction"], lines["Actual"], lines["Tomorrow = today"]
    assert len({lstm.color, actual.color, baseline.color}) == 3
    assert len({lstm.dash or "solid", actual.dash or "solid", baseline.dash or "solid"}) == 3


def test_long_window_diagram_fits_a_phone():
    dates = pd.bdate_range("2024-01-01", periods=60)
    steps = pd.DataFrame(
        {
            "date": dates,
            "price": [2500.0 + i for i in range(60)],
            "predicts_date": dates + pd.offsets.BDay(1),
            "predicted_next": [2501.0 + i for i in range(60)],
        }
    )
    figure = explain.forecast_window_diagram(steps)
    assert figure.layout.meta["steps"] == 60
    assert figure.layout.meta["drawn"] <= 7  # about 40 px per step at 390 px
    texts = [annotation.text for annotation in figure.layout.annotations if annotation.text]
    assert max(len(text) for text in texts if "<br>" not in text) <= diagrams.LABEL_CHARS


def test_new_glossary_terms_have_entries():
    text = glossary.glossary_markdown(NEW_TERMS)
    for term in NEW_TERMS:
        assert f"**{term}**" in text


@pytest.mark.parametrize(
    ("page", "terms"),
    [
        ("app_pages/forecast.py", ["MAE", "signal kept", "band"]),
        ("app_pages/sentiment.py", ["TF-IDF"]),
    ],
)
def test_pages_list_the_new_terms_in_their_glossary(page, terms):
    at = AppTest.from_file("../app.py", default_timeout=120)
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception
    shown = " ".join(markdown.value for markdown in at.markdown)
    for term in terms:
        assert f"**{term}**: {glossary.GLOSSARY[term]}" in shown
