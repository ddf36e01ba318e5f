"""Rendering for the sentiment page: scores, the LSTM's steps, batch results, the model card."""

import re
import uuid
import weakref

import numpy as np
import pandas as pd
import streamlit as st

from core import explain as explain_model
from core import jobs
from core.glossary import glossary_markdown
from core.progress import EpochReport
from core.sentiment import (
    ModelSettings,
    batch,
    card,
    charts,
    comparison_reading,
    highlight_html,
    label_of,
    prepare_review,
    reading_of,
    score_table,
    share_reading,
    word_contributions,
)
from core.sentiment import data as reviews
from core.sentiment import explain as review_steps
from core.sentiment.metrics import classification_metrics
from core.sentiment.text import Explanation, WordContribution
from ui import explain as ui_explain
from ui import jobs as ui_jobs
from ui import state

# the colour key is drawn by the same function as the review, so it matches in either theme;
# its made-up pushes carry no hover text
STRENGTH_KEY_HTML = re.sub(
    r' title="[^"]*"',
    "",
    highlight_html(
        Explanation(
            0.5,
            [
                WordContribution("Key:", " ", None),
                WordContribution("small", " ", 0.2),
                WordContribution("big", " push towards positive · ", 1.0),
                WordContribution("small", " ", -0.2),
                WordContribution("big", " push towards negative", -1.0),
            ],
        )
    ),
)


TRAINING_HINT = (
    "Pick the data and settings, then press Train. Your reviews are split three ways: 60 % to "
    "learn from, 20 % (validation) to choose settings and decide when to stop, and 20 % (test) "
    "set aside first and used only for the accuracy shown afterwards. With the settings as they "
    "are (1,000 "
    "reviews, 3 epochs) training takes about 10 s on a quiet 2-core server, up to half a minute "
    "while others train too. The largest settings (5,000 reviews, 400 words, 128 units) take "
    "about 13 s per epoch; training stops early once the validation reviews stop improving, "
    "so 10 epochs usually end within a minute or two. The bar shows each epoch as it ends."
)


def example_buttons() -> None:
    """One button per example review; a click puts the example in the review box."""
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
        "The last three are hard cases for word-counting models. This LSTM reads negation "
        "(\u201cnot bad\u201d) and contrast (\u201c…, but …\u201d) and weighs the words after "
        "them; it still misses sarcasm, double negation (\u201cnot unwatchable\u201d) and "
        "comparatives (\u201cmore boring than funny\u201d). Try them and see which words get "
        "the blame."
    )


def order_buttons() -> None:
    """The "order matters" demo's two buttons: the same words in another order, one click each
    puts that version in the review box."""
    st.markdown("**Order matters:** the same words, in another order")
    for column, (name, example) in zip(
        st.columns(len(review_steps.ORDER_DEMO)), review_steps.ORDER_DEMO.items(), strict=True
    ):
        column.button(
            f"“{example}”",
            key=f"order_{name}",
            help=name,
            on_click=st.session_state.update,
            kwargs={"review": example, "many": False},
            width="stretch",
        )


def order_demo(model, text: str) -> None:
    """When the review is one of the demo's two versions: both scores, the bag of words they
    share, and what that shows."""
    if text.strip() not in review_steps.ORDER_DEMO.values():
        return
    names, texts = list(review_steps.ORDER_DEMO), list(review_steps.ORDER_DEMO.values())
    chances = [float(p) for p in model.predict_proba(texts)]
    read = [model.words_read(example) for example in texts]
    st.subheader("Order matters")
    for column, name, example, chance in zip(st.columns(2), names, texts, chances, strict=True):
        shown = " (in the box)" if example == text.strip() else ""
        column.metric(f"LSTM: {name}{shown}", f"{chance:.0%} positive")
        column.caption(f"“{example}”")
    if all(each is not None for each in read):
        words = (read[0][1], read[1][1])
        st.caption(f"A bag of words sees, for both: {review_steps.bag_text(words[0])}.")
        st.write(review_steps.order_reading((names[0], names[1]), words, tuple(chances)))


