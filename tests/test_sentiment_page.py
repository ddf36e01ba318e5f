"""AppTest of the sentiment page: scoring, examples, batch upload, bad CSV, model card."""

import json

import pytest
from streamlit.testing.v1 import AppTest

from core.sentiment import load_metrics, load_model

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


def test_a_rerun_does_not_score_the_same_review_again(page, monkeypatch):
    import ui.sentiment

    calls = []
    real = ui.sentiment.word_contributions

    def counted(model, text):
        calls.append(text)
        return real(model, text)

    monkeypatch.setattr(ui.sentiment, "word_contributions", counted)
    review = "A rerun should not score this slightly unusual review a second time."
    page.text_area(key="review").input(review).run()
    assert calls == [review]
    page.toggle(key="many").set_value(False).run()  # any widget change reruns the page
    page.button(key="score").click().run()
    assert not page.exception and calls == [review]
    assert any(header.value.startswith(("Positive", "Negative")) for header in page.subheader)


def test_cached_scores_are_kept_apart_per_model():
    import ui.sentiment

    class Model:
        pass

    first, second = Model(), Model()
    assert ui.sentiment.model_tag(first) == ui.sentiment.model_tag(first)
    assert ui.sentiment.model_tag(first) != ui.sentiment.model_tag(second)


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
    assert not texts_of(page.warning)


def test_many_reviews_name_the_lines_that_are_not_english(page):
    page.toggle(key="many").set_value(True)
    lines = "Loved it.\nDer Film war leider sehr langweilig und viel zu lang\nГрустный фильм"
    page.text_area(key="review").input(lines).run()
    assert not page.exception
    warning = texts_of(page.warning)
    assert "Lines 2 (“Der Film war leider sehr lang…”) and 3 (“Грустный фильм”) do not" in warning


def test_an_empty_compare_box_keeps_the_other_result_and_says_so(page):
    page.text_area(key="version_b").input("").run()
    assert not page.exception
    assert "Version B is empty" in texts_of(page.info)
    assert any(header.value.startswith(("Positive", "Negative")) for header in page.subheader)
    assert "Version B reads" not in texts_of(page.markdown)


def test_unknown_word_note_only_when_the_review_has_one(page):
    page.text_area(key="review").input("A wonderful film, I loved the acting.").run()
    assert "[UNK]" not in texts_of(page.caption)
    page.text_area(key="review").input("A wonderful zzqxvbl film, I loved it.").run()
    assert "[UNK] marks a word the model never learned (one word" in texts_of(page.caption)


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
    assert "Column 'label' was not used to check the scores" in texts_of(page.warning)
    assert not any(metric.label == "Accuracy on your labels" for metric in page.metric)


def batch_table(page):
    return next(frame.value for frame in page.dataframe if "p_positive" in frame.value.columns)


def test_batch_scores_go_beside_the_users_columns_never_over_them(page):
    csv = b"text,label,p_positive\nA superb film.,0,x\nDreadful and boring.,1,y\n"
    page.file_uploader(key="batch_csv").set_value(("labelled.csv", csv, "text/csv")).run()
    assert not page.exception
    table = batch_table(page)
    assert list(table.columns) == ["text", "label", "p_positive", "p_positive_2", "predicted_label"]
    assert table["label"].tolist() == ["0", "1"] and table["p_positive"].tolist() == ["x", "y"]
    assert table["predicted_label"].tolist() == ["positive", "negative"]
    assert "Scored with the shipped model" in texts_of(page.caption)


def test_blank_labels_are_skipped_and_counted_not_the_whole_check(page):
    csv = (
        b"review,label\n"
        b"A superb film with a wonderful cast.,1\n"
        b"Dreadful and boring from start to finish.,\n"
        b"I loved every minute of this beautiful story.,1\n"
        b"Awful acting and a stupid plot.,0\n"
    )
    page.file_uploader(key="batch_csv").set_value(("blank.csv", csv, "text/csv")).run()
    assert not page.exception
    assert any(metric.label == "Accuracy on your labels" for metric in page.metric)
    assert "Of your 3 labelled reviews (column 'label')" in texts_of(page.caption)
    assert "1 row with no label in 'label' was left out of this check." in texts_of(page.info)


def test_rows_without_review_text_are_left_unscored_and_named(page):
    csv = (
        b"review,label\n"
        b"A superb film with a wonderful cast.,1\n"
        b",0\n"
        b"Dreadful and boring from start to finish.,0\n"
        b"   ,1\n"
    )
    page.file_uploader(key="batch_csv").set_value(("gaps.csv", csv, "text/csv")).run()
    assert not page.exception
    table = batch_table(page)
    assert table["label"].tolist() == ["1", "0", "0", "1"]  # the user's labels, untouched
    assert table["p_positive"].isna().tolist() == [False, True, False, True]
    assert table["predicted_label"].tolist() == ["positive", "", "negative", ""]
    assert "2 rows (2, 4) have no text in column 'review'" in texts_of(page.info)
    assert "of 2 reviews" in texts_of(page.markdown)
    assert "Of your 2 labelled reviews (column 'label')" in texts_of(page.caption)


