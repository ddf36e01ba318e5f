"""The model card's content: our numbers, the baseline, literature anchors, and a plain-English
reading for each. Pure data and strings, so the page only lays them out."""

from __future__ import annotations

from dataclasses import dataclass

from core.sentiment.metrics import accuracy_interval, mcnemar_p_value

PAIRED_KEY = "paired_with_lstm"  # as core.sentiment.pipeline writes it into metrics.json

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
    "One LSTM reads the review word by word, left to right (up to its last 600 words). At each "
    "word it gets two things: the word itself, as 32 learned numbers, and three evidence "
    "numbers: how much more often that word, the word pair ending there and the word triple "
    "ending there appear in positive than in negative training texts (Naive Bayes weights, as "
    "in NBSVM). After every word the LSTM writes out a score for the review so far and how much "
    "that score should count; the review's score is the weighted average, so a word read after "
    "\u201cbut\u201d or \u201cnot\u201d can outweigh everything before it. It learned from "
    "IMDB reviews and from every labelled phrase of the Stanford Sentiment Treebank, so it has "
    "seen \u201cnot bad\u201d apart from \u201cbad\u201d. Nothing reaches the score without "
    "passing through the LSTM."
)


def shipped_model_name(metrics: dict | None) -> str:
    """How the Score, Batch and label-check views name the shipped model, with what it read.

    Parameters
    ----------
    metrics : dict or None
        The shipped ``metrics.json``; None (unreadable) gives the name without the counts.

    Returns
    -------
    str
        E.g. "the shipped model (trained on 19,903 IMDB reviews, ...)".
    """
    data = (metrics or {}).get("data") or {}
    by_source = data.get("n_train_by_source") or {}
    parts = [
        f"{by_source[key]:,} {what}"
        for key, what in (
            ("imdb", "IMDB reviews"),
            ("sst_phrase", "Stanford Sentiment Treebank phrases"),
            ("rotten_tomatoes", "Rotten Tomatoes sentences"),
        )
        if by_source.get(key)
    ]
    if data.get("n_made_up_examples"):
        parts.append(f"{data['n_made_up_examples']:,} made-up contrast and negation examples")
    if not parts:
        return "the shipped model"
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"the shipped model (trained on {listed})"


VERDICT_LEVEL = 0.05  # two-sided; "better" or "worse" only below it


@dataclass(frozen=True)
class Verdict:
    """``label`` is "better", "worse" or "no detectable difference" (for the LSTM)."""

    label: str
    p_value: float  # exact two-sided McNemar test


def paired_verdict(counts: dict, other: str) -> Verdict:
    """The LSTM against another model from their review-by-review counts (McNemar test)."""
    lstm, rival = counts["only_lstm_right"], counts[f"only_{other}_right"]
    p_value = mcnemar_p_value(lstm, rival)
    if p_value >= VERDICT_LEVEL or lstm == rival:
        return Verdict("no detectable difference", p_value)
    return Verdict("better" if lstm > rival else "worse", p_value)


def chance_words(p_value: float) -> str:
    """A p-value as "about 1 time in 6", for people who do not read p-values."""
    if p_value < 0.001:
        return "less than 1 time in 1,000"
    if p_value >= 0.5:
        return f"{p_value:.0%} of the time"
    return f"about 1 time in {round(1 / p_value):,}"


def paired_reading(counts: dict, other: str, other_name: str, what: str) -> str:
    """One sentence: the LSTM against another model on the same reviews, with the verdict.

    ``other`` is the key in ``counts`` (``only_{other}_right``), ``other_name`` how the sentence
    names that model, ``what`` what the LSTM has that it lacks ("reading the evidence in order").
    """
    lstm, rival = counts["only_lstm_right"], counts[f"only_{other}_right"]
    verdict = paired_verdict(counts, other)
    split = (
        f"Of the {lstm + rival:,} reviews where the two disagree, the LSTM alone is right on "
        f"{lstm:,} and {other_name} alone on {rival:,}"
    )
    odds = (
        f"a split at least this lopsided would turn up {chance_words(verdict.p_value)} by chance "
        f"if both were equally good (McNemar test, p = {verdict.p_value:.2g})"
    )
    if verdict.label == "better":
        return f"{split}; {odds}, so {what} helps: the LSTM is better."
    if verdict.label == "worse":
        return f"{split}; {odds}, so {what} hurts: the LSTM is worse."
    return f"{split}; {odds}, so there is no detectable difference between them."


