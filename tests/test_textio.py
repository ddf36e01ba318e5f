"""Bounded reading of uploads: core.textio itself, and every bomb through every loader."""

from __future__ import annotations

import functools
import gzip
import io
import random
import re
import zipfile

import pandas as pd
import pytest

from core import textio
from core.forecast.prices import load_prices
from core.sentiment import data as reviews
from tests import fuzz_loaders as fuzz

LIMITS = textio.TableLimits(
    max_line_chars=50,
    max_lines=1_000,
    max_columns=5,
    max_rows=10,
    max_cells=1_000,
    line_hint="a test file has short lines",
    advice="Make it smaller.",
)
PRICES = b"Date,Close\n2024-01-02,10.5\n2024-01-03,10.7\n2024-01-04,10.6\n"
REVIEWS = b"text,label\ngreat film,1\nawful film,0\n"


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


# --- unpacking ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "packed",
    [
        gzip.compress(PRICES),
        gzip.compress(gzip.compress(PRICES)),
        zipped({"prices.csv": PRICES}),
        zipped({"__MACOSX/._prices.csv": b"junk", "prices.csv": PRICES}),
        zipped({"prices.csv.gz": gzip.compress(PRICES)}),
    ],
    ids=["gzip", "nested gzip", "zip", "zip from a Mac", "gzip inside zip"],
)
def test_packed_files_unpack_to_the_same_prices(packed):
    assert textio.unpack(packed) == PRICES
    assert load_prices(packed).series.tolist() == [10.5, 10.7, 10.6]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (gzip.compress(PRICES)[:-12], r"^up\.gz looks gzip-compressed but is damaged"),
        (b"PK\x03\x04\x14\x00", r"^up\.gz is a ZIP archive \(an Excel \.xlsx workbook is one\)"),
        (zipped({"a.csv": PRICES, "b.csv": PRICES}), r"^up\.gz is a ZIP archive with 2 files"),
        (
            zipped({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>"}),
            r"^up\.gz is an Excel or Office workbook, not CSV text\. In the spreadsheet use File",
        ),
        (
            functools.reduce(lambda data, _: gzip.compress(data), range(4), PRICES),
            r"^up\.gz is packed more than 3 times over",
        ),
    ],
)
def test_damaged_or_odd_archives_are_refused_with_a_fix(data, message):
    with pytest.raises(textio.UploadError, match=message):
        textio.read_text(data, "up.gz")


def test_unpacking_stops_just_past_the_limit(monkeypatch):
    monkeypatch.setattr(textio, "UNPACKED_LIMIT_MB", 1)
    exactly = b"x" * 2**20
    assert len(textio.unpack(gzip.compress(exactly))) == 2**20
    assert len(textio.unpack(zipped({"a.csv": exactly}))) == 2**20
    for packed in (gzip.compress(exactly + b"x"), zipped({"a.csv": exactly + b"x"})):
        with pytest.raises(textio.UploadError, match=r"^f unpacks to more than 1 MB; the limit"):
            textio.unpack(packed, "f")


# --- decoding ----------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "utf-8-sig"])
def test_byte_order_marks_pick_the_encoding(encoding):
    read = textio.decode("Datum;Schlusskurs\n".encode(encoding))
    assert read.text == "Datum;Schlusskurs\n" and read.notes == ()


def test_windows_1252_is_the_fallback_and_says_so():
    read = textio.decode("Kurs in €\n".encode("cp1252"))
    assert read.text == "Kurs in €\n"
    assert read.notes == (
        "The file is not UTF-8; read it as Windows-1252 (Western European) text.",
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"text\nnice\x00film\n", r"^f contains binary data \(NUL bytes\), not CSV text"),
        (b"%PDF-1.7\n", r"^f is a PDF document, not CSV text\. Export or save the table as CSV"),
        (bytes(range(1, 32)) * 5, r"^f looks like binary data, not CSV text"),
        (b"x" * (50 * 2**20 + 1), r"^f is 50\.0 MB; the limit is 50 MB\. Split it"),
    ],
)
def test_binary_and_oversized_files_are_refused(data, message):
    with pytest.raises(textio.UploadError, match=message):
        textio.read_text(data, "f")