def training_settings() -> ModelSettings:
    """The sliders of the Train tab, read into the settings a training run uses."""
    left, right = st.columns(2)
    return ModelSettings(
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


_MODEL_TAGS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def model_tag(model) -> str:
    """A name for ``model`` that no other model ever gets, for keying cached scores by model."""
    tag = _MODEL_TAGS.get(model)
    if tag is None:
        tag = _MODEL_TAGS[model] = uuid.uuid4().hex
    return tag


@st.cache_data(max_entries=512, show_spinner=False)
def cached_contributions(_model, tag: str, text: str) -> Explanation:
    """What each word of ``text`` did to the score, computed once per model and text: a click
    elsewhere on the page reruns it without scoring the review and its variants again."""
    return word_contributions(_model, text)


def show_one(model, text: str, key: str) -> None:
    """Score one review: label, probability bar, reading, highlighted words and its steps."""
    prepared = prepare_review(text)
    for notice in prepared.notices:
        st.warning(notice)
    explanation = cached_contributions(model, model_tag(model), prepared.text)
    probability = explanation.probability
    st.subheader(f"{label_of(probability).capitalize()} · {probability:.0%}")
    st.plotly_chart(charts.probability_bar(probability), key=f"bar_{key}")
    st.write(reading_of(probability))
    verdict = card.example_verdict(prepared.text, probability)
    if verdict:
        st.caption(verdict)
    st.markdown("**Which words moved the score**")
    st.markdown(highlight_html(explanation), unsafe_allow_html=True)
    st.caption(
        "Green words pushed the score towards positive, red towards negative: each word was "
        "removed once and the review scored again; the stronger the colour, the bigger the "
        "change (point at a word to see by how many points)."
    )
    st.markdown(STRENGTH_KEY_HTML, unsafe_allow_html=True)
    if key == "review":
        trace = show_memory(model, prepared.text)
        show_steps(model, prepared.text, probability, running_chart=trace is None)


MEMORY_CAPTIONS = {
    "cell": "Each row is one of the LSTM's memory cells, each column a word. Orange: the cell "
    "holds a positive number after that word, blue: a negative one, grey: near zero. A colour "
    "that changes from one column to the next is a cell being written over.",
    "forget": "Each row is one memory cell, each column a word. Blue: the cell kept what it held "
    "before that word (forget gate near 100%); orange: it let it go to make room for the new "
    "word.",
}


def show_memory(model, text: str):
    """The "Memory at work" view: the running score word by word, the memory cells × words
    heatmap, the turning point and a word-by-word table. Returns the trace shown, or None when
    the model has no memory view (a short note says why)."""
    try:
        trace = model.memory_trace(text)
    except ValueError as error:
        st.info(str(error))
        return None
    if trace is None:
        st.caption(
            "The memory view needs the order-aware model, whose LSTM scores the review at every "
            "word; the model scoring now adds up its LSTM's outputs instead, so the view is "
            "hidden. “What the LSTM read, step by step” below still shows its readings."
        )
        return None
    if not trace.words:
        return None
    st.subheader("Memory at work")
    st.write(review_steps.turning_point_reading(trace))
    turn = trace.turning_point()
    st.plotly_chart(
        charts.running_score(trace.words, trace.running, turn, trace.crossed(turn)),
        key="memory_running",
    )
    st.caption(
        "The score the model would give had the review stopped after each word (the last point "
        "is the score above). The LSTM reads left to right, so each point depends only on the "
        "words before it; the dashed line marks where the verdict turned (or, if it never did, the "
        "biggest move)."
    )
    view = st.radio(
        "Colour the memory cells by",
        list(charts.MEMORY_VIEWS),
        format_func=charts.MEMORY_VIEWS.get,
        horizontal=True,
        key="memory_view",
    )
    values = trace.cell if view == "cell" else trace.forget_gate
    st.plotly_chart(
        charts.memory_heatmap(trace.words, values, view),
        key="memory_cells",
        config={"displayModeBar": False},  # its buttons would sit over the top cells
    )
    st.caption(MEMORY_CAPTIONS[view])
    st.write(review_steps.memory_summary(trace))
    with st.expander("Word by word: what the memory did"):
        st.dataframe(
            pd.DataFrame(review_steps.memory_table_rows(trace)), hide_index=True, key="memory_table"
        )
        st.caption(
            "Memory kept: the average forget gate (100% keeps everything). A cell is written "
            "over when what the word wrote into it outweighs what it kept. Cells are numbered "
            "as in the picture above."
        )
    return trace


def show_steps(model, text: str, probability: float, running_chart: bool = True) -> None:
    """The words the LSTM read as an unrolled diagram, with its reading at each word; the
    running score too when the memory view does not already show it."""
    readings = model.readings(text)
    if readings is None or not readings.words:
        return
    words, values = readings.words, list(readings.readings)
    with st.expander("What the LSTM read, step by step"):
        st.plotly_chart(review_steps.review_diagram(words, probability, values), key="steps")
        note = review_steps.truncation_note(readings.total_words, len(words), readings.keep)
        st.caption(f"{note} {review_steps.unknown_words_note(words)}".strip())
        pooled = readings.running is not None
        st.write(review_steps.readings_summary(words, values, readings.bias, probability, pooled))
        if not running_chart:
            return
        st.plotly_chart(charts.running_score(words, readings.running_probability()), key="running")
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
    note = batch.not_english_note(prepared)
    if note:
        st.warning(note)


VERSIONS = (
    ("A", "version_a", "The film was not good."),
    ("B", "version_b", "The film was not bad."),
)


def compare_versions(model) -> None:
    """Two versions of a review side by side; an empty box says so and the other still scores."""
    st.subheader("Compare two versions")
    st.caption("Change a few words and see how the score moves.")
    texts = []
    for column, (name, key, example) in zip(st.columns(2), VERSIONS, strict=True):
        with column:
            text = st.text_area(f"Version {name}", key=key, value=example)
            other = "B" if name == "A" else "A"
            if text.strip():
                show_one(model, text, key)
                texts.append(text)
            else:
                st.info(
                    f"Version {name} is empty. Type a version of the review here to compare it "
                    f"with version {other}."
                )
    if len(texts) == 2:
        first_p, second_p = model.predict_proba(texts)
        st.write(comparison_reading(float(first_p), float(second_p)))


BATCH_CHUNK = 2_000  # reviews scored between two progress updates (well under a second)


def score_with_progress(model, texts: list[str]) -> np.ndarray:
    """Score many reviews in chunks under a progress bar; the chance each one is positive.

    Chunks keep the page answering on a big batch; leaving the page stops between chunks.
    """
    filled = np.flatnonzero(~batch.blank_rows(texts))  # a blank row has nothing to score
    probabilities = np.full(len(texts), np.nan)
    bar = st.progress(0.0, text=f"Scoring {len(filled):,} reviews…")
    for start in range(0, len(filled), BATCH_CHUNK):
        rows = filled[start : start + BATCH_CHUNK]
        probabilities[rows] = score_table(model, [texts[row] for row in rows])[1]
        done = start + len(rows)
        bar.progress(done / len(filled), text=f"Scored {done:,} of {len(filled):,} reviews…")
    bar.empty()
    return probabilities


def draw_training(updates: list, bar, curve, note) -> None:
    """The training job's progress bar and (unless ``curve`` is None) its live accuracy curves."""
    epochs = [update for update in updates if isinstance(update, EpochReport)]
    if not epochs:
        bar.progress(0.0, text="Reading the reviews and building the model…")
        return
    bar.progress(epochs[-1].fraction, text=f"Epoch {epochs[-1].epoch} of {epochs[-1].epochs}")
    if curve is not None:
        history: dict[str, list[float]] = {}
        for epoch in epochs:
            for name, value in epoch.logs.items():
                history.setdefault(name, []).append(value)
        curve.plotly_chart(charts.training_curves(history), key=f"live_curves_{len(epochs)}")


def start_training(texts: list[str], labels, settings: ModelSettings) -> None:
    """Submit "Train your own" as this session's job, cancelling one it still runs."""
    old = state.pop_job(state.SENTIMENT_JOB)
    if old is not None:
        old.cancel()
    # named by path: importing the training module here would load TensorFlow's training
    # code into the web server for nothing
    work = jobs.Adapted("core.sentiment.train:train_session_model")
    job, message = ui_jobs.submit(work, texts, labels, settings, name="sentiment")
    state.set_job_message(state.SENTIMENT_JOB, None if job else (message, False))
    if job is not None:
        state.set_job(state.SENTIMENT_JOB, job)


def collect_training() -> None:
    """A finished training job becomes the session's model (and the page reruns with it), or
    the reason it failed."""
    job = state.job(state.SENTIMENT_JOB)
    if job is None or not job.done():
        return
    state.pop_job(state.SENTIMENT_JOB)
    error = job.error()
    if error is not None:
        state.set_job_message(state.SENTIMENT_JOB, jobs.failure(error))
        return
    state.set_session_model(*job.result())
    st.rerun()  # so every tab scores with the new model at once


def training_failure() -> bool:
    """Why the last training failed, with a Retry button when trying again can help; returns
    whether Retry was pressed."""
    failed = state.job_message(state.SENTIMENT_JOB)
    if failed is None:
        return False
    st.error(failed[0])
    return failed[1] and st.button("Retry", key="retry_train", icon=":material/replay:")


def follow_training() -> None:
    """The running training's queue place, progress, curves and Stop button, until it ends."""
    job = state.job(state.SENTIMENT_JOB)
    if job is not None:
        ui_jobs.panel(
            job, "Training your model…", draw_training, "stop_train",
            "End the training now and keep its best epoch so far.",
        )  # fmt: skip


def batch_results(frame: pd.DataFrame, column: str, probabilities, model_name: str) -> None:
    """The upload with scores beside it, a histogram, the CSV download and the label check."""
    note = batch.numbers_note(frame[column].astype(str).tolist(), column)
    if note:
        st.warning(note)
    scored = batch.scored_frame(frame, probabilities)
    score_name, label_name = scored.columns[-2:]
    filled = np.isfinite(probabilities)
    st.caption(f"Scored with {model_name}.")
    blank = batch.blank_note(~filled, column)
    if blank:
        st.info(blank)
    st.write(share_reading(probabilities[filled]))
    st.dataframe(scored, hide_index=True, key="batch_table")
    st.plotly_chart(charts.score_histogram(probabilities[filled]), key="batch_histogram")
    st.caption(
        f"Your columns are kept as they were; {score_name} (the chance, 0 to 1, that a review is "
        f"positive) and {label_name} (what the model says) are added beside them. Bars near 0 % "
        "or 100 % are reviews the model is sure about; bars near 50 % the ones it finds hard."
    )
    st.download_button(
        "Download scores as CSV",
        # a callable: the CSV is built only when someone downloads it, not on every rerun
        lambda: reviews.safe_for_spreadsheets(scored).to_csv(index=False).encode(),
        file_name="review_scores.csv",
        mime="text/csv",
        key="batch_download",
        # no rerun on click: a rerun races the download of deferred data and can cancel it
        on_click="ignore",
    )
    label_column, labels, note = reviews.labels_beside(frame, column)
    if labels is None:
        if note:
            st.warning(note)
        return
    given = (labels != reviews.NO_LABEL) & filled
    metrics = classification_metrics(labels[given], probabilities[given])
    show_batch_check(metrics, label_column, note, model_name)


def show_batch_check(metrics: dict, label_column: str, skipped: str, model_name: str) -> None:
    """How the scores compare with the labels the upload already had."""
    st.subheader("Checked against your labels")
    st.caption(f"Scores from {model_name}.")
    if skipped:
        st.info(skipped)
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
        charts.confusion_matrix_figure(metrics["confusion_matrix"], "Your reviews"),
        key="batch_confusion",
    )
    right.caption(card.confusion_reading(metrics["confusion_matrix"]))
    st.caption(
        "If these reviews come from the IMDB training data the model learned from, this "
        "flatters it; reviews it never saw give the honest number."
    )


