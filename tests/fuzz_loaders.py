"""Fuzz the CSV loaders with generated files: each must return valid data or raise ValueError.

``make fuzz`` runs 10,000 files, then every bomb (a gzip, nested gzip, ZIP or .xlsx file that
unpacks to 4.5 GB, a 50 MB line, 2,000,000 columns, 50,000,001 empty rows, a quote that never
closes) through every loader, printing seconds and added peak memory; the test suite runs a few
hundred files through ``run`` and smaller bombs in tests/test_textio.py.
Anything other than a clean result or a ``ValueError`` is a bug and is printed with its seed.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import gc
import gzip
import io
import json
import random
import re
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np

from core.forecast import prices

SEPARATORS = [",", ";", "\t", "|", ", "]
ENCODINGS = ["utf-8", "utf-8-sig", "latin-1", "utf-16", "cp1252"]
ODD_NUMBERS = [
    "nan",
    "NaN",
    "inf",
    "-inf",
    "1e308",
    "1e309",
    "-5",
    "0",
    "",
    "null",
    "-",
    "n/a",
    "1.234,56",
    "1,234.56",
    "$12.5",
    "12.5%",
    "157.78M",
    "9" * 40,
]
DATE_STYLES = ["%Y-%m-%d", "%m/%d/%Y", "%d.%m.%Y", "%d/%m/%y", "%Y%m%d", "%b %d, %Y"]


def _dates(rng: random.Random, count: int) -> list[str]:
    start = np.datetime64("1990-01-01") + rng.randrange(0, 12_000)
    style = rng.choice(DATE_STYLES)
    days = [start + step for step in range(count)]
    text = [day.astype("datetime64[D]").item().strftime(style) for day in days]
    if rng.random() < 0.3:
        rng.shuffle(text)
    if rng.random() < 0.2 and text:
        text += rng.sample(text, k=min(len(text), rng.randrange(1, 5)))
    return text


def _number(rng: random.Random, level: float) -> str:
    if rng.random() < 0.08:
        return rng.choice(ODD_NUMBERS)
    return f"{level * (1 + rng.gauss(0, 0.02)):.{rng.randrange(0, 5)}f}"


def price_csv(rng: random.Random) -> bytes:
    """A CSV that looks like a price export, with one or more things wrong with it."""
    rows = rng.choice([0, 1, 2, 3, 10, 60, 400])
    separator = rng.choice(SEPARATORS)
    header = rng.choice(
        [
            ["Date", "Open", "Close", "Volume"],
            ["Datum", "Schlusskurs"],
            ["<DATE>", "<CLOSE>"],
            ["when", "x", "y"],
            ["Date"],
            ["a", "b", "c", "d"],
        ]
    )
    level = rng.choice([0.001, 1.0, 123.4, 1e6, -10.0])
    constant = rng.random() < 0.05
    lines = [separator.join(header)]
    for date in _dates(rng, rows):
        values = [f"{level}" if constant else _number(rng, level) for _ in header[1:]]
        lines.append(separator.join([date, *values]))
    if rng.random() < 0.2 and len(lines) > 2:
        cut = rng.randrange(1, len(lines))
        lines[cut] = lines[cut][: rng.randrange(0, len(lines[cut]) + 1)]
    if rng.random() < 0.1:
        lines.insert(rng.randrange(0, len(lines) + 1), rng.choice(SEPARATORS).join(["x"] * 9))
    if rng.random() < 0.05:
        lines.append("9" * rng.choice([20_000, 10_000_000]))
    text = "\n".join(lines) + rng.choice(["", "\n", "\n\n\n", "\r\n"])
    encoding = rng.choice(ENCODINGS)
    return text.encode(encoding, errors="replace")


def price_workbook(rng: random.Random) -> bytes:
    """A generated price CSV's cells in an .xlsx sheet, as numbers where they read as numbers,
    sometimes behind a sheet of notes or with a damaged archive."""
    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    text = price_csv(rng).decode("utf-8", errors="replace")
    book = openpyxl.Workbook()
    if rng.random() < 0.3:
        book.active.append(["notes"])
        book.create_sheet("Prices")
    sheet = book.worksheets[-1]
    separator = max(SEPARATORS[:4], key=text.split("\n", 1)[0].count)
    for line in text.splitlines()[:60]:  # openpyxl is slow to write: keep the run short
        cells = []
        for cell in line.split(separator)[:20]:
            cell = ILLEGAL_CHARACTERS_RE.sub("", cell)  # characters a sheet cannot hold
            try:
                cells.append(float(cell) if rng.random() < 0.7 else cell)
            except ValueError:
                cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    if rng.random() < 0.1:  # a cut-off download
        data = data[: rng.randrange(len(data))]
    return data


def random_bytes(rng: random.Random) -> bytes:
    return bytes(rng.getrandbits(8) for _ in range(rng.choice([0, 1, 7, 100, 4000])))


def check_prices(data: bytes) -> str:
    """'ok' or 'rejected'; raises AssertionError for an invalid result."""
    try:
        loaded = prices.load_prices(data)
    except ValueError as error:
        if not str(error).strip():
            raise AssertionError("ValueError with an empty message") from error
        return "rejected"
    series = loaded.series
    values = series.to_numpy()
    assert len(series) >= 2, "fewer than two rows"
    assert series.index.is_monotonic_increasing and series.index.is_unique, "dates not clean"
    assert np.all(np.isfinite(values)) and np.all(values > 0), "prices not finite and positive"
    return "ok"


REVIEW_BITS = [
    "great film",
    "awful",
    "not bad at all",
    '"quoted, with comma"',
    "<b>bold</b>",
    "=SUM(A1:A3)",
    "+1",
    "-2",
    "@cmd",
    "",
    "ünïcödé ✓",
    '"',
    "line\nbreak",
    "9" * 5000,
]
LABELS = ["0", "1", "pos", "neg", "positive", "Negative", "2", "", "maybe", "1.0"]


def review_csv(rng: random.Random) -> bytes:
    """A CSV of reviews with labels, damaged in random ways."""
    separator = rng.choice([",", ";", "\t", "|"])
    header = rng.choice(
        [
            ["text", "label"],
            ["review", "sentiment"],
            ["id", "body", "y"],
            ["x"],
            ["text", "text"],
            [],
        ]
    )
    lines = [separator.join(header)] if header else []
    for _ in range(rng.choice([0, 1, 2, 5, 40])):
        cells = [rng.choice(REVIEW_BITS) for _ in range(max(len(header) - 1, 1))]
        lines.append(separator.join([*cells, rng.choice(LABELS)]))
    if rng.random() < 0.1 and len(lines) > 1:
        lines[-1] = lines[-1][: rng.randrange(0, len(lines[-1]) + 1)]
    data = "\n".join(lines).encode(rng.choice(ENCODINGS), errors="replace")
    if rng.random() < 0.15:
        data = gzip.compress(data)
    if rng.random() < 0.1:
        data = data[: rng.randrange(0, len(data) + 1)]
    return data


def check_reviews(data: bytes) -> str:
    """Batch and labelled review loaders: a table of strings and 0/1 labels, or ValueError."""
    from core.sentiment import data as reviews

    try:
        frame = reviews.read_review_csv(data, "fuzz.csv")
        texts = reviews.texts_from(frame, reviews.guess_text_column(frame))
        assert texts and all(isinstance(text, str) for text in texts), "texts are not strings"
        safe = reviews.safe_for_spreadsheets(frame)
        for column in safe.columns:
            cells = safe[column].astype(str)
            assert not cells.str.startswith(("=", "+", "-", "@")).any(), "formula not neutralised"
    except ValueError as error:
        if not str(error).strip():
            raise AssertionError("ValueError with an empty message") from error
        return "rejected"
    try:
        texts, labels = reviews.labelled_reviews(frame)
    except ValueError as error:
        if not str(error).strip():
            raise AssertionError("ValueError with an empty message") from error
        return "ok for scoring, rejected for training"
    assert set(np.unique(labels)) == {0, 1} and len(texts) == len(labels), "labels are not 0/1"
    return "ok"


GENERATORS: list[tuple[str, Callable[[random.Random], bytes], Callable[[bytes], str]]] = [
    ("price csv", price_csv, check_prices),
    ("price workbook", price_workbook, check_prices),
    ("random bytes", random_bytes, check_prices),
    ("review csv", review_csv, check_reviews),
    ("random bytes as reviews", random_bytes, check_reviews),
]


def register(name: str, generate: Callable[[random.Random], bytes], check: Callable[[bytes], str]):
    """Add another loader to fuzz (the sentiment CSV loaders register themselves here)."""
    GENERATORS.append((name, generate, check))


# --- bombs: small or legal-sized files that unpack or parse into something huge -----------------

BOMB_UNPACKED_BYTES = 4_500_000_000  # the 9 MB .csv.gz that unpacks to 4.5 GB
UPLOAD_BYTES = 50 * 2**20
REVIEW_ROW = b"great film,1\n"


def _gzip_stream(unpacked: int, row: bytes = REVIEW_ROW) -> bytes:
    """``text,label`` and repeated rows, gzip-compressed in pieces (never held unpacked)."""
    packer = zlib.compressobj(6, zlib.DEFLATED, 31)  # wbits 31: a gzip header and trailer
    piece = row * (2**20 // len(row))
    parts = [packer.compress(b"text,label\n")]
    for _ in range(unpacked // len(piece)):
        parts.append(packer.compress(piece))
    parts.append(packer.flush())
    return b"".join(parts)


def gzip_bomb(unpacked: int = BOMB_UNPACKED_BYTES) -> bytes:
    return _gzip_stream(unpacked)


def nested_gzip_bomb(unpacked: int = BOMB_UNPACKED_BYTES) -> bytes:
    return gzip.compress(gzip.compress(_gzip_stream(unpacked)))


def zip_bomb(unpacked: int = BOMB_UNPACKED_BYTES) -> bytes:
    buffer = io.BytesIO()
    piece = REVIEW_ROW * (2**20 // len(REVIEW_ROW))
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("reviews.csv", "w", force_zip64=True) as member:
            member.write(b"text,label\n")
            for _ in range(unpacked // len(piece)):
                member.write(piece)
    return buffer.getvalue()


def workbook_bomb(unpacked: int = BOMB_UNPACKED_BYTES) -> bytes:
    """A real .xlsx with one more part that unpacks to ``unpacked`` bytes of blank XML."""
    import openpyxl

    buffer = io.BytesIO()
    book = openpyxl.Workbook()
    book.active.append(["Date", "Close"])
    book.save(buffer)
    piece = b" " * 2**20
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("xl/worksheets/sheet2.xml", "w", force_zip64=True) as member:
            for _ in range(unpacked // len(piece)):
                member.write(piece)
    return buffer.getvalue()


def one_long_line(size: int = UPLOAD_BYTES - 1024) -> bytes:
    return b"text,label\n" + b"a" * size + b",1\n"


def many_columns(columns: int = 2_000_000) -> bytes:
    return b"c," * (columns - 1) + b"c\n" + b"1," * (columns - 1) + b"1\n"


def empty_rows(rows: int = 50_000_001) -> bytes:
    return b"text,label\n" + b"\n" * rows


def deep_quoting(size: int = UPLOAD_BYTES - 1024) -> bytes:
    """A quote that never closes, over short lines of doubled quotes: one field to the end."""
    line = b'""' * 39 + b"\n"
    return b'text,label\n"' + line * (size // len(line))


BOMBS: dict[str, Callable[..., bytes]] = {
    "gzip bomb": gzip_bomb,
    "nested gzip bomb": nested_gzip_bomb,
    "zip bomb": zip_bomb,
    "xlsx bomb": workbook_bomb,
    "a single 50 MB line": one_long_line,
    "2,000,000 columns": many_columns,
    "50,000,001 empty rows": empty_rows,
    "deep quoting": deep_quoting,
}


def distinct_text_cells(columns: int = 100, rows: int = 49_999) -> bytes:
    """As many short, distinct text cells as the price loader allows (each a Python string)."""
    buffer = io.BytesIO()
    cells = np.arange(rows * columns).reshape(rows, columns)
    header = ",".join(f"c{i}" for i in range(columns))
    np.savetxt(buffer, cells, fmt="x%d", delimiter=",", header=header, comments="")
    return buffer.getvalue()


def long_reviews(rows: int = 50_000, words: int = 170) -> bytes:
    """The review row limit filled with distinct reviews of about 1,000 characters (40 MB)."""
    rng = random.Random(0)
    vocabulary = "great awful film plot acting boring superb not bad the a of".split()
    bases = [" ".join(rng.choices(vocabulary, k=words)) for _ in range(1_000)]
    lines = [f'"{bases[i % len(bases)]} {i}",{i % 2}' for i in range(rows)]
    return ("text,label\n" + "\n".join(lines) + "\n").encode()


# Legal files at the limits: they may load, but must stay within the time and memory targets.
LARGEST_ALLOWED: dict[str, Callable[..., bytes]] = {
    "5,000,000 distinct text cells": distinct_text_cells,
    "50,000 reviews of 1,000 characters": long_reviews,
}


def peak_rss_mb() -> float:
    """This process's peak resident memory since the last :func:`reset_peak_rss`, in MB."""
    with open("/proc/self/status") as status:
        return int(re.search(r"VmHWM:\s+(\d+)", status.read()).group(1)) / 1024


