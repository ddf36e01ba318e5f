"""Rendering for the sentiment page: scores, the LSTM's steps, batch results, the model card."""

import pandas as pd
import streamlit as st

from core import explain as explain_model
from core import text_charts
from core.sentiment import (
    card,
    comparison_reading,
    explain,
    highlight_html,
    label_of,
    prepare_review,
    reading_of,
    score_table,
    share_reading,
)
from core.sentiment import data as reviews
from ui import explain as ui_explain


def show_one(model, text: str, key: str) -> None:
    """Score one review: label, probability bar, reading, highlighted words and its steps."""
    prepared = prepare_review(text)
    for notice in prepared.notices:
        st.warning(notice)
    explanation = explain(model, prepared.text)
    probability = explanation.probability
    st.subheader(f"{label_of(probability).capitalize()} · {probability:.0%}")
    st.plotly_chart(text_charts.probability_bar(probability), key=f"bar_{key}")
    st.write(reading_of(probability))
    verdict = card.example_verdict(prepared.text, probability)
    if verdict:
        st.caption(verdict)
    st.markdown("**Which words moved the score**")
    st.markdown(highlight_html(explanation), unsafe_allow_html=True)
    st.caption(
        "Green words pushed the score towards positive, red towards negative: each word was "
        "removed once and the review scored again; the darker, the bigger the change."
    )
    if key == "review":
        show_steps(model, prepared.text, probability)


def show_steps(model, text: str, probability: float) -> None:
    """The words the LSTM read as an unrolled diagram, with its reading at each word."""
    readings = model.readings(text)
    if readings is None or not readings.words:
        return
    words, values = readings.words, list(readings.readings)
    with st.expander("What the LSTM read, step by step"):
        st.plotly_chart(explain_model.review_diagram(words, probability, values), key="steps")
        st.caption(
            explain_model.truncation_note(readings.total_words, len(words), readings.keep)
            + " [UNK] marks a word the model never learned."
        )
        st.write(explain_model.readings_summary(words, values, readings.bias, probability))
        st.plotly_chart(
            text_charts.running_score(words, readings.running_probability()), key="running"
        )
        st.caption(
            "The running total of the readings, as a chance of positive, after each word; the "
            "last point is the score above. Where the line climbs, the words just read pushed "
            "the review towards positive."
        )


def show_many(model, texts: list[str]) -> None:
    """One row per review: label and chance positive, with the share that read positive."""
    prepared, probabilities = score_table(model, texts)
    table = pd.DataFrame(
        {
            "review": texts,
            "label": [label_of(p) for p in probabilities],
            "chance positive": [f"{p:.0%}" for p in probabilities],
        }
    )
    st.dataframe(table, hide_index=True, key="many_table")
    st.write(share_reading(probabilities))
    if any(not review.looks_english for review in prepared):
        st.warning("Some lines do not look like English; their scores are guesses.")


def show_comparison(model, first: tuple, second: tuple) -> None:
    """Two versions side by side; each of ``first`` and ``second`` is (column, text)."""
    (left, first_text), (right, second_text) = first, second
    with left:
        show_one(model, first_text, "version_a")
    with right:
        show_one(model, second_text, "version_b")
    first_p, second_p = model.predict_proba([first_text, second_text])
    st.write(comparison_reading(float(first_p), float(second_p)))


def show_batch(frame: pd.DataFrame, probabilities) -> None:
    """The scored table, its reading, a histogram and the CSV download."""
    scored = frame.assign(
        p_positive=probabilities.round(4), label=[label_of(p) for p in probabilities]
    )
    st.write(share_reading(probabilities))
    st.dataframe(scored, hide_index=True, key="batch_table")
    st.plotly_chart(text_charts.score_histogram(probabilities), key="batch_histogram")
    st.caption(
        "p_positive is the chance (0 to 1) that a review is positive. Bars near 0 % or "
        "100 % are reviews the model is sure about; bars near 50 % the ones it finds hard."
    )
    download = reviews.safe_for_spreadsheets(scored).to_csv(index=False).encode()
    st.download_button(
        "Download scores as CSV",
        download,
        file_name="review_scores.csv",
        mime="text/csv",
        key="batch_download",
    )


