"""A user's file bytes -> text -> a table, within limits checked while the bytes are read.

The one place where uploaded bytes become text and tables, so that no loader can forget a limit:

- :func:`read_text` refuses files over the upload limit, unpacks gzip (also nested) and a ZIP
  holding one file as a stream that stops once the *unpacked* size passes
  :data:`UNPACKED_LIMIT_MB`, recognises images, PDFs and workbooks, and decodes the text
  (byte-order marks, UTF-8, else Windows-1252);
- :func:`scan_lines` checks line count and line length in fixed-size chunks, before any parsing,
  and returns the first lines for sniffing;
- :func:`sniff_separator` and :func:`check_columns` pick the separator and refuse absurd widths;
- :func:`read_csv` parses with pandas' C engine and never keeps more than ``max_rows + 1`` rows;
- :func:`workbook_sheets` opens an Excel .xlsx (a ZIP) only after checking its packed and
  unpacked sizes, and :func:`sheet_text` streams one sheet row by row, stopping at the row,
  column and cell limits, into CSV text for the same loaders.

Every refusal is an :class:`UploadError` (a ``ValueError``) whose message says what was found,
the limit, and how to fix the file.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import gzip
import io
import itertools
import os
import re
import warnings
import zipfile
import zlib
from dataclasses import dataclass

import pandas as pd

UPLOAD_LIMIT_MB = 50  # same as .streamlit/config.toml server.maxUploadSize
# A packed file may unpack to no more than a plain upload may be, so packing never buys room.
UNPACKED_LIMIT_MB = 50
MAX_PACKING_LAYERS = 3  # e.g. a .zip holding a .csv.gz; deeper nesting is only ever a trap
SCAN_CHUNK_CHARS = 4 * 2**20  # lines are measured in pieces this size: memory stays flat
SNIFF_LINES = 200
SEPARATORS = (",", ";", "\t", "|")
GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
NOT_TEXT = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"%PDF": "a PDF document",
    b"\xd0\xcf\x11\xe0": "an old Excel .xls workbook",
}
BOMS = (  # UTF-32 first: its little-endian mark begins with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# An Office file saved with a password is an OLE container holding this stream (UTF-16 name).
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
WORKBOOK_PART = "xl/workbook.xml"
MAX_SHEETS = 100
MAX_PACKING_RATIO = 200  # XML packs well, about 10-20x; far beyond that is a bomb
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SAVE_AS_CSV = "Save the table as CSV (comma- or semicolon-separated text) and upload that."


class UploadError(ValueError):
    """A file refused while it was read; the message says what was wrong and how to fix it."""


@dataclass(frozen=True)
class Text:
    """Decoded text and plain-English notes on how it was read (e.g. the encoding guessed)."""

    text: str
    notes: tuple[str, ...]


@dataclass(frozen=True)
class TableLimits:
    """The shape a loader accepts, and the advice its messages end with.

    Attributes
    ----------
    max_line_chars : int
        Longest physical line.
    max_lines : int
        Most physical lines (blank ones included).
    max_columns : int
        Most columns in the header line.
    max_rows : int
        Most data rows; :func:`read_csv` reads at most one more to tell.
    max_cells : int
        Most columns x data lines, so wide files cannot be long as well.
    line_hint : str
        Why lines are short in this kind of file, e.g. "a price CSV has short lines".
    advice : str
        How to fix a file that is too big, e.g. "Upload a shorter history."
    """

    max_line_chars: int
    max_lines: int
    max_columns: int
    max_rows: int
    max_cells: int
    line_hint: str
    advice: str


@dataclass(frozen=True)
class Lines:
    """What :func:`scan_lines` found: the first non-blank lines and the number of lines."""

    first: list[str]
    count: int


def read_text(data: bytes, name: str = "The file") -> Text:
    """Unpack (bounded) and decode a user's file.

    Parameters
    ----------
    data : bytes
        The file as uploaded: plain text, gzip (also nested) or a ZIP holding one file.
    name : str
        How messages name the file, e.g. ``"reviews.csv.gz"`` or ``"The file"``.

    Returns
    -------
    Text
        The text, without a byte-order mark, and notes on how it was read.

    Raises
    ------
    UploadError
        Over the upload limit, unpacking past :data:`UNPACKED_LIMIT_MB`, damaged archives,
        images, workbooks and other binary data.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise UploadError(
            f"Expected the file's bytes, got {type(data).__name__}. Pass the uploaded file's "
            "contents (bytes)."
        )
    data = bytes(data)
    if len(data) > UPLOAD_LIMIT_MB * 2**20:
        raise UploadError(
            f"{name} is {len(data) / 2**20:.1f} MB; the limit is {UPLOAD_LIMIT_MB} MB. "
            "Split it into smaller files or remove columns you do not need."
        )
    data = unpack(data, name)
    if data.startswith(b"\xd0\xcf\x11\xe0") and ENCRYPTED_PACKAGE in data:
        raise UploadError(
            f"{name} is a password-protected workbook, which cannot be read without its password. "
            "Open it in the spreadsheet, save a copy without a password (or as CSV), and upload "
            "that."
        )
    for magic, kind in NOT_TEXT.items():
        if data.startswith(magic):
            raise UploadError(
                f"{name} is {kind}, not CSV text. Export or save the table as CSV "
                "(comma- or semicolon-separated text) and upload that."
            )
    return decode(data, name)