# --- shape checks ------------------------------------------------------------------------------


def naive_lines(text: str) -> tuple[list[str], int, int]:
    lines = text.split("\n")
    count = len(lines) - (text.endswith("\n"))
    first = [line for line in lines if line.strip()][: textio.SNIFF_LINES]
    return first, count, max(map(len, lines))


@pytest.mark.parametrize("seed", range(30))
def test_chunked_scan_matches_a_plain_split(monkeypatch, seed):
    """Chunks of 7 characters cut lines everywhere; the result must not depend on where."""
    monkeypatch.setattr(textio, "SCAN_CHUNK_CHARS", 7)
    rng = random.Random(seed)
    text = "".join(rng.choice(["a", "bb", " ", "\n", "\n\n", "x,y"]) for _ in range(300))
    first, count, longest = naive_lines(text)
    limits = textio.TableLimits(**{**LIMITS.__dict__, "max_line_chars": 10**6})
    lines = textio.scan_lines(text, limits)
    assert (lines.first, lines.count) == (first, count)
    if longest > 5:
        tight = textio.TableLimits(**{**LIMITS.__dict__, "max_line_chars": longest - 1})
        with pytest.raises(textio.UploadError, match=r"^Line \d+ is (at least )?\d+ characters"):
            textio.scan_lines(text, tight)


def test_the_first_line_too_long_is_named_with_its_length():
    text = "a,b\n" + "x" * 51 + "\n" + "y" * 80 + "\n"
    with pytest.raises(
        textio.UploadError,
        match=r"^Line 2 is 51 characters long; a test file has short lines \(at most 50 "
        r"characters a line\)\. Check that this is the right file\.$",
    ):
        textio.scan_lines(text, LIMITS)


def test_too_many_lines_columns_or_rows_are_refused():
    with pytest.raises(textio.UploadError, match=r"^f has 1,001 lines; the limit is 1,000\. Make"):
        textio.scan_lines("a\n" * 1_001, LIMITS, "f")
    wide = textio.scan_lines("a,b,c,d,e,f\n1,2,3,4,5,6\n", LIMITS)
    with pytest.raises(textio.UploadError, match=r"^f has 6 columns \(split at ','\); the limit"):
        textio.check_columns(wide, ",", LIMITS, "f")
    long = textio.Lines(["a,b,c,d,e"], 201)
    with pytest.raises(textio.UploadError, match=r"^f has 5 columns and 201 lines, more than 1,"):
        textio.check_columns(long, ",", LIMITS, "f")
    rows = "a,b\n" + "1,2\n" * 10
    assert len(textio.read_csv(rows, ",", LIMITS, "f")) == 10
    with pytest.raises(textio.UploadError, match=r"^f has more than 10 rows; the limit is 10\."):
        textio.read_csv(rows + "3,4\n", ",", LIMITS, "f")


@pytest.mark.parametrize(
    ("lines", "separator"),
    [
        (["Date;Close", "2024-01-02;1,5"], ";"),
        (["text,label", '"good; fun, really",1'], ","),
        (["a\tb", "1\t2"], "\t"),
        (["review", "nice film"], None),
    ],
)
def test_sniffed_separator(lines, separator):
    assert textio.sniff_separator(lines) == separator


def test_parser_problems_in_plain_words():
    try:
        pd.read_csv(io.StringIO('a,b\n"never closed\n'), engine="c")
    except pd.errors.ParserError as error:
        assert textio.parser_problem(error) == 'a quote (") opened in row 1 is never closed'
    assert textio.names_shown(range(3)) == "0, 1, 2"
    assert textio.names_shown(range(20), most=2) == "0, 1 and 18 more"


# --- the review loaders keep working, within their limits ---------------------------------------


