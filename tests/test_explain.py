"""Plain-words explanations: glossary, layer descriptions with real sizes, diagrams."""

import numpy as np
import pandas as pd
import pytest

from core import explain
from core.forecast import Forecaster


def test_glossary_covers_the_terms_on_screen():
    for term in ("epoch", "lookback", "validation", "persistence baseline", "RMSE", "AUC"):
        assert term in explain.GLOSSARY
        assert explain.GLOSSARY[term].endswith(".")
    assert explain.glossary_markdown(["RMSE"]).startswith("- **RMSE**:")
    with pytest.raises(ValueError, match="No glossary entry for vibes"):
        explain.glossary_markdown(["vibes"])


@pytest.fixture(scope="module")
def fitted():
    rng = np.random.default_rng(2)
    index = pd.bdate_range("2019-01-01", periods=300, name="date")
    prices = pd.Series(100 * np.exp(np.cumsum(rng.normal(0, 0.01, 300))), index=index)
    return Forecaster(lookback=12, epochs=1, units=8).fit(prices)


def test_forecaster_layers_in_plain_words_with_real_parameter_counts(fitted):
    rows = explain.describe_model(fitted.model_)
    assert [row.layer for row in rows] == ["LSTM", "Dense"]
    assert rows[0].size == "8 units"
    assert "Keeps 8 numbers of memory" in rows[0].reading
    assert "at every step" in rows[1].reading
    assert sum(row.parameters for row in rows) == fitted.model_.count_params()
    table = explain.layers_table(rows)
    assert list(table.columns) == ["Layer", "Size", "Learned numbers", "What it does"]


def test_forecast_window_diagram_has_one_step_per_lookback_day(fitted):
    steps = fitted.latest_window_steps()
    figure = explain.forecast_window_diagram(steps)
    assert figure.layout.meta["steps"] == fitted.lookback == len(steps)


def test_review_diagram_and_truncation_note():
    figure = explain.review_diagram(["not", "bad", "at", "all"], 0.87)
    assert figure.layout.meta["steps"] == 4
    assert any(a.text == "87% positive" for a in figure.layout.annotations)
    assert explain.truncation_note(412, 300, "last") == (
        "Your review had 412 words; the model read the last 300 and skipped the rest."
    )
    assert "read all of them" in explain.truncation_note(12, 12)
    with pytest.raises(ValueError, match="no words"):
        explain.review_diagram([], 0.5)


def test_review_diagram_with_readings_shows_one_per_step_and_the_total():
    figure = explain.review_diagram(["not", "bad", "at", "all"], 0.61, [-0.5, 0.9, 0.1, -0.05])
    texts = [a.text for a in figure.layout.annotations]
    assert figure.layout.meta["steps"] == 4
    assert {"-0.50", "+0.90", "+0.10", "-0.05"} <= set(texts)
    assert "61% positive" in figure.layout.title.text
    with pytest.raises(ValueError, match="must match"):
        explain.review_diagram(["a", "b"], 0.5, [0.1])


def test_readings_summary_names_the_total_and_the_biggest_pushes():
    text = explain.readings_summary(["not", "bad", "at", "all"], [-0.5, 0.9, 0.1, -0.05], 0.2, 0.66)
    assert "4 words" in text and "+0.45" in text and "+0.20" in text and "66%" in text
    assert "highest readings came after “bad” (+0.90) and “at” (+0.10)" in text
    assert "lowest after “not” (-0.50) and “all” (-0.05)." in text