def read_file(path: str | os.PathLike) -> bytes:
    """Read a file from disk, refusing one over the upload limit before reading it.

    Parameters
    ----------
    path : str or os.PathLike
        The file.

    Returns
    -------
    bytes
        Its contents, for :func:`read_text`.

    Raises
    ------
    UploadError
        When the file is missing, unreadable or over :data:`UPLOAD_LIMIT_MB`.
    """
    try:
        size = os.path.getsize(path)
        if size > UPLOAD_LIMIT_MB * 2**20:
            raise UploadError(
                f"{os.fspath(path)} is {size / 2**20:.1f} MB; the limit is {UPLOAD_LIMIT_MB} MB. "
                "Split it into smaller files or remove columns you do not need."
            )
        with open(path, "rb") as handle:
            return handle.read(UPLOAD_LIMIT_MB * 2**20 + 1)  # a file growing meanwhile, too
    except OSError as error:
        raise UploadError(
            f"Could not open {os.fspath(path)!r}: {error.strerror or error}. Check the path and "
            "that the file is readable."
        ) from None


def unpack(data: bytes, name: str = "The file") -> bytes:
    """Undo gzip and ZIP packing, layer by layer, never holding more than the unpacked limit.

    Parameters
    ----------
    data : bytes
        The file as uploaded.
    name : str
        How messages name the file.

    Returns
    -------
    bytes
        The innermost content (``data`` itself when it is not packed).

    Raises
    ------
    UploadError
        When a layer unpacks past :data:`UNPACKED_LIMIT_MB`, is damaged, is a workbook, or
        the packing is nested deeper than :data:`MAX_PACKING_LAYERS`.
    """
    for _ in range(MAX_PACKING_LAYERS + 1):
        if data.startswith(GZIP_MAGIC):
            data = _gunzip(data, name)
        elif data.startswith(ZIP_MAGIC):
            data = _unzip(data, name)
        else:
            return data
    raise UploadError(
        f"{name} is packed more than {MAX_PACKING_LAYERS} times over (an archive inside an "
        "archive inside an archive). Unpack it and upload the CSV, or one .csv.gz."
    )


def _too_big_unpacked(name: str) -> UploadError:
    return UploadError(
        f"{name} unpacks to more than {UNPACKED_LIMIT_MB} MB; the limit is {UNPACKED_LIMIT_MB} MB "
        "of unpacked text, the same as for a plain CSV. Split it into smaller files (or remove "
        "columns you do not need) and upload them one at a time."
    )


def _gunzip(data: bytes, name: str) -> bytes:
    limit = UNPACKED_LIMIT_MB * 2**20
    try:
        # GzipFile inflates as it reads, so read(limit + 1) never holds more than that
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            unpacked = stream.read(limit + 1)
    except (OSError, EOFError, zlib.error):
        raise UploadError(
            f"{name} looks gzip-compressed but is damaged or incomplete. Compress it again or "
            "upload the plain .csv."
        ) from None
    if len(unpacked) > limit:
        raise _too_big_unpacked(name)
    return unpacked


def _unzip(data: bytes, name: str) -> bytes:
    limit = UNPACKED_LIMIT_MB * 2**20
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [
                info
                for info in archive.infolist()
                if not info.is_dir() and not info.filename.startswith("__MACOSX/")
            ]
            names = {info.filename for info in members}
            if "xl/workbook.xml" in names or "[Content_Types].xml" in names:
                raise UploadError(
                    f"{name} is an Excel or Office workbook, not CSV text. In the spreadsheet "
                    "use File → Save As → CSV, and upload that file."
                )
            if len(members) != 1:
                raise UploadError(
                    f"{name} is a ZIP archive with {len(members):,} files; upload a .zip that "
                    "holds exactly one CSV, or the CSV itself."
                )
            # the declared size is checked before inflating; zipfile never returns more
            # than it declares, and read(limit + 1) bounds a lying one as well
            if members[0].file_size > limit:
                raise _too_big_unpacked(name)
            with archive.open(members[0]) as stream:
                unpacked = stream.read(limit + 1)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, zlib.error,
            NotImplementedError, RuntimeError):  # fmt: skip
        raise UploadError(
            f"{name} is a ZIP archive (an Excel .xlsx workbook is one) that could not be opened: "
            "it is damaged, encrypted or uses an unusual compression. Upload the CSV itself, or "
            "a .zip holding one CSV."
        ) from None
    if len(unpacked) > limit:
        raise _too_big_unpacked(name)
    return unpacked


