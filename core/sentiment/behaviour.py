"""A behavioural test suite for the sentiment model, CheckList-style (Ribeiro et al. 2020).

Minimal pairs, where only the order of the words or one negation decides the label, and
invariance pairs, where a name, a film title or the punctuation changes and nothing else should.
The suite is built from templates filled with a seeded pick of everyday review words, plus
hand-written pairs. :func:`evaluate` scores any ``predict_proba(list[str])`` on it;
:func:`baselines` fits the TF-IDF and bag-of-words baselines and scores them on the same cases.

No TensorFlow at import: the templates and :func:`evaluate` are plain Python and NumPy.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import numpy as np

from core.sentiment.metrics import accuracy_interval
from core.sentiment.settings import ModelSettings

SEED = 14
PAIRS_PER_CATEGORY = 30  # generated minimal pairs per category (each pair is two cases)
PAIRS_PER_INVARIANCE = 15  # generated pairs per invariance category
# An invariance pair holds when both sides get the same label and their scores differ by at most
# this much: the page prints the score in whole percents, and a 10-point jump from swapping a
# name is what a presenter would notice and have to explain.
TOLERANCE = 0.10
SAME_SCORE = 1e-6  # two scores this close count as "scored alike" (float rounding)


@dataclass(frozen=True)
class Case:
    """One sentence of the suite: ``label`` 1 positive, 0 negative; the two sides of a pair share
    ``pair``."""

    text: str
    label: int
    category: str
    pair: str


# how the two sides of a pair relate
REORDERED = "reordered"  # the same words in another order, opposite labels
NEGATION = "negation"  # one negation added or removed, opposite labels
INVARIANCE = "invariance"  # a name, title or punctuation changed, same label

CATEGORIES = {
    "negation_of_positive": NEGATION,
    "negation_of_negative": NEGATION,
    "contrast": REORDERED,
    "at_first_by_the_end": REORDERED,
    "comparative": REORDERED,
    "double_negation": NEGATION,
    "invariance_names": INVARIANCE,
    "invariance_titles": INVARIANCE,
    "invariance_punctuation": INVARIANCE,
}
HAND_WRITTEN = "hand-"  # prefix of the pair ids of hand-written pairs


def words(text: str) -> list[str]:
    """The words of ``text`` as the model's standardizer leaves them: lowercase, apostrophes
    dropped (``didn't`` → ``didnt``), any other punctuation a word break."""
    return re.findall(r"[^\W_]+", re.sub(r"['’]", "", text.lower()))


# -- the vocabulary ------------------------------------------------------------------------------

# what a review talks about: the whole film or a stretch of it, or one craft
WHOLE_FILMS = (
    "the film", "this movie", "this sequel", "the remake", "the documentary", "this comedy",
    "the thriller", "the drama", "the series",
)  # fmt: skip
FILMS = (*WHOLE_FILMS, "the story", "the plot")
# stretches of a film: a contrast sets an early one against a late one, never two that overlap
EARLY = ("the first hour", "the opening", "the first act")
LATE = ("the second half", "the finale", "the ending", "the last half hour", "the climax")
PARTS = (*EARLY, "the middle", *LATE)
CRAFTS = (
    "the acting", "the script", "the dialogue", "the cast", "the soundtrack", "the direction",
    "the cinematography", "the lead performance", "the screenplay", "the editing", "the score",
    "the camera work", "the production design", "the supporting cast", "the animation",
)  # fmt: skip

# adjectives that fit anything a review talks about
GOOD = (
    "good", "great", "wonderful", "brilliant", "superb", "excellent", "terrific", "lovely",
    "fantastic", "impressive", "outstanding", "marvellous", "strong", "solid", "memorable",
    "stunning", "fresh", "sharp", "beautiful", "inspired", "polished", "confident", "splendid",
)  # fmt: skip
BAD = (
    "bad", "awful", "terrible", "dreadful", "poor", "weak", "disappointing", "mediocre",
    "forgettable", "sloppy", "clumsy", "lazy", "flat", "bland", "lifeless", "stale",
    "uninspired", "amateurish", "lousy", "messy", "hollow", "cheap", "dire",
)  # fmt: skip
# adjectives for a story (a film or a stretch of it), not for a craft
GRIPPING = (
    "gripping", "moving", "funny", "charming", "clever", "touching", "thrilling", "engaging",
    "witty", "powerful", "compelling", "inventive", "heartfelt", "entertaining", "enjoyable",
    "delightful", "exciting", "hilarious", "absorbing", "uplifting", "original",
)  # fmt: skip
BORING = (
    "boring", "dull", "tedious", "predictable", "shallow", "pointless", "silly", "tiresome",
    "dreary", "confusing", "pretentious", "slow", "plodding", "overlong", "joyless", "muddled",
    "exhausting", "unfunny", "derivative", "incoherent", "cynical", "sluggish",
)  # fmt: skip
# negative adjectives whose negation reads as praise ("not bad", "never boring")
NOT_BAD = ("bad", "disappointing", "forgettable", "bland", "weak", "stale", "clumsy")
NOT_BORING = (
    "boring", "dull", "tedious", "predictable", "confusing", "pretentious", "tiresome", "slow",
    "plodding", "overlong", "dreary",
)  # fmt: skip
# adjectives that take "more" ("more charming than tedious")
MORE_GOOD = (
    "charming", "moving", "thrilling", "entertaining", "clever", "touching", "gripping",
    "engaging", "inventive", "delightful", "enjoyable", "impressive", "memorable", "heartfelt",
    "exciting", "beautiful", "intelligent", "original", "absorbing",
)  # fmt: skip
MORE_BAD = (
    "tedious", "boring", "predictable", "annoying", "clumsy", "forgettable", "pretentious",
    "confusing", "irritating", "shallow", "exhausting", "frustrating", "disappointing", "silly",
    "bland", "tiresome", "sluggish",
)  # fmt: skip
# how the viewer felt
PLEASED = (
    "impressed", "moved", "entertained", "amused", "charmed", "convinced", "gripped",
    "won over", "touched", "delighted", "hooked", "thrilled", "enthralled",
)  # fmt: skip
DISPLEASED = ("bored", "disappointed", "annoyed", "let down", "confused", "irritated")
NOT_DISPLEASED = ("bored", "disappointed", "let down")  # "I cannot say I was bored": praise
# what a film does, well or badly
SUCCEEDS = (
    "works", "comes alive", "finds its rhythm", "takes off", "delivers", "earns its ending",
    "lives up to its premise", "surprises", "holds my attention", "finds its feet",
)  # fmt: skip
FAILS = (
    "drags", "outstays its welcome", "loses its way", "falls flat", "wastes its cast",
    "feels long", "talks down to its audience", "panders", "runs out of steam",
)  # fmt: skip
ACTS = (
    "recommend it", "recommend this film", "recommend it to my friends", "watch it again",
    "see it again", "pay to see it again", "sit through it again", "buy it on disc",
)  # fmt: skip
# whole verdicts and the parts of a film that make them
TRIUMPHS = ("triumph", "delight", "joy", "gem", "treat", "marvel", "pleasure", "revelation")
DISASTERS = ("mess", "bore", "slog", "chore", "letdown", "muddle", "disaster", "failure")
HIGHLIGHTS = (
    "strengths", "good moments", "laughs", "virtues", "fine performances", "highlights",
    "clever touches", "pleasures", "thrills", "surprises", "smart ideas", "touching scenes",
)  # fmt: skip
LOWLIGHTS = (
    "flaws", "weaknesses", "problems", "dull stretches", "missteps", "faults", "clumsy scenes",
    "plot holes", "yawns", "groans", "dead spots", "wasted scenes",
)  # fmt: skip
INTENSIFIERS = (
    "", "", "", "really ", "truly ", "genuinely ", "remarkably ", "thoroughly ",
    "incredibly ", "surprisingly ", "rather ", "pretty ", "quite ", "utterly ", "so ",
)  # fmt: skip
SOFTENERS = ("", "", "really ", "particularly ", "especially ")  # read well after "not"
OPENERS = (
    "", "", "", "Honestly, ", "Overall, ", "Frankly, ", "I have to say ", "To be honest, ",
    "In my opinion, ", "All in all, ", "Well, ",
)  # fmt: skip
ACTORS = (
    "Maria Lopez", "James Carter", "Priya Sharma", "Kenji Watanabe", "Fatima Okafor",
    "Liam O'Connor", "Sofia Rossi", "Mohammed Haddad", "Chen Wei", "Anna Kowalski",
    "David Cohen", "Aisha Bello", "Lucas Silva", "Emma Johansson", "Grace Kim", "Olu Adeyemi",
    "Nina Petrova", "Carlos Mendes", "Hannah Schmidt", "Ravi Patel", "Tom Hanks",
    "Meryl Streep", "Denzel Washington", "Cate Blanchett", "Keanu Reeves", "Viola Davis",
    "Nicolas Cage", "Zendaya", "Ryan Gosling", "Michelle Yeoh",
)  # fmt: skip
ACTING_GOOD = (
    "wonderful", "brilliant", "superb", "excellent", "terrific", "marvellous", "outstanding",
    "convincing", "magnetic", "funny", "moving", "charming", "riveting",
)  # fmt: skip
ACTING_BAD = (
    "awful", "terrible", "dreadful", "wooden", "unconvincing", "miscast", "flat", "lifeless",
    "annoying", "stiff", "forgettable",
)  # fmt: skip
TITLES = (
    "The Long Road Home", "Midnight in Lisbon", "Paper Moons", "The Quiet Harbour",
    "Red Sky Rising", "Glass Houses", "The Last Orchard", "Silver Lake", "A River in Winter",
    "Northern Lights", "The Clockmaker", "Dust and Echoes", "Summer of the Kite",
    "The Iron Garden", "Blue Hour", "Falling Water", "The Ninth Floor", "Salt and Pepper",
    "Across the Bridge", "The Weekend Guests",
)  # fmt: skip


# -- the templates -------------------------------------------------------------------------------
# A minimal-pair template returns (positive side, negative side); an invariance template returns
# (one side, the other side, label).


class _Pick:
    """Seeded choices, so the same seed always builds the same suite."""

    def __init__(self, seed: int):
        self._random = random.Random(seed)

    def one(self, options: Sequence[str]) -> str:
        return self._random.choice(options)

    def two(self, options: Sequence[str]) -> list[str]:
        return self._random.sample(list(options), 2)

    def good(self, *subjects: str) -> str:
        """A positive adjective that fits every subject given."""
        story = all(subject not in CRAFTS for subject in subjects)
        return self.one(GOOD + GRIPPING if story else GOOD)

    def bad(self, *subjects: str) -> str:
        story = all(subject not in CRAFTS for subject in subjects)
        return self.one(BAD + BORING if story else BAD)

    def not_bad(self, subject: str) -> str:
        return self.one(NOT_BAD if subject in CRAFTS else NOT_BAD + NOT_BORING)


def _sentence(text: str) -> str:
    return text[0].upper() + text[1:]


def _is_not_good(pick: _Pick) -> tuple[str, str]:
    subject = pick.one(FILMS + PARTS + CRAFTS)
    start = f"{pick.one(OPENERS)}{subject} {pick.one(('is', 'was'))}"
    adjective = pick.one(SOFTENERS) + pick.good(subject)
    return _sentence(f"{start} {adjective}."), _sentence(f"{start} not {adjective}.")


def _would_not(pick: _Pick) -> tuple[str, str]:
    start = f"{pick.one(OPENERS)}I {pick.one(('would', 'will'))}"
    act = pick.one(ACTS)
    return _sentence(f"{start} {act}."), _sentence(f"{start} not {act}.")


def _never_works(pick: _Pick) -> tuple[str, str]:
    start = pick.one(OPENERS) + pick.one(WHOLE_FILMS)
    act = pick.one(SUCCEEDS)
    return _sentence(f"{start} {act}."), _sentence(f"{start} never {act}.")


def _was_not_pleased(pick: _Pick) -> tuple[str, str]:
    start = f"{pick.one(OPENERS)}I was"
    feeling = pick.one(("", "", "really ", "particularly ")) + pick.one(PLEASED)
    return _sentence(f"{start} {feeling}."), _sentence(f"{start} not {feeling}.")


def _is_not_bad(pick: _Pick) -> tuple[str, str]:
    subject = pick.one(FILMS + PARTS + CRAFTS)
    start = f"{pick.one(OPENERS)}{subject} {pick.one(('is', 'was'))}"
    adjective = pick.not_bad(subject)
    negation = pick.one(("not", "not", "never"))
    return _sentence(f"{start} {negation} {adjective}."), _sentence(f"{start} {adjective}.")


def _never_fails(pick: _Pick) -> tuple[str, str]:
    start = pick.one(OPENERS) + pick.one(WHOLE_FILMS)
    failing = pick.one(FAILS)
    return _sentence(f"{start} never {failing}."), _sentence(f"{start} {failing}.")


def _was_not_bored(pick: _Pick) -> tuple[str, str]:
    start = f"{pick.one(OPENERS)}I was"
    feeling = pick.one(DISPLEASED)
    negation = pick.one(("not", "never"))
    return _sentence(f"{start} {negation} {feeling}."), _sentence(f"{start} {feeling}.")


def _cannot_say(pick: _Pick) -> tuple[str, str]:
    start = pick.one(("I cannot say that I was", "I cannot say I was", "I can't say I was"))
    if pick.one(("pleased", "displeased")) == "pleased":
        feeling = pick.one(PLEASED)
        return f"{start} not {feeling}.", f"{start} {feeling}."
    feeling = pick.one(NOT_DISPLEASED)
    return f"{start} {feeling}.", f"{start} not {feeling}."


def _not_a_single(pick: _Pick) -> tuple[str, str]:
    start = f"There was not a single {pick.one(('scene', 'moment', 'minute'))} that was"
    if pick.one(("good", "bad")) == "good":
        adjective = pick.one(GRIPPING)
        return f"{start} not {adjective}.", f"{start} {adjective}."
    adjective = pick.one(NOT_BORING)
    return f"{start} {adjective}.", f"{start} not {adjective}."


def _nobody_could_say(pick: _Pick) -> tuple[str, str]:
    subject = pick.one(FILMS + PARTS + CRAFTS)
    start = pick.one(("Nobody could say that", "It is not true that", "Nobody would claim that"))
    start = f"{start} {subject} {pick.one(('is', 'was'))}"
    if pick.one(("good", "bad")) == "good":
        adjective = pick.good(subject)
        return f"{start} not {adjective}.", f"{start} {adjective}."
    adjective = pick.not_bad(subject)
    return f"{start} {adjective}.", f"{start} not {adjective}."


CONTRASTS = (
    "{a} {v} {x}, but {b} {v} {y}.",
    "{a} {v} {x}, yet {b} {v} {y}.",
    "Although {a} {v} {x}, {b} {v} {y}.",
    "While {a} {v} {x}, {b} {v} {y}.",
    "{a} {v} {x}; however, {b} {v} {y}.",
)


def _but(pick: _Pick) -> tuple[str, str]:
    """The clause after "but" (or the main clause after "although") decides."""
    first, second = pick.one(
        (
            pick.two(CRAFTS),
            [pick.one(EARLY), pick.one(LATE)],
            pick.two([pick.one(PARTS), pick.one(CRAFTS)]),
        )
    )
    good = pick.one(INTENSIFIERS) + pick.good(first, second)
    bad = pick.one(INTENSIFIERS) + pick.bad(first, second)
    template = pick.one(CONTRASTS)
    fill = {"a": first, "b": second, "v": pick.one(("is", "was"))}
    return (
        _sentence(template.format(x=bad, y=good, **fill)),
        _sentence(template.format(x=good, y=bad, **fill)),
    )


def _expected(pick: _Pick) -> tuple[str, str]:
    template = pick.one(
        (
            "I expected it to be {x}, but it was {y}.",
            "I expected {s} to be {x}, but it turned out {y}.",
            "I thought it would be {x}, but it was {y}.",
            "Everyone told me it was {x}, but I found it {y}.",
            "It is {x} in places, but {y} overall.",
            "{S} has {x} moments, but it is {y} as a whole.",
        )
    )
    subject = pick.one(FILMS)
    good = pick.one(INTENSIFIERS) + pick.good(subject)
    bad = pick.one(INTENSIFIERS) + pick.bad(subject)
    fill = {"s": subject, "S": _sentence(subject)}
    return template.format(x=bad, y=good, **fill), template.format(x=good, y=bad, **fill)


def _at_first(pick: _Pick) -> tuple[str, str]:
    subject = pick.one(FILMS)
    template = pick.one(
        (
            "At first it felt {x}, but by the end I found it {y}.",
            "{S} starts out {x}, but by the end it is {y}.",
            "The first half is {x}, but by the end it is {y}.",
            "In the early scenes it is {x}; by the final scene it is {y}.",
            "It was {x} at first and {y} by the end.",
        )
    )
    good = pick.one(INTENSIFIERS) + pick.good(subject)
    bad = pick.one(INTENSIFIERS) + pick.bad(subject)
    fill = {"S": _sentence(subject)}
    return template.format(x=bad, y=good, **fill), template.format(x=good, y=bad, **fill)


def _at_first_felt(pick: _Pick) -> tuple[str, str]:
    template = pick.one(
        (
            "At first I was {x}, but by the end I was {y}.",
            "I was {x} for the first hour and {y} by the end.",
            "Early on I felt {x}; by the end I was {y}.",
        )
    )
    pleased, displeased = pick.one(PLEASED), pick.one(DISPLEASED)
    return template.format(x=displeased, y=pleased), template.format(x=pleased, y=displeased)


def _begins_as(pick: _Pick) -> tuple[str, str]:
    template = pick.one(
        (
            "It begins as a {x} and ends as a {y}.",
            "{S} starts as a {x} and finishes as a {y}.",
            "What opens as a {x} ends up a {y}.",
        )
    )
    fill = {"S": _sentence(pick.one(FILMS))}
    triumph, disaster = pick.one(TRIUMPHS), pick.one(DISASTERS)
    return (
        template.format(x=disaster, y=triumph, **fill),
        template.format(x=triumph, y=disaster, **fill),
    )


def _more_than(pick: _Pick) -> tuple[str, str]:
    template = pick.one(
        (
            "{S} is more {x} than {y}.",
            "I found it more {x} than {y}.",
            "{S} is far more {x} than {y}.",
            "{S} is {x} rather than {y}.",
            "On the whole it is more {x} than {y}.",
            "{S} is much more {x} than it is {y}.",
        )
    )
    fill = {"S": _sentence(pick.one(FILMS))}
    good, bad = pick.one(MORE_GOOD), pick.one(MORE_BAD)
    return template.format(x=good, y=bad, **fill), template.format(x=bad, y=good, **fill)


def _outweigh(pick: _Pick) -> tuple[str, str]:
    template = pick.one(
        (
            "The {x} far outweigh the {y}.",
            "The {x} easily outweigh the {y}.",
            "It has more {x} than {y}.",
            "There are more {x} than {y}.",
            "For every one of its {y} there are three {x}.",
        )
    )
    good, bad = pick.one(HIGHLIGHTS), pick.one(LOWLIGHTS)
    return template.format(x=good, y=bad), template.format(x=bad, y=good)


def _actor(pick: _Pick) -> tuple[str, str, int]:
    one, other = pick.two(ACTORS)
    template, label = pick.one(
        (
            ("{n} is {good} in this film.", 1),
            ("{n} is {bad} in this film.", 0),
            ("The performance by {n} is {good}.", 1),
            ("The performance by {n} is {bad}.", 0),
            ("Even {n} cannot save this film.", 0),
            ("I would watch {n} in anything, and this film shows why.", 1),
            ("{n} looks bored in every scene.", 0),
            ("{n} makes every scene better.", 1),
            ("{n} is wasted in a thankless role.", 0),
            ("{n} steals every scene.", 1),
        )
    )
    fill = {"good": pick.one(ACTING_GOOD), "bad": pick.one(ACTING_BAD)}
    return template.format(n=one, **fill), template.format(n=other, **fill), label


def _title(pick: _Pick) -> tuple[str, str, int]:
    one, other = pick.two(TITLES)
    template, label = pick.one(
        (
            ("{t} is {good} from start to finish.", 1),
            ("{t} is {bad} from start to finish.", 0),
            ("I watched {t} last night and loved every minute.", 1),
            ("I watched {t} last night and wanted my evening back.", 0),
            ("{t} is the best film I have seen this year.", 1),
            ("{t} is the worst film I have seen this year.", 0),
            ("Do yourself a favour and see {t}.", 1),
            ("Do yourself a favour and skip {t}.", 0),
            ("My whole family enjoyed {t}.", 1),
            ("Half the audience walked out of {t}.", 0),
        )
    )
    fill = {"good": pick.good("the film"), "bad": pick.bad("the film")}
    return template.format(t=one, **fill), template.format(t=other, **fill), label


PUNCTUATION = (
    lambda text: text[:-1],
    lambda text: text[:-1] + "!",
    lambda text: text[:-1] + "!!!",
    lambda text: text[:-1] + "...",
    lambda text: f'"{text}"',
    lambda text: text.replace(", ", " - ", 1) if ", " in text else text[:-1] + " :)",
)


def _punctuation(pick: _Pick) -> tuple[str, str, int]:
    positive, negative = pick.one((_is_not_good, _is_not_bad, _but, _more_than))(pick)
    text, label = pick.one(((positive, 1), (negative, 0)))
    return text, pick.one(PUNCTUATION)(text), label


TEMPLATES: dict[str, tuple[Callable[[_Pick], tuple], ...]] = {
    "negation_of_positive": (_is_not_good, _would_not, _never_works, _was_not_pleased),
    "negation_of_negative": (_is_not_bad, _never_fails, _was_not_bored),
    "contrast": (_but, _expected),
    "at_first_by_the_end": (_at_first, _at_first_felt, _begins_as),
    "comparative": (_more_than, _outweigh),
    "double_negation": (_cannot_say, _not_a_single, _nobody_could_say),
    "invariance_names": (_actor,),
    "invariance_titles": (_title,),
    "invariance_punctuation": (_punctuation,),
}

# -- hand-written pairs: (category, positive side, negative side), or for invariance
# (category, one side, other side, label) ---------------------------------------------------------

HAND_PAIRS = (
    ("negation_of_positive", "This is the masterpiece everyone promised.",
     "This is not the masterpiece everyone promised."),
    ("negation_of_positive", "I would call it a must-see.", "I would not call it a must-see."),
    ("negation_of_positive", "The jokes land.", "The jokes never land."),
    ("negation_of_positive", "It lives up to the hype.", "It never lives up to the hype."),
    ("negation_of_positive", "I was glad I stayed for the ending.",
     "I was not glad I stayed for the ending."),
    ("negation_of_positive", "Worth the price of a ticket.", "Not worth the price of a ticket."),
    ("negation_of_negative", "It was not a waste of time.", "It was a waste of time."),
    ("negation_of_negative", "The two hours never dragged.", "The two hours dragged."),
    ("negation_of_negative", "This is not a film you forget.", "This is a film you forget."),
    ("negation_of_negative", "The ending is not the letdown I feared.",
     "The ending is the letdown I feared."),
    ("negation_of_negative", "The twist is not obvious from the start.",
     "The twist is obvious from the start."),
    ("negation_of_negative", "The dialogue never sounds forced.", "The dialogue sounds forced."),
    ("contrast", "It looks cheap, but it has a big warm heart.",
     "It has a big warm heart, but it looks cheap."),
    ("contrast", "The story is thin, but the performances carry it.",
     "The performances carry it, but the story is thin."),
    ("contrast", "The plot makes no sense, but the songs are catchy.",
     "The songs are catchy, but the plot makes no sense."),
    ("contrast", "The script lets her down, but the lead is a revelation.",
     "The lead is a revelation, but the script lets her down."),
    ("contrast", "The first hour is a mess, but the finale is glorious.",
     "The first hour is glorious, but the finale is a mess."),
    ("contrast", "I thought I would be bored, but I was hooked.",
     "I thought I would be hooked, but I was bored."),
    ("at_first_by_the_end",
     "I nearly walked out in the first ten minutes, but by the end I was in love with it.",
     "I was in love with it in the first ten minutes, but by the end I nearly walked out."),
    ("at_first_by_the_end", "At first the jokes fall flat, but by the end they land every time.",
     "At first the jokes land every time, but by the end they fall flat."),
    ("at_first_by_the_end", "The opening scenes are a chore; the closing ones are a joy.",
     "The opening scenes are a joy; the closing ones are a chore."),
    ("at_first_by_the_end", "It opens like a bad sitcom and closes like a great drama.",
     "It opens like a great drama and closes like a bad sitcom."),
    ("comparative", "There is far more to love here than to hate.",
     "There is far more to hate here than to love."),
    ("comparative", "The good bits outnumber the bad ones.",
     "The bad bits outnumber the good ones."),
    ("comparative", "I liked it more than I disliked it.", "I disliked it more than I liked it."),
    ("comparative", "It is less a chore than a pleasure.", "It is less a pleasure than a chore."),
    ("double_negation", "There is nothing about it I would not recommend.",
     "There is nothing about it I would recommend."),
    ("double_negation", "It never fails to make me laugh.", "It fails to make me laugh."),
    ("double_negation", "There is not one actor here who is not excellent.",
     "There is not one actor here who is excellent."),
    ("double_negation", "I would never say it was not worth the money.",
     "I would say it was not worth the money."),
    ("invariance_names", "Sarah Park is the best thing in this film.",
     "Daniel Osei is the best thing in this film.", 1),
    ("invariance_names", "Even Tom Hanks cannot rescue this script.",
     "Even Viola Davis cannot rescue this script.", 0),
    ("invariance_titles", "I saw The Last Orchard twice and would happily go again.",
     "I saw Midnight in Lisbon twice and would happily go again.", 1),
    ("invariance_titles", "Skip Red Sky Rising unless you enjoy being bored.",
     "Skip Paper Moons unless you enjoy being bored.", 0),
    ("invariance_punctuation", "Honestly? The worst thing I saw all year.",
     "Honestly... the worst thing I saw all year!", 0),
    ("invariance_punctuation", "What a wonderful surprise this film is!",
     "What a wonderful surprise this film is.", 1),
)  # fmt: skip


def _pair_cases(category: str, pair: str, sides: tuple) -> tuple[Case, Case]:
    if CATEGORIES[category] == INVARIANCE:
        one, other, label = sides
        return Case(one, label, category, pair), Case(other, label, category, pair)
    positive, negative = sides
    return Case(positive, 1, category, pair), Case(negative, 0, category, pair)


@lru_cache(maxsize=4)
def build_suite(seed: int = SEED) -> tuple[Case, ...]:
    """The generated pairs (seeded) followed by the hand-written ones; no sentence twice.

    Each category's templates take turns, so every template gets a fair share of the pairs.
    """
    pick = _Pick(seed)
    cases: list[Case] = []
    seen: set[str] = set()
    for category, templates in TEMPLATES.items():
        wanted = PAIRS_PER_INVARIANCE if CATEGORIES[category] == INVARIANCE else PAIRS_PER_CATEGORY
        for index in range(wanted):
            template = templates[index % len(templates)]
            for _ in range(100):  # redraw a pair already in the suite
                pair = _pair_cases(category, f"{category}-{index:03d}", template(pick))
                if not {pair[0].text, pair[1].text} & seen and pair[0].text != pair[1].text:
                    break
            else:
                raise RuntimeError(f"{category}: {template.__name__} keeps repeating itself")
            cases += pair
            seen |= {pair[0].text, pair[1].text}
    for index, (category, *sides) in enumerate(HAND_PAIRS):
        cases += _pair_cases(category, f"{HAND_WRITTEN}{category}-{index:03d}", tuple(sides))
    return tuple(cases)


def suite() -> list[Case]:
    """The behavioural suite: generated minimal pairs and invariance pairs, then hand-written."""
    return list(build_suite())


# -- evaluation ----------------------------------------------------------------------------------


def rate(count: int, n: int) -> dict:
    """``count`` of ``n`` as a share with its 95 % Wilson interval."""
    share = count / n
    low, high = accuracy_interval(share, n)
    return {
        "share": round(share, 4),
        "count": int(count),
        "n": int(n),
        "low": round(low, 4),
        "high": round(high, 4),
    }


def evaluate(
    predict_proba: Callable[[list[str]], Iterable[float]], cases: Sequence[Case] | None = None
) -> dict:
    """Score a model on the suite: sentences right, pairs with both sides right and invariance
    held, per category and overall, each with a 95 % Wilson interval.

    Parameters
    ----------
    predict_proba : callable
        Takes a list of texts, returns the probability that each is positive (0.5 or more reads
        as positive).
    cases : sequence of Case, optional
        Defaults to :func:`suite`. Every ``pair`` id must name exactly two cases.

    Returns
    -------
    dict
        ``overall``: ``pairs_both_right`` and ``sentences_right`` over the order and negation
        minimal pairs, and ``reordered_pairs_scored_alike`` (what a bag of words must score
        100 % on); ``hand_written``: the same two rates over the hand-written minimal pairs
        alone; ``invariance_held`` over all invariance pairs; ``categories``: each
        category's ``kind`` and rates. Each rate is ``share``, ``count``, ``n``, ``low``,
        ``high``.

    Raises
    ------
    ValueError
        When there are no cases, a pair id does not name two cases, a category is unknown, or
        the model returns the wrong number of scores.
    """
    cases = suite() if cases is None else list(cases)
    if not cases:
        raise ValueError("No cases to evaluate; pass at least one pair or leave cases out.")
    pairs: dict[str, list[int]] = defaultdict(list)
    for index, case in enumerate(cases):
        pairs[case.pair].append(index)
    odd = [pair for pair, members in pairs.items() if len(members) != 2]
    if odd:
        raise ValueError(f"Pair ids must name exactly two cases each; {odd[:3]} do not.")
    unknown = sorted({case.category for case in cases} - set(CATEGORIES))
    if unknown:
        raise ValueError(f"Unknown categories {unknown}; use one of {sorted(CATEGORIES)}.")
    scores = np.asarray(predict_proba([case.text for case in cases]), dtype="float64").ravel()
    if len(scores) != len(cases):
        raise ValueError(f"The model returned {len(scores)} scores for {len(cases)} texts.")
    right = (scores >= 0.5) == np.array([case.label == 1 for case in cases])

    tallies: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))

    def count(category: str, what: str, success: bool) -> None:
        tallies[category][what][0] += int(success)
        tallies[category][what][1] += 1

    for first, second in pairs.values():
        category = cases[first].category
        kind = CATEGORIES[category]
        groups = (category, "overall") if kind != INVARIANCE else (category,)
        if kind != INVARIANCE and cases[first].pair.startswith(HAND_WRITTEN):
            groups += ("hand_written",)
        for group in groups:
            count(group, "sentences_right", bool(right[first]))
            count(group, "sentences_right", bool(right[second]))
            count(group, "pairs_both_right", bool(right[first] and right[second]))
        gap = abs(scores[first] - scores[second])
        if kind == REORDERED:
            count("overall", "reordered_pairs_scored_alike", gap <= SAME_SCORE)
        if kind == INVARIANCE:
            held = right[first] == right[second] and gap <= TOLERANCE
            for group in (category, "invariance"):
                count(group, "invariance_held", bool(held))

    def rates(group: str) -> dict:
        return {what: rate(*tally) for what, tally in tallies[group].items()}

    report: dict = {"cases": len(cases), "pairs": len(pairs), "tolerance": TOLERANCE}
    if "overall" in tallies:
        report["overall"] = rates("overall")
    if "hand_written" in tallies:
        report["hand_written"] = rates("hand_written")
    if "invariance" in tallies:
        report["invariance_held"] = rates("invariance")["invariance_held"]
    report["categories"] = {
        category: {"kind": CATEGORIES[category], **rates(category)}
        for category in CATEGORIES
        if category in tallies
    }
    return report


