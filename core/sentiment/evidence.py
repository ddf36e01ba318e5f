"""N-gram evidence for the LSTM: which word, pair and triple ends at each position, and how much
it says about the review (NBSVM-style weights, Wang & Manning 2012).

Pure NumPy/scikit-learn on arrays of n-gram keys (see ``core.sentiment.model.NgramKeys``); the
Keras layer ``NgramEvidence`` computes the same numbers inside the shipped model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression

SEED = 1234
N_FOLDS = 5
REGULARISATION_GRID = (3.0, 10.0, 30.0, 100.0)


def ngram_vocabulary(keys, max_size: int, min_documents: int = 2) -> np.ndarray:
    """The ``max_size`` keys found in most reviews (at least ``min_documents``), most common first.

    ``keys``: ``(reviews, steps, 3)`` arrays with 0 for "no n-gram", one array or an iterable of
    chunks. Ties keep the smaller key first.
    """
    chunks = [keys] if isinstance(keys, np.ndarray) else keys
    per_review = [
        np.unique(row[row > 0]) for chunk in chunks for row in chunk.reshape(len(chunk), -1)
    ]
    everything = np.concatenate(per_review) if per_review else np.zeros(0, dtype="int64")
    values, counts = np.unique(everything, return_counts=True)
    keep = counts >= min_documents
    values, counts = values[keep], counts[keep]
    order = np.lexsort((values, -counts))[:max_size]
    return values[order]


def key_indices(keys: np.ndarray, vocabulary: np.ndarray) -> np.ndarray:
    """Like ``IntegerLookup(vocabulary, num_oov_indices=1, mask_token=None)``: vocabulary[i] is
    index i + 1, anything else 0."""
    order = np.argsort(vocabulary)
    sorted_keys = vocabulary[order]
    position = np.clip(np.searchsorted(sorted_keys, keys), 0, max(len(sorted_keys) - 1, 0))
    found = (sorted_keys[position] == keys) if len(sorted_keys) else np.zeros(keys.shape, bool)
    return np.where(found, order[position] + 1, 0).astype("int64")


def count_matrix(indices: np.ndarray, table_size: int) -> sparse.csr_matrix:
    """Reviews × n-gram counts (column 0, "unknown", stays empty)."""
    flat = indices.reshape(len(indices), -1)
    rows = np.repeat(np.arange(len(flat)), flat.shape[1])
    columns = flat.ravel()
    known = columns > 0
    data = np.ones(int(known.sum()), dtype="float32")
    return sparse.csr_matrix((data, (rows[known], columns[known])), shape=(len(flat), table_size))


def log_count_ratio(counts: sparse.csr_matrix, labels: np.ndarray) -> np.ndarray:
    """Naive Bayes log-count ratio of each n-gram (presence per review, one pseudo-count)."""
    presence = (counts > 0).astype("float32")
    labels = np.asarray(labels).astype(int)
    positive = np.asarray(presence[labels == 1].sum(axis=0)).ravel() + 1
    negative = np.asarray(presence[labels == 0].sum(axis=0)).ravel() + 1
    ratio = np.log((positive / positive.sum()) / (negative / negative.sum()))
    ratio[0] = 0.0
    return ratio.astype("float32")


def weighted_features(counts: sparse.csr_matrix, ratio: np.ndarray) -> sparse.csr_matrix:
    """``count * r / sqrt(sum(count * r²))`` per review: the linear model's input."""
    weighted = counts.multiply(ratio).tocsr()
    norm = np.sqrt(np.asarray(counts.multiply(ratio * ratio).sum(axis=1)).ravel()) + 1e-6
    return sparse.diags(1 / norm) @ weighted


@dataclass
class EvidenceTables:
    """Per n-gram ratio and weight; ``evidence`` turns indices into the LSTM's input."""

    ratio: np.ndarray
    coef: np.ndarray
    intercept: float

    def evidence(self, indices: np.ndarray, scale: float = 1.0) -> np.ndarray:
        """``(reviews, steps, 3)`` float32, as ``NgramEvidence`` computes it."""
        ratio = self.ratio[indices]
        norm = np.sqrt((ratio * ratio).sum(axis=(1, 2), keepdims=True)) + 1e-6
        return (scale * self.coef[indices] * ratio / norm).astype("float32")