def interval_overlap_reading(ours: dict, other: dict, what: str) -> str:
    """For two accuracies without review-by-review counts: do their 95 % intervals overlap?

    ``what`` names what the LSTM has that the other lacks ("the evidence").
    """
    ours_low, ours_high = accuracy_interval(ours["accuracy"], ours["n"])
    low, high = accuracy_interval(other["accuracy"], other["n"])
    shown = f"(95 % interval {low:.1%} to {high:.1%}, the LSTM's {ours_low:.1%} to {ours_high:.1%})"
    if high < ours_low:
        return f"{shown}; the intervals do not overlap, so {what} helps: the LSTM is better."
    if low > ours_high:
        return f"{shown}; the intervals do not overlap, so {what} hurts: the LSTM is worse."
    return f"{shown}; the intervals overlap, so there is no detectable difference."


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


def interval_reading(accuracy: float, n: int) -> str:
    """The 95 % Wilson interval of an accuracy, in one sentence."""
    low, high = accuracy_interval(accuracy, n)
    return (
        f"95 % confidence interval {low:.1%} to {high:.1%}: measured on {n:,} reviews, the "
        "accuracy on more reviews like these would very likely fall in this range."
    )


def versus_baseline_reading(metrics: dict) -> str:
    """The shipped LSTM against the TF-IDF baseline on the same held-out reviews: "better" or
    "worse" only when a McNemar test says the gap is more than chance."""
    ours, baseline = metrics["held_out"], metrics["baseline"]
    n = ours["n"]
    gap = round((ours["accuracy"] - baseline["accuracy"]) * n)
    more = (
        f"the LSTM gets {gap:,} more right than the TF-IDF word-counting baseline"
        if gap >= 0
        else f"the TF-IDF word-counting baseline gets {-gap:,} more right than the LSTM"
    )
    reading = f"On the same {n:,} held-out reviews {more}."
    counts = baseline.get(PAIRED_KEY)
    if counts is None:
        return f"{reading} {interval_overlap_reading(ours, baseline, 'the LSTM')}"
    return f"{reading} " + paired_reading(
        counts, "baseline", "the baseline", "reading word order with an LSTM"
    )


def session_split_reading(n_train: int, n_validation: int, n_test: int) -> str:
    """Where the reviews of a session's training went, and why the test number is fair."""
    return (
        f"It learned from {n_train:,} of your reviews; {n_validation:,} more chose its settings "
        f"and when to stop; these {n_test:,} test reviews were set aside first and used for "
        "nothing else, so the number is a fair estimate for reviews like yours."
    )


def stopped_reading(report: dict) -> str | None:
    """What a stopped session training kept; None when it ran to its end.

    ``report`` is :func:`core.sentiment.train.train_session_model`'s report.
    """
    if not report.get("stopped"):
        return None
    losses = report["history"].get("val_loss") or []
    planned = report["settings"]["epochs"]
    kept = (
        f"; the model keeps epoch {losses.index(min(losses)) + 1}, the best on validation reviews"
        if losses
        else ""
    )
    run = len(report["history"].get("loss") or losses)
    return f"Training was stopped after {run} of {planned} {epochs_word(planned)}{kept}."


def epochs_word(count: int) -> str:
    """The word "epoch" for a count of 1, "epochs" for any other."""
    return "epoch" if count == 1 else "epochs"


def sst2_rows(metrics: dict) -> list[tuple[str, float, str]]:
    """(name, accuracy, kind) rows for the SST-2 test sentences: ours, the two order-blind
    ablations, then published models trained on SST alone."""
    if "sst2_test" not in metrics:
        return []
    ablations = metrics.get("ablations", {})
    rows = [("This app's LSTM", metrics["sst2_test"]["accuracy"], "ours")]
    for key, name in (("bag_of_ngrams", "Bag of n-grams alone"), ("tfidf_lr", "TF-IDF baseline")):
        if key in ablations:
            rows.append(
                (
                    f"{name} (same training data)",
                    ablations[key]["sst2_test"]["accuracy"],
                    "baseline",
                )
            )
    rows += [
        (anchor["name"], anchor["accuracy"], "literature")
        for anchor in metrics.get("published_sst2", [])
    ]
    return rows


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


