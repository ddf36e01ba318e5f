"""Hyperparameters of the sentiment model (no TensorFlow needed to read them)."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass
class ModelSettings:
    """Hyperparameters of the sentiment model; the defaults are those of the shipped model.

    The LSTM reads, at each word, the word's embedding and the n-gram evidence of the word, word
    pair and word triple ending there (``ngram_features`` of them, up to ``ngram_order`` words).
    ``ngram_features=0`` gives the LSTM the embeddings alone.
    """

    vocabulary_size: int = 40_000
    sequence_length: int = 600
    keep: str = "last"
    embedding_dim: int = 32
    lstm_units: int = 32
    ngram_features: int = 300_000
    ngram_order: int = 3
    dropout: float = 0.2
    head_dropout: float = 0.3
    phrase_weight: float = 1.0
    contrast_examples: int = 20_000
    negation_examples: int = 20_000
    learning_rate: float = 2e-3
    epochs: int = 3

    def to_dict(self) -> dict:
        return asdict(self)

    def validate(self) -> ModelSettings:
        """Raise ValueError when a setting is outside what the model can use."""
        limits = {
            "vocabulary_size": (100, 200_000),
            "sequence_length": (5, 2_000),
            "embedding_dim": (2, 512),
            "lstm_units": (1, 512),
            "epochs": (1, 50),
            "ngram_order": (1, 3),
        }
        for name, (low, high) in limits.items():
            value = getattr(self, name)
            if not low <= value <= high:
                raise ValueError(f"{name} is {value}; use a value from {low:,} to {high:,}.")
        for name in ("dropout", "head_dropout"):
            value = getattr(self, name)
            if not 0.0 <= value < 1.0:
                raise ValueError(f"{name} is {value}; use a share from 0 up to (not including) 1.")
        if self.ngram_features < 0:
            raise ValueError(f"ngram_features is {self.ngram_features}; use 0 (off) or more.")
        return self
