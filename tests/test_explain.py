"""Plain-words explanations: glossary, layer descriptions with real sizes, diagrams."""

import numpy as np
import pandas as pd
import pytest

from core import explain, glossary
from core.forecast import Forecaster
from core.sentiment import explain as review_steps


def test_glossary_covers_the_terms_on_screen():
    for term in ("epoch", "lookback", "validation", "persistence baseline", "RMSE", "AUC"):
        assert term in glossary.GLOSSARY
        assert glossary.GLOSSARY[term].endswith(".")
    assert glossary.glossary_markdown(["RMSE"]).startswith("- **RMSE**:")
    with pytest.raises(ValueError, match="No glossary entry for vibes"):
        glossary.glossary_markdown(["vibes"])


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
    assert "at every step" in rows[1].reading and "how large" in rows[1].reading
    assert sum(row.parameters for row in rows) == fitted.model_.count_params()
    table = explain.layers_table(rows)
    assert list(table.columns) == ["Layer", "Size", "Learned numbers", "What it does"]


def test_forecast_window_diagram_has_one_step_per_lookback_day(fitted):
    steps = fitted.latest_window_steps()
    figure = explain.forecast_window_diagram(steps)
    assert figure.layout.meta["steps"] == fitted.lookback == len(steps)


def test_review_diagram_and_truncation_note():
    figure = review_steps.review_diagram(["not", "bad", "at", "all"], 0.87)
    assert figure.layout.meta["steps"] == 4
    assert any(a.text == "87% positive" for a in figure.layout.annotations)
    assert review_steps.truncation_note(412, 300, "last") == (
        "Your review had 412 words; the model read the last 300 and skipped the rest."
    )
    assert "read all of them" in review_steps.truncation_note(12, 12)
    with pytest.raises(ValueError, match="no words"):
        review_steps.review_diagram([], 0.5)


def test_review_diagram_with_readings_shows_one_per_step_and_the_total():
    figure = review_steps.review_diagram(["not", "bad", "at", "all"], 0.61, [-0.5, 0.9, 0.1, -0.05])
    texts = [a.text for a in figure.layout.annotations]
    assert figure.layout.meta["steps"] == 4
    assert {"-0.50", "+0.90", "+0.10", "-0.05"} <= set(texts)
    assert "61% positive" in figure.layout.title.text
    with pytest.raises(ValueError, match="must match"):
        review_steps.review_diagram(["a", "b"], 0.5, [0.1])


def test_readings_summary_names_the_total_and_the_biggest_pushes():
    text = review_steps.readings_summary(
        ["not", "bad", "at", "all"], [-0.5, 0.9, 0.1, -0.05], 0.2, 0.66
    )
    assert "4 words" in text and "+0.45" in text and "+0.20" in text and "66%" in text
    assert "highest readings came after “bad” (+0.90) and “at” (+0.10)" in text
    assert "lowest after “not” (-0.50) and “all” (-0.05)." in text


def test_shown_numbers_add_up_after_rounding():
    # -1.514 and -0.114 round to -1.51 and -0.11, but their sum -1.628 rounds to -1.63
    text = review_steps.readings_summary(["dull", "film"], [-1.0, -0.514], -0.114, 0.16)
    assert "They add up to -1.51; with the model's starting point of -0.11 that makes -1.62" in text
    readings = [0.004, 0.004, 0.004, -0.333, 0.336]
    shown = review_steps.hundredths_that_add_up(readings)
    assert sum(shown) == round(sum(readings) * 100) == 2
    assert all(
        abs(value - reading * 100) < 1 for value, reading in zip(shown, readings, strict=True)
    )
    figure = review_steps.review_diagram(["a", "b", "c", "d", "e"], 0.5, readings)
    texts = {a.text for a in figure.layout.annotations}
    assert sum(float(value) for value in review_steps.shown_readings(readings)) == pytest.approx(
        0.02
    )
    assert set(review_steps.shown_readings(readings)) <= texts


def test_shown_steps_are_the_words_the_diagram_draws():
    words = [f"w{index}" for index in range(30)]
    figure = review_steps.review_diagram(words, 0.5, [0.0] * 30)
    drawn = {a.text for a in figure.layout.annotations if a.text.startswith("w")}
    assert drawn == {words[i] for i in review_steps.shown_steps(30)}
    assert len(review_steps.shown_steps(30)) < 30 and review_steps.shown_steps(5) == [0, 1, 2, 3, 4]


def test_summary_names_only_drawn_words_and_places_a_hidden_strongest_one():
    words = [f"w{index}" for index in range(30)]
    readings = [0.1] * 30
    readings[15] = 2.0  # the strongest reading sits in the diagram's hidden middle
    readings[1] = 0.5
    text = review_steps.readings_summary(words, readings, 0.0, 0.9)
    assert "Of the steps drawn, its highest readings came after “w1” (+0.50)" in text
    hidden = 30 - len(review_steps.shown_steps(30))
    assert f"“w15” (+2.00) at word 16, is among the {hidden} steps the diagram leaves out" in text
    assert "after “w15”" not in text
    short = review_steps.readings_summary(["not", "bad"], [-0.2, 0.9], 0.0, 0.6)
    assert "leaves out" not in short and "Of the steps drawn" not in short


def test_unknown_word_note_only_when_a_word_is_unknown():
    assert review_steps.unknown_words_note(["a", "fine", "film"]) == ""
    assert review_steps.unknown_words_note(["a", "[UNK]", "film"]) == (
        "[UNK] marks a word the model never learned (one word of this review)."
    )
    assert "(2 words of this review)" in review_steps.unknown_words_note(["[UNK]", "x", "[UNK]"])


def test_vocabulary_row_says_how_many_words_are_read():
    from types import SimpleNamespace

    import keras

    capped = keras.layers.TextVectorization(max_tokens=50, output_sequence_length=20)
    every = keras.layers.TextVectorization(max_tokens=50)
    for layer in (capped, every):
        layer.adapt(["a fine film", "a dull film"])
    rows = explain.describe_model(SimpleNamespace(layers=[capped, every]))
    assert rows[0].reading.endswith("words, reading at most 20 words.")
    assert rows[1].reading.endswith("words, keeping every word.")


def test_the_attention_pooled_sentiment_model_in_plain_words():
    from tests.sentiment_contract import contract_model

    model = contract_model()
    model = getattr(model, "model_", model)
    rows = explain.describe_model(model)
    names = [row.layer for row in rows]
    assert names.index("LSTM") < names.index("Attention pool") == len(names) - 1
    heads = [row.reading for row in rows if row.layer == "Dense"]
    assert len(heads) == 2 and "score" in heads[0] and "counts in the verdict" in heads[1]
    assert not any("next day" in reading for reading in heads)
    assert sum(row.parameters for row in rows) == model.count_params()