# -- baselines -----------------------------------------------------------------------------------


def fit_bag_of_words(
    train_texts: list[str],
    train_labels,
    validation_texts: list[str],
    validation_labels,
    grid: Sequence[float] = (1.0, 10.0, 30.0),
) -> Callable[[list[str]], np.ndarray]:
    """TF-IDF of single words (:func:`words`) + logistic regression, C picked on validation.

    Order-blind by construction: two texts with the same words get the same score.

    Returns
    -------
    callable
        ``predict_proba(list[str]) -> np.ndarray`` (probability of positive).
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    best = None
    for regularisation in grid:
        model = make_pipeline(
            TfidfVectorizer(
                tokenizer=words, lowercase=False, token_pattern=None, min_df=2, sublinear_tf=True
            ),
            LogisticRegression(C=regularisation, max_iter=2000),
        )
        model.fit(train_texts, np.asarray(train_labels).astype(int))
        accuracy = model.score(validation_texts, np.asarray(validation_labels).astype(int))
        if best is None or accuracy > best[0]:
            best = (accuracy, model)
    fitted = best[1]
    return lambda texts: fitted.predict_proba(list(texts))[:, 1]


def _scores_of(texts: list[str], probabilities) -> Callable[[list[str]], np.ndarray]:
    """A ``predict_proba`` that looks up scores already computed for ``texts``."""
    table = dict(zip(texts, np.asarray(probabilities, dtype="float64"), strict=True))
    return lambda asked: np.array([table[text] for text in asked])


class TrainingTexts(NamedTuple):
    """What a model learned from (:func:`shipped_training_data`)."""

    texts: list[str]
    labels: np.ndarray
    validation_texts: list[str]
    validation_labels: np.ndarray
    settings: ModelSettings
    described: str


def shipped_training_data(model_dir: str | Path | None = None) -> TrainingTexts:
    """What the shipped LSTM learned from, rebuilt from its recorded settings.

    The training texts are :func:`core.sentiment.pipeline.training_data` of the training corpus
    with the model's ``metrics.json`` settings (the defaults when it has none); validation is
    what :func:`core.sentiment.pipeline.train_shipped` validates on: the IMDB validation reviews
    and the SST dev sentences.

    Returns
    -------
    TrainingTexts
        Training texts and labels, validation texts and labels, the settings, and a one-line
        description.
    """
    from core.sentiment import load_metrics, sst
    from core.sentiment.data import split_corpus, training_corpus
    from core.sentiment.pipeline import training_data

    try:
        recorded = load_metrics(model_dir).get("settings", {})
    except ValueError:  # a model without its metrics.json: the defaults are the shipped settings
        recorded = {}
    settings = ModelSettings(**recorded)
    split = split_corpus(with_rotten_tomatoes=False)
    texts, labels, _, _ = training_data(settings, training_corpus(split))
    dev_texts, dev_labels = sst.binary_sentences("dev")
    validation_texts = split.validation_texts + dev_texts
    validation_labels = np.concatenate([split.validation_labels, dev_labels]).astype(int)
    described = (
        f"pipeline.training_data() with the model's settings: the LSTM's own {len(texts):,} "
        "training texts (IMDB train part, Rotten Tomatoes sentences, SST train phrases, made-up "
        f"contrast and negation examples); C picked on the LSTM's {len(validation_texts):,} "
        "validation texts (IMDB validation reviews + SST dev sentences)"
    )
    return TrainingTexts(
        texts,
        np.asarray(labels).astype(int),
        validation_texts,
        validation_labels,
        settings,
        described,
    )


def baselines(
    model_dir: str | Path | None = None,
    cases: Sequence[Case] | None = None,
    log: Callable[[str], object] | None = None,
) -> dict:
    """The suite scored by the baselines, trained on exactly what the shipped LSTM learned from
    (:func:`shipped_training_data`; C picked on the LSTM's validation texts).

    ``tfidf_lr``: TF-IDF word 1–2-grams + logistic regression (``train.tfidf_baseline``).
    ``bag_of_words``: TF-IDF single words + logistic regression (:func:`fit_bag_of_words`),
    blind to word order. ``ngram_evidence_sum``: the model's own n-gram evidence (words, pairs
    and triples, NBSVM weights) added up without the LSTM, blind to order beyond three
    neighbouring words; only for a model that has that layer.
    """
    from core.sentiment import load_model
    from core.sentiment.train import tfidf_baseline

    cases = suite() if cases is None else list(cases)
    texts = [case.text for case in cases]
    log = log or (lambda message: None)
    training = shipped_training_data(model_dir)
    fit = training[:4]
    described = training.described
    log("fitting TF-IDF word 1-2-grams + logistic regression")
    [probabilities], tfidf_settings = tfidf_baseline(*fit, [texts])
    report = {
        "training_data": described,
        "tfidf_lr": {
            "model": "TF-IDF word 1-2-grams + logistic regression (train.tfidf_baseline)",
            "settings": tfidf_settings,
            **evaluate(_scores_of(texts, probabilities), cases),
        },
    }
    log("fitting TF-IDF single words + logistic regression (bag of words)")
    report["bag_of_words"] = {
        "model": "TF-IDF single words + logistic regression; blind to word order",
        **evaluate(fit_bag_of_words(*fit), cases),
    }
    model = load_model(model_dir)
    layers = {layer.name for layer in model.model_.layers}
    if {"words", "truncate", "ngram_evidence"} <= layers:
        from core.sentiment.pipeline import ngram_probabilities

        log("fitting the bag of n-grams (the model's own n-gram vocabulary, no LSTM)")
        validation = (training.validation_texts, training.validation_labels)
        [sums], choices = ngram_probabilities(
            model, training.texts, training.labels, validation, [texts], training.settings
        )
        report["ngram_evidence_sum"] = {
            "model": "the bag of n-grams alone: the model's own words, pairs and triples "
            "(NBSVM weights, pipeline.ngram_probabilities) refitted on the same texts, no LSTM",
            "settings": choices,
            **evaluate(_scores_of(texts, sums), cases),
        }
    else:
        report["ngram_evidence_sum"] = {"skipped": "this model has no n-gram evidence layer"}
    return report
