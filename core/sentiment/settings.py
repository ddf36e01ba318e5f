"""Hyperparameters of the sentiment model (no TensorFlow needed to read them)."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass
class ModelSettings:
    """Hyperparameters of the sentiment model; the defaults are those of the shipped model.

    ``ngram_features=0`` leaves out the n-gram branch and keeps the LSTM alone.
    """

    vocabulary_size: int = 20_000
    sequence_length: int = 256
    keep: str = "last"
    embedding_dim: int = 48
    lstm_units: int = 48
    bidirectional: bool = False
    ngram_features: int = 300_000
    ngram_order: int = 3
    dropout: float = 0.3
    learning_rate: float = 2e-3
    epochs: int = 5

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
        if self.ngram_features < 0:
            raise ValueError(f"ngram_features is {self.ngram_features}; use 0 (off) or more.")
        return self
