"""Classification metrics for a set of reviews (no TensorFlow needed)."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, roc_auc_score


def classification_metrics(labels: np.ndarray, probabilities: np.ndarray) -> dict:
    """Accuracy, ROC AUC and confusion matrix (rows: true negative/positive) at threshold 0.5."""
    labels = np.asarray(labels).astype(int)
    predicted = (np.asarray(probabilities) >= 0.5).astype(int)
    both_classes = len(np.unique(labels)) == 2
    return {
        "n": int(len(labels)),
        "accuracy": float(accuracy_score(labels, predicted)),
        "roc_auc": float(roc_auc_score(labels, probabilities)) if both_classes else None,
        "confusion_matrix": confusion_matrix(labels, predicted, labels=[0, 1]).tolist(),
    }


def accuracy_interval(accuracy: float, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for an accuracy measured on ``n`` reviews.

    Returns
    -------
    (low, high)
        Shares from 0 to 1; with ``confidence`` (95 %) the model's accuracy on reviews like these
        lies in between.
    """
    from scipy.stats import binomtest

    if n <= 0:
        raise ValueError(f"An accuracy needs at least one review; got n = {n}.")
    correct = round(accuracy * n)
    interval = binomtest(correct, n).proportion_ci(confidence_level=confidence, method="wilson")
    return float(interval.low), float(interval.high)


def paired_counts(labels, first_probabilities, second_probabilities) -> dict[str, int]:
    """How two models did on the same reviews, review by review (threshold 0.5).

    Returns
    -------
    dict
        ``both_right``, ``only_first_right``, ``only_second_right`` and ``both_wrong``: the
        counts a McNemar test needs.
    """
    labels = np.asarray(labels).astype(int)
    first = (np.asarray(first_probabilities) >= 0.5).astype(int) == labels
    second = (np.asarray(second_probabilities) >= 0.5).astype(int) == labels
    if len(first) != len(labels) or len(second) != len(labels):
        raise ValueError("Both models need one probability per label.")
    return {
        "both_right": int(np.sum(first & second)),
        "only_first_right": int(np.sum(first & ~second)),
        "only_second_right": int(np.sum(~first & second)),
        "both_wrong": int(np.sum(~first & ~second)),
    }


def mcnemar_p_value(only_first_right: int, only_second_right: int) -> float:
    """Exact two-sided McNemar test: the chance of a split of the disagreements at least this
    lopsided if both models were equally good (each disagreement a coin toss)."""
    from scipy.stats import binomtest

    disagreements = only_first_right + only_second_right
    if disagreements == 0:
        return 1.0
    return float(binomtest(only_first_right, disagreements, 0.5).pvalue)
