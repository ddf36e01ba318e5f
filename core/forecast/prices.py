"""Uploaded price files -> a clean, validated price series and a plain report.

Reads the common stock-price exports (Yahoo Finance, Nasdaq.com, Stooq, Investing.com, European
spreadsheets, TradingView, crypto exchanges), Excel .xlsx workbooks and rows pasted from a
spreadsheet, with no options: the encoding, separator, decimal mark, date column, date order, time
of day and price column are all inferred from the data. Files with several tickers are read in
both shapes: long (a ticker column, one row per ticker per date; one ticker is picked) and wide
(one price column per ticker). The frequency (minute to monthly) comes from the dates' spacing.
Every problem surfaces as a ``ValueError`` whose message says what was found, what is needed and
how to fix it.
"""

from __future__ import annotations

import csv
import dataclasses
import os
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core import textio
from core.forecast import frequency as frequencies
from core.forecast.frequency import Frequency

MAX_UPLOAD_MB = textio.UPLOAD_LIMIT_MB
MAX_LINE_CHARS = 10_000  # a price row is one date and a few numbers
MAX_ROWS = 2_000_000  # 5,000 years of trading days
# Cells bound the parsed table's memory.
LIMITS = textio.TableLimits(
    max_line_chars=MAX_LINE_CHARS,
    max_lines=2 * MAX_ROWS,  # room for blank lines between rows
    max_columns=100,  # each text column is tried as dates in 25 formats: keep that bounded
    max_rows=MAX_ROWS,
    max_cells=5_000_000,
    line_hint="a price CSV has short lines, a date and a few numbers",
    advice="Upload a shorter history or remove columns you do not need.",
)
DATE_SAMPLE_SIZE = 500
QUICK_DATE_SAMPLE = 20  # values a column must partly read as dates before the full sample
MIN_DATE_SHARE = 0.5  # share of filled cells that must parse for a column to count as dates
MIN_NUMERIC_SHARE = 0.9  # share of filled cells that must read as numbers for a numeric column
# Wide enough for synthetic histories; microsecond resolution reaches past year 2262.
EARLIEST_DATE, LATEST_DATE = pd.Timestamp("1600-01-01"), pd.Timestamp("9999-12-31")
HOW_TO_FIX = "Upload a CSV export with a date column and at least one price column."

NULL_TOKENS = [
    "",
    "null",
    "NULL",
    "Null",
    "None",
    "none",
    "N/A",
    "n/a",
    "NA",
    "#N/A",
    "-",
    "--",
    "\u2013",
    "\u2014",
    ".",
]
# Tried in this order; on a tie the earlier one wins, which encodes the usual reading of ambiguous
# dates: month-first for "/", day-first for "." and "-".
DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y-%m",  # monthly series such as 1949-01
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%Y%m%d",
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%d.%m.%Y",
    "%m.%d.%Y",
    "%d-%m-%Y",
    "%m-%d-%Y",
    "%m/%d/%y",
    "%d/%m/%y",
    "%y/%m/%d",
    "%d.%m.%y",
    "%y.%m.%d",
    "%d-%m-%y",
    "%y-%m-%d",
    "%m-%d-%y",
    "%b %d, %Y",
    "%B %d, %Y",
    "%b %d %Y",
    "%d %b %Y",
    "%d %B %Y",
    "%d-%b-%Y",
    "%d-%b-%y",
    "%b %Y",
    "%b-%y",
)
SUFFIX_SCALE = {"K": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}
# Literal characters and no \s, so pandas keeps the fast pyarrow path instead of Python's re.
NUMBER_NOISE = "[ \t\u00a0\u202f'\u2019$\u20ac\u00a3\u00a5\u20b9%]"
TIME_OF_DAY = r"[T ]\d{1,2}:\d{2}.*$"
NUMBERISH = re.compile(r"[-+\u2212]?[$\u20ac\u00a3]?\s?(\d[\d.,]*)\s?[%KMBkmb]?")
# Column-name keys are lower-case ASCII letters and digits ("Adj. Close" -> "adjclose").
ADJUSTED_WORDS = ("adj",)
CLOSE_WORDS = (
    "close",
    "last",
    "schluss",
    "cierre",
    "cloture",
    "fermeture",
    "chiusura",
    "zamkniecie",
    "fechamento",
    "slot",
    "price",
    "ultimo",
    "kurs",
)
PRICE_WORDS = ("preis", "precio", "prix", "prezzo", "cena", "quote", "value", "nav", "rate")
VOLUME_WORDS = ("vol", "wolumen", "umsatz", "turnover", "openint", "shares", "trades", "qty")
CHANGE_WORDS = ("change", "chg", "pct", "percent", "zmiana", "anderung", "var", "diff", "return")
TIME_NAMES = {"time", "zeit", "uhrzeit", "hora", "heure", "ora", "czas", "godzina"}
CLOCK = r"(\d{1,2}):(\d{2})(?::(\d{2}))?"  # 09:30, 9:30:15; any zone after it is dropped
# Whole numbers in these ranges, in a column named like a time, are Unix times (1979-2103).
EPOCH_UNITS = {"s": (3e8, 4.2e9), "ms": (3e11, 4.2e12)}
EPOCH_WORDS = ("time", "unix", "epoch", "date", "timestamp")
TICKER_WORDS = (
    "ticker", "symbol", "name", "code", "isin", "stock", "asset", "security", "instrument",
    "company", "coin", "pair", "sym",
)  # fmt: skip
OHLC_WORDS = ("open", "high", "low")
MAX_SHARED_DATES = 0.5  # share of rows repeating a timestamp that a single series may have
NOT_PRICE_WORDS = ("unix", "epoch", "timestamp", "ignore")
# Binance's kline exports (data.binance.vision) have no header row; these are its 12 columns.
BINANCE_KLINES = (
    "Open time", "Open", "High", "Low", "Close", "Volume", "Close time", "Quote volume",
    "Trades", "Taker buy base volume", "Taker buy quote volume", "Ignore",
)  # fmt: skip


