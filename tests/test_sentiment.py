"""core.sentiment: data handling, text helpers, the shipped model's behaviour, training, CLI."""

import dataclasses
import gzip
import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from core.paths import ROOT, SENTIMENT_MODEL_DIR
from core.sentiment import (
    MAX_CHARACTERS,
    ModelSettings,
    card,
    highlight_html,
    load_metrics,
    load_model,
    prepare_review,
    reading_of,
    split_reviews,
    word_contributions,
)
from core.sentiment import data as reviews
from core.sentiment.__main__ import main as cli
from core.sentiment.train import session_split, train_session_model

TINY = ModelSettings(
    vocabulary_size=500,
    sequence_length=30,
    embedding_dim=8,
    lstm_units=4,
    ngram_features=2_000,
    epochs=1,
)


@pytest.fixture(scope="module")
def shipped():
    return load_model()


@pytest.fixture(scope="module")
def tiny_model():
    texts, labels = reviews.bundled_subset(300)
    return train_session_model(texts, labels, TINY)


# data ------------------------------------------------------------------------------------------


def test_split_is_fixed_disjoint_and_matches_the_shipped_fingerprint():
    split = reviews.split_corpus()
    assert len(split.held_out_texts) == 2_500 and len(split.validation_texts) == 2_500
    seen = set(split.train_texts) | set(split.validation_texts)
    assert not any(text in seen for text in split.held_out_texts)
    assert split.held_out_fingerprint == load_metrics()["data"]["held_out_sha256"]
    assert split.held_out_fingerprint == reviews.split_corpus().held_out_fingerprint


@pytest.mark.parametrize(
    ("values", "expected"),
    [(["0", "1"], [0, 1]), (["neg", "POS"], [0, 1]), ([" negative", "positive "], [0, 1])],
)
def test_parse_labels_accepts_the_documented_spellings(values, expected):
    assert reviews.parse_labels(values).tolist() == expected


def test_parse_labels_names_the_bad_values():
    with pytest.raises(ValueError, match=r"not labels: 'meh'.*Use 0/1"):
        reviews.parse_labels(["pos", "meh"])


def test_read_review_csv_handles_gzip_semicolons_and_reports_bad_files():
    frame = pd.DataFrame({"review": ["good; fun", "bad"], "label": ["pos", "neg"]})
    packed = gzip.compress(frame.to_csv(index=False).encode())
    assert reviews.read_review_csv(packed).shape == (2, 2)
    assert reviews.read_review_csv(b"text;label\nnice;1\nawful;0\n").columns.tolist() == [
        "text",
        "label",
    ]
    with pytest.raises(ValueError, match="empty"):
        reviews.read_review_csv(b"")
    with pytest.raises(ValueError, match="no rows"):
        reviews.read_review_csv(b"text,label\n")


def test_labelled_reviews_needs_both_classes():
    frame = pd.DataFrame({"text": ["a", "b"], "label": ["1", "1"]})
    with pytest.raises(ValueError, match="same label"):
        reviews.labelled_reviews(frame)


def test_downloads_neutralise_spreadsheet_formulas():
    frame = pd.DataFrame({"text": ["=HYPERLINK(1)", "+1", "-2", "@x", "fine"], "p": [1] * 5})
    safe = reviews.safe_for_spreadsheets(frame)
    assert safe["text"].tolist() == ["'=HYPERLINK(1)", "'+1", "'-2", "'@x", "fine"]
    assert safe["p"].tolist() == [1] * 5


# text helpers ----------------------------------------------------------------------------------


def test_prepare_review_truncates_and_flags_non_english():
    long = prepare_review("great film " * 3_000)
    assert len(long.text) == MAX_CHARACTERS and long.truncated_from == 32_999
    assert "only the first" in long.notices[0]
    assert not prepare_review("Ce film était magnifique, je le recommande à tous").looks_english
    assert not prepare_review("这部电影非常好看").looks_english
    assert prepare_review("The film was great and I loved it").looks_english