def reset_peak_rss() -> None:
    """Start a new peak (Linux: writing 5 to clear_refs resets VmHWM to the current RSS)."""
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")


def load_prices_bytes(data: bytes) -> object:
    return prices.load_prices(data)


def load_reviews_bytes(data: bytes) -> object:
    """What Batch and Train your own do with an upload."""
    from core.sentiment import data as reviews

    return reviews.read_review_csv(data, "upload.csv.gz")


EVALUATE_ERROR = "python -m core.sentiment evaluate: error: "


def evaluate_file(data: bytes) -> object:
    """``python -m core.sentiment evaluate --csv FILE``; its refusal becomes a ValueError here.

    The model folder is empty, so a labelled file that reads stops at loading the model; that
    counts as loaded.
    """
    from core.sentiment.__main__ import main

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "reviews.csv.gz"
        path.write_bytes(data)
        errors = io.StringIO()
        with contextlib.redirect_stderr(errors):
            status = main(["evaluate", "--csv", str(path), "--model", folder])
    message = errors.getvalue().strip().removeprefix(EVALUATE_ERROR)
    if status == 2 and not message.startswith("No sentiment model"):  # that is after the read
        raise ValueError(message)
    return status


LOADERS: dict[str, Callable[[bytes], object]] = {
    "prices": load_prices_bytes,
    "reviews": load_reviews_bytes,
    "evaluate": evaluate_file,
}