class PriceFileError(textio.UploadError):
    """A price file that cannot be used; the message tells the user how to fix it."""


@dataclass(frozen=True)
class Ticker:
    """One ticker of a file with several: its name, row count and first and last timestamps."""

    name: str
    rows: int
    start: pd.Timestamp
    end: pd.Timestamp


@dataclass(frozen=True)
class PriceData:
    """A clean price series and what was done to get it.

    Attributes
    ----------
    series : pd.Series
        float64 prices, all > 0, on an ascending, unique DatetimeIndex named "date"; named
        after ``column``.
    column : str
        The header of the chosen price column, stripped.
    numeric_columns : list of str
        The columns that read as numbers and may hold prices (not volumes or open interest),
        in file order; any of them can be passed as ``column=``.
    table : pd.DataFrame
        All numeric columns as float64 on the same index as ``series``.
    report : str
        One line: rows, date range, column and what was dropped or reordered.
    notes : tuple of str
        Plain-English notes on guesses made, such as an ambiguous date order.
    frequency : Frequency
        How often the series has a value (minute, hourly, daily, weekly, monthly).
    layout : str
        ``"single"`` (one instrument), ``"long"`` (a ticker column: ``tickers`` lists them,
        ``ticker`` is the one read) or ``"wide"`` (one price column per ticker).
    tickers : tuple of Ticker
        For a long file, every ticker with its rows and date range, most rows first.
    ticker : str or None
        For a long file, the ticker read.
    sheets : tuple of str
        For a workbook, its sheet names; ``sheet`` is the one read.
    sheet : str or None
        For a workbook, the sheet read.
    """

    series: pd.Series
    column: str
    numeric_columns: list[str]
    table: pd.DataFrame
    report: str
    notes: tuple[str, ...]
    frequency: Frequency = frequencies.DAILY
    layout: str = "single"
    tickers: tuple[Ticker, ...] = ()
    ticker: str | None = None
    sheets: tuple[str, ...] = ()
    sheet: str | None = None


@dataclass(frozen=True)
class _Numbers:
    """One column read as numbers, with per-row masks of what could not be used."""

    values: pd.Series
    empty: pd.Series
    unreadable: pd.Series
    nonfinite: pd.Series
    percent: bool


def load_prices(
    data: bytes, column: str | None = None, ticker: str | None = None, sheet: str | None = None
) -> PriceData:
    """Turn the bytes of an uploaded price file into a clean price series.

    Parameters
    ----------
    data : bytes
        The raw file contents: a CSV/TSV/text export in any common format and text encoding,
        rows pasted from a spreadsheet, or an Excel .xlsx workbook.
    column : str, optional
        The price column to use (case-insensitive); by default adjusted close, else close; in
        a wide file (one column per ticker) the column with the most dates.
    ticker : str, optional
        For a file with a ticker column, the ticker to read (case-insensitive); by default
        the one with the most rows.
    sheet : str, optional
        For a workbook, the sheet to read; by default the first that holds prices.

    Returns
    -------
    PriceData
        The ascending, de-duplicated, strictly positive series and a report of the cleaning.

    Raises
    ------
    ValueError
        When the file cannot give a usable price series; the message says how to fix it.
    """
    try:
        return _load(data, column, ticker, sheet)
    except textio.UploadError:  # price-file errors included: their messages are for the user
        raise
    except Exception as exc:  # any other failure still reaches the user as a readable message
        raise PriceFileError(
            f"Could not read the file as a price table ({str(exc)[:200]}). {HOW_TO_FIX}"
        ) from exc


