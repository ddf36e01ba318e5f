"""The model card's content: our numbers, the baseline, literature anchors, and a plain-English
reading for each. Pure data and strings, so the page only lays them out."""

from __future__ import annotations

from dataclasses import dataclass

EXAMPLES = {
    "Clearly positive": "A wonderful, moving film. The acting is superb and the story stayed "
    "with me for days. One of the best movies I have seen this year.",
    "Clearly negative": "A complete waste of two hours. The plot is dull, the dialogue is "
    "awful and the acting is wooden. I wanted to walk out.",
    "Negation": "I expected to hate it, but honestly it was not bad at all.",
    "Mixed": "The photography is gorgeous and the score is lovely, but the story drags and the "
    "ending makes no sense.",
    "Sarcastic": "Oh great, another two hours of my life I will never get back. Truly a "
    "masterpiece of boredom.",
}

# what each example's writer meant: 1 positive, 0 negative, None genuinely mixed
MEANT = {
    "Clearly positive": 1,
    "Clearly negative": 0,
    "Negation": 1,
    "Mixed": None,
    "Sarcastic": 0,
}


def example_verdict(text: str, probability: float) -> str | None:
    """For one of the example reviews, whether the model read it as its writer meant it."""
    name = next((name for name, example in EXAMPLES.items() if example == text.strip()), None)
    if name is None:
        return None
    meant = MEANT[name]
    if meant is None:
        return (
            "This example is genuinely mixed: a score near 50 % is the honest answer, and "
            "either label can be defended."
        )
    label = "positive" if meant else "negative"
    if (probability >= 0.5) == bool(meant):
        return f"The writer meant this as {label}, and the model read it that way."
    return (
        f"The writer meant this as {label}, but the model read it the other way: a mistake. "
        "The coloured words show what misled it."
    )


ARCHITECTURE_NOTE = (
    "One LSTM reads the review word by word (up to its last 600 words). At each word it gets "
    "two things: the word itself, as 16 learned numbers, and three evidence numbers: how much "
    "more often that word, the word pair ending there and the word triple ending there appear "
    "in positive than in negative training reviews (Naive Bayes weights, as in NBSVM). At "
    "every word the LSTM writes out what it makes of the review so far, remembering the words "
    "before (\u201cnot\u201d before \u201cbad\u201d, \u201cI expected to love it, "
    "but\u2026\u201d); those readings are added up into one score. Nothing reaches the score "
    "without passing through the LSTM."
)


def lstm_contribution_reading(metrics: dict) -> str | None:
    """What reading the evidence in order adds over simply adding it up, on held-out reviews."""
    alone = metrics.get("evidence_sum_only")
    if not alone:
        return None
    ours = metrics["held_out"]
    gained = round((ours["accuracy"] - alone["accuracy"]) * ours["n"])
    if gained > 0:
        effect = f"reading them in order with the LSTM puts {gained:,} more of the {ours['n']:,}"
        effect += " held-out reviews right"
    elif gained < 0:
        effect = f"reading them in order with the LSTM gets {-gained:,} more held-out reviews wrong"
    else:
        effect = "reading them in order with the LSTM changes no count of right answers"
    reading = (
        f"Simply adding up the evidence numbers, with no LSTM and no word order, gets "
        f"{alone['accuracy']:.1%} (AUC {alone['roc_auc']:.3f}); {effect} "
        f"(AUC {ours['roc_auc']:.3f})."
    )
    words_only = metrics.get("lstm_without_evidence")
    if words_only:
        added = round((ours["accuracy"] - words_only["accuracy"]) * ours["n"])
        reading += (
            f" The same LSTM given the words alone, without the evidence, gets "
            f"{words_only['accuracy']:.1%}; the evidence "
            + (f"puts {added:,} more reviews right." if added >= 0 else f"costs {-added:,}.")
        )
    return reading


@dataclass(frozen=True)
class Anchor:
    name: str
    accuracy: float
    reading: str


LITERATURE = (
    Anchor(
        "The article's own settings (20 words, 5,000-word vocabulary)",
        0.76,
        "Reading only 20 words of each review misses most of it: about 1 in 4 wrong.",
    ),
    Anchor(
        "Keras bidirectional LSTM example",
        0.843,
        "A textbook LSTM without tuning: about 1 review in 6 wrong.",
    ),
    Anchor(
        "Tuned LSTM (Dai & Le 2015)",
        0.865,
        "Careful tuning of a plain LSTM: about 1 in 7 wrong.",
    ),
    Anchor(
        "Maas et al. 2011 (word vectors)",
        0.889,
        "The paper that released these reviews: about 1 in 9 wrong.",
    ),
    Anchor(
        "Tuned TF-IDF bigrams + logistic regression",
        0.90,
        "Counting words and word pairs, with no order: about 1 in 10 wrong.",
    ),
    Anchor(
        "NBSVM-bi (Wang & Manning 2012)",
        0.912,
        "A strong word-pair model with Naive Bayes weighting: about 1 in 11 wrong.",
    ),
)


def one_in(error_rate: float) -> str:
    if error_rate <= 0:
        return "none wrong"
    return f"about 1 in {round(1 / error_rate):,} wrong"


def accuracy_reading(accuracy: float, n: int) -> str:
    wrong = round((1 - accuracy) * n)
    return (
        f"Of {n:,} reviews it never saw while training, it labelled {accuracy:.1%} right "
        f"({wrong:,} wrong, {one_in(1 - accuracy)})."
    )


def auc_reading(auc: float) -> str:
    return (
        f"Pick one positive and one negative review at random: {auc:.1%} of the time the "
        "positive one gets the higher score (50 % would be guessing, 100 % perfect ranking)."
    )


def confusion_reading(matrix: list[list[int]]) -> str:
    (true_negative, false_positive), (false_negative, true_positive) = matrix
    return (
        f"{false_positive:,} negative reviews were called positive and {false_negative:,} "
        f"positive reviews were called negative; the rest ({true_negative + true_positive:,}) "
        "were right."
    )


def comparison_reading(model_accuracy: float, baseline_accuracy: float, n: int) -> str:
    fewer = round((model_accuracy - baseline_accuracy) * n)
    if fewer > 0:
        return (
            f"On the same {n:,} held-out reviews, the shipped model gets {fewer:,} more right "
            "than the TF-IDF word-counting baseline."
        )
    return (
        f"On the same {n:,} held-out reviews, the word-counting baseline gets {-fewer:,} more "
        "right than the LSTM model."
    )


def comparison_rows(metrics: dict) -> list[tuple[str, float, str]]:
    """(name, accuracy, kind) rows for the accuracy chart, ours first."""
    rows = [
        (
            "This app's LSTM (reading words and n-gram evidence), held-out",
            metrics["held_out"]["accuracy"],
            "ours",
        ),
        ("TF-IDF baseline on the same split", metrics["baseline"]["accuracy"], "baseline"),
    ]
    rows += [(anchor.name, anchor.accuracy, "literature") for anchor in LITERATURE]
    return rows