def test_very_short_reviews_get_a_notice_that_the_score_is_tentative():
    assert any("little to go on" in note for note in prepare_review("Great!").notices)
    assert any("little to go on" in note for note in prepare_review("Loved it so").notices)
    assert prepare_review("I loved this film a lot").notices == []


def test_split_reviews():
    assert split_reviews("  ", one_per_line=False) == []
    assert split_reviews("a\n\n b \n", one_per_line=True) == ["a", " b "]
    assert split_reviews("a\nb", one_per_line=False) == ["a\nb"]


def test_reading_says_label_and_chance():
    assert reading_of(0.97).startswith("Clearly positive") and "97%" in reading_of(0.97)
    assert reading_of(0.2).startswith("Probably negative")


# the shipped model -----------------------------------------------------------------------------


def test_shipped_metrics_meet_the_target():
    # a guard against regressions of the shipped model; the targets (IMDB 91.5 %,
    # SST-2 88 %) are measured by make bench, where this model misses both
    metrics = load_metrics()
    assert metrics["held_out"]["accuracy"] >= 0.895
    assert metrics["sst2_test"]["accuracy"] >= 0.835
    assert metrics["held_out"]["accuracy"] > metrics["baseline"]["accuracy"]
    assert metrics["dev_pairs"]["pairs_both_right"] >= 0.6
    assert (SENTIMENT_MODEL_DIR / "sentiment.keras").stat().st_size < 20e6


def test_the_shipped_model_reproduces_its_recorded_held_out_numbers(shipped):
    """sentiment.keras itself, re-scored on the held-out split, gives metrics.json's numbers
    (about 6 s on 2 busy cores, so not marked slow)."""
    from core.sentiment.metrics import classification_metrics

    split = reviews.split_corpus()
    recorded = load_metrics()["held_out"]
    again = classification_metrics(
        split.held_out_labels, shipped.predict_proba(split.held_out_texts)
    )
    assert again["n"] == recorded["n"] == 2_500
    assert again["confusion_matrix"] == recorded["confusion_matrix"]
    assert again["accuracy"] == pytest.approx(recorded["accuracy"], abs=1e-12)
    assert again["roc_auc"] == pytest.approx(recorded["roc_auc"], abs=1e-4)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("A great film, I loved every minute of it.", 1),
        ("Brilliant acting and a beautiful story.", 1),
        ("This was a terrible, boring waste of time.", 0),
        ("The worst movie I have ever seen.", 0),
    ],
)
def test_minimum_functionality(shipped, text, label):
    assert int(shipped.predict_proba([text])[0] >= 0.5) == label


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Tom Hanks was wonderful in this film.", "Meryl Streep was wonderful in this film."),
        ("An awful film. Avoid it!", "An awful film, avoid it"),
        ("I loved this movie!!!", "I loved this movie."),
    ],
)
def test_invariance_to_names_and_punctuation(shipped, first, second):
    scores = shipped.predict_proba([first, second])
    assert (scores[0] >= 0.5) == (scores[1] >= 0.5)


def test_directional_adding_terrible_lowers_the_score(shipped):
    base = "The story was fine and the actors did their job."
    scores = shipped.predict_proba([base, base + " The ending was terrible."])
    assert scores[1] < scores[0]


def test_predict_proba_shapes_and_order(shipped):
    texts = ["great"] * 3 + ["awful film " * 50] * 300 + [""]
    scores = shipped.predict_proba(texts)
    assert scores.shape == (304,) and np.all((scores >= 0) & (scores <= 1))
    assert np.allclose(scores[1:3], scores[0]) and np.allclose(scores[3:303], scores[3])
    assert shipped.predict_proba([]).shape == (0,)


def test_explanation_by_occlusion_and_escaped_html(shipped):
    text = "<script>alert(1)</script> a wonderful film"
    explanation = word_contributions(shipped, text)
    assert [word.word for word in explanation.words] == [
        "<script>alert(1)</script>",
        "a",
        "wonderful",
        "film",
    ]
    top = explanation.top(1)[0]
    assert top.word == "wonderful" and top.contribution > 0
    rendered = highlight_html(explanation)
    assert "<script>" not in rendered and "&lt;script&gt;" in rendered