def model_cards(shipped, metrics: dict | None, session: tuple | None, using_session: bool) -> None:
    """One card per model, the one scoring now first, each saying which model it describes.

    ``session`` is (model, training report) once a model was trained in this session;
    ``metrics`` is None when the shipped model's numbers could not be read.
    """
    if session is not None and using_session:
        session_card(*session, scoring=True)
        st.divider()
    st.subheader("The shipped model")
    if session is not None and using_session:
        st.caption(
            "Not scoring now: your model is. Switch back in the Train your own tab. Its numbers "
            "come from other reviews than yours, so the two cards are not a race on equal terms."
        )
    else:
        st.caption("This is the model scoring the Score and Batch tabs.")
    if metrics is not None:
        model_card(shipped, metrics)
    if session is not None and not using_session:
        st.divider()
        session_card(*session, scoring=False)


def session_card(model, result: dict, scoring: bool) -> None:
    """The model trained in this session: its numbers on its test reviews, and its layers."""
    st.subheader("Your model, trained in this session")
    test = result["test"]
    st.caption(
        ("This is the model scoring the Score and Batch tabs. " if scoring else "Not scoring now. ")
        + f"Its numbers come from the {test['n']:,} test reviews set aside from its own data."
    )
    left, right = st.columns(2)
    left.metric("Accuracy of your model", f"{test['accuracy']:.1%}")
    left.caption(
        card.accuracy_reading(test["accuracy"], test["n"])
        + " "
        + card.interval_reading(test["accuracy"], test["n"])
    )
    if test["roc_auc"] is not None:
        right.metric("ROC AUC of your model", f"{test['roc_auc']:.3f}")
        right.caption(card.auc_reading(test["roc_auc"]))
    with st.expander("Your model layer by layer"):
        ui_explain.layers(model.model_)
        st.caption(explain_model.parameters_reading(explain_model.describe_model(model.model_)))