def sst2_reading(metrics: dict) -> str | None:
    """The SST-2 test accuracy with its interval, beside the range the published models reach."""
    if "sst2_test" not in metrics:
        return None
    ours = metrics["sst2_test"]
    low, high = accuracy_interval(ours["accuracy"], ours["n"])
    reading = (
        f"On the Stanford Sentiment Treebank's test sentences (SST-2: {ours['n']:,} one-sentence "
        f"reviews, neutral ones dropped, never used in training or for any choice) it labelled "
        f"{ours['accuracy']:.0%} right (95 % interval {low:.1%} to {high:.1%})."
    )
    published = [anchor["accuracy"] for anchor in metrics.get("published_sst2", [])]
    if published:
        reading += (
            " Published models built for this test reach "
            f"{min(published):.0%}–{max(published):.0%}; the LSTMs among them start from word "
            "vectors pretrained on 840 billion words of web text (GloVe), ours from scratch."
        )
    return reading


def published_reading(name: str, accuracy: float, ours: dict) -> str:
    """One published SST-2 figure against our interval: inside it, above it or below it."""
    low, high = accuracy_interval(ours["accuracy"], ours["n"])
    gap = (accuracy - ours["accuracy"]) * 100
    if low <= accuracy <= high:
        where = "inside our 95 % interval, so no detectable difference"
    elif accuracy > high:
        where = "above our 95 % interval: that model is better on these sentences"
    else:
        where = "below our 95 % interval: ours is better on these sentences"
    side = "above" if gap > 0 else "below"
    return f"{name}: {accuracy:.1%}, {abs(gap):.1f} points {side} ours; {where}."


BEHAVIOUR_LABELS = {
    "negation_of_positive": 'Negated praise ("was not good")',
    "negation_of_negative": 'Negated criticism ("was not bad")',
    "contrast": 'Contrast ("X, but Y", both ways round)',
    "at_first_by_the_end": '"At first … by the end"',
    "comparative": 'Comparatives ("more A than B")',
    "double_negation": "Double negation",
    "invariance_names": "Swapping an actor's name",
    "invariance_titles": "Swapping a film title",
    "invariance_punctuation": "Changing the punctuation",
}
BEHAVIOUR_MODELS = (
    ("lstm", "Shipped LSTM"),
    ("bag_of_words", "Bag of words"),
    ("tfidf_lr", "TF-IDF + LR"),
)
TARGET_PAIRS = 0.75  # issue #14: minimal pairs with both sides right
TARGET_SENTENCES = 0.85


def rate_text(rate: dict) -> str:
    """A behavioural rate as "62 % (50–72)": the share and its 95 % interval, in percent."""
    return f"{rate['share']:.0%} ({rate['low']:.0%}–{rate['high']:.0%})"


@dataclass(frozen=True)
class BehaviourRow:
    """One category of the behavioural suite: what was measured, per model, and a reading."""

    category: str
    label: str
    measure: str  # "pairs both right" or "invariance held"
    rates: dict  # model key (BEHAVIOUR_MODELS) -> rate dict
    reading: str


def behaviour_rows(metrics: dict) -> list[BehaviourRow]:
    """The recorded behavioural suite (``metrics["behaviour"]``) by category, the shipped LSTM
    beside the bag of words and TF-IDF; [] when the suite was not recorded."""
    recorded = metrics.get("behaviour")
    if not recorded:
        return []
    baselines = recorded.get("baselines", {})
    rows = []
    for category, label in BEHAVIOUR_LABELS.items():
        ours = recorded["categories"].get(category)
        if ours is None:
            continue
        invariance = "invariance_held" in ours
        what = "invariance_held" if invariance else "pairs_both_right"
        rates = {"lstm": ours[what]}
        for key, _ in BEHAVIOUR_MODELS[1:]:
            theirs = baselines.get(key, {}).get("categories", {}).get(category, {}).get(what)
            if theirs:
                rates[key] = theirs
        rows.append(
            BehaviourRow(
                category,
                label,
                "invariance held" if invariance else "pairs both right",
                rates,
                _behaviour_reading(label, ours, rates, invariance),
            )
        )
    return rows


