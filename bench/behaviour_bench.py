"""Behavioural benchmark (issue #14): the shipped LSTM and the order-blind baselines on the
behavioural suite (``core.sentiment.behaviour``), per category and overall, against the issue's
targets: both sides right on at least 75 % of the order and negation minimal pairs, and at least
85 % of their sentences right.

The baselines are fitted here, on exactly the texts the shipped LSTM learned from
(:func:`core.sentiment.behaviour.baselines`); a quick run scores the shipped model alone.
"""

from __future__ import annotations

import time
from pathlib import Path

from core.paths import SENTIMENT_MODEL_DIR

TARGET_PAIRS = 0.75  # minimal pairs with both sides right
TARGET_SENTENCES = 0.85  # sentences of the minimal pairs right
MODEL_NAMES = {
    "shipped": "Shipped LSTM",
    "bag_of_words": "Bag of words",
    "tfidf_lr": "TF-IDF + LR",
    "ngram_evidence_sum": "Bag of n-grams",
}


def scores_of(report: dict) -> dict:
    """The rates of one model's report, without its description."""
    keys = ("overall", "hand_written", "invariance_held", "categories")
    return {key: report[key] for key in keys if key in report}


def targets(overall: dict) -> dict:
    """Whether ``overall`` (an :func:`~core.sentiment.behaviour.evaluate` ``overall``) meets the
    issue's two targets."""
    return {
        "pairs_both_right_ok": overall["pairs_both_right"]["share"] >= TARGET_PAIRS,
        "sentences_right_ok": overall["sentences_right"]["share"] >= TARGET_SENTENCES,
    }


def run(quick: bool = False, model_dir: Path | None = None, log=print) -> dict:
    """Score the shipped model and (unless ``quick``) the baselines on the behavioural suite.

    Returns
    -------
    dict
        ``suite`` (cases, pairs, invariance tolerance), ``target_pairs``,
        ``target_sentences``, ``models`` (each model's rates and ``targets`` verdicts), and
        ``training_data`` (what the baselines learned from) when they were fitted.
    """
    from core.sentiment import load_model
    from core.sentiment.behaviour import baselines, evaluate

    model_dir = Path(model_dir or SENTIMENT_MODEL_DIR)
    started = time.perf_counter()
    shipped = evaluate(load_model(model_dir).predict_proba)
    result: dict = {
        "suite": {key: shipped[key] for key in ("cases", "pairs", "tolerance")},
        "target_pairs": TARGET_PAIRS,
        "target_sentences": TARGET_SENTENCES,
        "models": {"shipped": scores_of(shipped)},
        "shipped_seconds": time.perf_counter() - started,
    }
    if quick:
        result["baselines_note"] = "not fitted in a quick run"
    else:
        log("behaviour: fitting the baselines on the shipped LSTM's training texts")
        started = time.perf_counter()
        fitted = baselines(model_dir, log=log)
        result["baselines_seconds"] = time.perf_counter() - started
        result["training_data"] = fitted.pop("training_data")
        for name, report in fitted.items():
            if "overall" in report:
                result["models"][name] = {"model": report["model"], **scores_of(report)}
    for scores in result["models"].values():
        scores["targets"] = targets(scores["overall"])
    return result
