"""Pieces of the end-to-end Keras model (raw strings in, probability of a positive review out)
that a saved model needs to be read back: the standardizer, custom layers and the settings.

Importing this module imports TensorFlow; the package imports it only when a model is needed.
"""

from __future__ import annotations

import string

import keras
import tensorflow as tf

# punctuation, separators (\pZ) and control characters (\pC) all become word breaks; unusual
# whitespace such as U+0085 would otherwise split a token in two in the saved vocabulary file
WORD_BREAKS = "[" + "".join("\\" + char for char in string.punctuation) + "\\pZ\\pC]+"


@keras.saving.register_keras_serializable(package="lstm_lab")
def standardize_review(text):
    """Lowercase, drop HTML line breaks, join contractions and strip punctuation."""
    text = tf.strings.lower(text)
    # IMDB reviews carry literal "<br />" tags; the default standardizer would keep "br" as a word
    text = tf.strings.regex_replace(text, r"<br\s*/?>", " ")
    text = tf.strings.regex_replace(text, r"['’]", "")
    return tf.strings.regex_replace(text, WORD_BREAKS, " ")


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
class NgramKeys(keras.layers.Layer):
    """Integer keys of the word, word pair and word triple that end at each position.

    Input: word ids (0 padding, 1 out of vocabulary) from a vocabulary of ``vocabulary_size``.
    Output: int64 ``(batch, steps, 3)``. An n-gram with padding or an unknown word gets key 0,
    and so does any n-gram longer than ``order``. The three orders never share a key: unigrams
    are below ``V``, pairs in ``[2V, V²)`` and triples from ``2V²`` up.
    """

    def __init__(self, vocabulary_size: int, order: int = 3, **kwargs):
        super().__init__(**kwargs)
        self.vocabulary_size = vocabulary_size
        self.order = order

    def call(self, token_ids):
        ids = tf.cast(token_ids, "int64")
        size = tf.constant(self.vocabulary_size, "int64")
        # shifted copies: the word before each position, and the one before that
        previous = tf.pad(ids, [[0, 0], [1, 0]])[:, :-1]
        before = tf.pad(ids, [[0, 0], [2, 0]])[:, :-2]
        known, known_previous, known_before = ids > 1, previous > 1, before > 1
        zero = tf.zeros_like(ids)
        unigram = tf.where(known, ids, zero)
        pair_ok = known & known_previous & (self.order >= 2)
        bigram = tf.where(pair_ok, previous * size + ids, zero)
        trigram = tf.where(
            pair_ok & known_before & (self.order >= 3),
            (before * size + previous) * size + ids,
            zero,
        )
        return tf.stack([unigram, bigram, trigram], axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape, 3)

    def get_config(self):
        return {
            **super().get_config(),
            "vocabulary_size": self.vocabulary_size,
            "order": self.order,
        }


@keras.saving.register_keras_serializable(package="lstm_lab")
class NgramEvidence(keras.layers.Layer):
    """Per-position evidence from n-gram counts, the input the LSTM reads beside each word.

    Input: n-gram indices ``(batch, steps, 3)`` (0 = not a known n-gram). Each known n-gram has
    a Naive Bayes log-count ratio ``r`` and a weight ``w`` fitted by logistic regression on
    ``r``-weighted counts. Output per position and order: ``scale * w * r / norm``, where
    ``norm = sqrt(sum of r² over the review)``; summed over a review this is exactly the
    linear model's logit (times ``scale``).
    """

    def __init__(self, table_size: int, scale: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        self.table_size = table_size
        self.scale = scale

    def build(self, input_shape):
        shape = (self.table_size,)
        self.ratio = self.add_weight(
            shape=shape, initializer="zeros", trainable=False, name="ratio"
        )
        self.coef = self.add_weight(shape=shape, initializer="zeros", trainable=False, name="coef")

    def call(self, indices):
        ratio = tf.gather(self.ratio, indices)
        norm = tf.sqrt(tf.reduce_sum(ratio * ratio, axis=[1, 2], keepdims=True)) + 1e-6
        return self.scale * tf.gather(self.coef, indices) * ratio / norm

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "table_size": self.table_size, "scale": self.scale}


@keras.saving.register_keras_serializable(package="lstm_lab")
class AttentionPool(keras.layers.Layer):
    """The review's logit: a weighted mean of the per-word scores, weighted by attention.

    Inputs: per-word scores ``(batch, steps, 1)``, per-word attention logits ``(batch, steps, 1)``
    (both read off the LSTM's output at that word) and the word ids ``(batch, steps)``, 0 for
    padding. Output ``(batch, 1)``: ``sum_t softmax(attention)_t * score_t`` over real words.

    The LSTM reads left to right, so the same formula over the first ``t`` words is exactly what
    the model would say if the review stopped after word ``t``: the page's running score.
    A review with no real word gets 0 (a coin toss after the sigmoid).
    """

    def call(self, scores, attention, token_ids):
        real = token_ids > 0
        logits = tf.where(real, attention[..., 0], tf.fill(tf.shape(real), -1e9))
        logits -= tf.reduce_max(logits, axis=1, keepdims=True)
        weights = tf.exp(logits) * tf.cast(real, logits.dtype)
        weights /= tf.reduce_sum(weights, axis=1, keepdims=True) + 1e-9
        return tf.reduce_sum(weights * scores[..., 0], axis=1, keepdims=True)

    def compute_output_shape(self, scores_shape, attention_shape, token_ids_shape):
        return (scores_shape[0], 1)