def decode(data: bytes, name: str = "The file") -> Text:
    """Decode text by byte-order mark, else UTF-8, else Windows-1252; refuse binary data.

    Parameters
    ----------
    data : bytes
        Unpacked file contents.
    name : str
        How messages name the file.

    Returns
    -------
    Text
        The text without a byte-order mark; a note when it was read as Windows-1252.

    Raises
    ------
    UploadError
        When the bytes hold NUL bytes without a UTF-16/32 byte-order mark, or many control
        characters: an image or program, not text.
    """
    notes = []
    for mark, encoding in BOMS:
        if data.startswith(mark):
            text = data.decode(encoding, errors="replace")
            break
    else:
        if b"\x00" in data:
            raise UploadError(
                f"{name} contains binary data (NUL bytes), not CSV text. Upload the CSV export "
                "itself; a UTF-16 file needs its byte-order mark."
            )
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
            notes.append("The file is not UTF-8; read it as Windows-1252 (Western European) text.")
    head = text[:65_536]
    if "\x00" in head or len(CONTROL_CHARS.findall(head)) > 0.01 * len(head):
        raise UploadError(f"{name} looks like binary data, not CSV text. {SAVE_AS_CSV}")
    return Text(text.lstrip("\ufeff"), tuple(notes))


def scan_lines(text: str, limits: TableLimits, name: str = "The file") -> Lines:
    """Count lines and measure the longest, chunk by chunk, before anything is parsed.

    Parameters
    ----------
    text : str
        Decoded file text.
    limits : TableLimits
        ``max_lines`` and ``max_line_chars`` are checked; the hint and advice end messages.
    name : str
        How messages name the file.

    Returns
    -------
    Lines
        Up to :data:`SNIFF_LINES` first non-blank lines (for sniffing) and the line count.

    Raises
    ------
    UploadError
        Naming the first line that is too long, or the number of lines.
    """
    newline = "\n" if "\n" in text or "\r" not in text else "\r"  # old Mac files use \r alone
    count = text.count(newline) + (not text.endswith(newline))
    if count > limits.max_lines:
        raise UploadError(
            f"{name} has {count:,} lines; the limit is {limits.max_lines:,}. {limits.advice}"
        )
    first: list[str] = []
    carry = ""  # the start of the current line, kept only while first lines are collected
    line_number, run = 1, 0  # run: characters of the current line seen so far
    for start in range(0, len(text), SCAN_CHUNK_CHARS):
        parts = text[start : start + SCAN_CHUNK_CHARS].split(newline)
        lengths = [run + len(parts[0]), *map(len, parts[1:])]
        if max(lengths[:-1], default=0) > limits.max_line_chars:
            offset = next(i for i, n in enumerate(lengths) if n > limits.max_line_chars)
            _raise_long_line(line_number + offset, lengths[offset], limits, complete=True)
        if len(first) < SNIFF_LINES:
            if len(parts) > 1:
                complete = [carry + parts[0], *parts[1:-1]]
                first += itertools.islice(filter(str.strip, complete), SNIFF_LINES - len(first))
                carry = parts[-1]
            else:
                carry += parts[0]
        line_number += len(parts) - 1
        run = lengths[-1]
        if run > limits.max_line_chars:
            _raise_long_line(line_number, run, limits, complete=False)
    if len(first) < SNIFF_LINES and carry.strip():
        first.append(carry)
    return Lines([line.rstrip("\r") for line in first], count)


def _raise_long_line(number: int, length: int, limits: TableLimits, complete: bool) -> None:
    at_least = "" if complete else "at least "
    raise UploadError(
        f"Line {number:,} is {at_least}{length:,} characters long; {limits.line_hint} (at most "
        f"{limits.max_line_chars:,} characters a line). Check that this is the right file."
    )


