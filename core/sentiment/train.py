"""Training: n-gram evidence tables (NBSVM-style, optional), then the many-to-one LSTM that reads
each word (beside its evidence) and, at every word, writes a score and an attention weight that
:class:`~core.sentiment.model.AttentionPool` turns into the review's logit; training on a user's
own reviews in a session (three-way split); and the scikit-learn TF-IDF baseline."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import keras
import numpy as np
import tensorflow as tf
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

from core.progress import keras_progress_callback
from core.sentiment import evidence
from core.sentiment.metrics import classification_metrics
from core.sentiment.model import (
    AttentionPool,
    KeepTokens,
    NgramEvidence,
    NgramKeys,
    standardize_review,
)
from core.sentiment.scoring import SentimentModel
from core.sentiment.settings import ModelSettings

SEED = 1234
BATCH_SIZE = 64
REGULARISATION_GRID = (1.0, 10.0, 30.0)  # C values the TF-IDF baseline picks from on validation
CHUNK = 512
MIN_REVIEWS = 20
MIN_PER_LABEL = 5  # so each of the three parts of a session's split gets both labels


@dataclass
class TrainingResult:
    """A trained end-to-end model and what happened while training it."""

    model: keras.Model
    history: dict[str, list[float]] = field(default_factory=dict)
    seconds: float = 0.0
    notes: dict = field(default_factory=dict)


def set_seeds(seed: int = SEED) -> None:
    """Seed Python, NumPy and TensorFlow so a run can be repeated."""
    keras.utils.set_random_seed(seed)


def token_matrix(words, truncate, texts: list[str]) -> np.ndarray:
    """Word ids of each review as the model reads them (kept words, post-padded with 0)."""
    rows = [
        row
        for i in range(0, len(texts), CHUNK)
        for row in truncate(words(tf.constant(texts[i : i + CHUNK]))).numpy()
    ]
    if not rows:
        return np.zeros((0, 1), dtype="int32")
    # chunks come back as wide as their own longest review: pad all to the widest
    return keras.utils.pad_sequences(rows, padding="post", dtype="int32")


def length_bucketed_batches(
    features: dict[str, np.ndarray],
    labels: np.ndarray,
    batch_size: int = BATCH_SIZE,
    weights: np.ndarray | None = None,
) -> tuple[tf.data.Dataset, int]:
    """An endless dataset of shuffled batches of reviews of similar length.

    Each batch is cut to its longest review, so grouping similar lengths saves most of the
    LSTM's work on padding. ``features`` holds ``ids`` (reviews × steps) and optionally
    ``evidence`` (reviews × steps × 3); ``weights`` (one per review, default 1) weigh the loss.
    """
    lengths = (features["ids"] > 0).sum(axis=1)
    labels = np.asarray(labels, dtype="float32")
    weights = np.ones(len(labels), "float32") if weights is None else weights.astype("float32")
    pool = batch_size * 50

    def batches(epoch: int) -> list[np.ndarray]:
        rng = np.random.default_rng(SEED + epoch)
        order = rng.permutation(len(labels))
        result = []
        for start in range(0, len(order), pool):
            chunk = order[start : start + pool]
            chunk = chunk[np.argsort(lengths[chunk], kind="stable")]
            result += [chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size)]
        rng.shuffle(result)
        return result

    def generate():
        epoch = 0
        while True:
            for batch in batches(epoch):
                yield _cut(features, batch, lengths), labels[batch], weights[batch]
            epoch += 1

    signature = (*_signature(features), tf.TensorSpec([None], tf.float32))
    dataset = tf.data.Dataset.from_generator(generate, output_signature=signature)
    return dataset.prefetch(2), len(batches(0))


def _cut(features: dict, batch: np.ndarray, lengths: np.ndarray) -> dict:
    width = max(int(lengths[batch].max()), 1)
    return {name: values[batch, :width] for name, values in features.items()}


def _signature(features: dict):
    spec = {"ids": tf.TensorSpec([None, None], tf.int32)}
    if "evidence" in features:
        spec["evidence"] = tf.TensorSpec([None, None, 3], tf.float32)
    return spec, tf.TensorSpec([None], tf.float32)


def _sorted_dataset(features: dict, labels: np.ndarray, size: int = 256) -> tf.data.Dataset:
    lengths = (features["ids"] > 0).sum(axis=1)
    order = np.argsort(lengths, kind="stable")
    labels = np.asarray(labels, dtype="float32")

    def generate():
        for start in range(0, len(order), size):
            batch = order[start : start + size]
            yield _cut(features, batch, lengths), labels[batch]

    dataset = tf.data.Dataset.from_generator(generate, output_signature=_signature(features))
    # a known length keeps Keras from warning that the validation data "ran out"
    batches = -(-len(order) // size)
    return dataset.apply(tf.data.experimental.assert_cardinality(batches))


@dataclass
class EvidencePlan:
    """The n-gram vocabulary, the fitted tables and the evidence for training and validation."""

    vocabulary: np.ndarray
    fit: evidence.EvidenceFit
    scale: float


def plan_evidence(train_ids, train_labels, validation_ids, validation_labels, settings, log=None):
    """Pick the n-grams, fit their tables and compute the evidence; None when there is none."""
    size = settings.vocabulary_size

    def keys(ids):
        for start in range(0, len(ids), CHUNK):
            yield evidence.ngram_keys(ids[start : start + CHUNK], size, settings.ngram_order)

    vocabulary = evidence.ngram_vocabulary(keys(train_ids), settings.ngram_features)
    if len(vocabulary) == 0:
        return None

    def indices(ids):
        return np.concatenate(
            [evidence.key_indices(part, vocabulary).astype("int32") for part in keys(ids)]
        )

    fit = evidence.fit_evidence(
        indices(train_ids),
        train_labels,
        indices(validation_ids),
        validation_labels,
        len(vocabulary) + 1,
        log=log,
    )
    present = fit.train_evidence[fit.train_evidence != 0]
    # one unit of evidence per position on average, so the LSTM's inputs sit on a usual scale
    scale = float(1.0 / present.std()) if present.size > 1 and present.std() > 0 else 1.0
    fit.train_evidence *= scale
    fit.validation_evidence *= scale
    return EvidencePlan(vocabulary, fit, scale)


def train_model(
    train_texts: list[str],
    train_labels: np.ndarray,
    validation_texts: list[str],
    validation_labels: np.ndarray,
    settings: ModelSettings | None = None,
    progress: Callable | None = None,
    log: Callable[[str], object] | None = None,
    train_weights: np.ndarray | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> TrainingResult:
    """Train the end-to-end sentiment model.

    Parameters
    ----------
    train_texts, train_labels : the reviews the model learns from (labels 0/1).
    train_weights : optional weight of each training text in the loss (default 1 each).
    validation_texts, validation_labels : used to pick the n-gram regularisation and for early
        stopping; never report accuracy on them.
    settings : ModelSettings, optional
        ``settings.epochs`` bounds the LSTM epochs; the best epoch on validation loss is kept.
    progress : callable, optional
        Receives an :class:`core.progress.EpochReport` after each epoch.
    log : callable, optional
        Receives one line per step of the n-gram fit.
    should_stop : callable, optional
        Polled after each batch; True ends the training, keeping its best epoch.

    Returns
    -------
    TrainingResult
        The uncompiled end-to-end model (strings in, probability out) and the history.
    """
    settings = settings or ModelSettings()
    started = time.perf_counter()
    set_seeds()
    train_labels = np.asarray(train_labels, dtype="float32")
    validation_labels = np.asarray(validation_labels, dtype="float32")
    words = keras.layers.TextVectorization(
        max_tokens=settings.vocabulary_size, standardize=standardize_review, name="words"
    )
    words.adapt(tf.data.Dataset.from_tensor_slices(train_texts).batch(CHUNK))
    truncate = KeepTokens(settings.sequence_length, settings.keep, name="truncate")
    train_ids = token_matrix(words, truncate, train_texts)
    validation_ids = token_matrix(words, truncate, validation_texts)
    notes: dict = {}
    plan = None
    if settings.ngram_features:
        plan = plan_evidence(
            train_ids, train_labels, validation_ids, validation_labels, settings, log=log
        )
    train_features, validation_features = {"ids": train_ids}, {"ids": validation_ids}

    # the layers the LSTM reads through, shared by the training model (ids and evidence in)
    # and the end-to-end model (strings in)
    embedding = keras.layers.Embedding(
        settings.vocabulary_size, settings.embedding_dim, name="embedding"
    )
    dropout = keras.layers.SpatialDropout1D(settings.dropout, name="embedding_dropout")
    lstm = keras.layers.LSTM(settings.lstm_units, return_sequences=True, name="lstm")
    head_dropout = keras.layers.Dropout(settings.head_dropout, name="head_dropout")
    word_score = keras.layers.Dense(1, name="word_score")
    word_attention = keras.layers.Dense(1, name="word_attention")
    pool = AttentionPool(name="attention_pool")
    beside = keras.layers.Concatenate(name="word_and_evidence")

    def read(ids, evidence_steps):
        steps = dropout(embedding(ids))
        if evidence_steps is not None:
            steps = beside([steps, evidence_steps])
        outputs = head_dropout(lstm(steps))
        return pool(word_score(outputs), word_attention(outputs), ids)

    ids_input = keras.Input(shape=(None,), dtype="int32", name="ids")
    training_inputs = {"ids": ids_input}
    evidence_input = None
    if plan is not None:
        evidence_input = keras.Input(shape=(None, 3), name="evidence")
        training_inputs["evidence"] = evidence_input
        train_features["evidence"] = plan.fit.train_evidence
        validation_features["evidence"] = plan.fit.validation_evidence
        notes["ngram_evidence"] = {
            **plan.fit.choices,
            "ngrams": int(len(plan.vocabulary)),
            "scale": plan.scale,
            "intercept": plan.fit.tables.intercept,
        }
    training_model = keras.Model(
        training_inputs, read(ids_input, evidence_input), name="lstm_training"
    )
    training_model.compile(
        optimizer=keras.optimizers.Adam(settings.learning_rate),
        loss=keras.losses.BinaryCrossentropy(from_logits=True),
        metrics=[keras.metrics.BinaryAccuracy(threshold=0.0, name="accuracy")],
    )
    dataset, steps = length_bucketed_batches(train_features, train_labels, weights=train_weights)
    callbacks = [
        keras.callbacks.EarlyStopping(monitor="val_loss", patience=1, restore_best_weights=True),
        keras_progress_callback(progress, settings.epochs, should_stop),
    ]
    history = training_model.fit(
        dataset,
        steps_per_epoch=steps,
        epochs=settings.epochs,
        validation_data=_sorted_dataset(validation_features, validation_labels),
        callbacks=callbacks,
        shuffle=False,  # the batches come shuffled from length_bucketed_batches
        verbose=0,
    )
    notes["lstm_epochs_run"] = len(history.history.get("loss", []))

    review = keras.Input(shape=(), dtype="string", name="review")
    ids = truncate(words(review))
    evidence_steps = None
    if plan is not None:
        keys = NgramKeys(settings.vocabulary_size, settings.ngram_order, name="ngram_keys")(ids)
        lookup = keras.layers.IntegerLookup(
            vocabulary=plan.vocabulary.astype("int64"),
            num_oov_indices=1,
            mask_token=None,
            name="ngram_lookup",
        )
        tables = NgramEvidence(len(plan.vocabulary) + 1, plan.scale, name="ngram_evidence")
        evidence_steps = tables(lookup(keys))
        tables.set_weights([plan.fit.tables.ratio, plan.fit.tables.coef])
    output = keras.layers.Activation("sigmoid", name="p_positive")(read(ids, evidence_steps))
    model = keras.Model(review, output, name="review_sentiment")
    clean_history = {
        key: [float(value) for value in values] for key, values in history.history.items()
    }
    return TrainingResult(
        model=model,
        history=clean_history,
        seconds=time.perf_counter() - started,
        notes=notes,
    )


def session_split(
    labels: np.ndarray, validation_share: float = 0.2, test_share: float = 0.2
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row indices of a stratified train / validation / test split (seeded, so repeatable).

    Validation picks the n-gram regularisation and stops training; the test part is used for
    nothing but the reported numbers.

    Raises
    ------
    ValueError
        When a label has too few reviews for each of the three parts to get some.
    """
    labels = np.asarray(labels, dtype=int)
    counts = np.bincount(labels, minlength=2)
    if counts.min() < MIN_PER_LABEL:
        raise ValueError(
            f"The data has {counts[1]:,} positive and {counts[0]:,} negative reviews; training "
            f"needs at least {MIN_PER_LABEL} of each, so that the reviews kept for validation "
            "and for the test both have some. Add reviews of the rarer kind."
        )
    rows = np.arange(len(labels))
    rest, test = train_test_split(rows, test_size=test_share, stratify=labels, random_state=SEED)
    train, validation = train_test_split(
        rest,
        test_size=validation_share / (1 - test_share),
        stratify=labels[rest],
        random_state=SEED,
    )
    return train, validation, test


