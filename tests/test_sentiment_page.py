"""AppTest of the sentiment page: scoring, examples, batch upload, bad CSV, model card."""

import json

import pytest
from streamlit.testing.v1 import AppTest

from core.sentiment import load_model

TIMEOUT = 120


@pytest.fixture
def page():
    at = AppTest.from_file("../app.py", default_timeout=TIMEOUT)
    at.run()
    at.switch_page("app_pages/sentiment.py")
    at.run()
    assert not at.exception
    return at


def texts_of(elements) -> str:
    return " ".join(str(element.value) for element in elements)


def test_empty_input_shows_a_hint_and_the_tabs(page):
    assert [tab.label for tab in page.tabs] == ["Score", "Batch", "Model card", "Train your own"]
    assert "Type a review above" in texts_of(page.info)


def test_typing_a_review_scores_it(page):
    page.text_area(key="review").input("A wonderful, moving film with superb acting.").run()
    assert not page.exception
    assert any(header.value.startswith("Positive") for header in page.subheader)
    assert "chance that the writer liked the film" in texts_of(page.markdown)


def test_example_click_fills_and_scores(page):
    page.button(key="example_Clearly negative").click().run()
    assert not page.exception
    assert page.text_area(key="review").value.startswith("A complete waste")
    assert any(header.value.startswith("Negative") for header in page.subheader)
    assert "The writer meant this as negative, and the model read it that way." in texts_of(
        page.caption
    )


def test_script_tags_in_a_review_are_shown_as_text(page):
    page.text_area(key="review").input("<script>alert('x')</script> great film").run()
    html = texts_of(page.markdown)
    assert "&lt;script&gt;" in html and "<script>" not in html


def test_many_reviews_one_per_line(page):
    page.toggle(key="many").set_value(True)
    page.text_area(key="review").input("Loved it, brilliant.\nHated it, awful.").run()
    assert not page.exception
    assert "1 of 2 reviews (50%) read as positive" in texts_of(page.markdown)


def test_batch_upload_scores_the_chosen_column(page):
    csv = b"id,review\n1,A superb film.\n2,Dreadful and boring.\n3,=cmd()\n"
    page.file_uploader(key="batch_csv").set_value(("reviews.csv", csv, "text/csv")).run()
    assert not page.exception
    assert page.selectbox(key="batch_column").value == "review"
    assert "of 3 reviews" in texts_of(page.markdown)
    assert len(page.download_button) == 1


def test_a_labelled_batch_is_checked_against_its_labels(page):
    csv = (
        b"review,sentiment\n"
        b"A superb film with a wonderful cast.,pos\n"
        b"Dreadful and boring from start to finish.,neg\n"
        b"I loved every minute of this beautiful story.,positive\n"
    )
    page.file_uploader(key="batch_csv").set_value(("labelled.csv", csv, "text/csv")).run()
    assert not page.exception
    checked = next(metric for metric in page.metric if metric.label == "Accuracy on your labels")
    assert checked.value.endswith("%")
    assert "Of your 3 labelled reviews (column 'sentiment')" in texts_of(page.caption)


def test_a_batch_with_unusable_labels_still_scores_and_says_why(page):
    csv = b"review,label\nGreat.,maybe\nAwful.,no idea\n"
    page.file_uploader(key="batch_csv").set_value(("odd.csv", csv, "text/csv")).run()
    assert not page.exception
    assert "of 2 reviews" in texts_of(page.markdown)
    assert "Column 'label' was not used to check the scores" in texts_of(page.caption)
    assert not any(metric.label == "Accuracy on your labels" for metric in page.metric)


def test_bad_csv_shows_an_error_not_a_traceback(page):
    page.file_uploader(key="batch_csv").set_value(("empty.csv", b"review\n", "text/csv")).run()
    assert not page.exception
    assert "no rows" in texts_of(page.error)


def test_model_card_shows_both_models_with_readings(page):
    text = texts_of(page.markdown) + texts_of(page.caption)
    assert "TF-IDF baseline" in text and "never saw while training" in text
    assert len(page.metric) >= 4


def test_train_your_own_on_a_small_bundled_sample(page):
    page.slider(key="train_size").set_value(200)
    page.slider(key="train_vocab").set_value(1_000)
    page.slider(key="train_seq").set_value(30)
    page.slider(key="train_units").set_value(4)
    page.slider(key="train_epochs").set_value(1)
    page.checkbox(key="train_ngrams").uncheck()
    page.button(key="train_button").click().run()
    assert not page.exception and not page.error
    assert any(metric.label.startswith("Accuracy on your reviews") for metric in page.metric)
    assert page.toggle(key="use_session_model").value is True
    assert "your model trained in this session" in texts_of(page.caption)


def test_bad_training_csv_shows_an_error(page):
    page.radio(key="train_source").set_value("My labelled CSV (text + label)").run()
    csv = b"text,label\ngood film,maybe\nbad film,0\n"
    page.file_uploader(key="train_csv").set_value(("labels.csv", csv, "text/csv"))
    page.button(key="train_button").click().run()
    assert not page.exception
    assert "not labels: 'maybe'" in texts_of(page.error)


def test_what_the_lstm_read_has_one_step_per_word_it_read(page):
    review = " ".join(["a truly wonderful film"] * 200)  # 800 words: more than the model reads
    page.text_area(key="review").input(review).run()
    assert not page.exception
    spec = next(
        json.loads(chart.proto.spec)
        for chart in page.get("plotly_chart")
        if "steps" in json.loads(chart.proto.spec).get("layout", {}).get("meta", {})
    )
    total, words, kept = load_model().words_read(review)
    assert total == 800 and len(words) < total
    assert spec["layout"]["meta"]["steps"] == len(words)
    note = f"Your review had 800 words; the model read the {kept} {len(words)}"
    assert note in texts_of(page.caption)