def load_prices_file(
    path: str | os.PathLike,
    column: str | None = None,
    ticker: str | None = None,
    sheet: str | None = None,
) -> PriceData:
    """Read a price file from disk; see :func:`load_prices`.

    Parameters
    ----------
    path : str or os.PathLike
        The CSV, text or .xlsx file.
    column : str, optional
        The price column to use; by default adjusted close, else close.
    ticker : str, optional
        The ticker to read from a file with several.
    sheet : str, optional
        The sheet to read from a workbook.

    Returns
    -------
    PriceData
        As :func:`load_prices`.

    Raises
    ------
    ValueError
        When the file cannot be read or gives no usable price series.
    """
    try:
        size = os.path.getsize(path)
        if size > MAX_UPLOAD_MB * 2**20:
            raise PriceFileError(_too_big(size))
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise PriceFileError(
            f"Could not open {os.fspath(path)!r}: {exc.strerror or exc}. "
            "Check the path and that the file is readable."
        ) from exc
    return load_prices(data, column, ticker, sheet)


def _load(data: bytes, column: str | None, ticker: str | None, sheet: str | None) -> PriceData:
    if isinstance(data, bytes | bytearray | memoryview) and textio.is_workbook(bytes(data)):
        return _load_workbook(bytes(data), column, ticker, sheet)
    if sheet is not None:
        raise PriceFileError(
            f"sheet={sheet!r} was given, but the file is text, not an Excel workbook. Leave the "
            "sheet out for CSV and text files."
        )
    text, notes = _decode(data)
    return _load_text(text, notes, column, ticker)


def _load_text(text: str, notes: list[str], column: str | None, ticker: str | None) -> PriceData:
    text, delimiter = _separator_hint(text)
    lines = _check_lines(text)
    text, lines, title = _skip_title(text, lines)
    notes = notes + ([title] if title else [])
    delimiter = delimiter or _sniff_delimiter(lines.first)
    text = _binance_header(text, lines.first, delimiter)
    textio.check_columns(lines, delimiter, LIMITS, "The file")
    mark, votes = _decimal_mark(lines.first, delimiter)
    if mark == "," and votes:
        notes.append("Read ',' as the decimal mark and '.' as the thousands separator.")
    frame = _read_table(text, delimiter, mark)
    date_name, dates, date_notes = _find_dates(frame)
    frame, dates, tickers, chosen_ticker = _pick_ticker(frame, date_name, dates, ticker)
    # Judged on dated rows only, so extra header rows and footers do not make a column text.
    numbers = _numeric_columns(frame[dates.notna()].drop(columns=date_name), mark)
    chosen, wide_note = _pick_column(numbers, column, frame.columns)
    notes = notes + date_notes + ([wide_note] if wide_note else [])
    loaded = _assemble(frame, dates, numbers, chosen, notes, chosen_ticker)
    layout = "long" if tickers else "wide" if wide_note else "single"
    return dataclasses.replace(loaded, layout=layout, tickers=tickers, ticker=chosen_ticker)


def _load_workbook(
    data: bytes, column: str | None, ticker: str | None, sheet: str | None
) -> PriceData:
    """The asked sheet, else the first sheet that gives a price series."""
    book = textio.workbook_sheets(data, "The workbook")
    try:
        names = list(book.sheetnames)
        if sheet is not None:
            wanted = [name for name in names if name.casefold() == str(sheet).strip().casefold()]
            if not wanted:
                raise PriceFileError(
                    f"The workbook has no sheet {sheet!r}; its sheets are: {', '.join(names)}."
                )
            names_tried = wanted
        else:
            names_tried = names
        problems = []
        for name in names_tried:
            label = f"Sheet {name!r}"
            try:
                text = textio.sheet_text(book[name], LIMITS, label)
                if not text.strip():
                    raise PriceFileError(f"{label} is empty.")
                loaded = _load_text(text, [], column, ticker)
            except textio.UploadError as error:
                if sheet is not None:
                    raise PriceFileError(f"{label}: {error}") from None
                problems.append(f"{name}: {str(error).split('. ')[0]}")
                continue
            return dataclasses.replace(loaded, sheets=tuple(names), sheet=name)
    finally:
        book.close()
    raise PriceFileError(
        f"No sheet of the workbook holds a date column and prices ({'; '.join(problems)}). "
        "Put the dates and prices on one sheet, with a header row on top, and upload again."
    )


def _skip_title(text: str, lines: textio.Lines) -> tuple[str, textio.Lines, str | None]:
    """Drop a first line that is not part of the table, such as CryptoDataDownload's web address.

    A title line has no separator at all, while one splits every one of the next lines.
    """
    first = lines.first
    if len(first) < 3:
        return text, lines, None
    separator = textio.sniff_separator(first[1:])
    titled = not any(mark in first[0] for mark in textio.SEPARATORS)
    if separator is None or not titled or not all(separator in x for x in first[1:]):
        return text, lines, None
    rest = text[text.index(first[0]) + len(first[0]) :]
    note = f"Skipped the first line, {first[0][:60]!r}: it is not part of the table."
    return rest, _check_lines(rest), note


