"""Plain-Python text handling around the model: input guards, readings and word explanations.

Nothing here imports TensorFlow; anything with ``predict_proba`` can be explained.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

MAX_CHARACTERS = 20_000
MAX_EXPLAINED_WORDS = 400
SHORT_REVIEW_WORDS = 4  # fewer words than this get a notice that the score is tentative
WORD = re.compile(r"\S+")
LETTERS = re.compile(r"[^\W\d_]+")
# the most frequent English function words: English prose of 8+ words almost always has several
ENGLISH_WORDS = frozenset(
    "the a an and or but not no is are was were be been it its this that these those i you he "
    "she we they me my your his her our their of in on at to for with from by as so too very "
    "just than then there here what which who how all some any more most have has had do does "
    "did can could would should will".split()
)


class Scorer(Protocol):
    def predict_proba(self, texts: list[str]) -> np.ndarray: ...


@dataclass
class PreparedReview:
    """A review ready for scoring, with what the page should tell the user about it."""

    text: str
    truncated_from: int | None = None
    looks_english: bool = True

    @property
    def notices(self) -> list[str]:
        notes = []
        if self.truncated_from is not None:
            notes.append(
                f"The text had {self.truncated_from:,} characters; only the first "
                f"{MAX_CHARACTERS:,} were scored."
            )
        if 0 < len(WORD.findall(self.text)) < SHORT_REVIEW_WORDS:
            notes.append(
                "A review this short gives the model little to go on: it learned from reviews of "
                "a few hundred words, so scores of very short texts stay closer to 50 %."
            )
        if not self.looks_english:
            notes.append(
                "This does not look like English. It was scored anyway, but the model learned "
                "from English movie reviews only, so treat the score as a guess."
            )
        return notes


def prepare_review(text: str) -> PreparedReview:
    """Trim whitespace, cut text over :data:`MAX_CHARACTERS` and flag non-English text."""
    text = str(text).strip()
    truncated_from = None
    if len(text) > MAX_CHARACTERS:
        truncated_from = len(text)
        text = text[:MAX_CHARACTERS]
    return PreparedReview(text, truncated_from, looks_english(text))


def looks_english(text: str) -> bool:
    """Guess whether ``text`` is English: mostly Latin letters and some very common words."""
    words = [word.lower() for word in LETTERS.findall(text)]
    if not words:
        return True
    latin = sum(word.isascii() for word in words) / len(words)
    if latin < 0.7:
        return False
    if len(words) < 8:
        return True
    return sum(word in ENGLISH_WORDS for word in words) / len(words) >= 0.15


def split_reviews(text: str, one_per_line: bool) -> list[str]:
    """One review, or one per non-empty line."""
    if not one_per_line:
        return [text] if text.strip() else []
    return [line for line in text.splitlines() if line.strip()]


def with_article(number: str) -> str:
    """The formatted number ``number`` (e.g. "89%", "1,200") with "a" or "an" before it.

    "an" goes before the numbers read aloud with a vowel first: eight, eleven, eighteen,
    eighty-something, eight hundred, eleven thousand and so on.
    """
    digits = re.match(r"\d[\d,]*", number)
    if digits is None:
        raise ValueError(f"{number!r} does not start with a number.")
    whole = str(int(digits.group().replace(",", "")))
    # the number is read by groups of three digits; only the first group's sound counts
    first_group = whole[: len(whole) % 3 or 3]
    vowel = first_group.startswith("8") or first_group in ("11", "18")
    return f"{'an' if vowel else 'a'} {number}"


def label_of(probability: float) -> str:
    return "positive" if probability >= 0.5 else "negative"


def reading_of(probability: float) -> str:
    """A plain-English sentence for a probability of a positive review."""
    label = label_of(probability)
    certainty = max(probability, 1 - probability)
    if certainty >= 0.9:
        strength = "clearly"
    elif certainty >= 0.7:
        strength = "probably"
    else:
        strength = "only slightly, so the model is unsure, but"
    return (
        f"{strength.capitalize()} {label}: the model gives {with_article(f'{probability:.0%}')} "
        "chance that "
        f"the writer liked the film."
    )


@dataclass
class WordContribution:
    word: str
    separator: str
    contribution: float | None


@dataclass
class Explanation:
    """How much each word moved the score: ``p(full review) - p(review without the word)``."""

    probability: float
    words: list[WordContribution] = field(default_factory=list)

    def top(self, count: int = 5, positive: bool = True) -> list[WordContribution]:
        scored = [word for word in self.words if word.contribution is not None]
        scored.sort(key=lambda word: word.contribution, reverse=positive)
        sign = 1 if positive else -1
        return [word for word in scored[:count] if sign * word.contribution > 0]


def word_contributions(
    model: Scorer, text: str, max_words: int = MAX_EXPLAINED_WORDS
) -> Explanation:
    """Score ``text`` with each word removed in turn (one batch) and return the contributions.

    Words after the first ``max_words`` are not occluded and get ``contribution=None``.
    """
    matches = list(WORD.finditer(text))
    explained = matches[:max_words]
    variants = [text[: match.start()] + text[match.end() :] for match in explained]
    scores = model.predict_proba([text, *variants])
    full = float(scores[0])
    words = []
    for index, match in enumerate(matches):
        following = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        contribution = full - float(scores[index + 1]) if index < len(explained) else None
        words.append(WordContribution(match.group(), text[match.end() : following], contribution))
    return Explanation(probability=full, words=words)


def highlight_html(explanation: Explanation) -> str:
    """Words as HTML spans, green when they pushed towards positive, red towards negative.

    Every piece of user text is escaped, so markup in a review shows as text.
    """
    scale = max(
        (abs(word.contribution) for word in explanation.words if word.contribution is not None),
        default=0.0,
    )
    pieces = []
    for word in explanation.words:
        escaped = html.escape(word.word)
        separator = html.escape(word.separator).replace("\n", "<br>")
        if word.contribution is None or scale < 1e-4 or abs(word.contribution) < 0.05 * scale:
            pieces.append(f"<span>{escaped}</span>{separator}")
            continue
        strength = 0.15 + 0.6 * abs(word.contribution) / scale
        colour = "22, 163, 74" if word.contribution > 0 else "220, 38, 38"
        title = f"moves the score by {word.contribution * 100:+.1f} points"
        pieces.append(
            f'<span style="background: rgba({colour}, {strength:.2f}); border-radius: 3px; '
            f'padding: 0 2px" title="{title}">{escaped}</span>{separator}'
        )
    return '<div style="line-height: 1.9">' + "".join(pieces) + "</div>"


def comparison_reading(first: float, second: float) -> str:
    """How much more positive (or negative) version B reads than version A."""
    difference = second - first
    if abs(difference) < 0.01:
        return "Both versions get about the same score (less than 1 point apart)."
    direction = "more positive" if difference > 0 else "more negative"
    return f"Version B reads {abs(difference) * 100:.0f} points {direction} than version A."


def share_reading(probabilities, what: str = "reviews") -> str:
    """ "3 of 5 reviews (60 %) read as positive." for a batch of probabilities."""
    total = len(probabilities)
    positive = int((np.asarray(probabilities) >= 0.5).sum())
    share = positive / total if total else 0.0
    return (
        f"{positive:,} of {total:,} {what} ({share:.0%}) read as positive, "
        f"{total - positive:,} as negative."
    )


def score_table(model: Scorer, texts: list[str]) -> tuple[list[PreparedReview], np.ndarray]:
    """Prepare (truncate, language check) and score many reviews at once."""
    prepared = [prepare_review(text) for text in texts]
    return prepared, model.predict_proba([review.text for review in prepared])