def test_words_read_are_the_last_words_of_a_long_review(shipped):
    length = load_metrics()["settings"]["sequence_length"]
    total, words, kept = shipped.words_read("A fine film. " * length)
    assert (total, len(words), kept, words[-1]) == (3 * length, length, "last", "film")


# training and round trip -----------------------------------------------------------------------


def test_tiny_training_run_and_save_load_round_trip(tiny_model, tmp_path):
    model, report = tiny_model
    # three parts: the test part (60) is reported, validation (60) only chose and stopped
    assert report["n_train"] == 180 and report["n_validation"] == 60 and report["test"]["n"] == 60
    assert "validation" not in report
    assert len(report["history"]["loss"]) == 1 and 0 <= report["test"]["accuracy"] <= 1
    texts = ["a fine film", "dreadful", "x" * 100]
    before = model.predict_proba(texts)
    path = model.save(tmp_path)
    again = load_model(tmp_path)
    assert path.name == "sentiment.keras"
    assert np.allclose(again.predict_proba(texts), before, atol=1e-6)


def test_session_split_is_three_disjoint_stratified_parts():
    labels = np.array([1] * 70 + [0] * 30)
    train, validation, test = session_split(labels)
    assert (len(train), len(validation), len(test)) == (60, 20, 20)
    assert len(set(train) | set(validation) | set(test)) == 100
    for part in (train, validation, test):
        assert labels[part].mean() == pytest.approx(0.7)
    again = session_split(labels)
    assert all(np.array_equal(a, b) for a, b in zip(again, (train, validation, test), strict=True))


def test_training_rejects_too_little_data():
    with pytest.raises(ValueError, match="at least 20"):
        train_session_model(["good", "bad"], [1, 0], TINY)
    with pytest.raises(ValueError, match="2 positive and 28 negative reviews.*at least 5 of each"):
        train_session_model(["a film"] * 30, [1, 1] + [0] * 28, TINY)
    with pytest.raises(ValueError, match="lstm_units is 0"):
        ModelSettings(lstm_units=0).validate()
    with pytest.raises(ValueError, match="head_dropout is 1.0"):
        ModelSettings(head_dropout=1.0).validate()


def test_load_model_explains_a_missing_folder(tmp_path):
    with pytest.raises(ValueError, match="No sentiment model"):
        load_model(tmp_path)


# command line ----------------------------------------------------------------------------------