def _binance_header(text: str, first: list[str], delimiter: str) -> str:
    """Give Binance's headerless kline rows their column names; other text is returned as is."""
    cells = next(csv.reader(first[:1], delimiter=delimiter), [])
    numeric = all(re.fullmatch(r"-?\d+(\.\d+)?", cell.strip()) for cell in cells)
    if len(cells) == len(BINANCE_KLINES) and numeric and len(cells[0].strip()) == 13:
        return delimiter.join(BINANCE_KLINES) + "\n" + text
    return text


def _too_big(size: int) -> str:
    return (
        f"The file is {size / 2**20:.1f} MB; the limit is {MAX_UPLOAD_MB} MB. Upload a shorter "
        "history or remove columns you do not need."
    )


def _decode(data: bytes) -> tuple[str, list[str]]:
    if isinstance(data, bytes | bytearray | memoryview):
        if not data:
            raise PriceFileError(f"The file is empty (0 bytes). {HOW_TO_FIX}")
        if len(data) > MAX_UPLOAD_MB * 2**20:
            raise PriceFileError(_too_big(len(data)))
    read = textio.read_text(data, "The file")  # unpacks .gz/.zip within the limit, decodes
    return read.text, list(read.notes)


def _separator_hint(text: str) -> tuple[str, str | None]:
    """Excel writes a first line "sep=;" to name the separator; use it and drop the line."""
    first, _, rest = text.partition("\n")
    hint = re.fullmatch(r"\s*sep=(.)\s*", first)
    return (rest, hint.group(1)) if hint else (text, None)


def _check_lines(text: str) -> textio.Lines:
    """The first non-blank lines and the line count, after the line checks of :data:`LIMITS`."""
    lines = textio.scan_lines(text, LIMITS, "The file")
    if not lines.first:
        raise PriceFileError(f"The file has only blank space, no data. {HOW_TO_FIX}")
    return lines


def _sniff_delimiter(lines: list[str]) -> str:
    """Pick the separator that gives the header most columns and the rows the same count."""
    delimiter = textio.sniff_separator(lines)
    if delimiter is None:
        raise PriceFileError(
            f"Found only one column: the first line {lines[0][:80]!r} has no "
            "commas, semicolons, tabs or '|'. Need a date column and a price "
            "column separated by one of these."
        )
    return delimiter


def _decimal_mark(lines: list[str], delimiter: str) -> tuple[str, int]:
    """Vote between '.' and ',' as decimal mark using numbers where only one reading fits.

    Returns the mark and the votes it got; with no votes either way, ';' files get ','.
    """
    votes = {".": 0, ",": 0}
    for row in csv.reader(lines[1:], delimiter=delimiter, skipinitialspace=True):
        for field in row:
            match = NUMBERISH.fullmatch(field.strip())
            mark = match and _decimal_hint(match.group(1))
            if mark:
                votes[mark] += 1
    if votes["."] == votes[","]:
        return ("," if delimiter == ";" else "."), votes["."]
    mark = max(votes, key=votes.__getitem__)
    return mark, votes[mark]


def _decimal_hint(digits: str) -> str | None:
    last_comma, last_dot = digits.rfind(","), digits.rfind(".")
    if last_comma >= 0 and last_dot >= 0:
        return "," if last_comma > last_dot else "."
    for mark, other in ((",", "."), (".", ",")):
        if digits.count(mark) > 1 and re.fullmatch(rf"\d{{1,3}}(\{mark}\d{{3}})+", digits):
            return other
        if digits.count(mark) == 1 and len(digits) - digits.index(mark) - 1 != 3:
            return mark
    return None


def _read_table(text: str, delimiter: str, mark: str) -> pd.DataFrame:
    try:
        frame = textio.read_csv(
            text,
            delimiter,
            LIMITS,
            "The file",
            skipinitialspace=True,
            na_values=NULL_TOKENS,
            keep_default_na=False,
            decimal=mark if mark != delimiter else ".",
            low_memory=False,
        )
    except (pd.errors.ParserError, pd.errors.ParserWarning) as exc:
        detail = textio.parser_problem(exc)
        raise PriceFileError(
            f"Could not split the file into columns at {delimiter!r}: {detail}. "
            "Every line needs the same number of separators; look for stray "
            "separators or quotes on that line."
        ) from exc
    if frame.empty:
        raise PriceFileError(f"The file has a header line but no data rows. {HOW_TO_FIX}")
    frame.columns = _unique_names([str(name).strip() for name in frame.columns])
    return frame


def _unique_names(names: list[str]) -> list[str]:
    seen: set[str] = set()
    unique = []
    for name in names:
        label, copy = name, 0
        while label in seen:
            copy += 1
            label = f"{name}.{copy}"
        seen.add(label)
        unique.append(label)
    return unique


