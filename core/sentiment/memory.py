"""The LSTM's memory at work, re-run exactly in NumPy from the layer's public weights.

The order-aware sentiment model (issue #14) reads a review with one left-to-right LSTM. At each
word it scores the review so far (``word_score``) and says how much that word's score counts
(``word_attention``); ``attention_pool`` takes the attention-weighted mean of the scores and
``p_positive`` turns it into a chance. Because the LSTM reads left to right, the same pool over
the first ``t`` words is exactly what the model would say had the review stopped after word
``t``: the running score.

Re-running the cell (Keras' gate order: input, forget, candidate, output) gives what Keras does
not return: the cell state and the three gates at every word, so the page can show which memory
cells were kept and which were written over.
"""

from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np

# layers the memory view needs, as the order-aware model names them
CONTRACT_LAYERS = (
    "words",
    "truncate",
    "embedding",
    "embedding_dropout",
    "lstm",
    "word_score",
    "word_attention",
    "attention_pool",
    "p_positive",
)
# a cell counts as written over when its new content outweighs what it kept and is at least this
# big: writes of a few hundredths into an empty cell would otherwise count on the first word
WRITE_MIN = 0.1


@dataclass
class CellWeights:
    """The LSTM's weights (gate order i, f, c, o) and the two per-word read-outs."""

    kernel: np.ndarray  # (inputs, 4 · units)
    recurrent_kernel: np.ndarray  # (units, 4 · units)
    bias: np.ndarray  # (4 · units,)
    score_kernel: np.ndarray  # (units,)
    score_bias: float
    attention_kernel: np.ndarray  # (units,)
    attention_bias: float

    @property
    def units(self) -> int:
        return self.recurrent_kernel.shape[0]


@dataclass
class MemoryTrace:
    """What the LSTM did at each word of one review; every array has one row per word read.

    ``hidden`` is the LSTM's output (``h``), ``cell`` its memory (``c``); ``input_gate``,
    ``forget_gate`` and ``output_gate`` lie in 0–1; ``candidate`` in −1–1 is what the cell
    would write at full input. ``scores`` and ``attention`` are the two read-outs of ``hidden``;
    ``running`` the chance of positive after each word; ``p_positive`` the model's score (0.5
    for a review with no word it could read).
    """

    words: list[str]
    total_words: int
    keep: str
    hidden: np.ndarray
    cell: np.ndarray
    input_gate: np.ndarray
    forget_gate: np.ndarray
    output_gate: np.ndarray
    candidate: np.ndarray
    scores: np.ndarray
    attention: np.ndarray
    running: np.ndarray
    p_positive: float

    @property
    def units(self) -> int:
        return self.cell.shape[1]

    def previous_cell(self) -> np.ndarray:
        """The memory before each word (zeros before the first)."""
        return np.vstack([np.zeros((1, self.units)), self.cell[:-1]])

    def written(self) -> np.ndarray:
        """What each word wrote into each cell: input gate × candidate."""
        return self.input_gate * self.candidate

    def kept_share(self) -> np.ndarray:
        """Per word, the average forget gate: the share of the memory carried over."""
        return self.forget_gate.mean(axis=1)

    def overwritten(self) -> np.ndarray:
        """Per word and cell, True where the new write outweighs what the cell kept."""
        new = np.abs(self.written())
        kept = np.abs(self.forget_gate * self.previous_cell())
        return (new > kept) & (new >= WRITE_MIN)

    def changed_most(self, step: int, count: int = 3) -> list[int]:
        """The cells (0-based) whose memory moved most at word ``step``, biggest first."""
        change = np.abs(self.cell[step] - self.previous_cell()[step])
        return [int(i) for i in np.argsort(-change, kind="stable")[:count]]

    def turning_point(self) -> int | None:
        """The word after which the running score last crossed 50 %, settling the verdict; when
        it never crossed after the first word, the word that moved it most from the third word
        on (the second with only two words). None for fewer than two words."""
        if len(self.running) < 2:
            return None
        side = self.running >= 0.5
        crossings = np.flatnonzero(side[1:] != side[:-1]) + 1
        if crossings.size:
            return int(crossings[-1])
        moves = np.abs(np.diff(self.running))
        # the first word's score is mostly the model's starting lean, not a reading of that
        # word, so the second word's move away from it would win for no reason of its own
        first = 1 if len(moves) > 1 else 0
        return int(np.argmax(moves[first:])) + first + 1

    def crossed(self, step: int | None) -> bool:
        """Whether the running score changed sides of 50 % at word ``step`` (not the first)."""
        if not step:
            return False
        return bool((self.running[step - 1] >= 0.5) != (self.running[step] >= 0.5))

    def attention_shares(self) -> np.ndarray:
        """How much each word's score counts in the final score (shares adding up to 1)."""
        if not len(self.attention):
            return np.zeros(0)
        weights = np.exp(self.attention - self.attention.max())
        return weights / weights.sum()