def test_review_uploads_read_plain_packed_and_up_to_the_row_limit():
    frame = reviews.read_review_csv(zipped({"r.csv": REVIEWS}), "r.zip")
    assert frame.to_dict("list") == {"text": ["great film", "awful film"], "label": ["1", "0"]}
    full = b"text\n" + b"a film\n" * reviews.MAX_UPLOAD_ROWS
    assert len(reviews.read_review_csv(full)) == reviews.MAX_UPLOAD_ROWS
    with pytest.raises(ValueError, match=r"^r\.csv has more than 50,000 rows; the limit is 50,000"):
        reviews.read_review_csv(full + b"one more\n", "r.csv")


def test_review_with_commas_in_a_one_column_file_says_to_quote():
    with pytest.raises(ValueError, match=r"could not be read as a CSV \(.*\)\. .*quote reviews"):
        reviews.read_review_csv(b"review\ngood, fun\n", "r.csv")


def test_evaluate_refuses_a_file_over_the_limit_before_reading_it(tmp_path):
    path = tmp_path / "huge.csv"
    with open(path, "wb") as handle:
        handle.truncate(60 * 2**20)  # sparse: nothing is written
    with pytest.raises(textio.UploadError, match=r"huge\.csv is 60\.0 MB; the limit is 50 MB"):
        textio.read_file(path)


# --- bombs through every loader ----------------------------------------------------------------

# Smaller than make fuzz's 4.5 GB so the suite stays fast; six times the limit already shows that
# unpacking stops at the limit rather than at the end.
TEST_UNPACKED = 300_000_000
EXPECTED = {
    "gzip bomb": r"unpacks to more than 50 MB; the limit is 50 MB of unpacked text",
    "nested gzip bomb": r"unpacks to more than 50 MB; the limit is 50 MB of unpacked text",
    "zip bomb": r"unpacks to more than 50 MB; the limit is 50 MB of unpacked text",
    # the review loaders refuse any workbook before unpacking it
    "xlsx bomb": r"unpacks to more than 50 MB; the limit is 50 MB|is an Excel or Office workbook",
    "a single 50 MB line": r"Line 2 is (at least )?[\d,]+ characters long",
    "2,000,000 columns": r"Line 1 is (at least )?[\d,]+ characters long",
    "50,000,001 empty rows": r"has 50,000,002 lines; the limit is [\d,]+\.",
    "deep quoting": r'a quote \("\) opened in row 1 is never closed',
}
PEAK_MB = 500  # the target for any upload within the limit


@functools.cache
def made(name: str) -> bytes:
    make = {**fuzz.BOMBS, **fuzz.LARGEST_ALLOWED}[name]
    return make(TEST_UNPACKED) if name.endswith("bomb") else make()


@pytest.mark.parametrize("loader", list(fuzz.LOADERS))
@pytest.mark.parametrize("name", list(fuzz.BOMBS))
def test_every_bomb_ends_with_a_clear_message_in_bounded_memory(name, loader):
    data = made(name)
    assert len(data) <= textio.UPLOAD_LIMIT_MB * 2**20  # each fits through the upload limit
    outcome = fuzz.measure(fuzz.LOADERS[loader], data)
    assert outcome.message != "loaded"
    assert re.search(EXPECTED[name], outcome.message), outcome.message
    assert outcome.peak_mb < PEAK_MB, f"{name} through {loader}: {outcome}"


@pytest.mark.parametrize("loader", list(fuzz.LOADERS))
@pytest.mark.parametrize("name", list(fuzz.LARGEST_ALLOWED))
def test_the_largest_allowed_files_stay_in_bounded_memory(name, loader):
    data = made(name)
    assert len(data) <= textio.UPLOAD_LIMIT_MB * 2**20
    outcome = fuzz.measure(fuzz.LOADERS[loader], data)
    assert outcome.peak_mb < PEAK_MB, f"{name} through {loader}: {outcome}"
    if name.startswith("50,000 reviews") and loader != "prices":
        assert outcome.message == "loaded"