def _key(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", ascii_name.lower())


def _spread(values: pd.Series, size: int = DATE_SAMPLE_SIZE) -> pd.Series:
    """Up to ``size`` values spread evenly over the column, first and last included."""
    if len(values) <= size:
        return values
    return values.iloc[np.linspace(0, len(values) - 1, size).astype(int)]


def _date_text(column: pd.Series) -> pd.Series | None:
    """The column as date strings, or None when it cannot hold dates."""
    if pd.api.types.is_bool_dtype(column):
        return None
    if pd.api.types.is_numeric_dtype(column):  # only whole numbers like 20240131 (YYYYMMDD)
        filled = column.dropna()
        if filled.empty or (filled % 1 != 0).any() or not filled.between(1e7, 1e8 - 1).all():
            return None
        return column.astype("Int64").astype("str").where(column.notna())
    text = column.astype("str").str.strip()
    if text.str.contains(":", regex=False).any():  # drop times such as "00:00:00-05:00"
        text = text.str.replace(TIME_OF_DAY, "", regex=True)
    return text


def _parse(text: pd.Series, date_format: str) -> pd.Series:
    dates = pd.to_datetime(text, format=date_format, errors="coerce")
    return dates.where(dates.between(EARLIEST_DATE, LATEST_DATE)).astype("datetime64[us]")


def _may_hold_dates(sample: pd.Series) -> bool:
    """A cheap first look at a few values, so a wide file of text columns stays fast."""
    few = _spread(sample, QUICK_DATE_SAMPLE)
    return any(_parse(few, fmt).notna().mean() >= MIN_DATE_SHARE / 2 for fmt in DATE_FORMATS)


def _find_dates(frame: pd.DataFrame) -> tuple[str, pd.Series, list[str]]:
    """Find the column whose values read best as dates, and read it."""
    best: tuple[float, str, list[str]] | None = None
    for name in frame.columns:
        sample = _date_text(_spread(frame[name].dropna()))
        if sample is None or sample.empty or not _may_hold_dates(sample):
            continue
        shares = {fmt: _parse(sample, fmt).notna().mean() for fmt in DATE_FORMATS}
        top = max(shares.values())
        if best is None or top > best[0]:
            best = (top, name, [fmt for fmt in DATE_FORMATS if shares[fmt] == top])
    if best is None or best[0] < MIN_DATE_SHARE:
        epoch = _epoch_dates(frame)
        if epoch is not None:
            return *epoch, []
        raise PriceFileError(
            f"No date column found among {textio.names_shown(frame.columns)}: "
            "no column reads as dates. Need a column of dates such as 2024-01-31, "
            "01/31/2024 or 31.01.2024."
        )
    _, name, formats = best
    dates, notes = _resolve_order(_date_text(frame[name]), formats)
    times = _times_of_day(frame, name, dates)
    if times is not None:
        dates = dates + times
    return name, dates, notes


def _times_of_day(frame: pd.DataFrame, date_name: str, dates: pd.Series) -> pd.Series | None:
    """Times of day written beside the dates, or in a Time column, when they tell rows apart.

    Daily files often carry a constant time ("00:00:00"); that is dropped. Intraday bars
    (several per date) keep theirs, in the file's own clock: a zone such as -05:00 is ignored.
    """
    found = None
    column = frame[date_name]
    if not pd.api.types.is_numeric_dtype(column):
        text = column.astype("str")
        if text.str.contains(":", regex=False).any():
            found = text.str.extract(rf"[T ]{CLOCK}")
    if found is None:
        for name in frame.columns:
            if name != date_name and _key(name) in TIME_NAMES:
                found = frame[name].astype("str").str.strip().str.extract(rf"^{CLOCK}")
                break
    if found is None or found[0].isna().all():
        return None
    parts = [pd.to_numeric(found[part], errors="coerce").fillna(0) for part in range(3)]
    seconds = parts[0] * 3600 + parts[1] * 60 + parts[2]
    # one row a date (a daily file stamped at the close, say) stays daily whatever its times
    if seconds.nunique() < 2 or not dates.dropna().duplicated().any():
        return None
    return pd.to_timedelta(seconds, unit="s").astype("timedelta64[us]")


def _epoch_dates(frame: pd.DataFrame) -> tuple[str, pd.Series] | None:
    """A column of Unix times (seconds or milliseconds), as TradingView and exchanges export."""
    for name in frame.columns:
        column = frame[name]
        if not pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
            continue
        if not any(word in _key(name) for word in EPOCH_WORDS):
            continue
        filled = column.dropna()
        if filled.empty or (filled % 1 != 0).any():
            continue
        for unit, (low, high) in EPOCH_UNITS.items():
            if filled.between(low, high).all():
                dates = pd.to_datetime(column, unit=unit, errors="coerce")
                return name, dates.astype("datetime64[us]")
    return None


def _pick_ticker(
    frame: pd.DataFrame, date_name: str, dates: pd.Series, asked: str | None
) -> tuple[pd.DataFrame, pd.Series, tuple[Ticker, ...], str | None]:
    """In a long file, the rows of one ticker; every ticker with its rows and date range."""
    column = _ticker_column(frame, date_name, dates)
    if column is None:
        _refuse_shared_dates(dates)
        if asked is not None:
            raise PriceFileError(
                f"ticker={asked!r} was given, but the file has no ticker column: it holds one "
                "series. Leave the ticker out, or upload a file with a ticker column."
            )
        return frame, dates, (), None
    names = frame[column].astype("str").str.strip().where(frame[column].notna())
    summary = (
        pd.DataFrame({"ticker": names, "date": dates})
        .dropna()
        .groupby("ticker", sort=False)["date"]
        .agg(["size", "min", "max"])
        .sort_values("size", ascending=False, kind="stable")
    )
    tickers = tuple(
        Ticker(str(name), int(row["size"]), row["min"], row["max"])
        for name, row in summary.iterrows()
    )
    chosen = tickers[0].name
    if asked is not None:
        match = [t.name for t in tickers if t.name.casefold() == str(asked).strip().casefold()]
        if not match:
            raise PriceFileError(
                f"Ticker {asked!r} is not in the file's {column} column; it has "
                f"{len(tickers):,} tickers: {textio.names_shown([t.name for t in tickers])}. "
                "Pick one of them."
            )
        chosen = match[0]
    rows = (names == chosen).to_numpy()
    return frame[rows], dates[rows], tickers, chosen


def _refuse_shared_dates(dates: pd.Series) -> None:
    """Most rows sharing their timestamp with another, and no ticker column: never collapse them.

    A few repeated dates are a re-export's duplicates (the last is kept); most rows repeating
    means several series or intraday bars whose time of day could not be read.
    """
    dated = dates.dropna()
    repeated = dated.duplicated(keep=False)
    if len(dated) >= 4 and repeated.mean() > MAX_SHARED_DATES:
        example = dated[repeated].iloc[0]
        raise PriceFileError(
            f"{repeated.mean():.0%} of the rows share their timestamp with another row (e.g. "
            f"{_stamp(example)} appears {int((dated == example).sum()):,} times), and no text "
            "column of tickers tells them apart. If the file holds several tickers, add a "
            "ticker or name column; if it holds intraday bars, put the time of day in the date "
            "column (2024-01-02 09:30) or a Time column (09:30)."
        )


def _ticker_column(frame: pd.DataFrame, date_name: str, dates: pd.Series) -> str | None:
    """The text column that tells apart rows sharing a date: tickers, names or symbols."""
    dated = dates.dropna()
    if len(dated) < 4 or not dated.duplicated().any():
        return None
    candidates = []
    for name in frame.columns:
        column = frame[name]
        if name == date_name or pd.api.types.is_numeric_dtype(column):
            continue
        if pd.api.types.is_bool_dtype(column) or _to_numbers(_spread(column.dropna()), "."):
            continue  # numbers written as text are prices, not tickers
        if 2 <= column.nunique() <= len(column) / 2:
            repeats = pd.DataFrame({"date": dates, "ticker": column}).dropna().duplicated().mean()
            hinted = any(word in _key(name) for word in TICKER_WORDS)
            candidates.append((not hinted, repeats, name))
    return min(candidates)[2] if candidates else None


def _sequence_score(dates: pd.Series) -> tuple[int, float, float]:
    """Valid count, then how one-directional the dates run, then minus their median step."""
    days = dates.dropna().to_numpy().astype("datetime64[D]").astype(np.int64)
    steps = np.diff(days)
    steps = steps[steps != 0]
    if steps.size == 0:
        return len(days), 1.0, 0.0
    one_way = max((steps > 0).mean(), (steps < 0).mean())
    return len(days), float(one_way), -float(np.median(np.abs(steps)))


def _resolve_order(text: pd.Series, formats: list[str]) -> tuple[pd.Series, list[str]]:
    """Read the whole column with each candidate format; keep the most plausible reading."""
    readings = [
        (_sequence_score(dates), fmt, dates)
        for fmt, dates in ((fmt, _parse(text, fmt)) for fmt in formats)
    ]
    score, chosen, dates = max(readings, key=lambda reading: reading[0])
    for other_score, other, other_dates in readings:
        differs = (other_dates != dates) & other_dates.notna() & dates.notna()
        if other_score[0] == score[0] and differs.any():
            example = text[differs].iloc[0]
            reason = (
                "that gives an ordered daily sequence"
                if score > other_score
                else "nothing in the file tells them apart and that is the usual order for "
                "dates written this way"
            )
            return dates, [
                f"Dates like {example} fit both {_describe(chosen)} and "
                f"{_describe(other)}; read them as {_describe(chosen)} "
                f"({example} = {_spoken(dates[differs].iloc[0])}) because {reason}. "
                "If that is wrong, export the file with YYYY-MM-DD dates."
            ]
    return dates, []


def _spoken(day: pd.Timestamp) -> str:
    return f"{day.day} {day:%B %Y}"


def _describe(date_format: str) -> str:
    """E.g. "%d.%m.%Y" -> "day-first (DD.MM.YYYY)"."""
    pattern = date_format
    for code, shown in (
        ("%Y", "YYYY"),
        ("%y", "YY"),
        ("%m", "MM"),
        ("%d", "DD"),
        ("%b", "Mon"),
        ("%B", "Month"),
    ):
        pattern = pattern.replace(code, shown)
    codes = {"day": ("%d",), "month": ("%m", "%b", "%B"), "year": ("%Y", "%y")}
    positions = {
        part: min(
            (at for code in group if (at := date_format.find(code)) >= 0), default=len(date_format)
        )
        for part, group in codes.items()
    }
    return f"{min(positions, key=positions.__getitem__)}-first ({pattern})"


def _numeric_columns(frame: pd.DataFrame, mark: str) -> dict[str, _Numbers]:
    """Every column that reads as numbers, in file order; times of day are left out."""
    numbers = {}
    for name in frame.columns:
        key = _key(name)
        if key in TIME_NAMES or key.endswith("time") or any(w in key for w in NOT_PRICE_WORDS):
            continue  # times of day, Unix times ("Close time", "unix") and Binance's "Ignore"
        column = frame[name]
        if not pd.api.types.is_numeric_dtype(column) and _to_numbers(_spread(column), mark) is None:
            continue  # cheap rejection of text columns such as tickers
        read = _to_numbers(column, mark)
        if read is not None:
            numbers[name] = read
    return numbers


def _to_numbers(column: pd.Series, mark: str) -> _Numbers | None:
    if pd.api.types.is_bool_dtype(column):
        return None
    if pd.api.types.is_numeric_dtype(column):
        values = column.astype("float64")
        if values.isna().all():  # an empty column, such as one after a trailing separator
            return None
        no = pd.Series(False, index=column.index)
        return _Numbers(values, values.isna(), no, np.isinf(values), percent=False)
    text = column.astype("str").str.strip()
    empty = text.isna() | (text == "").fillna(True)
    nan_text = text.str.lower().isin(["nan", "+nan", "-nan"])
    cleaned = text.str.replace(NUMBER_NOISE, "", regex=True).str.replace("\u2212", "-")
    scale = cleaned.str[-1].str.upper().map(SUFFIX_SCALE)
    cleaned = cleaned.where(scale.isna(), cleaned.str[:-1])
    cleaned = cleaned.str.replace("." if mark == "," else ",", "", regex=False)
    values = pd.to_numeric(cleaned.str.replace(mark, ".", regex=False), errors="coerce")
    values = (values * scale.fillna(1.0)).astype("float64")
    readable = (values.notna() | nan_text) & ~empty
    if not readable.any() or readable.sum() < MIN_NUMERIC_SHARE * (~empty).sum():
        return None
    nonfinite = nan_text | np.isinf(values)
    percent = bool(text.str.endswith("%").fillna(False).any())
    return _Numbers(values, empty, ~empty & ~readable, nonfinite, percent)


def _is_default_candidate(name: str, numbers: _Numbers) -> bool:
    key = _key(name)
    return not (
        numbers.percent or "%" in name or any(word in key for word in VOLUME_WORDS + CHANGE_WORDS)
    )


def _pick_column(
    numbers: dict[str, _Numbers], column: str | None, names: pd.Index
) -> tuple[str, str | None]:
    """The price column, and a note when the file is wide (one price column per ticker)."""
    if not numbers:
        raise PriceFileError(
            f"No price column found: none of the columns "
            f"{textio.names_shown(names)} holds numbers. Need at least one column "
            "of prices such as 123.45."
        )
    valid = ", ".join(numbers)
    if column is not None:
        wanted = str(column).strip().casefold()
        for name in numbers:
            if name.casefold() == wanted:
                return name, _wide_note(numbers, name, asked=True)
        raise PriceFileError(
            f"Column {column!r} is not one of the file's numeric columns. Choose one of: {valid}."
        )
    candidates = [name for name, read in numbers.items() if _is_default_candidate(name, read)]
    for words in (ADJUSTED_WORDS, CLOSE_WORDS, PRICE_WORDS):
        for name in candidates:
            if any(word in _key(name) for word in words):
                return name, None
    if not candidates:
        raise PriceFileError(
            f"No price column found: the numeric columns ({valid}) hold volumes "
            "or percent changes. Upload a file with a price column such as "
            "Close, or pass column= to use one of them anyway."
        )
    if _is_wide(numbers, candidates):
        # the longest history gives the model the most to learn from; on a tie the last column,
        # as for any file without a named price column
        most = max(reversed(candidates), key=lambda name: (~numbers[name].empty).sum())
        return most, _wide_note(numbers, most, asked=False)
    return candidates[-1], None


def _is_wide(numbers: dict[str, _Numbers], candidates: list[str]) -> bool:
    """Several price columns none of which is named close, price or open/high/low: tickers."""
    words = ADJUSTED_WORDS + CLOSE_WORDS + PRICE_WORDS + OHLC_WORDS
    return len(candidates) >= 2 and not any(
        word in _key(name) for name in numbers for word in words
    )


def _wide_note(numbers: dict[str, _Numbers], chosen: str, asked: bool) -> str | None:
    candidates = [name for name, read in numbers.items() if _is_default_candidate(name, read)]
    if not _is_wide(numbers, candidates):
        return None
    why = "the one asked for" if asked else "the one with the most dates"
    return (
        f"The file has one price column per ticker ({textio.names_shown(candidates, 8)}); "
        f"reading {chosen}, {why}. Pick another ticker in the price column box."
    )


def _assemble(
    frame: pd.DataFrame,
    dates: pd.Series,
    numbers: dict[str, _Numbers],
    chosen: str,
    notes: list[str],
    ticker: str | None = None,
) -> PriceData:
    price = numbers[chosen]  # rows with a date only
    has_date = dates.notna()
    dated = dates[has_date]
    if price.nonfinite.any():
        raise PriceFileError(
            f"Column {chosen} has "
            f"{_count(price.nonfinite.sum(), 'NaN or infinite value')}, first on "
            f"{_stamp(dated[price.nonfinite].iloc[0])}. Replace them with prices "
            "or leave those cells empty, then upload again."
        )
    keep = ~price.empty & ~price.unreadable
    table = pd.DataFrame({name: read.values for name, read in numbers.items()})
    table = table.replace([np.inf, -np.inf], np.nan)[keep]
    table.index = pd.DatetimeIndex(dated[keep], name="date")
    duplicated = table.index.duplicated(keep="last")
    if ticker is not None and duplicated.any():
        raise PriceFileError(
            f"Ticker {ticker} has {_count(duplicated.sum(), 'row')} repeating a timestamp "
            f"(first {_stamp(table.index[duplicated][0])}); a file with several tickers needs "
            "one row per ticker per date. Check for a second key column (exchange, currency, "
            "share class) and keep one of them, or remove the repeated rows."
        )
    was_sorted = table.index[~duplicated].is_monotonic_increasing
    table = table[~duplicated].sort_index(kind="stable")
    _validate(table[chosen], chosen, ticker)
    try:
        spacing = frequencies.detect(table.index)
    except ValueError as error:
        raise PriceFileError(str(error)) from None
    row_empty = frame.isna().all(axis=1)
    dropped = [
        (row_empty.sum() + price.empty.sum(), "empty row", "empty rows"),
        (
            (~has_date & ~row_empty).sum(),
            "row with an unreadable date",
            "rows with unreadable dates",
        ),
        (
            price.unreadable.sum(),
            f"row with an unreadable {chosen}",
            f"rows with an unreadable {chosen}",
        ),
    ]
    changes = [f"dropped {_count(count, one, many)}" for count, one, many in dropped if count]
    if duplicated.any():
        changes.append(f"{_count(duplicated.sum(), 'duplicate date')} (kept the last of each)")
    if not was_sorted:
        changes.append("sorted oldest first")
    kind = "" if spacing.name == "daily" else f" ({spacing.name})"
    report = (
        f"{len(table):,} rows{kind}, {spacing.stamp(table.index[0])} \u2192 "
        f"{spacing.stamp(table.index[-1])}, column {chosen}"
    )
    if ticker is not None:
        report += f", ticker {ticker}"
    # volumes and open interest are counts, not prices: never offer them as a price column
    choices = [
        name
        for name in numbers
        if name == chosen or not any(word in _key(name) for word in VOLUME_WORDS)
    ]
    return PriceData(
        table[chosen],
        chosen,
        choices,
        table,
        "; ".join([report, *changes]),
        tuple(notes),
        frequency=spacing,
    )


def _validate(series: pd.Series, name: str, ticker: str | None = None) -> None:
    if len(series) < 2:
        where = f" for ticker {ticker}" if ticker is not None else ""
        fix = "Pick a ticker with more rows" if ticker is not None else "Upload a longer history"
        raise PriceFileError(
            f"Found {_count(len(series), 'row')}{where} with both a date and a {name} "
            f"price; at least 2 are needed. {fix}."
        )
    bad = series[series <= 0]
    if not bad.empty:
        raise PriceFileError(
            f"Column {name} has {_count(len(bad), 'price')} at or below zero "
            f"(first on {_stamp(bad.index[0])}: {bad.iloc[0]:g}). "
            "Prices must be above 0 because the forecaster uses log returns. "
            "Pick another column or fix those rows."
        )
    if series.nunique() == 1:
        raise PriceFileError(
            f"Column {name} has the same value ({series.iloc[0]:g}) on every "
            "row, so there is no price movement to learn. Pick another column "
            "or upload a different file."
        )


def _stamp(moment: pd.Timestamp) -> str:
    """A date, with its time of day when it has one."""
    return f"{moment:%Y-%m-%d %H:%M}" if moment != moment.normalize() else f"{moment:%Y-%m-%d}"


def _count(count: int, singular: str, plural: str | None = None) -> str:
    return f"1 {singular}" if count == 1 else f"{count:,} {plural or singular + 's'}"
