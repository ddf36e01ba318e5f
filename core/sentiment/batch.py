"""Batch scoring around the user's own table: scores added beside it, and notes on the input."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from core.sentiment.text import PreparedReview, label_of

SCORE_COLUMN = "p_positive"
LABEL_COLUMN = "predicted_label"
NUMBER = re.compile(r"[+-]?(\d[\d,]*)?\.?\d+([eE][+-]?\d+)?")
NAMED_LINES = 3  # how many lines a note names before it says "and N more"


def free_name(taken, wanted: str) -> str:
    """``wanted``, or ``wanted_2``, ``wanted_3``… when the table already has a column so named."""
    taken = set(taken)
    name, number = wanted, 2
    while name in taken:
        name, number = f"{wanted}_{number}", number + 1
    return name


def scored_frame(frame: pd.DataFrame, probabilities) -> pd.DataFrame:
    """The user's table, every column untouched, with the model's two columns added at the end.

    Parameters
    ----------
    frame : DataFrame
        The uploaded table.
    probabilities : array-like
        The chance that each row's review is positive, in row order; NaN for a row left unscored
        (no review text), which gets empty cells in both new columns.

    Returns
    -------
    DataFrame
        ``frame`` plus ``p_positive`` (rounded to 4 decimals) and ``predicted_label``; a name
        the upload already uses gets a number (``p_positive_2``), so no input column is lost.

    Raises
    ------
    ValueError
        When there is not one probability per row.
    """
    probabilities = np.asarray(probabilities, dtype=float)
    if len(probabilities) != len(frame):
        raise ValueError(f"Got {len(probabilities)} scores for {len(frame)} rows; they must match.")
    score_name = free_name(frame.columns, SCORE_COLUMN)
    label_name = free_name([*frame.columns, score_name], LABEL_COLUMN)
    scored = frame.copy()
    scored[score_name] = probabilities.round(4)
    scored[label_name] = [label_of(p) if np.isfinite(p) else "" for p in probabilities]
    return scored


def blank_rows(texts: list[str]) -> np.ndarray:
    """True for each row whose review text is empty or only spaces: there is nothing to score."""
    return np.array([not text.strip() for text in texts], dtype=bool)


def blank_note(blank: np.ndarray, column: str) -> str:
    """Which rows were left unscored because column ``column`` is empty there, else ""."""
    rows = np.flatnonzero(blank) + 1  # 1-based, as the user counts data rows
    if not len(rows):
        return ""
    named = ", ".join(f"{row:,}" for row in rows[:NAMED_LINES])
    more = f" and {len(rows) - NAMED_LINES:,} more" if len(rows) > NAMED_LINES else ""
    return (
        f"{len(rows):,} row{'s' if len(rows) > 1 else ''} ({named}{more}) "
        f"{'have' if len(rows) > 1 else 'has'} no text in column {column!r}, so "
        f"{'they were' if len(rows) > 1 else 'it was'} left unscored: their new cells are empty "
        "and they are not counted below."
    )


def numbers_note(texts: list[str], column: str) -> str:
    """A warning when most non-empty cells of the chosen text column are numbers, else ""."""
    filled = [text.strip() for text in texts if text.strip()]
    numbers = sum(bool(NUMBER.fullmatch(text)) for text in filled)
    if not filled or numbers / len(filled) < 0.5:
        return ""
    return (
        f"Column {column!r} holds numbers ({numbers:,} of its {len(filled):,} filled cells), not "
        "review text, so its scores mean nothing. Pick the column that holds the reviews above."
    )


def not_english_note(prepared: list[PreparedReview], what: str = "Line") -> str:
    """Which reviews (1-based, as the user counts them) do not look like English, else ""."""
    flagged = [index for index, review in enumerate(prepared, start=1) if not review.looks_english]
    if not flagged:
        return ""
    named = [f"{index} (“{_start(prepared[index - 1].text)}”)" for index in flagged[:NAMED_LINES]]
    more = len(flagged) - len(named)
    if more:
        named.append(f"{more:,} more")
    listed = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
    verb = "does" if len(flagged) == 1 else "do"
    plural = what if len(flagged) == 1 else f"{what}s"
    return (
        f"{plural} {listed} {verb} not look like English; the model learned from English reviews "
        "only, so those scores are guesses."
    )


def _start(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