def has_memory_layers(model: keras.Model) -> bool:
    """Whether ``model`` has the layers the memory view re-runs (see :data:`CONTRACT_LAYERS`)."""
    names = {layer.name for layer in model.layers}
    return set(CONTRACT_LAYERS) <= names and isinstance(model.get_layer("lstm"), keras.layers.LSTM)


def cell_weights(model: keras.Model) -> CellWeights:
    """The LSTM's and the read-outs' weights, from their public ``get_weights()``.

    Raises
    ------
    ValueError
        When the LSTM is not the plain kind this re-run reproduces exactly.
    """
    lstm = model.get_layer("lstm")
    config = lstm.get_config()
    expected = {
        "activation": "tanh",
        "recurrent_activation": "sigmoid",
        "go_backwards": False,
        "return_sequences": True,
    }
    wrong = {key: config.get(key) for key, value in expected.items() if config.get(key) != value}
    if wrong:
        found = ", ".join(f"{key}={value!r}" for key, value in wrong.items())
        raise ValueError(
            f"The memory view re-runs a left-to-right LSTM with tanh and sigmoid and an output "
            f"at every word; this model's LSTM has {found}. Retrain with the default LSTM "
            "settings to see its memory."
        )
    weights = lstm.get_weights()
    kernel, recurrent_kernel = weights[0], weights[1]
    bias = weights[2] if config.get("use_bias", True) else np.zeros(kernel.shape[1])
    score_kernel, score_bias = model.get_layer("word_score").get_weights()
    attention_kernel, attention_bias = model.get_layer("word_attention").get_weights()
    as64 = lambda values: np.asarray(values, dtype="float64")  # noqa: E731
    return CellWeights(
        as64(kernel),
        as64(recurrent_kernel),
        as64(bias),
        as64(score_kernel)[:, 0],
        float(score_bias[0]),
        as64(attention_kernel)[:, 0],
        float(attention_bias[0]),
    )


def sigmoid(values: np.ndarray) -> np.ndarray:
    """The logistic function, 1 / (1 + e^−x)."""
    return 1.0 / (1.0 + np.exp(-values))


def run_cell(inputs: np.ndarray, weights: CellWeights) -> dict[str, np.ndarray]:
    """Run the LSTM cell over ``inputs`` (words × features) from an empty memory.

    Returns
    -------
    dict
        ``hidden``, ``cell``, ``input_gate``, ``forget_gate``, ``output_gate`` and
        ``candidate``, each words × units.
    """
    units = weights.units
    steps = len(inputs)
    # the input's part of every gate at every word in one product; only the recurrent part waits
    from_input = np.asarray(inputs, dtype="float64") @ weights.kernel + weights.bias
    names = ("hidden", "cell", "input_gate", "forget_gate", "output_gate", "candidate")
    out = {name: np.zeros((steps, units)) for name in names}
    hidden, cell = np.zeros(units), np.zeros(units)
    for step in range(steps):
        gates = from_input[step] + hidden @ weights.recurrent_kernel
        input_gate = sigmoid(gates[:units])
        forget_gate = sigmoid(gates[units : 2 * units])
        candidate = np.tanh(gates[2 * units : 3 * units])
        output_gate = sigmoid(gates[3 * units :])
        cell = forget_gate * cell + input_gate * candidate
        hidden = output_gate * np.tanh(cell)
        for name, value in zip(
            names,
            (hidden, cell, input_gate, forget_gate, output_gate, candidate),
            strict=True,
        ):
            out[name][step] = value
    return out


def running_logits(scores: np.ndarray, attention: np.ndarray) -> np.ndarray:
    """The attention pool over the first t words, for every t: Σ softmax(attention) · score."""
    if not len(scores):
        return np.zeros(0)
    weights = np.exp(attention - attention.max())
    return np.cumsum(weights * scores) / np.cumsum(weights)


def trace(
    inputs: np.ndarray, words: list[str], weights: CellWeights, total_words: int, keep: str
) -> MemoryTrace:
    """Re-run the LSTM over one review's input sequence (one row per word read)."""
    if len(inputs) != len(words):
        raise ValueError(f"{len(inputs)} input steps for {len(words)} words; they must match.")
    run = run_cell(inputs, weights)
    scores = run["hidden"] @ weights.score_kernel + weights.score_bias
    attention = run["hidden"] @ weights.attention_kernel + weights.attention_bias
    running = sigmoid(running_logits(scores, attention))
    return MemoryTrace(
        words=list(words),
        total_words=total_words,
        keep=keep,
        scores=scores,
        attention=attention,
        running=running,
        p_positive=float(running[-1]) if len(running) else 0.5,
        **run,
    )
