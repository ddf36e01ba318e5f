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
    explain,
    highlight_html,
    label_of,
    prepare_review,
    reading_of,
    score_table,
    share_reading,
    split_reviews,
)

MODEL_FILE = "sentiment.keras"

__all__ = [
    "MAX_CHARACTERS",
    "Explanation",
    "ModelSettings",
    "PreparedReview",
    "comparison_reading",
    "explain",
    "highlight_html",
    "label_of",
    "load_metrics",
    "load_model",
    "prepare_review",
    "reading_of",
    "score_table",
    "share_reading",
    "split_reviews",
    "train_session_model",
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


def train_session_model(
    texts: list[str],
    labels,
    settings: ModelSettings,
    validation_share: float = 0.2,
    progress=None,
    should_stop=None,
):
    """Train a model on user data, keeping ``validation_share`` aside to check it.

    Returns
    -------
    (SentimentModel, dict)
        The model and a report: history, validation accuracy/AUC, sizes, seconds.

    Raises
    ------
    ValueError
        When there are too few reviews or a bad setting.
    """
    import numpy as np

    from core.sentiment.metrics import classification_metrics
    from core.sentiment.scoring import SentimentModel
    from core.sentiment.train import train_model

    settings.validate()
    labels = np.asarray(labels, dtype=int)
    if len(texts) != len(labels):
        raise ValueError(f"Got {len(texts)} texts but {len(labels)} labels; they must match.")
    if len(texts) < 20:
        raise ValueError(
            f"Only {len(texts)} labelled reviews; training needs at least 20 (a few hundred "
            "give a usable model)."
        )
    rng = np.random.default_rng(0)
    order = rng.permutation(len(texts))
    cut = max(int(len(texts) * validation_share), 4)
    validation, train = order[:cut], order[cut:]
    if len(np.unique(labels[train])) < 2 or len(np.unique(labels[validation])) < 2:
        raise ValueError("Both labels must appear in the data; add positive and negative reviews.")
    result = train_model(
        [texts[i] for i in train],
        labels[train],
        [texts[i] for i in validation],
        labels[validation],
        settings,
        progress=progress,
        should_stop=should_stop,
    )
    model = SentimentModel(result.model)
    validation_metrics = classification_metrics(
        labels[validation], model.predict_proba([texts[i] for i in validation])
    )
    report = {
        "history": result.history,
        "validation": validation_metrics,
        "n_train": int(len(train)),
        "n_validation": int(len(validation)),
        "seconds": result.seconds,
        "settings": settings.to_dict(),
    }
    return model, report
