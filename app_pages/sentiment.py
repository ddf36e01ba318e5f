"""Review sentiment: score reviews with the shipped LSTM, see why, batch-score, train your own."""

import streamlit as st

from core.paths import sentiment_model_dir
from core.sentiment import card, load_metrics, load_model, split_reviews
from core.sentiment import data as reviews
from ui import explain as ui_explain
from ui import sentiment as view
from ui import state

SENTIMENT_TERMS = ["LSTM", "n-gram evidence", "accuracy", "AUC", "TF-IDF", "validation", "epoch"]

st.title("Review sentiment")
st.caption(
    "A many-to-one LSTM reads a review word by word and gives one score at the end: the chance "
    "that the writer liked the film."
)


@st.cache_resource(show_spinner="Loading the trained model…")
def load_shipped(folder: str):
    return load_model(folder)


def shipped_model():
    return load_shipped(str(sentiment_model_dir()))


def active_model():
    if state.using_session_model():
        return state.session_model(), "your model trained in this session"
    try:
        metrics = load_metrics(sentiment_model_dir())
    except ValueError:
        metrics = None  # the model card tab says why; here the name just goes without counts
    return shipped_model(), card.shipped_model_name(metrics)


def score_tab(model, model_name: str) -> None:
    st.caption(f"Scoring with {model_name}.")
    view.example_buttons()
    view.order_buttons()
    many = st.toggle("Many reviews, one per line", key="many")
    text = st.text_area(
        "Review", key="review", height=150, placeholder="Type or paste a movie review…"
    )
    st.button("Score", key="score", type="primary")
    texts = split_reviews(text or "", many)
    if not texts:
        st.info("Type a review above, or click one of the examples, to see its score.")
    elif not many:
        view.order_demo(model, texts[0])
        view.show_one(model, texts[0], "review")
    else:
        view.show_many(model, texts)

    st.divider()
    view.compare_versions(model)


def batch_tab(model, model_name: str) -> None:
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
    probabilities = state.batch_scores(cache_key)
    if probabilities is None:
        probabilities = view.score_with_progress(model, texts)
        state.set_batch_scores(cache_key, probabilities)
    view.batch_results(frame, column, probabilities, model_name)


def card_tab() -> None:
    try:
        metrics = load_metrics(sentiment_model_dir())
    except ValueError as error:
        st.error(str(error))
        metrics = None
    session = state.session_model(), state.session_report()
    trained = session if session[0] is not None else None
    view.model_cards(shipped_model(), metrics, trained, state.using_session_model())


def train_tab() -> None:
    source = st.radio(
        "Training reviews",
        ["A sample of the bundled IMDB reviews", "My labelled CSV (text + label)"],
        key="train_source",
    )
    settings = view.training_settings()
    if source.startswith("A sample"):
        size = st.slider("Reviews", 200, 5_000, 1_000, 100, key="train_size")
        upload = None
    else:
        size = 0
        upload = st.file_uploader("Labelled CSV", type=["csv", "gz"], key="train_csv")
    clicked = st.button("Train", key="train_button", type="primary")
    view.collect_training()
    if view.training_failure() or clicked:
        try:
            data, name = (upload.getvalue(), upload.name) if upload is not None else (None, "")
            texts, labels = reviews.training_reviews(data, name, size)
        except ValueError as error:
            st.error(str(error))
            return
        view.start_training(texts, labels, settings)
        st.rerun()  # the next run shows the job's panel alone
    view.follow_training()
    result = state.session_report()
    if result is None:
        st.info(view.TRAINING_HINT)
        return
    view.session_report(result)
    st.toggle("Score with my model instead of the shipped one", key="use_session_model")


ui_explain.glossary(SENTIMENT_TERMS, key="sentiment_glossary")
model, model_name = active_model()
score, batch, model_card, train = st.tabs(["Score", "Batch", "Model card", "Train your own"])
with score:
    score_tab(model, model_name)
with batch:
    batch_tab(model, model_name)
with model_card:
    card_tab()
with train:
    train_tab()