def model_card(model, metrics: dict) -> None:
    """Held-out numbers of the shipped model beside the baseline and the literature."""
    ours, baseline = metrics["held_out"], metrics["baseline"]
    n = ours["n"]
    st.write(card.versus_baseline_reading(metrics))
    for name, result in (("Shipped LSTM", ours), ("TF-IDF baseline", baseline)):
        st.markdown(f"**{name}**")
        left, middle, right = st.columns(3)
        left.metric("Accuracy", f"{result['accuracy']:.1%}")
        left.caption(
            card.accuracy_reading(result["accuracy"], n)
            + " "
            + card.interval_reading(result["accuracy"], n)
        )
        middle.metric("ROC AUC", f"{result['roc_auc']:.3f}")
        middle.caption(card.auc_reading(result["roc_auc"]))
        right.plotly_chart(
            charts.confusion_matrix_figure(result["confusion_matrix"], name),
            key=f"confusion_{name}",
        )
        right.caption(card.confusion_reading(result["confusion_matrix"]))
    st.plotly_chart(charts.accuracy_comparison(card.comparison_rows(metrics)), key="comparison")
    for anchor in card.LITERATURE:
        st.markdown(f"- **{anchor.name}: {anchor.accuracy:.1%}.** {anchor.reading}")
    sst2_card(metrics)
    behaviour_card(metrics)
    ablations_card(metrics)
    with st.expander("The shipped model layer by layer"):
        ui_explain.layers(model.model_)
        rows = explain_model.describe_model(model.model_)
        st.caption(explain_model.parameters_reading(rows) + " " + card.ARCHITECTURE_NOTE)
        st.markdown(glossary_markdown(["accuracy", "AUC", "TF-IDF", "validation"]))
    st.caption(
        f"Held-out: {n:,} IMDB reviews set aside by a fixed random split before training "
        f"(data fingerprint {metrics['data']['held_out_sha256'][:12]}…). They can be about films "
        "that training reviews also discuss, so expect a little less on reviews of other films. "
        "Literature numbers come from the papers' own test sets, so they are anchors, not a race "
        "on equal terms."
    )