def test_cli_score_prints_one_json_object_per_review():
    completed = subprocess.run(
        [sys.executable, "-m", "core.sentiment", "score"],
        input="A wonderful, moving film.\nDreadful and dull.\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr
    records = [json.loads(line) for line in completed.stdout.splitlines()]
    assert [record["label"] for record in records] == ["positive", "negative"]
    assert records[0]["text"] == "A wonderful, moving film."
    assert 0.5 < records[0]["p_positive"] <= 1


def test_cli_evaluate_reads_csv_gz(tmp_path, capsys, tiny_model):
    model, _ = tiny_model
    model.save(tmp_path / "model")
    frame = pd.DataFrame({"text": ["lovely film", "awful film"] * 5, "label": ["pos", "neg"] * 5})
    path = tmp_path / "reviews.csv.gz"
    frame.to_csv(path, index=False, compression="gzip")
    assert cli(["evaluate", "--csv", str(path), "--model", str(tmp_path / "model")]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["n"] == 10 and {"accuracy", "roc_auc"} <= result.keys()


def test_cli_bad_input_exits_2_with_one_line(tmp_path, capsys):
    assert cli(["evaluate", "--csv", str(tmp_path / "missing.csv")]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "does not exist" in error
    bad = tmp_path / "bad.csv"
    bad.write_text("text,label\ngood,maybe\n")
    assert cli(["evaluate", "--csv", str(bad)]) == 2
    assert "not labels: 'maybe'" in capsys.readouterr().err
    assert cli(["score", "--model", str(tmp_path), "a good film"]) == 2
    assert "No sentiment model" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        cli(["frobnicate"])
    assert exit_info.value.code == 2


def test_a_review_scores_the_same_alone_or_padded_beside_long_ones(shipped):
    review = "A gentle, funny film with a lovely cast."
    alone = shipped.predict_proba([review])[0]
    beside = shipped.predict_proba([review, "A long and winding story. " * 120])[0]
    assert abs(alone - beside) < 1e-5


def test_the_shipped_model_in_plain_words_reads_everything_through_the_lstm(shipped):
    from core import explain as explain_model

    rows = explain_model.describe_model(shipped.model_)
    names = [row.layer for row in rows]
    assert names.index("N-gram evidence") < names.index("LSTM") < names.index("Attention pool")
    assert names.count("Dense") == 2 and "Vocabulary" in names and "Keep words" in names
    readings = " ".join(row.reading for row in rows)
    assert "how positive the review reads so far" in readings
    assert "counts in the verdict" in readings
    assert sum(row.parameters for row in rows) == shipped.model_.count_params()


def test_the_lstms_readings_add_up_to_the_score(shipped):
    text = "I expected to hate it, but honestly it was not bad at all."
    readings = shipped.readings(text)
    assert readings.words[-3:] == ["bad", "at", "all"] and len(readings.readings) == 13
    score = shipped.predict_proba([text])[0]
    assert abs(readings.p_positive - score) < 1e-5
    assert abs(readings.running_probability()[-1] - score) < 1e-5


def test_readings_of_a_session_model_whose_layers_are_shared_with_training(tiny_model):
    model, _ = tiny_model
    readings = model.readings("a fine film with a dull ending")
    assert (
        abs(readings.p_positive - model.predict_proba(["a fine film with a dull ending"])[0]) < 1e-5
    )


def test_example_verdicts_say_whether_the_model_read_the_writer_right():
    from core.sentiment import card

    negation = card.EXAMPLES["Negation"]
    assert "meant this as positive, and the model read it" in card.example_verdict(negation, 0.8)
    assert "a mistake" in card.example_verdict(negation, 0.2)
    assert "genuinely mixed" in card.example_verdict(card.EXAMPLES["Mixed"], 0.3)
    assert card.example_verdict("My own review.", 0.9) is None
    assert set(card.MEANT) == set(card.EXAMPLES)


@pytest.mark.parametrize(
    "text",
    ["", "   ", "!!!", "\x00\x85\u2028", "😀" * 200, "a" * 20_000, "<br /><br />", "ok " * 900],
)
def test_odd_texts_score_read_and_explain_without_errors(shipped, text):
    score = shipped.predict_proba([text])[0]
    assert 0.0 <= score <= 1.0
    readings = shipped.readings(text)
    if readings.words:
        assert abs(readings.p_positive - score) < 1e-5
    explanation = word_contributions(shipped, text)
    assert abs(explanation.probability - score) < 1e-5


def test_labels_beside_finds_parses_or_explains():
    frame = pd.DataFrame({"text": ["a", "b"], "label": ["pos", "neg"]})
    assert reviews.labels_beside(frame, "text")[1].tolist() == [1, 0]
    assert reviews.labels_beside(frame[["text"]], "text") == (None, None, "")
    column, labels, note = reviews.labels_beside(frame.assign(label=["x", "y"]), "text")
    assert column == "label" and labels is None and "not labels" in note


def test_paired_counts_name_the_other_model_and_add_up():
    from core.sentiment.pipeline import paired_with_lstm

    labels = np.array([1, 0, 1, 0])
    counts = paired_with_lstm(labels, [0.9, 0.1, 0.2, 0.6], [0.8, 0.7, 0.9, 0.6], "baseline")
    assert counts == {
        "both_right": 1,
        "only_lstm_right": 1,
        "only_baseline_right": 1,
        "both_wrong": 1,
    }


def test_training_script_stores_paired_counts_that_match_its_accuracies(tmp_path, monkeypatch):
    from core.sentiment import pipeline, sst
    from core.sentiment.data import Split, TrainingCorpus

    texts, labels = reviews.bundled_subset(480)
    parts = [(texts[i::4], labels[i::4]) for i in range(4)]
    tiny_split = Split(
        *parts[0], *parts[1], *parts[2], held_out_fingerprint=reviews.fingerprint(*parts[2])
    )
    corpus = TrainingCorpus(
        parts[0][0], parts[0][1], np.array(["imdb"] * len(parts[0][0])), {"example": 0}
    )
    monkeypatch.setattr(pipeline, "split_corpus", lambda **_: tiny_split)
    monkeypatch.setattr(pipeline, "training_corpus", lambda split: corpus)
    # the SST sentences stand in as the last quarter (dev) and the held-out reviews (test)
    sentences = {"dev": (parts[3][0], list(parts[3][1])), "test": (parts[2][0], list(parts[2][1]))}
    monkeypatch.setattr(sst, "binary_sentences", lambda split: sentences[split])
    metrics = pipeline.train_shipped(tmp_path, TINY, log=lambda _: None)
    assert json.loads((tmp_path / "metrics.json").read_text()) == metrics
    assert metrics["held_out"]["confusion_matrix"] == metrics["sst2_test"]["confusion_matrix"]
    for part in ("held_out", "sst2_test"):
        n = metrics[part]["n"]
        lstm_right = round(metrics[part]["accuracy"] * n)
        low, high = metrics[part]["interval_95"]
        assert low <= metrics[part]["accuracy"] <= high
        for name, other in (("bag_of_ngrams", "bag_of_ngrams"), ("tfidf_lr", "baseline")):
            ablation = metrics["ablations"][name][part]
            paired = ablation[pipeline.PAIRED_KEY]
            assert paired["both_right"] + paired["only_lstm_right"] == lstm_right
            assert paired["both_right"] + paired[f"only_{other}_right"] == round(
                ablation["accuracy"] * n
            )
            assert sum(paired.values()) == n
            assert 0 <= ablation["mcnemar_p"] <= 1
    assert (
        metrics["baseline"]["accuracy"] == metrics["ablations"]["tfidf_lr"]["held_out"]["accuracy"]
    )
    assert 0 <= metrics["dev_pairs"]["pairs_both_right"] <= 1


def test_a_stopped_session_training_says_so_in_its_report():
    texts, labels = reviews.bundled_subset(200)
    settings = dataclasses.replace(TINY, epochs=2, ngram_features=0)
    _, report = train_session_model(texts, labels, settings, should_stop=lambda: True)
    assert report["stopped"] is True
    assert len(report["history"]["loss"]) == 1
    assert card.stopped_reading(report).startswith("Training was stopped after 1 of 2 epochs")
    _, finished = train_session_model(texts, labels, settings)
    assert finished["stopped"] is False and card.stopped_reading(finished) is None


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("8%", "an 8%"),
        ("11%", "an 11%"),
        ("18%", "an 18%"),
        ("80%", "an 80%"),
        ("89%", "an 89%"),
        ("800", "an 800"),
        ("8,000", "an 8,000"),
        ("11,500", "an 11,500"),
        ("1%", "a 1%"),
        ("100%", "a 100%"),
        ("110", "a 110"),
        ("180", "a 180"),
        ("90%", "a 90%"),
        ("1,800", "a 1,800"),
    ],
)
def test_with_article_uses_an_before_numbers_read_with_a_vowel(number, expected):
    from core.sentiment.text import with_article

    assert with_article(number) == expected


def test_reading_of_says_an_eighty_something_percent_chance():
    assert "gives an 89% chance" in reading_of(0.89)
    assert "gives a 97% chance" in reading_of(0.97)


def test_training_reviews_come_from_the_csv_the_bundle_or_a_message():
    from core.sentiment.data import training_reviews

    texts, labels = training_reviews(b"text,label\ngreat fun,1\ndull mess,0\n", "mine.csv")
    assert texts == ["great fun", "dull mess"] and list(labels) == [1, 0]
    texts, labels = training_reviews(None, size=40)
    assert len(texts) == 40 and sorted(set(labels.tolist())) == [0, 1]
    with pytest.raises(ValueError, match="Upload a labelled CSV first"):
        training_reviews(None)