def show_batch_check(metrics: dict, label_column: str) -> None:
    """How the scores compare with the labels the upload already had."""
    st.subheader("Checked against your labels")
    n, accuracy = metrics["n"], metrics["accuracy"]
    wrong = round((1 - accuracy) * n)
    left, middle, right = st.columns(3)
    left.metric("Accuracy on your labels", f"{accuracy:.1%}")
    left.caption(
        f"Of your {n:,} labelled reviews (column {label_column!r}), the model agreed with "
        f"{n - wrong:,} and disagreed with {wrong:,} ({card.one_in(1 - accuracy)})."
    )
    if metrics["roc_auc"] is not None:
        middle.metric("ROC AUC", f"{metrics['roc_auc']:.3f}")
        middle.caption(card.auc_reading(metrics["roc_auc"]))
    else:
        middle.caption("ROC AUC needs both positive and negative labels; this file has one kind.")
    right.plotly_chart(
        text_charts.confusion_matrix_figure(metrics["confusion_matrix"], "Your reviews"),
        key="batch_confusion",
    )
    right.caption(card.confusion_reading(metrics["confusion_matrix"]))
    st.caption(
        "If these reviews come from the IMDB training data the model learned from, this "
        "flatters it; reviews it never saw give the honest number."
    )


def model_card(model, metrics: dict) -> None:
    """Held-out numbers of the shipped model beside the baseline and the literature."""
    ours, baseline = metrics["held_out"], metrics["baseline"]
    n = ours["n"]
    st.write(card.comparison_reading(ours["accuracy"], baseline["accuracy"], n))
    for name, result in (("Shipped LSTM", ours), ("TF-IDF baseline", baseline)):
        st.markdown(f"**{name}**")
        left, middle, right = st.columns(3)
        left.metric("Accuracy", f"{result['accuracy']:.1%}")
        left.caption(card.accuracy_reading(result["accuracy"], n))
        middle.metric("ROC AUC", f"{result['roc_auc']:.3f}")
        middle.caption(card.auc_reading(result["roc_auc"]))
        right.plotly_chart(
            text_charts.confusion_matrix_figure(result["confusion_matrix"], name),
            key=f"confusion_{name}",
        )
        right.caption(card.confusion_reading(result["confusion_matrix"]))
    contribution = card.lstm_contribution_reading(metrics)
    if contribution:
        st.write(contribution)
    st.plotly_chart(
        text_charts.accuracy_comparison(card.comparison_rows(metrics)), key="comparison"
    )
    for anchor in card.LITERATURE:
        st.markdown(f"- **{anchor.name}: {anchor.accuracy:.1%}.** {anchor.reading}")
    with st.expander("The model layer by layer"):
        ui_explain.layers(model.model_, key="layers")
        st.caption(card.ARCHITECTURE_NOTE)
        st.markdown(explain_model.glossary_markdown(["accuracy", "AUC", "TF-IDF", "validation"]))
    st.caption(
        f"Held-out: {n:,} IMDB reviews set aside by a fixed random split before training "
        f"(data fingerprint {metrics['data']['held_out_sha256'][:12]}…). They can be about films "
        "that training reviews also discuss, so expect a little less on reviews of other films. "
        "Literature numbers come from the papers' own test sets, so they are anchors, not a race "
        "on equal terms."
    )


def session_report(result: dict) -> None:
    """How the model trained in this session did on the reviews it kept aside."""
    validation = result["validation"]
    st.metric("Accuracy on your reviews kept aside", f"{validation['accuracy']:.1%}")
    st.caption(
        card.accuracy_reading(validation["accuracy"], validation["n"])
        + f" It learned from {result['n_train']:,} reviews in {result['seconds']:.0f} s."
    )
    st.plotly_chart(text_charts.training_curves(result["history"]), key="session_curves")
    st.caption(
        "If the training line keeps rising while the kept-aside line stalls, the model "
        "is memorising instead of learning."
    )