def train_session_model(
    texts: list[str],
    labels,
    settings: ModelSettings,
    progress: Callable | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> tuple[SentimentModel, dict]:
    """Train a model on a user's labelled reviews, split three ways (see :func:`session_split`).

    Returns
    -------
    (SentimentModel, dict)
        The model and a report: ``history``, ``test`` (accuracy, AUC and confusion matrix on
        the test part, the only numbers to show), ``n_train``, ``n_validation``, ``seconds``,
        ``settings`` and ``stopped`` (True when ``should_stop`` ended it early).

    Raises
    ------
    ValueError
        When there are too few reviews, one label is too rare, or a setting is bad.
    """
    settings.validate()
    labels = np.asarray(labels, dtype=int)
    if len(texts) != len(labels):
        raise ValueError(f"Got {len(texts)} texts but {len(labels)} labels; they must match.")
    if len(texts) < MIN_REVIEWS:
        raise ValueError(
            f"Only {len(texts)} labelled reviews; training needs at least {MIN_REVIEWS} (a few "
            "hundred give a usable model)."
        )
    train, validation, test = session_split(labels)

    def pick(rows: np.ndarray) -> list[str]:
        return [texts[i] for i in rows]

    result = train_model(
        pick(train),
        labels[train],
        pick(validation),
        labels[validation],
        settings,
        progress=progress,
        should_stop=should_stop,
    )
    model = SentimentModel(result.model)
    report = {
        "history": result.history,
        "test": classification_metrics(labels[test], model.predict_proba(pick(test))),
        "n_train": int(len(train)),
        "n_validation": int(len(validation)),
        "seconds": result.seconds,
        "settings": settings.to_dict(),
        # the stop flag stays set once asked, so polling it after the training is enough
        "stopped": bool(should_stop is not None and should_stop()),
    }
    return model, report


def tfidf_baseline(
    train_texts, train_labels, validation_texts, validation_labels, evaluated: list[list[str]]
) -> tuple[list[np.ndarray], dict]:
    """TF-IDF word 1–2-grams + logistic regression, C picked on validation.

    Returns the probabilities for each list of texts in ``evaluated`` and the settings used.
    """
    vectorizer = TfidfVectorizer(
        ngram_range=(1, 2), min_df=2, sublinear_tf=True, preprocessor=_baseline_preprocess
    )
    train_features = vectorizer.fit_transform(train_texts)
    validation_features = vectorizer.transform(validation_texts)
    best = None
    for regularisation in REGULARISATION_GRID:
        classifier = LogisticRegression(C=regularisation, max_iter=2000)
        classifier.fit(train_features, train_labels)
        accuracy = classifier.score(validation_features, validation_labels)
        if best is None or accuracy > best[0]:
            best = (accuracy, regularisation, classifier)
    _, regularisation, classifier = best
    probabilities = [
        classifier.predict_proba(vectorizer.transform(texts))[:, 1] for texts in evaluated
    ]
    settings = {
        "features": "TF-IDF word 1-2-grams, min_df=2, sublinear tf",
        "classifier": "LogisticRegression",
        "C": regularisation,
        "vocabulary": len(vectorizer.vocabulary_),
    }
    return probabilities, settings


def _baseline_preprocess(text: str) -> str:
    return text.lower().replace("<br />", " ")