@dataclasses.dataclass(frozen=True)
class Outcome:
    """One file through one loader: the message (or "loaded"), seconds and added peak memory."""

    message: str
    seconds: float
    peak_mb: float


def measure(load: Callable[[bytes], object], data: bytes) -> Outcome:
    """Run ``load(data)``; any exception other than ValueError propagates (it is a bug)."""
    gc.collect()
    reset_peak_rss()
    before = peak_rss_mb()
    started = time.perf_counter()
    try:
        load(data)
        message = "loaded"
    except ValueError as error:
        message = str(error)
    seconds = time.perf_counter() - started
    return Outcome(message, seconds, peak_rss_mb() - before)


def measure_isolated(loader: str, path: Path) -> Outcome:
    """:func:`measure` in a fresh Python that has only imported the loaders and read the file.

    Memory freed earlier in a process stays resident and is reused, which hides part of a later
    peak; a fresh process per file and loader measures what the upload itself adds.
    """
    completed = subprocess.run(
        [sys.executable, "-m", "tests.fuzz_loaders", "--measure", loader, str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    return Outcome(**json.loads(completed.stdout.splitlines()[-1]))


def _measure_here(loader: str, path: str) -> None:
    from core.sentiment import __main__, data, metrics  # noqa: F401 - imported before measuring

    content = Path(path).read_bytes()
    print(json.dumps(dataclasses.asdict(measure(LOADERS[loader], content))))


def run_bombs(
    names: list[str] | None = None, unpacked: int = BOMB_UNPACKED_BYTES
) -> list[tuple[str, str, Outcome]]:
    """Every bomb and largest allowed file through every loader: (file, loader, outcome).

    ``unpacked`` is the size the gzip and ZIP bombs unpack to; each run is a fresh process.
    """
    makers = {**BOMBS, **LARGEST_ALLOWED}
    results = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload"
        for bomb in names or list(makers):
            path.write_bytes(makers[bomb](unpacked) if bomb.endswith("bomb") else makers[bomb]())
            for loader in LOADERS:
                results.append((bomb, loader, measure_isolated(loader, path)))
    return results


def run(count: int, seed: int = 0) -> tuple[Counter, list[str]]:
    """Fuzz ``count`` generated files; return outcome counts and the failures found."""
    outcomes: Counter = Counter()
    failures: list[str] = []
    for index in range(count):
        name, generate, check = GENERATORS[index % len(GENERATORS)]
        case_seed = seed * 1_000_003 + index
        data = generate(random.Random(case_seed))
        try:
            outcomes[f"{name}: {check(data)}"] += 1
        except Exception as error:  # noqa: BLE001 - any other exception is the finding
            failures.append(f"{name} seed={case_seed}: {type(error).__name__}: {error}")
    return outcomes, failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--bombs", action="store_true", help="then every bomb through every loader, timed"
    )
    parser.add_argument("--measure", nargs=2, metavar=("LOADER", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        _measure_here(*args.measure)
        return 0
    started = time.perf_counter()
    outcomes, failures = run(args.count, args.seed)
    for outcome, number in sorted(outcomes.items()):
        print(f"{number:>7,}  {outcome}")
    print(
        f"{args.count:,} files in {time.perf_counter() - started:.1f} s; {len(failures)} failures"
    )
    for failure in failures[:20]:
        print("FAIL", failure)
    if args.bombs:
        failures += _print_bombs()
    return 1 if failures else 0


def _print_bombs() -> list[str]:
    """Print one row per bomb and loader; return those over the issue's targets."""
    print("| file | loader | seconds | peak memory added | message |")
    print("|---|---|---|---|---|")
    over = []
    for bomb, loader, outcome in run_bombs():
        print(
            f"| {bomb} | {loader} | {outcome.seconds:.2f} | {outcome.peak_mb:.0f} MB | "
            f"{outcome.message[:90]}… |",
            flush=True,
        )
        loaded_bomb = bomb in BOMBS and outcome.message == "loaded"
        if outcome.seconds > 20 or outcome.peak_mb > 500 or loaded_bomb:
            over.append(f"{bomb} through {loader}: {outcome}")
    for line in over:
        print("OVER TARGET", line)
    return over


if __name__ == "__main__":
    sys.exit(main())
