"""Fast scoring of a trained end-to-end model: a compiled function instead of ``model.predict``."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

# registers the custom layers and the standardizer before a saved model is read
from core.sentiment import memory
from core.sentiment import model as _custom_objects  # noqa: F401

MODEL_FILE = "sentiment.keras"
CHUNK = 256


def scoring_threads() -> int:
    """How many chunks are scored at once: ``LSTM_LAB_SCORING_THREADS``, else up to 2 cores.

    The LSTM's steps are many small operations, so one chunk keeps only one core busy. The app
    sets 1, so one user's batch does not slow the pages of everyone else on the server.
    """
    try:
        threads = int(os.environ.get("LSTM_LAB_SCORING_THREADS", "0"))
    except ValueError:
        threads = 0
    return threads if threads > 0 else max(1, min(2, os.cpu_count() or 1))


@dataclass
class WordReadings:
    """The LSTM's reading at each word it read, in logit units (positive leans positive).

    ``bias + readings.sum()`` is the model's logit; :attr:`p_positive` its probability. A model
    that adds up its LSTM's outputs reads each word's output through one Dense layer; an
    attention-pooled one gives each word its score times its attention share, and its
    ``running`` chance after each word is the pool over the words read so far.
    """

    total_words: int
    words: list[str]
    keep: str
    readings: np.ndarray
    bias: float
    running: np.ndarray | None = None

    @property
    def logit(self) -> float:
        return self.bias + float(self.readings.sum())

    @property
    def p_positive(self) -> float:
        return 1.0 / (1.0 + float(np.exp(-self.logit)))

    def running_probability(self) -> np.ndarray:
        """The chance of positive had the review stopped after each word; the last is the score."""
        if self.running is not None:
            return self.running
        return memory.sigmoid(self.bias + np.cumsum(self.readings))


def lstm_inputs_model(model: keras.Model) -> keras.Model:
    """Strings in, the sequence the LSTM reads out (one vector per word): ``model``'s own named
    layers called again on a new input, so the weights are shared and nothing is copied.

    The wiring is the one :func:`core.sentiment.train.train_model` builds: words → truncate →
    embedding (→ beside the n-gram evidence, when the model has it).
    """
    layer = model.get_layer
    names = {each.name for each in model.layers}
    review = keras.Input(shape=(), dtype="string", name="review")
    ids = layer("truncate")(layer("words")(review))
    steps = layer("embedding_dropout")(layer("embedding")(ids))
    if "ngram_evidence" in names:
        keys = layer("ngram_keys")(ids)
        evidence_steps = layer("ngram_evidence")(layer("ngram_lookup")(keys))
        steps = layer("word_and_evidence")([steps, evidence_steps])
    return keras.Model(review, steps, name="lstm_inputs")


def lstm_outputs_model(model: keras.Model) -> keras.Model:
    """Strings in, the LSTM's output at every word read out (see :func:`lstm_inputs_model`)."""
    inputs = lstm_inputs_model(model)
    return keras.Model(inputs.input, model.get_layer("lstm")(inputs.output), name="lstm_outputs")