def sst2_card(metrics: dict) -> None:
    """The SST-2 test sentences: ours beside the same-data baselines and published models."""
    reading = card.sst2_reading(metrics)
    if reading is None:
        return
    st.markdown("#### One-sentence reviews: the SST-2 test")
    st.write(reading)
    st.plotly_chart(charts.accuracy_comparison(card.sst2_rows(metrics)), key="sst2_comparison")
    for anchor in metrics.get("published_sst2", []):
        reading = card.published_reading(anchor["name"], anchor["accuracy"], metrics["sst2_test"])
        st.markdown(f"- {reading}")


def behaviour_card(metrics: dict) -> None:
    """The behavioural suite by category: the LSTM beside two order-blind baselines."""
    rows = card.behaviour_rows(metrics)
    if not rows:
        return
    st.markdown("#### Does it read word order? The behavioural suite")
    recorded = metrics["behaviour"]
    st.write(
        f"{recorded['cases']:,} short reviews in {recorded['pairs']:,} pairs, written from "
        "templates and by hand. In an order or negation pair the two sentences differ only in "
        "word order or one \u201cnot\u201d, and mean opposite things; a pair counts when both "
        "are read right. In an invariance pair only a name, a film title or the punctuation "
        "changes, and the verdict should not. " + card.behaviour_targets_reading(metrics)
    )
    names = dict(card.BEHAVIOUR_MODELS)
    table = pd.DataFrame(
        [
            {
                "What changes": row.label,
                "Counted": row.measure,
                **{names[key]: card.rate_text(rate) for key, rate in row.rates.items()},
            }
            for row in rows
        ]
    )
    st.dataframe(table, hide_index=True, width="stretch", key="behaviour_table")
    st.caption(
        "Share of pairs, with its 95 % confidence interval in brackets. The baselines learned "
        "from exactly the texts the LSTM learned from. "
        f"Recorded by `{recorded['command']}`."
    )
    for row in rows:
        st.markdown(f"- {row.reading}")