def sniff_separator(lines: list[str]) -> str | None:
    """The separator that gives the header most columns and the rows the same count.

    Parameters
    ----------
    lines : list of str
        The first non-blank lines, header first.

    Returns
    -------
    str or None
        One of ``, ; tab |``, or None when none of them splits the header.
    """
    scores = {}
    for separator in SEPARATORS:
        rows = list(csv.reader(lines, delimiter=separator, skipinitialspace=True))
        width = len(rows[0]) if rows else 0
        if width >= 2:
            same = sum(len(row) in (width, width + 1) for row in rows) / len(rows)
            scores[separator] = (same, width)
    return max(scores, key=scores.__getitem__) if scores else None


def check_columns(lines: Lines, separator: str, limits: TableLimits, name: str) -> int:
    """The header's column count; refuse too many columns, or too many cells in all.

    Raises
    ------
    UploadError
        When the header has more than ``max_columns`` columns, or columns x lines passes
        ``max_cells``.
    """
    header = next(csv.reader(lines.first[:1], delimiter=separator), [])
    width = len(header)
    if width > limits.max_columns:
        raise UploadError(
            f"{name} has {width:,} columns (split at {separator!r}); the limit is "
            f"{limits.max_columns:,}. Keep only the columns you need and upload again."
        )
    if width * lines.count > limits.max_cells:
        raise UploadError(
            f"{name} has {width:,} columns and {lines.count:,} lines, more than "
            f"{limits.max_cells:,} cells in all. {limits.advice}"
        )
    return width


def parser_problem(error: Exception) -> str:
    """Say in plain words where pandas' parser gave up, for a loader's message.

    Parameters
    ----------
    error : Exception
        A ``pandas.errors.ParserError`` or ``ParserWarning`` from :func:`read_csv`.

    Returns
    -------
    str
        E.g. "Expected 2 fields in line 3, saw 3" or "a quote (\") opened in row 1 is never
        closed".
    """
    message = str(error)
    if found := re.search(r"Expected \d+ fields in line \d+, saw \d+", message):
        return found.group()
    if found := re.search(r"EOF inside string starting at row (\d+)", message):
        return f'a quote (") opened in row {int(found.group(1)):,} is never closed'
    if isinstance(error, pd.errors.ParserWarning) or not message:  # pandas warns of extra fields
        return "a line has more fields than the header"
    return message.splitlines()[0]


def names_shown(names, most: int = 12) -> str:
    """Column names for a message: the first ``most``, then how many more."""
    names = [str(name) for name in names]
    shown = ", ".join(names[:most])
    return shown if len(names) <= most else f"{shown} and {len(names) - most:,} more"


def read_csv(text: str, separator: str, limits: TableLimits, name: str, **options) -> pd.DataFrame:
    """Parse with pandas' C engine, reading at most ``max_rows + 1`` rows.

    Parameters
    ----------
    text : str
        Text already checked by :func:`scan_lines` and :func:`check_columns`.
    separator : str
        The column separator.
    limits : TableLimits
        ``max_rows`` is enforced.
    name : str
        How messages name the file.
    **options
        Passed on to :func:`pandas.read_csv` (dtype, na_values, decimal...).

    Returns
    -------
    pandas.DataFrame
        At most ``max_rows`` rows.

    Raises
    ------
    UploadError
        When the file has more than ``max_rows`` rows.
    pandas.errors.ParserError, pandas.errors.ParserWarning, pandas.errors.EmptyDataError
        For the caller to explain (a row with more fields than the header raises, not warns).
    """
    with warnings.catch_warnings():  # pandas only warns when it cuts extra fields off a line
        warnings.simplefilter("error", pd.errors.ParserWarning)
        frame = pd.read_csv(
            io.BytesIO(text.encode()),  # a StringIO is read as 4 bytes a character: 2.5x the peak
            sep=separator,
            engine="c",
            nrows=limits.max_rows + 1,
            index_col=False,
            **options,
        )
    if len(frame) > limits.max_rows:
        raise UploadError(
            f"{name} has more than {limits.max_rows:,} rows; the limit is {limits.max_rows:,}. "
            f"{limits.advice}"
        )
    return frame


def is_workbook(data: bytes) -> bool:
    """True when ``data`` is an Excel .xlsx/.xlsm workbook (a ZIP holding ``xl/workbook.xml``).

    Parameters
    ----------
    data : bytes
        The file as uploaded.

    Returns
    -------
    bool
    """
    if not bytes(data[:4]) == ZIP_MAGIC:
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return WORKBOOK_PART in archive.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        return False


