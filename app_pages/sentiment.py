"""Review sentiment: score reviews with the shipped LSTM, see why, batch-score, train your own."""

import streamlit as st

from core import text_charts
from core.sentiment import (
    ModelSettings,
    card,
    load_metrics,
    load_model,
    score_table,
    split_reviews,
    train_session_model,
)
from core.sentiment import data as reviews
from core.sentiment.metrics import classification_metrics
from ui import explain as ui_explain
from ui import sentiment as view

SENTIMENT_TERMS = ["LSTM", "n-gram evidence", "accuracy", "AUC", "TF-IDF", "validation", "epoch"]

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
        view.show_one(model, texts[0], "review")
    else:
        view.show_many(model, texts)

    st.divider()
    st.subheader("Compare two versions")
    st.caption("Change a few words and see how the score moves.")
    left, right = st.columns(2)
    first = left.text_area("Version A", key="version_a", value="The film was not good.")
    second = right.text_area("Version B", key="version_b", value="The film was not bad.")
    if first.strip() and second.strip():
        view.show_comparison(model, (left, first), (right, second))


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
    view.show_batch(frame, probabilities)
    label_column, labels, note = reviews.labels_beside(frame, column)
    if labels is not None:
        view.show_batch_check(classification_metrics(labels, probabilities), label_column)
    elif note:
        st.caption(note)


def card_tab(model) -> None:
    try:
        metrics = load_metrics()
    except ValueError as error:
        st.error(str(error))
        return
    view.model_card(model, metrics)


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
    view.session_report(result)
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
