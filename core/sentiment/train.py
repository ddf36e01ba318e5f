"""Training: an n-gram branch by logistic regression, an LSTM trained on top of its scores with
Keras, then a combination of the two fitted on the validation part. Also the scikit-learn TF-IDF
baseline and the metrics."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import keras
import numpy as np
import tensorflow as tf
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from core.progress import keras_progress_callback
from core.sentiment.metrics import classification_metrics  # noqa: F401 - part of this API
from core.sentiment.model import KeepTokens, NgramLogit, standardize_review
from core.sentiment.settings import ModelSettings

SEED = 1234
BATCH_SIZE = 64
REGULARISATION_GRID = (1.0, 10.0, 30.0)
N_FOLDS = 5


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


def length_bucketed_batches(
    texts: list[str], labels: np.ndarray, offsets: np.ndarray, batch_size: int = BATCH_SIZE
) -> tuple[tf.data.Dataset, int]:
    """An endless dataset of shuffled batches of reviews of similar length.

    Batches are padded to their longest review, so grouping similar lengths saves most of the
    LSTM's work on padding. Each element is ``({"review", "offset"}, label)``.
    """
    lengths = np.array([len(text) for text in texts])
    texts_array = np.array(texts, dtype=object)
    labels = np.asarray(labels, dtype="float32")
    offsets = np.asarray(offsets, dtype="float32").reshape(-1, 1)
    pool = batch_size * 50

    def batches(epoch: int) -> list[np.ndarray]:
        rng = np.random.default_rng(SEED + epoch)
        order = rng.permutation(len(texts))
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
                yield (
                    {"review": texts_array[batch].astype(str), "offset": offsets[batch]},
                    labels[batch],
                )
            epoch += 1

    signature = (
        {
            "review": tf.TensorSpec([None], tf.string),
            "offset": tf.TensorSpec([None, 1], tf.float32),
        },
        tf.TensorSpec([None], tf.float32),
    )
    dataset = tf.data.Dataset.from_generator(generate, output_signature=signature)
    return dataset.prefetch(2), len(batches(0))


def _sorted_dataset(texts: list[str], labels: np.ndarray, offsets: np.ndarray, size: int = 256):
    order = np.argsort([len(text) for text in texts], kind="stable")
    features = {
        "review": tf.constant([texts[i] for i in order]),
        "offset": tf.constant(np.asarray(offsets, dtype="float32").reshape(-1, 1)[order]),
    }
    sorted_labels = tf.constant(np.asarray(labels, dtype="float32")[order])
    return tf.data.Dataset.from_tensor_slices((features, sorted_labels)).batch(size)


def _presence(ids: np.ndarray, vocabulary_size: int) -> sparse.csr_matrix:
    """Presence matrix (reviews × n-grams) from padded id rows; ids 0 and 1 are not features."""
    rows, cols = [], []
    for row, row_ids in enumerate(ids):
        unique = np.unique(row_ids)
        unique = unique[unique > 1]
        rows.append(np.full(len(unique), row))
        cols.append(unique)
    rows, cols = np.concatenate(rows), np.concatenate(cols)
    data = np.ones(len(rows), dtype="float32")
    return sparse.csr_matrix((data, (rows, cols)), shape=(len(ids), vocabulary_size))


def _ngram_ids(vectorizer, texts: list[str]) -> list[np.ndarray]:
    return [vectorizer(tf.constant(texts[i : i + 512])).numpy() for i in range(0, len(texts), 512)]


@dataclass
class NgramFit:
    """The fitted n-gram branch and its scores (logits) on the training and validation parts."""

    feature_weight: np.ndarray
    coef: np.ndarray
    intercept: float
    choices: dict
    train_scores: np.ndarray
    validation_scores: np.ndarray


def fit_ngram_branch(
    vectorizer, train_texts, train_labels, validation_texts, validation_labels
) -> NgramFit:
    """Fit an NBSVM-like logistic regression on the vectorizer's n-gram ids.

    Features are n-gram presence times a weight, scaled to unit length. The weight (Naive Bayes
    log-count ratio, alone or times idf) and the regularisation are picked on validation.
    The training scores are out-of-fold (each review scored by a fit that did not see it), so the
    LSTM trained on top of them sees the n-gram model's honest mistakes.
    """
    size = vectorizer.vocabulary_size()

    def matrix(texts):
        return sparse.vstack([_presence(ids, size) for ids in _ngram_ids(vectorizer, texts)])

    train_matrix = matrix(train_texts).tocsr()
    validation_matrix = matrix(validation_texts).tocsr()
    train_labels = np.asarray(train_labels).astype(int)
    document_frequency = np.asarray(train_matrix.sum(axis=0)).ravel()
    idf = np.log((1 + train_matrix.shape[0]) / (1 + document_frequency)) + 1
    # Naive Bayes log-count ratio (Wang & Manning 2012), smoothed with one pseudo-count
    positive = np.asarray(train_matrix[train_labels == 1].sum(axis=0)).ravel() + 1
    negative = np.asarray(train_matrix[train_labels == 0].sum(axis=0)).ravel() + 1
    ratio = np.log((positive / positive.sum()) / (negative / negative.sum()))
    candidates = {"nb_ratio": ratio, "nb_ratio_times_idf": ratio * idf}

    def weigh(presence, weight):
        weighted = presence.multiply(weight).tocsr()
        norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1))).ravel() + 1e-12
        return sparse.diags(1 / norms) @ weighted

    best = None
    for name, weight in candidates.items():
        weight = weight.copy()
        weight[:2] = 0.0  # padding and out-of-vocabulary ids are not features
        train_features = weigh(train_matrix, weight)
        validation_features = weigh(validation_matrix, weight)
        for regularisation in REGULARISATION_GRID:
            classifier = LogisticRegression(C=regularisation, max_iter=3000)
            classifier.fit(train_features, train_labels)
            accuracy = classifier.score(validation_features, validation_labels)
            if best is None or accuracy > best[0]:
                best = (accuracy, name, regularisation, weight, classifier)
    accuracy, name, regularisation, weight, classifier = best
    train_features = weigh(train_matrix, weight)
    out_of_fold = np.zeros(train_features.shape[0], dtype="float32")
    folds = np.random.default_rng(SEED).integers(0, N_FOLDS, size=train_features.shape[0])
    for fold in range(N_FOLDS):
        held = folds == fold
        if held.all() or not held.any() or len(np.unique(train_labels[~held])) < 2:
            continue
        fold_model = LogisticRegression(C=regularisation, max_iter=3000)
        fold_model.fit(train_features[~held], train_labels[~held])
        out_of_fold[held] = fold_model.decision_function(train_features[held])
    return NgramFit(
        feature_weight=weight,
        coef=classifier.coef_.ravel(),
        intercept=float(classifier.intercept_[0]),
        choices={"feature_weight": name, "C": regularisation, "validation_accuracy": accuracy},
        train_scores=out_of_fold,
        validation_scores=classifier.decision_function(weigh(validation_matrix, weight)).astype(
            "float32"
        ),
    )


def train_model(
    train_texts: list[str],
    train_labels: np.ndarray,
    validation_texts: list[str],
    validation_labels: np.ndarray,
    settings: ModelSettings | None = None,
    progress: Callable | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> TrainingResult:
    """Train the end-to-end sentiment model.

    Parameters
    ----------
    train_texts, train_labels : the reviews the model learns from (labels 0/1).
    validation_texts, validation_labels : used for early stopping and to weigh the branches;
        never report accuracy on them.
    settings : ModelSettings, optional
        ``settings.epochs`` bounds the LSTM epochs; the best epoch on validation loss is kept.
    progress, should_stop : see :func:`core.progress.keras_progress_callback`.

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
    text_batches = tf.data.Dataset.from_tensor_slices(train_texts).batch(512)
    inputs = keras.Input(shape=(), dtype="string", name="review")
    notes: dict = {}

    # the n-gram branch first: the LSTM then learns what word counts get wrong (word order,
    # negation) instead of relearning what they already get right
    branch_logits = []
    train_offsets = np.zeros(len(train_texts), dtype="float32")
    validation_offsets = np.zeros(len(validation_texts), dtype="float32")
    if settings.ngram_features:
        ngrams = keras.layers.TextVectorization(
            max_tokens=settings.ngram_features,
            standardize=standardize_review,
            ngrams=settings.ngram_order,
            name="ngrams",
        )
        ngrams.adapt(text_batches)
        fit = fit_ngram_branch(
            ngrams, train_texts, train_labels, validation_texts, validation_labels
        )
        ngram_layer = NgramLogit(ngrams.vocabulary_size(), name="ngram_score")
        branch_logits.append(ngram_layer(ngrams(inputs)))
        ngram_layer.set_weights(
            [
                fit.feature_weight.astype("float32"),
                fit.coef.astype("float32"),
                np.float32(fit.intercept),
            ]
        )
        train_offsets, validation_offsets = fit.train_scores, fit.validation_scores
        notes["ngram_branch"] = fit.choices

    words = keras.layers.TextVectorization(
        max_tokens=settings.vocabulary_size, standardize=standardize_review, name="words"
    )
    words.adapt(text_batches)
    token_ids = KeepTokens(settings.sequence_length, settings.keep, name="truncate")(words(inputs))
    embedded = keras.layers.Embedding(
        words.vocabulary_size(), settings.embedding_dim, mask_zero=True, name="embedding"
    )(token_ids)
    lstm = keras.layers.LSTM(settings.lstm_units, name="lstm")
    if settings.bidirectional:
        lstm = keras.layers.Bidirectional(lstm, name="bilstm")
    features = keras.layers.Dropout(settings.dropout, name="dropout")(lstm(embedded))
    lstm_logit = keras.layers.Dense(1, name="lstm_score")(features)
    branch_logits.insert(0, lstm_logit)
    offset = keras.Input(shape=(1,), name="offset")
    training_model = keras.Model(
        {"review": inputs, "offset": offset},
        keras.layers.Add(name="with_offset")([lstm_logit, offset]),
        name="lstm_on_top_of_ngrams",
    )
    training_model.compile(
        optimizer=keras.optimizers.Adam(settings.learning_rate),
        loss=keras.losses.BinaryCrossentropy(from_logits=True),
        metrics=[keras.metrics.BinaryAccuracy(threshold=0.0, name="accuracy")],
    )
    dataset, steps = length_bucketed_batches(train_texts, train_labels, train_offsets)
    callbacks = [
        keras.callbacks.EarlyStopping(monitor="val_loss", patience=1, restore_best_weights=True),
        keras_progress_callback(progress, settings.epochs, should_stop),
    ]
    validation = _sorted_dataset(validation_texts, validation_labels, validation_offsets)
    history = training_model.fit(
        dataset,
        steps_per_epoch=steps,
        epochs=settings.epochs,
        validation_data=validation,
        callbacks=callbacks,
        shuffle=False,  # the batches come shuffled from length_bucketed_batches
        verbose=0,
    )
    notes["lstm_epochs_run"] = len(history.history.get("loss", []))

    stacked = (
        branch_logits[0]
        if len(branch_logits) == 1
        else keras.layers.Concatenate(name="branch_scores")(branch_logits)
    )
    combine = keras.layers.Dense(1, name="combine", trainable=False)
    output = keras.layers.Activation("sigmoid", name="p_positive")(combine(stacked))
    model = keras.Model(inputs, output, name="review_sentiment")
    branch_model = keras.Model(inputs, stacked)
    validation_scores = np.concatenate(
        [branch_model(batch["review"], training=False).numpy() for batch, _ in validation]
    )
    ordered_labels = np.concatenate([labels.numpy() for _, labels in validation])
    # weigh the branches by a logistic regression on validation scores the branches never saw
    combiner = LogisticRegression(C=100.0).fit(validation_scores, ordered_labels)
    combine.set_weights([combiner.coef_.T.astype("float32"), combiner.intercept_.astype("float32")])
    notes["branch_weights"] = [float(value) for value in combiner.coef_.ravel()]
    clean_history = {
        key: [float(value) for value in values] for key, values in history.history.items()
    }
    return TrainingResult(
        model=model,
        history=clean_history,
        seconds=time.perf_counter() - started,
        notes=notes,
    )


def tfidf_baseline(
    train_texts, train_labels, validation_texts, validation_labels, held_out_texts
) -> tuple[np.ndarray, dict]:
    """TF-IDF word 1–2-grams + logistic regression, C picked on validation.

    Returns held-out probabilities and the settings used.
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
    probabilities = classifier.predict_proba(vectorizer.transform(held_out_texts))[:, 1]
    settings = {
        "features": "TF-IDF word 1-2-grams, min_df=2, sublinear tf",
        "classifier": "LogisticRegression",
        "C": regularisation,
        "vocabulary": len(vectorizer.vocabulary_),
    }
    return probabilities, settings


def _baseline_preprocess(text: str) -> str:
    return text.lower().replace("<br />", " ")