def _behaviour_reading(label: str, ours: dict, rates: dict, invariance: bool) -> str:
    lstm = rates["lstm"]
    if invariance:
        reading = (
            f"{label}: the LSTM kept its verdict, within 10 points, on {lstm['count']} of "
            f"{lstm['n']} pairs"
        )
    else:
        reading = (
            f"{label}: the LSTM read both sentences of {lstm['count']} of {lstm['n']} pairs "
            f"right ({ours['sentences_right']['share']:.0%} of single sentences)"
        )
    others = [
        f"{'the bag of words' if key == 'bag_of_words' else name} on {rates[key]['count']}"
        for key, name in BEHAVIOUR_MODELS[1:]
        if key in rates
    ]
    if others:
        reading += "; " + " and ".join(others)
        reading += f" of {lstm['n']}"
    if ours.get("kind") == "reordered":
        reading += (
            ". The two sentences hold the same words, so an order-blind model gives both the "
            "same score and can never get both right"
        )
    return reading + "."


def behaviour_targets_reading(metrics: dict) -> str | None:
    """The issue's two behavioural targets, met or missed, in one paragraph."""
    recorded = metrics.get("behaviour")
    if not recorded:
        return None
    overall = recorded["overall"]
    pairs, sentences = overall["pairs_both_right"], overall["sentences_right"]

    def judged(rate: dict, target: float) -> str:
        if rate["share"] >= target:
            return f"met the {target:.0%} target"
        return f"missed the {target:.0%} target"

    reading = (
        f"Over all {pairs['n']} order and negation pairs the LSTM got both sentences right on "
        f"{rate_text(pairs)} of pairs ({judged(pairs, TARGET_PAIRS)}) and "
        f"{rate_text(sentences)} of sentences ({judged(sentences, TARGET_SENTENCES)})."
    )
    bag = recorded.get("baselines", {}).get("bag_of_words", {}).get("overall")
    if bag:
        reading += (
            f" A bag of words trained on the same texts gets {rate_text(bag['pairs_both_right'])}"
            f" of pairs and {rate_text(bag['sentences_right'])} of sentences."
        )
    return reading + " Brackets: 95 % confidence intervals."


ABLATION_NAMES = {
    "bag_of_ngrams": ("the bag of n-grams", "Bag of n-grams (no order)"),
    "tfidf_lr": ("TF-IDF + LR", "TF-IDF + LR (no order)"),
}
ABLATION_KEYS = {"bag_of_ngrams": "bag_of_ngrams", "tfidf_lr": "baseline"}
PARTS = (("held_out", "IMDB held-out reviews"), ("sst2_test", "SST-2 test sentences"))


@dataclass(frozen=True)
class AblationRow:
    """One order-blind ablation on one test set, against the LSTM, with its McNemar verdict."""

    name: str
    part: str
    lstm: float
    other: float
    other_interval: tuple[float, float]
    verdict: str
    reading: str


def ablation_rows(metrics: dict) -> list[AblationRow]:
    """The recorded ablations (bag of n-grams, TF-IDF) on each test set, with the verdict of
    a McNemar test on the same reviews; [] when none were recorded."""
    rows = []
    for key, (short, name) in ABLATION_NAMES.items():
        ablation = metrics.get("ablations", {}).get(key)
        if not ablation:
            continue
        for part, where in PARTS:
            other, ours = ablation.get(part), metrics.get(part)
            if not other or not ours or PAIRED_KEY not in other:
                continue
            verdict = paired_verdict(other[PAIRED_KEY], ABLATION_KEYS[key])
            reading = paired_reading(
                other[PAIRED_KEY], ABLATION_KEYS[key], short, "reading in order"
            )
            rows.append(
                AblationRow(
                    name,
                    where,
                    ours["accuracy"],
                    other["accuracy"],
                    accuracy_interval(other["accuracy"], other.get("n", ours["n"])),
                    verdict.label,
                    f"{where}: {reading}",
                )
            )
    return rows
