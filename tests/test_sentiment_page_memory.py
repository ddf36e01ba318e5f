"""AppTest of the sentiment page's "Memory at work" view and "Order matters" demo.

The page scores with the folder ``LSTM_LAB_SENTIMENT_MODEL`` names; here that is a tiny model
with the order-aware model's layers (tests/sentiment_contract.py), so the view is tested before
the shipped model has that shape.
"""

import json

import pytest
from streamlit.testing.v1 import AppTest

from core.sentiment import explain
from tests.sentiment_contract import saved_contract_model, saved_plain_model

pytestmark = pytest.mark.slow
TIMEOUT = 120
FIRST, SECOND = explain.ORDER_DEMO.values()
FIRST_NAME, SECOND_NAME = explain.ORDER_DEMO


@pytest.fixture(scope="module")
def contract_folder(tmp_path_factory):
    return saved_contract_model(tmp_path_factory.mktemp("contract_model"))


def open_page(monkeypatch, folder=None) -> AppTest:
    if folder is None:
        monkeypatch.delenv("LSTM_LAB_SENTIMENT_MODEL", raising=False)
    else:
        monkeypatch.setenv("LSTM_LAB_SENTIMENT_MODEL", str(folder))
    at = AppTest.from_file("../app.py", default_timeout=TIMEOUT)
    at.run()
    at.switch_page("app_pages/sentiment.py")
    at.run()
    assert not at.exception
    return at


def other_errors(at) -> list[str]:
    """Error boxes other than the model card's: the tiny model has no metrics.json."""
    return [error.value for error in at.error if "No metrics.json" not in error.value]


def texts_of(elements) -> str:
    return " ".join(str(element.value) for element in elements)


def chart_metas(at) -> list[dict]:
    specs = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    return [spec["layout"].get("meta", {}) for spec in specs]


def test_both_demo_buttons_show_both_scores_the_shared_words_and_the_memory(
    monkeypatch, contract_folder
):
    at = open_page(monkeypatch, contract_folder)
    at.button(key=f"order_{FIRST_NAME}").click().run()
    assert not at.exception and not other_errors(at)
    assert at.text_area(key="review").value == FIRST
    assert "Order matters" in texts_of(at.subheader)
    scores = {metric.label: metric.value for metric in at.metric}
    assert scores[f"LSTM: {FIRST_NAME} (in the box)"].endswith("% positive")
    assert scores[f"LSTM: {SECOND_NAME}"].endswith("% positive")
    assert f"“{FIRST}”" in texts_of(at.caption) and f"“{SECOND}”" in texts_of(at.caption)
    assert "a, but, finale, first, glorious, hour, is ×2, mess, the ×2" in texts_of(at.caption)
    assert "Both reviews hold exactly the same 11 words" in texts_of(at.markdown)
    assert "Memory at work" in texts_of(at.subheader)
    metas = chart_metas(at)
    assert {"words": 11} in metas  # the running score
    assert {"words": 11, "cells": 8, "view": "cell"} in metas
    assert "memory cells" in texts_of(at.markdown)  # the turning point and summary readings

    at.button(key=f"order_{SECOND_NAME}").click().run()
    assert not at.exception and at.text_area(key="review").value == SECOND
    assert f"LSTM: {SECOND_NAME} (in the box)" in [metric.label for metric in at.metric]
    assert "Memory at work" in texts_of(at.subheader)


def test_the_memory_view_switches_to_the_forget_gate_and_lists_every_word(
    monkeypatch, contract_folder
):
    at = open_page(monkeypatch, contract_folder)
    at.text_area(key="review").input("the acting is superb, but the story is dull.").run()
    assert not at.exception
    assert "Order matters" not in texts_of(at.subheader)  # only for the demo's two versions
    table = next(frame.value for frame in at.dataframe if "memory kept" in frame.value.columns)
    assert table["word"].tolist()[:2] == ["1. the", "2. acting"] and len(table) == 9
    # the step-by-step readings speak of attention, and leave the running score to this view
    assert "weighted by how much attention the model pays" in texts_of(at.markdown)
    assert sum(meta.get("words") == 9 and "cells" not in meta for meta in chart_metas(at)) == 1
    at.radio(key="memory_view").set_value("forget").run()
    assert not at.exception
    assert {"words": 9, "cells": 8, "view": "forget"} in chart_metas(at)
    assert "forget gate near 100%" in texts_of(at.caption)


def test_a_review_with_no_readable_word_shows_no_memory_view(monkeypatch, contract_folder):
    at = open_page(monkeypatch, contract_folder)
    at.text_area(key="review").input("!!! ???").run()
    assert not at.exception and "Memory at work" not in texts_of(at.subheader)


def test_a_model_without_the_attention_heads_hides_the_view_with_a_note(monkeypatch, tmp_path):
    at = open_page(monkeypatch, saved_plain_model(tmp_path))
    at.text_area(key="review").input("A wonderful film, I loved the acting.").run()
    assert not at.exception and not other_errors(at)
    assert "The memory view needs the order-aware model" in texts_of(at.caption)
    assert "Memory at work" not in texts_of(at.subheader)