def fit_tables(counts, labels, regularisation: float) -> EvidenceTables:
    ratio = log_count_ratio(counts, labels)
    return _fit_weights(weighted_features(counts, ratio), labels, ratio, regularisation)


def _fit_weights(features, labels, ratio: np.ndarray, regularisation: float) -> EvidenceTables:
    """Logistic regression on ``features`` (built with ``ratio``) as evidence tables."""
    model = LogisticRegression(C=regularisation, max_iter=3000)
    model.fit(features, np.asarray(labels).astype(int))
    return EvidenceTables(ratio, model.coef_.ravel().astype("float32"), float(model.intercept_[0]))


@dataclass
class EvidenceFit:
    """Tables for scoring new reviews, plus honest evidence for the reviews the LSTM learns from."""

    tables: EvidenceTables
    train_evidence: np.ndarray
    validation_evidence: np.ndarray
    choices: dict


def fit_evidence(
    train_indices: np.ndarray,
    train_labels,
    validation_indices: np.ndarray,
    validation_labels,
    table_size: int,
    log=None,
) -> EvidenceFit:
    """Fit the n-gram tables and compute the evidence each part of the data gets.

    The regularisation is picked on validation. A training review's evidence comes from tables
    fitted without it (5 folds): with tables that had seen its label, rare n-grams would tell
    the LSTM the answer and it would learn to trust them far too much.
    """
    train_labels = np.asarray(train_labels).astype(int)
    validation_labels = np.asarray(validation_labels).astype(int)
    train_counts = count_matrix(train_indices, table_size)
    validation_counts = count_matrix(validation_indices, table_size)
    # the ratios and features do not depend on the regularisation: build them once for the grid
    ratio = log_count_ratio(train_counts, train_labels)
    train_features = weighted_features(train_counts, ratio)
    validation_features = weighted_features(validation_counts, ratio)
    best = None
    for regularisation in REGULARISATION_GRID:
        tables = _fit_weights(train_features, train_labels, ratio, regularisation)
        logits = validation_features @ tables.coef
        accuracy = float(np.mean((logits + tables.intercept > 0) == validation_labels))
        if log:
            log(f"n-gram weights, C={regularisation}: validation accuracy {accuracy:.4f}")
        if best is None or accuracy > best[0]:
            best = (accuracy, regularisation, tables)
    accuracy, regularisation, tables = best
    train_evidence = np.zeros(train_indices.shape, dtype="float32")
    folds = np.random.default_rng(SEED).integers(0, N_FOLDS, size=len(train_indices))
    for fold in range(N_FOLDS):
        held = folds == fold
        rest = ~held
        if not held.any() or len(np.unique(train_labels[rest])) < 2:
            continue
        fold_tables = fit_tables(train_counts[rest], train_labels[rest], regularisation)
        train_evidence[held] = fold_tables.evidence(train_indices[held])
    return EvidenceFit(
        tables=tables,
        train_evidence=train_evidence,
        validation_evidence=tables.evidence(validation_indices),
        choices={"C": regularisation, "validation_accuracy_linear": accuracy},
    )


def ngram_keys(token_ids: np.ndarray, vocabulary_size: int, order: int = 3) -> np.ndarray:
    """NumPy twin of ``core.sentiment.model.NgramKeys`` (same keys, same zeros)."""
    ids = np.asarray(token_ids).astype("int64")
    size = np.int64(vocabulary_size)
    previous = np.pad(ids, [(0, 0), (1, 0)])[:, :-1]
    before = np.pad(ids, [(0, 0), (2, 0)])[:, :-2]
    known = ids > 1
    pair = known & (previous > 1) & (order >= 2)
    triple = pair & (before > 1) & (order >= 3)
    keys = np.zeros((*ids.shape, 3), dtype="int64")
    keys[..., 0] = np.where(known, ids, 0)
    keys[..., 1] = np.where(pair, previous * size + ids, 0)
    keys[..., 2] = np.where(triple, (before * size + previous) * size + ids, 0)
    return keys
