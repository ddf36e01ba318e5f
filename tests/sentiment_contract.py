"""A tiny sentiment model with the layer names of the order-aware model (issue #14), for tests.

words (TextVectorization) → truncate → embedding → embedding_dropout → lstm (one unidirectional
LSTM, every step's output) → score_dropout → word_score / word_attention → attention_pool →
p_positive. A few units and a few epochs on a handful of "X, but Y" sentences: small enough to
build in seconds, trained enough that the order of the clauses moves its score.
"""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from core.sentiment.model import AttentionPool, KeepTokens, standardize_review
from core.sentiment.scoring import SentimentModel

GOOD = ["great", "lovely", "superb", "moving", "glorious"]
BAD = ["dull", "awful", "boring", "a mess", "dreadful"]
FIRST, SECOND = ["the first hour", "the acting", "the start"], ["the finale", "the story"]


def contrast_sentences() -> tuple[list[str], np.ndarray]:
    """ "A is X, but B is Y" in every combination; the clause after "but" decides the label."""
    texts, labels = [], []
    for first in FIRST:
        for second in SECOND:
            for good in GOOD:
                for bad in BAD:
                    texts.append(f"{first} is {good}, but {second} is {bad}.")
                    labels.append(0)
                    texts.append(f"{first} is {bad}, but {second} is {good}.")
                    labels.append(1)
    return texts, np.array(labels, dtype="float32")


def contract_model(units: int = 8, epochs: int = 3, sequence_length: int = 40, seed: int = 7):
    """A :class:`SentimentModel` wired as the order-aware model's contract names its layers."""
    keras.utils.set_random_seed(seed)
    texts, labels = contrast_sentences()
    words = keras.layers.TextVectorization(
        max_tokens=200, standardize=standardize_review, name="words"
    )
    words.adapt(texts)
    truncate = KeepTokens(sequence_length, "last", name="truncate")
    embedding = keras.layers.Embedding(200, 8, name="embedding")
    dropout = keras.layers.SpatialDropout1D(0.1, name="embedding_dropout")
    lstm = keras.layers.LSTM(units, return_sequences=True, name="lstm")
    step_dropout = keras.layers.Dropout(0.1, name="score_dropout")
    score = keras.layers.Dense(1, name="word_score")
    attention = keras.layers.Dense(1, name="word_attention")
    pool = AttentionPool(name="attention_pool")

    def logit(ids):
        outputs = step_dropout(lstm(dropout(embedding(ids))))
        return pool(score(outputs), attention(outputs), ids)

    ids_input = keras.Input(shape=(None,), dtype="int32")
    training = keras.Model(ids_input, logit(ids_input))
    if epochs:
        training.compile(
            optimizer=keras.optimizers.Adam(0.02),
            loss=keras.losses.BinaryCrossentropy(from_logits=True),
        )
        ids = truncate(words(tf.constant(texts))).numpy()
        training.fit(ids, labels, epochs=epochs, batch_size=16, verbose=0)
    review = keras.Input(shape=(), dtype="string", name="review")
    output = keras.layers.Activation("sigmoid", name="p_positive")(logit(truncate(words(review))))
    return SentimentModel(keras.Model(review, output, name="review_sentiment"))


def saved_contract_model(directory: Path, **settings) -> Path:
    """Train :func:`contract_model` and save it in ``directory``; return the folder."""
    contract_model(**settings).save(directory)
    return directory


def saved_plain_model(directory: Path) -> Path:
    """An untrained model without the contract's heads (an LSTM's last state → one Dense), saved
    in ``directory``: the kind of model the memory view cannot explain."""
    texts, _ = contrast_sentences()
    words = keras.layers.TextVectorization(
        max_tokens=200, standardize=standardize_review, name="words"
    )
    words.adapt(texts)
    review = keras.Input(shape=(), dtype="string", name="review")
    ids = KeepTokens(40, "last", name="truncate")(words(review))
    steps = keras.layers.Embedding(200, 8, name="embedding")(ids)
    last = keras.layers.LSTM(4, name="lstm")(steps)
    output = keras.layers.Dense(1, activation="sigmoid", name="p_positive")(last)
    SentimentModel(keras.Model(review, output, name="review_sentiment")).save(directory)
    return directory
