"""Batch scoring around the user's table: new columns beside theirs, notes on odd input."""

import numpy as np
import pandas as pd
import pytest

from core.sentiment import batch, prepare_review
from core.sentiment import data as reviews


def test_scores_are_added_beside_every_input_column():
    frame = pd.DataFrame({"text": ["good", "bad"], "label": ["0", "1"]})
    scored = batch.scored_frame(frame, np.array([0.91234, 0.1]))
    assert list(scored.columns) == ["text", "label", "p_positive", "predicted_label"]
    assert scored["label"].tolist() == ["0", "1"]  # the user's labels, untouched
    assert scored["p_positive"].tolist() == [0.9123, 0.1]
    assert scored["predicted_label"].tolist() == ["positive", "negative"]
    assert list(frame.columns) == ["text", "label"]  # the upload itself is not changed


def test_rows_without_text_are_found_and_left_unscored():
    texts = ["A fine film.", "", "  ", "Dull.", "\t", "", "Fine."]
    blank = batch.blank_rows(texts)
    assert blank.tolist() == [False, True, True, False, True, True, False]
    assert batch.blank_note(blank, "review") == (
        "4 rows (2, 3, 5 and 1 more) have no text in column 'review', so they were left "
        "unscored: their new cells are empty and they are not counted below."
    )
    assert batch.blank_note(blank[:3] & [False, True, False], "text").startswith(
        "1 row (2) has no text in column 'text', so it was left unscored"
    )
    assert batch.blank_note(np.zeros(3, dtype=bool), "review") == ""
    scored = batch.scored_frame(pd.DataFrame({"text": ["good", ""]}), [0.8, np.nan])
    assert scored["predicted_label"].tolist() == ["positive", ""]
    assert scored["p_positive"].isna().tolist() == [False, True]


def test_taken_names_get_a_number_instead_of_overwriting():
    frame = pd.DataFrame({"p_positive": ["a"], "predicted_label": ["b"], "p_positive_2": ["c"]})
    scored = batch.scored_frame(frame, [0.7])
    assert list(scored.columns[:3]) == ["p_positive", "predicted_label", "p_positive_2"]
    assert list(scored.columns[3:]) == ["p_positive_3", "predicted_label_2"]
    assert scored.iloc[0, :3].tolist() == ["a", "b", "c"]
    with pytest.raises(ValueError, match="2 scores for 1 rows"):
        batch.scored_frame(frame, [0.1, 0.2])


def test_a_column_of_numbers_is_named_in_a_warning():
    assert "holds numbers (3 of its 3 filled cells)" in batch.numbers_note(
        ["1", "2.5", "-3", ""], "id"
    )
    assert batch.numbers_note(["A fine film.", "12", "Dull."], "review") == ""
    assert batch.numbers_note(["", " "], "review") == ""


def test_lines_that_are_not_english_are_named_a_few_at_a_time():
    texts = ["A fine film.", "Грустный фильм", "Ужасно", "A dull film.", "Плохо", "Скучно"]
    note = batch.not_english_note([prepare_review(text) for text in texts])
    assert note.startswith("Lines 2 (“Грустный фильм”), 3 (“Ужасно”), 5 (“Плохо”) and 1 more")
    assert "and 1 more do not look like English" in note
    one = batch.not_english_note([prepare_review("Грустный фильм")], "Row")
    assert one.startswith("Row 1 (“Грустный фильм”) does not look like English")
    assert batch.not_english_note([prepare_review("A fine film.")]) == ""


def test_blank_labels_are_left_out_and_counted():
    frame = pd.DataFrame({"text": ["a", "b", "c", "d"], "label": ["1", " ", "0", ""]})
    column, labels, note = reviews.labels_beside(frame, "text")
    assert column == "label" and labels.tolist() == [1, reviews.NO_LABEL, 0, reviews.NO_LABEL]
    assert note == "2 rows with no label in 'label' were left out of this check."
    empty = frame.assign(label="")
    assert reviews.labels_beside(empty, "text")[1] is None
    assert "is empty" in reviews.labels_beside(empty, "text")[2]
