"""Review sentiment: score reviews with the shipped LSTM, see why, batch-score, train your own."""

import pandas as pd
import streamlit as st

from core import explain as explain_model
from core import text_charts
from core.sentiment import (
    ModelSettings,
    card,
    comparison_reading,
    explain,
    highlight_html,
    label_of,
    load_metrics,
    load_model,
    prepare_review,
    reading_of,
    score_table,
    share_reading,
    split_reviews,
    train_session_model,
)
from core.sentiment import data as reviews
from ui import explain as ui_explain

SENTIMENT_TERMS = ["LSTM", "n-gram evidence", "accuracy", "AUC", "validation", "epoch"]

st.title("Review sentiment")
st.caption(
    "A many-to-one LSTM reads a review word by word and gives one score at the end: the chance "
    "that the writer liked the film."
)


@st.cache_resource(show_spinner="Loading the trained model…")
def shipped_model():
    return load_model()


def active_model():
    if st.session_state.get("use_session_model") and "session_model" in st.session_state:
        return st.session_state["session_model"], "your model trained in this session"
    return shipped_model(), "the shipped model (trained on about 20,000 IMDB reviews)"


def show_one(model, text: str, key: str) -> None:
    prepared = prepare_review(text)
    for notice in prepared.notices:
        st.warning(notice)
    explanation = explain(model, prepared.text)
    probability = explanation.probability
    st.subheader(f"{label_of(probability).capitalize()} · {probability:.0%}")
    st.plotly_chart(text_charts.probability_bar(probability), key=f"bar_{key}")
    st.write(reading_of(probability))
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


def score_tab(model, model_name: str) -> None:
    st.caption(f"Scoring with {model_name}.")
    columns = st.columns(len(card.EXAMPLES))
    for column, (name, example) in zip(columns, card.EXAMPLES.items(), strict=True):
        column.button(
            name,
            key=f"example_{name}",
            on_click=st.session_state.update,
            kwargs={"review": example, "many": False},
            width="stretch",
        )
    st.caption(
        "The last three are hard cases: word-counting models, and often LSTMs too, miss "
        "negation and sarcasm. Try them and see which words get the blame."
    )
    many = st.toggle("Many reviews, one per line", key="many")
    text = st.text_area(
        "Review", key="review", height=150, placeholder="Type or paste a movie review…"
    )
    st.button("Score", key="score", type="primary")
    texts = split_reviews(text or "", many)
    if not texts:
        st.info("Type a review above, or click one of the examples, to see its score.")
    elif not many:
        show_one(model, texts[0], "review")
    else:
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

    st.divider()
    st.subheader("Compare two versions")
    st.caption("Change a few words and see how the score moves.")
    left, right = st.columns(2)
    first = left.text_area("Version A", key="version_a", value="The film was not good.")
    second = right.text_area("Version B", key="version_b", value="The film was not bad.")
    if first.strip() and second.strip():
        with left:
            show_one(model, first, "version_a")
        with right:
            show_one(model, second, "version_b")
        first_p, second_p = model.predict_proba([first, second])
        st.write(comparison_reading(float(first_p), float(second_p)))


def batch_tab(model) -> None:
    upload = st.file_uploader(
        "CSV of reviews (.csv or .csv.gz)", type=["csv", "gz"], key="batch_csv"
    )
    if upload is None:
        st.info("Upload a CSV with one review per row; you pick the column that holds the text.")
        return
    try:
        frame = reviews.read_review_csv(upload.getvalue(), upload.name)
        columns = list(frame.columns)
        guess = columns.index(reviews.guess_text_column(frame))
        column = st.selectbox(
            "Column with the review text", columns, index=guess, key="batch_column"
        )
        texts = reviews.texts_from(frame, column)
    except ValueError as error:
        st.error(str(error))
        return
    cache_key = (upload.file_id, column, id(model))
    if st.session_state.get("batch_key") != cache_key:
        with st.spinner(f"Scoring {len(texts):,} reviews…"):
            _, probabilities = score_table(model, texts)
        st.session_state["batch_key"], st.session_state["batch_scores"] = cache_key, probabilities
    probabilities = st.session_state["batch_scores"]
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


def card_tab(model) -> None:
    try:
        metrics = load_metrics()
    except ValueError as error:
        st.error(str(error))
        return
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
        st.markdown(explain_model.glossary_markdown(["accuracy", "AUC", "validation"]))
    st.caption(
        f"Held-out: {n:,} IMDB reviews set aside by a fixed random split before training "
        f"(data fingerprint {metrics['data']['held_out_sha256'][:12]}…). Literature numbers come "
        "from the papers' own test sets, so they are anchors, not a race on equal terms."
    )


def train_tab() -> None:
    source = st.radio(
        "Training reviews",
        ["A sample of the bundled IMDB reviews", "My labelled CSV (text + label)"],
        key="train_source",
    )
    left, right = st.columns(2)
    settings = ModelSettings(
        vocabulary_size=left.slider(
            "Vocabulary (distinct words kept)", 1_000, 30_000, 10_000, 1_000, key="train_vocab"
        ),
        sequence_length=left.slider(
            "Words the LSTM reads (the last ones)", 20, 400, 150, 10, key="train_seq"
        ),
        lstm_units=right.slider("LSTM units (memory size)", 4, 128, 32, 4, key="train_units"),
        epochs=right.slider("Epochs (passes over the data)", 1, 10, 3, key="train_epochs"),
        embedding_dim=32,
        ngram_features=50_000
        if st.checkbox(
            "Give the LSTM n-gram evidence beside each word",
            value=True,
            key="train_ngrams",
            help="Off: the LSTM sees only the words' learned embeddings.",
        )
        else 0,
    )
    if source.startswith("A sample"):
        size = st.slider("Reviews", 200, 5_000, 1_000, 100, key="train_size")
        upload = None
    else:
        size = 0
        upload = st.file_uploader("Labelled CSV", type=["csv", "gz"], key="train_csv")
    if st.button("Train", key="train_button", type="primary"):
        try:
            if upload is not None:
                frame = reviews.read_review_csv(upload.getvalue(), upload.name)
                texts, labels = reviews.labelled_reviews(frame)
            elif size:
                texts, labels = reviews.bundled_subset(size)
            else:
                raise ValueError("Upload a labelled CSV first, or pick the bundled sample.")
            bar = st.progress(0.0, text="Training…")
            curves = st.empty()
            history = {}

            def progress(report):
                for name, value in report.logs.items():
                    history.setdefault(name, []).append(value)
                bar.progress(report.fraction, text=f"Epoch {report.epoch} of {report.epochs}")
                curves.plotly_chart(text_charts.training_curves(history))

            model, result = train_session_model(texts, labels, settings, progress=progress)
        except ValueError as error:
            st.error(str(error))
            return
        st.session_state["session_model"], st.session_state["session_report"] = model, result
        st.session_state["use_session_model"] = True
        st.rerun()  # so every tab scores with the new model at once
    result = st.session_state.get("session_report")
    if result is None:
        st.info(
            "Pick the data and settings, then press Train. A few hundred reviews and 2 "
            "epochs take about a minute."
        )
        return
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
    st.toggle("Score with my model instead of the shipped one", key="use_session_model")


ui_explain.glossary(SENTIMENT_TERMS, key="sentiment_glossary")
model, model_name = active_model()
score, batch, model_card, train = st.tabs(["Score", "Batch", "Model card", "Train your own"])
with score:
    score_tab(model, model_name)
with batch:
    batch_tab(model)
with model_card:
    card_tab(model)
with train:
    train_tab()
