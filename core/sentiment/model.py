"""Pieces of the end-to-end Keras model (raw strings in, probability of a positive review out)
that a saved model needs to be read back: the standardizer, custom layers and the settings.

Importing this module imports TensorFlow; the package imports it only when a model is needed.
"""

from __future__ import annotations

import string

import keras
import tensorflow as tf

PUNCTUATION = "[" + "".join("\\" + char for char in string.punctuation) + "]"


@keras.saving.register_keras_serializable(package="lstm_lab")
def standardize_review(text):
    """Lowercase, drop HTML line breaks, join contractions and strip punctuation."""
    text = tf.strings.lower(text)
    # IMDB reviews carry literal "<br />" tags; the default standardizer would keep "br" as a word
    text = tf.strings.regex_replace(text, r"<br\s*/?>", " ")
    text = tf.strings.regex_replace(text, r"['’]", "")
    # unusual whitespace (e.g. U+0085) would split a token in two in the saved vocabulary file
    text = tf.strings.regex_replace(text, r"[\pZ\pC]+", " ")
    return tf.strings.regex_replace(text, PUNCTUATION, " ")


@keras.saving.register_keras_serializable(package="lstm_lab")
class KeepTokens(keras.layers.Layer):
    """Keep ``length`` token ids per review: its last ones (``keep="last"``) or its first.

    Input rows are post-padded with 0; the output is post-padded to the longest kept row.
    """

    def __init__(self, length: int, keep: str = "last", **kwargs):
        super().__init__(**kwargs)
        if keep not in ("first", "last"):
            raise ValueError(f"keep is {keep!r}; use 'first' or 'last'.")
        self.length = length
        self.keep = keep

    def call(self, token_ids):
        # one extra padding column, so a batch of empty reviews still has one (masked) step
        ids = tf.pad(token_ids, [[0, 0], [0, 1]])
        lengths = tf.reduce_sum(tf.cast(ids > 0, "int32"), axis=1)
        kept = tf.minimum(lengths, self.length)
        width = tf.maximum(tf.reduce_max(kept), 1)
        steps = tf.range(width)[tf.newaxis, :]
        start = lengths - kept if self.keep == "last" else tf.zeros_like(lengths)
        positions = tf.minimum(start[:, tf.newaxis] + steps, tf.shape(ids)[1] - 1)
        gathered = tf.gather(ids, positions, batch_dims=1)
        return tf.where(steps < kept[:, tf.newaxis], gathered, tf.zeros_like(gathered))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], None)

    def get_config(self):
        return {**super().get_config(), "length": self.length, "keep": self.keep}


@keras.saving.register_keras_serializable(package="lstm_lab")
class NgramLogit(keras.layers.Layer):
    """A frozen linear model over weighted, L2-normalised n-gram presence (NBSVM-like).

    Input: n-gram ids from a ``TextVectorization(ngrams=..., output_mode="int")``. Each distinct
    id of a review counts once, times its ``feature_weight`` (a Naive Bayes log-count ratio,
    possibly times idf); the vector is scaled to unit length. Output:
    ``coef · features + intercept``, fitted beforehand by logistic regression.
    """

    def __init__(self, vocabulary_size: int, **kwargs):
        super().__init__(**kwargs)
        self.vocabulary_size = vocabulary_size

    def build(self, input_shape):
        shape = (self.vocabulary_size,)
        self.feature_weight = self.add_weight(
            shape=shape, initializer="zeros", trainable=False, name="feature_weight"
        )
        self.coef = self.add_weight(shape=shape, initializer="zeros", trainable=False, name="coef")
        self.intercept = self.add_weight(
            shape=(), initializer="zeros", trainable=False, name="intercept"
        )

    def call(self, ngram_ids):
        ids = tf.sort(tf.cast(ngram_ids, "int32"), axis=-1)
        previous = tf.pad(ids[:, :-1], [[0, 0], [1, 0]], constant_values=-1)
        # id 0 is padding, id 1 the out-of-vocabulary bucket: neither is a feature
        present = tf.cast((ids != previous) & (ids > 1), "float32")
        weights = tf.gather(self.feature_weight, ids) * present
        norm = tf.sqrt(tf.reduce_sum(weights * weights, axis=-1, keepdims=True)) + 1e-12
        score = tf.reduce_sum(weights * tf.gather(self.coef, ids), axis=-1, keepdims=True)
        return score / norm + self.intercept

    def compute_output_shape(self, input_shape):
        return (input_shape[0], 1)

    def get_config(self):
        return {**super().get_config(), "vocabulary_size": self.vocabulary_size}
