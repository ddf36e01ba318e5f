"""The pieces of the sentiment model: n-gram keys and evidence (NumPy and Keras twins),
out-of-fold evidence, and that every path to the score runs through the LSTM."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from core.sentiment import evidence
from core.sentiment.model import KeepTokens, NgramEvidence, NgramKeys


@pytest.fixture
def token_ids():
    ids = np.random.default_rng(0).integers(0, 40, size=(12, 25)).astype("int32")
    lengths = np.random.default_rng(1).integers(0, 26, size=12)
    for row, length in enumerate(lengths):
        ids[row, length:] = 0  # post-padded, as KeepTokens returns them
    return ids


def test_ngram_keys_twins_agree_and_orders_never_share_a_key(token_ids):
    for order in (1, 2, 3):
        keras_keys = NgramKeys(40, order)(token_ids).numpy()
        numpy_keys = evidence.ngram_keys(token_ids, 40, order)
        assert np.array_equal(keras_keys, numpy_keys)
    keys = evidence.ngram_keys(token_ids, 40)
    unigrams, pairs, triples = (set(keys[..., n][keys[..., n] > 0]) for n in range(3))
    assert not (unigrams & pairs) and not (pairs & triples) and not (unigrams & triples)
    # padding (0) and unknown words (1) start no n-gram
    assert np.all(keys[token_ids <= 1] == 0)
    assert np.all(evidence.ngram_keys(token_ids, 40, order=1)[..., 1:] == 0)


def test_ngram_keys_of_a_single_word_batch():
    assert evidence.ngram_keys(np.array([[5]]), 40).tolist() == [[[5, 0, 0]]]
    assert NgramKeys(40)(np.array([[5]], dtype="int32")).numpy().tolist() == [[[5, 0, 0]]]


def test_key_indices_match_integer_lookup(token_ids):
    keys = evidence.ngram_keys(token_ids, 40)
    vocabulary = evidence.ngram_vocabulary(keys, max_size=50, min_documents=2)
    assert 0 < len(vocabulary) <= 50 and 0 not in vocabulary
    lookup = keras.layers.IntegerLookup(
        vocabulary=vocabulary.astype("int64"), num_oov_indices=1, mask_token=None
    )
    assert np.array_equal(lookup(keys).numpy(), evidence.key_indices(keys, vocabulary))


def test_evidence_sums_to_the_linear_models_logit(token_ids):
    labels = np.arange(len(token_ids)) % 2
    keys = evidence.ngram_keys(token_ids, 40)
    vocabulary = evidence.ngram_vocabulary(keys, max_size=500, min_documents=1)
    indices = evidence.key_indices(keys, vocabulary)
    counts = evidence.count_matrix(indices, len(vocabulary) + 1)
    tables = evidence.fit_tables(counts, labels, regularisation=1.0)
    steps = tables.evidence(indices, scale=3.0)
    linear = evidence.weighted_features(counts, tables.ratio) @ tables.coef
    assert np.allclose(steps.sum(axis=(1, 2)) / 3.0, linear, atol=1e-4)
    layer = NgramEvidence(len(vocabulary) + 1, scale=3.0)
    layer.build(indices.shape)
    layer.set_weights([tables.ratio, tables.coef])
    assert np.allclose(layer(indices).numpy(), steps, atol=1e-6)


def test_out_of_fold_evidence_does_not_know_the_training_labels():
    # random labels: tables that saw a review's label would "predict" it from its rare n-grams
    rng = np.random.default_rng(3)
    ids = rng.integers(2, 300, size=(400, 40)).astype("int32")
    labels = rng.integers(0, 2, size=400)
    keys = evidence.ngram_keys(ids, 300)
    vocabulary = evidence.ngram_vocabulary(keys, max_size=20_000, min_documents=1)
    indices = evidence.key_indices(keys, vocabulary).astype("int32")
    fit = evidence.fit_evidence(indices, labels, indices[:50], labels[:50], len(vocabulary) + 1)
    in_sample = fit.tables.evidence(indices).sum(axis=(1, 2)) + fit.tables.intercept
    honest = fit.train_evidence.sum(axis=(1, 2))
    assert np.mean((in_sample > 0) == labels) > 0.9
    assert abs(np.mean((honest > 0) == labels) - 0.5) < 0.1


def test_keep_tokens_keeps_the_last_words_post_padded():
    ids = tf.constant([[3, 4, 5, 6, 0], [7, 8, 0, 0, 0]])
    assert KeepTokens(3, "last")(ids).numpy().tolist() == [[4, 5, 6], [7, 8, 0]]
    assert KeepTokens(3, "first")(ids).numpy().tolist() == [[3, 4, 5], [7, 8, 0]]


def test_nothing_reaches_the_score_without_the_lstm(tiny_trained):
    model = tiny_trained.model_
    texts = ["a wonderful film", "a dreadful film", "meh", "x " * 50]
    assert np.ptp(tiny_trained.predict_proba(texts)) > 0
    lstm = model.get_layer("lstm")
    saved = lstm.get_weights()
    try:
        lstm.set_weights([np.zeros_like(weight) for weight in saved])
        # a silenced LSTM outputs zeros, so every review must get the same score
        silenced = [float(model(tf.constant([text]))[0, 0]) for text in texts]
        assert np.ptp(silenced) < 1e-6
    finally:
        lstm.set_weights(saved)


@pytest.fixture(scope="module")
def tiny_trained():
    from core.sentiment import data as reviews
    from core.sentiment.scoring import SentimentModel
    from core.sentiment.settings import ModelSettings
    from core.sentiment.train import train_model

    texts, labels = reviews.bundled_subset(200)
    settings = ModelSettings(
        vocabulary_size=500,
        sequence_length=30,
        embedding_dim=4,
        lstm_units=4,
        ngram_features=1_000,
        epochs=1,
    )
    result = train_model(texts[:150], labels[:150], texts[150:], labels[150:], settings)
    return SentimentModel(result.model)


def test_training_without_any_repeated_ngram_falls_back_to_words_alone():
    from core.sentiment.settings import ModelSettings
    from core.sentiment.train import train_model

    # every review uses words no other review has: no n-gram is seen twice, so no evidence
    texts = [f"w{i}a w{i}b w{i}c" for i in range(40)]
    labels = np.arange(40) % 2
    settings = ModelSettings(
        vocabulary_size=500, sequence_length=10, embedding_dim=4, lstm_units=4, epochs=1
    )
    result = train_model(texts[:30], labels[:30], texts[30:], labels[30:], settings)
    assert "ngram_evidence" not in result.notes
    assert "ngram_evidence" not in {layer.name for layer in result.model.layers}
    scores = result.model(tf.constant(["w1a w2b", ""])).numpy()
    assert scores.shape == (2, 1) and np.all((scores >= 0) & (scores <= 1))


def test_scoring_threads_follow_the_environment(monkeypatch):
    from core.sentiment.scoring import scoring_threads

    monkeypatch.setenv("LSTM_LAB_SCORING_THREADS", "1")
    assert scoring_threads() == 1
    monkeypatch.setenv("LSTM_LAB_SCORING_THREADS", "not a number")
    assert 1 <= scoring_threads() <= 2
    monkeypatch.delenv("LSTM_LAB_SCORING_THREADS")
    assert 1 <= scoring_threads() <= 2