class SentimentModel:
    """A trained review model with ``predict_proba(list[str]) -> np.ndarray``.

    Parameters
    ----------
    keras_model : keras.Model
        Takes a batch of strings and returns the probability that each review is positive.
    """

    def __init__(self, keras_model: keras.Model):
        self.model_ = keras_model
        self._vocabulary: list[str] | None = None
        self._steps: keras.Model | None = None
        self._inputs: keras.Model | None = None
        self._cell_weights: memory.CellWeights | None = None
        # model.predict builds a dataset and a loop per call (~40 ms); a traced function does not
        self._score = tf.function(
            lambda texts: keras_model(texts, training=False),
            input_signature=[tf.TensorSpec([None], tf.string)],
            reduce_retracing=True,
        )

    def __reduce__(self):
        # a training job's model travels from its Dask worker as the Keras model alone (which
        # pickles through Keras's saving format); the traced scoring function is rebuilt
        return type(self), (self.model_,)

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        """Return the probability that each review is positive, in the order given."""
        texts = [str(text) for text in texts]
        if not texts:
            return np.zeros(0, dtype="float32")
        if len(texts) <= CHUNK:
            return self._score(tf.constant(texts)).numpy().reshape(-1)
        # chunks of similar length waste little work on padding
        order = np.argsort([len(text) for text in texts], kind="stable")
        scores = np.empty(len(texts), dtype="float32")

        def score_chunk(chunk: np.ndarray) -> None:
            batch = tf.constant([texts[i] for i in chunk])
            scores[chunk] = self._score(batch).numpy().reshape(-1)

        chunks = [order[start : start + CHUNK] for start in range(0, len(texts), CHUNK)]
        with ThreadPoolExecutor(scoring_threads()) as pool:
            list(pool.map(score_chunk, chunks))
        return scores

    def words_read(self, text: str) -> tuple[int, list[str], str] | None:
        """What the LSTM reads of ``text``: (words in the review, words read in order,
        ``"first"`` or ``"last"``); ``[UNK]`` marks a word outside the vocabulary.

        None for a model without the ``words`` and ``truncate`` layers.
        """
        names = {layer.name for layer in self.model_.layers}
        if not {"words", "truncate"} <= names:
            return None
        words, truncate = self.model_.get_layer("words"), self.model_.get_layer("truncate")
        if self._vocabulary is None:
            self._vocabulary = words.get_vocabulary()
        ids = words(tf.constant([str(text)]))
        total = int(tf.reduce_sum(tf.cast(ids > 0, "int32")))
        kept = truncate(ids).numpy()[0]
        return total, [self._vocabulary[i] for i in kept if i > 0], truncate.keep

    def readings(self, text: str) -> WordReadings | None:
        """What the LSTM wrote out at each word it read of ``text``, in the score's own units.

        Summed outputs (``sum_over_words`` → ``score``): the score is ``sigmoid(bias + sum of
        the readings)`` exactly, each reading being a word's output through the Dense layer.
        Attention pool (``word_score``, ``word_attention`` → ``attention_pool``): each reading
        is the word's score times its attention share, and they add up to the logit. Dropout is
        off when scoring. None for a model with neither.
        """
        read = self.words_read(text)
        names = {layer.name for layer in self.model_.layers}
        pooled = {"word_score", "word_attention", "attention_pool"} <= names
        summed = {"sum_over_words", "score"} <= names
        if read is None or not {"embedding", "lstm"} <= names or not (pooled or summed):
            return None
        total, words, keep = read
        if self._steps is None:
            self._steps = lstm_outputs_model(self.model_)
        outputs = self._steps(tf.constant([str(text)])).numpy()[0][: len(words)]
        outputs = outputs.astype("float64")
        if not pooled:
            kernel, bias = self.model_.get_layer("score").get_weights()
            return WordReadings(total, words, keep, outputs @ kernel[:, 0], float(bias[0]))

        def read_out(name: str) -> np.ndarray:
            kernel, bias = self.model_.get_layer(name).get_weights()
            return outputs @ kernel[:, 0].astype("float64") + float(bias[0])

        scores, attention = read_out("word_score"), read_out("word_attention")
        shares = np.exp(attention - attention.max()) if len(words) else np.zeros(0)
        shares /= shares.sum() if len(words) else 1.0
        running = memory.sigmoid(memory.running_logits(scores, attention))
        return WordReadings(total, words, keep, shares * scores, 0.0, running)

    def memory_trace(self, text: str) -> memory.MemoryTrace | None:
        """The LSTM's memory at each word of ``text``, re-run in NumPy from its weights.

        None for a model without the order-aware model's layers
        (:data:`core.sentiment.memory.CONTRACT_LAYERS`).

        Raises
        ------
        ValueError
            When the LSTM is not the plain left-to-right kind the re-run reproduces.
        """
        if not memory.has_memory_layers(self.model_):
            return None
        if self._cell_weights is None:
            self._cell_weights = memory.cell_weights(self.model_)
        total, words, keep = self.words_read(text)
        if self._inputs is None:
            self._inputs = lstm_inputs_model(self.model_)
        inputs = self._inputs(tf.constant([str(text)])).numpy()[0][: len(words)]
        return memory.trace(inputs, words, self._cell_weights, total, keep)

    def save(self, directory: str | Path) -> Path:
        """Write the model as ``sentiment.keras`` inside ``directory``; return the file path."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / MODEL_FILE
        self.model_.save(path)
        return path

    @classmethod
    def load(cls, path: str | Path) -> SentimentModel:
        """Read a model saved by :meth:`save` (a directory or the ``.keras`` file itself)."""
        path = Path(path)
        if path.is_dir():
            path = path / MODEL_FILE
        if not path.is_file():
            raise ValueError(
                f"No sentiment model at {path}. Train one with "
                "`python -m core.sentiment train --out DIR` or pass the folder that holds "
                f"{MODEL_FILE}."
            )
        return cls(keras.saving.load_model(path, compile=False))
