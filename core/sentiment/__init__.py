"""Review sentiment: the bundled corpus, a many-to-one LSTM taking raw strings, scoring and
word-level explanations.

TensorFlow is imported only by the functions that need a model, so importing this package is
cheap. ``python -m core.sentiment --help`` lists the command-line tools.
"""

from __future__ import annotations

import json
from pathlib import Path

from core.paths import SENTIMENT_MODEL_DIR
from core.sentiment.settings import ModelSettings
from core.sentiment.text import (
    MAX_CHARACTERS,
    Explanation,
    PreparedReview,
    comparison_reading,
    highlight_html,
    label_of,
    prepare_review,
    reading_of,
    score_table,
    share_reading,
    split_reviews,
    word_contributions,
)

MODEL_FILE = "sentiment.keras"

__all__ = [
    "MAX_CHARACTERS",
    "Explanation",
    "ModelSettings",
    "PreparedReview",
    "comparison_reading",
    "highlight_html",
    "label_of",
    "load_metrics",
    "load_model",
    "prepare_review",
    "reading_of",
    "score_table",
    "share_reading",
    "split_reviews",
    "word_contributions",
]


def load_model(path: str | Path | None = None):
    """Return the shipped model, or the one saved at ``path`` (folder or ``.keras`` file).

    The result has ``predict_proba(list[str]) -> np.ndarray`` (probability of positive).

    Raises
    ------
    ValueError
        When there is no model at the path.
    """
    path = Path(SENTIMENT_MODEL_DIR if path is None else path)
    file = path / MODEL_FILE if path.is_dir() else path
    if not file.is_file():
        raise ValueError(
            f"No sentiment model at {file}. Train one with "
            "`python -m core.sentiment train --out DIR` or pass the folder that holds "
            f"{MODEL_FILE}."
        )
    from core.sentiment.scoring import SentimentModel

    return SentimentModel.load(file)


def load_metrics(path: str | Path | None = None) -> dict:
    """The ``metrics.json`` written next to a model by ``python -m core.sentiment train``."""
    directory = Path(SENTIMENT_MODEL_DIR if path is None else path)
    if directory.suffix == ".keras":
        directory = directory.parent
    metrics_path = directory / "metrics.json"
    if not metrics_path.is_file():
        raise ValueError(f"No metrics.json in {directory}; train a model there first.")
    return json.loads(metrics_path.read_text())