def ablations_card(metrics: dict) -> None:
    """The order-blind ablations on both test sets, with a McNemar verdict in words."""
    rows = card.ablation_rows(metrics)
    if not rows:
        return
    st.markdown("#### What reading in order adds on the test sets: the ablations")
    table = pd.DataFrame(
        [
            {
                "Without the LSTM": row.name,
                "Test set": row.part,
                "LSTM": f"{row.lstm:.1%}",
                "Ablation (95 % CI)": f"{row.other:.1%} ({row.other_interval[0]:.1%}–"
                f"{row.other_interval[1]:.1%})",
                "Verdict": row.verdict,
            }
            for row in rows
        ]
    )
    st.dataframe(table, hide_index=True, width="stretch", key="ablations_table")
    for row in rows:
        st.markdown(f"- {row.reading}")


def session_report(result: dict) -> None:
    """How the model trained in this session did on its test reviews."""
    test = result["test"]
    stopped = card.stopped_reading(result)
    if stopped:
        st.info(stopped)
    st.metric("Accuracy on your test reviews", f"{test['accuracy']:.1%}")
    st.caption(
        card.accuracy_reading(test["accuracy"], test["n"])
        + " "
        + card.interval_reading(test["accuracy"], test["n"])
        + " "
        + card.session_split_reading(result["n_train"], result["n_validation"], test["n"])
        + f" Training took {result['seconds']:.0f} s."
    )
    st.plotly_chart(charts.training_curves(result["history"]), key="session_curves")
    st.caption(
        "If the training line keeps rising while the validation line stalls, the model "
        "is memorising instead of learning."
    )