def test_a_column_of_numbers_gets_a_warning(page):
    csv = b"id,review\n1,A superb film.\n2,Dreadful and boring.\n3,Fine.\n"
    page.file_uploader(key="batch_csv").set_value(("ids.csv", csv, "text/csv")).run()
    assert not texts_of(page.warning)
    page.selectbox(key="batch_column").set_value("id").run()
    assert not page.exception
    assert "Column 'id' holds numbers (3 of its 3 filled cells)" in texts_of(page.warning)


def test_bad_csv_shows_an_error_not_a_traceback(page):
    page.file_uploader(key="batch_csv").set_value(("empty.csv", b"review\n", "text/csv")).run()
    assert not page.exception
    assert "no rows" in texts_of(page.error)


def test_model_card_shows_both_models_with_readings(page):
    text = texts_of(page.markdown) + texts_of(page.caption)
    assert "TF-IDF baseline" in text and "never saw while training" in text
    assert "95 % confidence interval" in text
    assert "McNemar test, p = " in text and "where the two disagree" in text
    assert len(page.metric) >= 4
    assert "This is the model scoring the Score and Batch tabs." in texts_of(page.caption)
    layers = page.table[0].value
    assert "What it does" in layers.columns
    assert layers["Learned numbers"].sum() == load_model().model_.count_params()


def test_model_card_shows_sst2_the_behavioural_suite_and_the_ablations(page):
    from core.sentiment import card, load_metrics

    metrics = load_metrics()
    recorded = metrics["behaviour"]
    text = texts_of(page.markdown) + texts_of(page.caption)
    assert f"{metrics['sst2_test']['n']:,} one-sentence reviews" in text
    assert "Published models built for this test reach" in text
    assert "LSTM (Tai et al. 2015): 84.9%" in text
    tables = {tuple(frame.value.columns): frame.value for frame in page.dataframe}
    behaviour = next(value for columns, value in tables.items() if "What changes" in columns)
    assert list(behaviour.columns) == [
        "What changes", "Counted", "Shipped LSTM", "Bag of words", "TF-IDF + LR"
    ]  # fmt: skip
    assert len(behaviour) == len(recorded["categories"])
    contrast = behaviour[behaviour["What changes"] == card.BEHAVIOUR_LABELS["contrast"]]
    assert contrast["Shipped LSTM"].item() == card.rate_text(
        recorded["categories"]["contrast"]["pairs_both_right"]
    )
    pairs = recorded["overall"]["pairs_both_right"]["share"]
    assert ("met the 75% target" if pairs >= 0.75 else "missed the 75% target") in text
    assert "can never get both right" in text
    ablations = next(value for columns, value in tables.items() if "Test set" in columns)
    assert len(ablations) == 4
    assert set(ablations["Verdict"]) <= {"better", "worse", "no detectable difference"}
    assert "SST-2 test sentences: Of the " in text


def test_train_your_own_on_a_small_bundled_sample(page):
    page.slider(key="train_size").set_value(200)
    page.slider(key="train_vocab").set_value(1_000)
    page.slider(key="train_seq").set_value(30)
    page.slider(key="train_units").set_value(4)
    page.slider(key="train_epochs").set_value(1)
    page.checkbox(key="train_ngrams").uncheck()
    page.button(key="train_button").click().run()
    assert not page.exception and not page.error
    # the number shown comes from the test part: neither trained on nor used to stop training
    assert any(metric.label == "Accuracy on your test reviews" for metric in page.metric)
    report = texts_of(page.caption)
    assert "It learned from 120 of your reviews; 40 more chose its settings" in report
    assert "these 40 test reviews were set aside first and used for nothing else" in report
    assert page.toggle(key="use_session_model").value is True
    assert "your model trained in this session" in texts_of(page.caption)
    # every view says which model it shows: the card puts the session model first
    assert "Your model, trained in this session" in texts_of(page.subheader)
    assert any(metric.label == "Accuracy of your model" for metric in page.metric)
    assert "Not scoring now: your model is." in texts_of(page.caption)
    csv = b"review\nA superb film.\nDreadful and boring.\n"
    page.file_uploader(key="batch_csv").set_value(("reviews.csv", csv, "text/csv")).run()
    assert "Scored with your model trained in this session." in texts_of(page.caption)
    page.toggle(key="use_session_model").set_value(False).run()
    assert "Scored with the shipped model" in texts_of(page.caption)
    assert "This is the model scoring the Score and Batch tabs." in texts_of(page.caption)


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


def test_score_view_names_what_the_shipped_model_learned_from(page):
    shipped = load_metrics()["data"]
    captions = texts_of(page.caption)
    assert "20,000" not in captions
    assert f"{shipped['n_train_by_source']['sst_phrase']:,} Stanford Sentiment" in captions
    assert "made-up contrast and negation examples" in captions
    assert "often LSTMs too, miss negation" not in captions
    assert "double negation" in captions and "comparatives" in captions
