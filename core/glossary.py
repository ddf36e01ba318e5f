"""The glossary: one plain-English sentence per term shown on screen."""

from __future__ import annotations

GLOSSARY = {
    "LSTM": "A neural network that reads a sequence one step at a time and keeps a small memory "
    "of what it has seen so far.",
    "epoch": "One full pass of the model over all the training examples.",
    "lookback": "How many past days the model reads before it makes a prediction.",
    "validation": "Examples held back from training and used to decide when to stop and which "
    "settings to keep; they are not the test.",
    "test part": "The newest data, never used for training or choosing settings; every score on "
    "screen is measured here.",
    "persistence baseline": "The simplest honest forecast: tomorrow's price equals today's.",
    "RMSE": "Root mean squared error: the typical size of a miss, in the price's own units, with "
    "big misses counting extra.",
    "MAE": "Mean absolute error: the average size of a miss, in the price's own units; unlike "
    "RMSE every miss counts by its size alone.",
    "MAPE": "Mean absolute percentage error: the average miss as a percentage of the real price.",
    "skill ratio": "The model's RMSE divided by the baseline's: below 1 means the model beat the "
    "baseline.",
    "signal kept": "How much of the LSTM's predicted move the app keeps, from 0 to 1, chosen on "
    "validation days: 0 means the moves did not help there, so the forecast falls back to "
    "tomorrow = today; 1 keeps all of them.",
    "band": "The shaded range around the forecast that should hold the real price a stated share "
    "of the time (for example 80%); it is sized on validation days, checked on the test part, and "
    "widens with each day ahead.",
    "AUC": "The chance that the model scores a random positive review above a random negative "
    "one: 0.5 is guessing, 1.0 is perfect.",
    "accuracy": "The share of reviews whose label the model got right.",
    "TF-IDF": "Term frequency–inverse document frequency: a word-counting baseline that weighs "
    "each word (and word pair) by how often a review uses it and how rare it is across all "
    "reviews, then feeds the weights to a logistic regression; it reads no word order.",
    "n-gram evidence": "For each word, and the two- and three-word phrases ending at it, a "
    "number saying how much more often it appears in positive than in negative training "
    "reviews; the LSTM reads these beside the words.",
}


def glossary_markdown(terms: list[str] | None = None) -> str:
    """The glossary (or the named terms of it) as a Markdown list."""
    chosen = terms or list(GLOSSARY)
    unknown = [term for term in chosen if term not in GLOSSARY]
    if unknown:
        raise ValueError(
            f"No glossary entry for {', '.join(unknown)}; known: {', '.join(GLOSSARY)}."
        )
    return "\n".join(f"- **{term}**: {GLOSSARY[term]}" for term in chosen)