def workbook_sheets(data: bytes, name: str = "The file"):
    """Open an .xlsx workbook for reading, after checking its packed and unpacked size.

    Parameters
    ----------
    data : bytes
        The workbook as uploaded.
    name : str
        How messages name the file.

    Returns
    -------
    openpyxl.Workbook
        Opened read-only (rows are streamed, never all held) with cached formula values; read
        its sheets with :func:`sheet_text`, then ``close()`` it.

    Raises
    ------
    UploadError
        Over the upload limit, unpacking past :data:`UNPACKED_LIMIT_MB` or packed more
        tightly than :data:`MAX_PACKING_RATIO`, damaged, or with more than
        :data:`MAX_SHEETS` sheets.
    """
    import openpyxl  # only workbooks need it

    if len(data) > UPLOAD_LIMIT_MB * 2**20:
        raise UploadError(
            f"{name} is {len(data) / 2**20:.1f} MB; the limit is {UPLOAD_LIMIT_MB} MB. "
            "Split it into smaller files or remove columns you do not need."
        )
    damaged = UploadError(
        f"{name} is an Excel workbook that could not be opened: it is damaged or not a real "
        ".xlsx. Open it in the spreadsheet and save it again as .xlsx (or as CSV)."
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            # declared sizes are checked before anything is inflated; zipfile never returns more
            # than a member declares, so a lying member fails its check instead
            unpacked = sum(info.file_size for info in archive.infolist())
            packed = sum(info.compress_size for info in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        raise damaged from None
    if unpacked > UNPACKED_LIMIT_MB * 2**20:
        raise _too_big_unpacked(name)
    if unpacked > MAX_PACKING_RATIO * max(packed, 1):
        raise UploadError(
            f"{name} unpacks to {unpacked / max(packed, 1):,.0f} times its size; a real workbook "
            f"packs at most about {MAX_PACKING_RATIO} times, so this is a trap (a zip bomb) or "
            "damaged. Save the sheet again as .xlsx or CSV and upload that."
        )
    try:
        with warnings.catch_warnings():  # openpyxl warns of styles and extensions it skips
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a broken part; all mean "damaged"
        raise damaged from error
    if len(book.sheetnames) > MAX_SHEETS:
        book.close()
        raise UploadError(
            f"{name} has {len(book.sheetnames):,} sheets; the limit is {MAX_SHEETS}. Copy the "
            "sheet you need into a new workbook and upload that."
        )
    return book


def sheet_text(sheet, limits: TableLimits, name: str) -> str:
    """One worksheet as CSV text, streamed row by row within ``limits``.

    Dates become ISO dates (with the time when there is one) and numbers keep full precision,
    so the text reads back exactly; trailing empty rows and columns are dropped.

    Parameters
    ----------
    sheet : openpyxl worksheet
        A sheet of a workbook from :func:`workbook_sheets`.
    limits : TableLimits
        ``max_rows``, ``max_columns`` and ``max_cells`` are enforced while reading.
    name : str
        How messages name the sheet, e.g. ``"Sheet 'Prices'"``.

    Returns
    -------
    str
        Comma-separated text, header first.

    Raises
    ------
    UploadError
        When the sheet has more rows, columns or cells than ``limits`` allow.
    """
    declared_rows, declared_columns = sheet.max_row or 0, sheet.max_column or 0
    _check_sheet_size(declared_rows, declared_columns, limits, name)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    rows = cells = 0
    blank_run = 0  # blank rows are written only when a filled row follows
    for row in sheet.iter_rows(values_only=True):
        values = list(row)
        while values and values[-1] in (None, ""):
            values.pop()
        if not values:
            blank_run += 1
            continue
        rows += 1 + blank_run
        cells += len(values)
        _check_sheet_size(rows, len(values), limits, name, cells)
        buffer.write("\n" * blank_run)
        blank_run = 0
        writer.writerow([_cell_text(value) for value in values])
    return buffer.getvalue()


def _check_sheet_size(rows: int, columns: int, limits: TableLimits, name: str, cells: int = 0):
    """Refuse a sheet past the limits: its declared size first, then what was read so far."""
    if rows > limits.max_rows + 1:  # the header row comes on top of the data rows
        raise UploadError(
            f"{name} has more than {limits.max_rows:,} rows; the limit is {limits.max_rows:,}. "
            f"{limits.advice}"
        )
    if columns > limits.max_columns:
        raise UploadError(
            f"{name} has {columns:,} columns; the limit is {limits.max_columns:,}. Keep only the "
            "columns you need and upload again."
        )
    if cells > limits.max_cells:
        raise UploadError(
            f"{name} has more than {limits.max_cells:,} filled cells; the limit is "
            f"{limits.max_cells:,}. {limits.advice}"
        )


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ") if value.time() != datetime.time() else f"{value:%Y-%m-%d}"
    if isinstance(value, datetime.date):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, float):
        return repr(value)
    return str(value)
