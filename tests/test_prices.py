"""Tests for core.forecast.prices: every supported export format, the cleaning report, every
error."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.forecast.prices import MAX_UPLOAD_MB, PriceData, load_prices, load_prices_file
from core.paths import SAMPLES_DIR

FIXTURES = SAMPLES_DIR.parents[1] / "tests" / "fixtures" / "prices"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def assert_series(data: PriceData, dates: list[str], values: list[float]) -> None:
    expected = pd.Series(values, index=pd.DatetimeIndex(dates, name="date"), name=data.column)
    pd.testing.assert_series_equal(data.series, expected, check_index_type=False, check_freq=False)
    assert_valid(data)


def assert_valid(data: PriceData) -> None:
    series = data.series
    assert isinstance(series.index, pd.DatetimeIndex)
    assert series.index.name == "date"
    assert series.index.is_monotonic_increasing and series.index.is_unique
    assert series.dtype == np.float64 and series.name == data.column
    assert len(series) >= 2 and np.isfinite(series).all() and (series > 0).all()
    assert data.column in data.numeric_columns
    assert set(data.numeric_columns) <= set(data.table.columns)
    assert data.table.index.equals(series.index)


# --- formats -----------------------------------------------------------------------------------


def test_yahoo_iso_dates_with_null_row():
    data = load_prices(fixture("yahoo_iso.csv"))
    assert_series(
        data,
        ["2024-01-02", "2024-01-03", "2024-01-05", "2024-01-08"],
        [184.73, 183.35, 180.29, 184.65],
    )
    assert data.column == "Adj Close"
    assert data.numeric_columns == ["Open", "High", "Low", "Close", "Adj Close"]
    assert data.report == "4 rows, 2024-01-02 → 2024-01-08, column Adj Close; dropped 1 empty row"
    assert data.notes == ()


def test_yahoo_month_first_dates_across_a_year_end():
    data = load_prices(fixture("yahoo_mdy.csv"))
    assert_series(
        data,
        ["2018-12-27", "2018-12-28", "2018-12-31", "2019-01-02", "2019-01-04"],
        [2488.83, 2485.74, 2506.85, 2510.03, 2531.94],
    )
    assert data.notes == ()


def test_yfinance_three_header_rows():
    data = load_prices(fixture("yfinance_multiheader.csv"))
    assert_series(data, ["2024-01-02", "2024-01-03", "2024-01-04"], [184.73, 183.35, 181.02])
    assert data.numeric_columns == ["Adj Close", "Close", "High", "Low", "Open"]
    assert data.report.endswith("; dropped 2 rows with unreadable dates")


def test_bundled_sp500_sample():
    data = load_prices_file(SAMPLES_DIR / "sp500.csv")
    assert_valid(data)
    assert len(data.series) == 5031
    assert data.report == "5,031 rows, 1999-01-04 → 2018-12-31, column Adj Close"
    assert data.series.iloc[0] == 1228.099976
    assert data.series.index[-1] == pd.Timestamp("2018-12-31")


def test_bundled_msft_sample():
    data = load_prices_file(SAMPLES_DIR / "msft.csv")
    assert_valid(data)
    assert data.column == "Close"
    assert data.numeric_columns == ["Open", "High", "Low", "Close"]
    assert data.series.index[0] == pd.Timestamp("1986-03-13")
    assert data.series.iloc[0] == 0.07533


def test_nasdaq_dollar_prices_newest_first():
    data = load_prices(fixture("nasdaq.csv"))
    assert_series(
        data,
        ["2024-11-19", "2024-11-20", "2024-11-21", "2024-11-22"],
        [228.28, 229.00, 228.52, 229.87],
    )
    assert data.column == "Close/Last"
    assert data.table.loc["2024-11-21", "Low"] == 225.7103
    assert data.report.endswith("; sorted oldest first")


def test_stooq_ignores_ticker_period_and_time():
    data = load_prices(fixture("stooq.csv"))
    assert_series(data, ["2024-01-02", "2024-01-03", "2024-01-04"], [185.64, 184.25, 181.91])
    assert data.column == "<CLOSE>"
    assert data.numeric_columns == ["<OPEN>", "<HIGH>", "<LOW>", "<CLOSE>"]


def test_stooq_polish_headers():
    data = load_prices(fixture("stooq_pl.csv"))
    assert_series(data, ["2024-01-02", "2024-01-03", "2024-01-04"], [98.9, 100.1, 99.8])
    assert data.column == "Zamkniecie"


def test_investing_quoted_thousands_suffixes_and_percentages():
    data = load_prices(fixture("investing.csv"))
    assert_series(data, ["2024-11-20", "2024-11-21", "2024-11-22"], [1237.35, 1241.20, 1234.50])
    assert data.column == "Price"
    assert data.numeric_columns == ["Price", "Open", "High", "Low", "Change %"]
    assert data.table["Vol."].tolist()[1:] == [1200.0, 157_780_000.0]
    assert math.isnan(data.table["Vol."].iloc[0])
    assert data.table["Change %"].tolist() == [-0.12, 0.31, -0.54]


def test_investing_month_name_dates():
    data = load_prices(fixture("investing_month_names.csv"))
    assert_series(data, ["2024-11-20", "2024-11-21", "2024-11-22"], [97.80, 97.50, 98.12])
    assert data.table["Vol."].tolist() == [9_870_000.0, 10_100_000.0, 12_500_000.0]


GERMAN_NOTES = (
    "Read ',' as the decimal mark and '.' as the thousands separator.",
    "Dates like 02.01.2024 fit both day-first (DD.MM.YYYY) and month-first (MM.DD.YYYY); read "
    "them as day-first (DD.MM.YYYY) (02.01.2024 = 2 January 2024) because that gives an ordered "
    "daily sequence. If that is wrong, export the file with YYYY-MM-DD dates.",
)


def test_german_cp1252_semicolons_and_decimal_commas():
    data = load_prices(fixture("german_cp1252.csv"))
    assert_series(data, ["2024-01-02", "2024-01-03", "2024-01-05"], [1235.70, 1248.90, 1255.25])
    assert data.column == "Schlusskurs"
    assert data.numeric_columns == ["Eröffnung", "Hoch", "Tief", "Schlusskurs"]
    assert data.table["Volumen"].tolist() == [1_234_567.0, 987_654.0, 1_001_002.0]
    assert data.report == (
        "3 rows, 2024-01-02 → 2024-01-05, column Schlusskurs; dropped 2 empty rows"
    )
    assert data.notes == (
        "The file is not UTF-8; read it as Windows-1252 (Western European) text.",
        *GERMAN_NOTES,
    )


def test_utf16_with_byte_order_mark():
    data = load_prices(fixture("german_utf16.csv"))
    assert_series(data, ["2024-01-02", "2024-01-03", "2024-01-05"], [1235.70, 1248.90, 1255.25])
    assert data.notes == GERMAN_NOTES


def test_day_first_proven_by_a_day_above_twelve():
    data = load_prices(fixture("day_first.csv"))
    assert_series(
        data, ["2008-09-04", "2008-09-05", "2008-09-08", "2008-09-25"], [21.10, 21.35, 20.95, 22.40]
    )
    assert data.notes == ()


def test_two_digit_years_day_first_by_daily_sequence():
    data = load_prices(fixture("two_digit_year.csv"))
    assert_series(
        data, ["2019-01-22", "2019-01-23", "2019-01-24", "2019-01-25"], [10.50, 10.70, 10.60, 10.90]
    )
    assert "read them as day-first (DD-MM-YY) (22-01-19 = 22 January 2019)" in data.notes[-1]


def test_two_digit_years_year_first_by_daily_sequence():
    data = load_prices(b"Date,Close\n19-01-22,10.5\n19-01-23,10.7\n19-01-24,10.6\n")
    assert_series(data, ["2019-01-22", "2019-01-23", "2019-01-24"], [10.5, 10.7, 10.6])
    assert "read them as year-first (YY-MM-DD)" in data.notes[0]


def test_ambiguous_slash_dates_default_to_month_first_with_a_note():
    data = load_prices(b"Date,Close\n01/02/2024,10\n02/01/2024,11\n")
    assert_series(data, ["2024-01-02", "2024-02-01"], [10.0, 11.0])
    assert data.notes == (
        "Dates like 01/02/2024 fit both month-first (MM/DD/YYYY) and day-first (DD/MM/YYYY); read "
        "them as month-first (MM/DD/YYYY) (01/02/2024 = 2 January 2024) because nothing in the "
        "file tells them apart and that is the usual order for dates written this way. If that "
        "is wrong, export the file with YYYY-MM-DD dates.",
    )


def test_ambiguous_dotted_dates_default_to_day_first():
    data = load_prices(b"Datum;Kurs\n01.02.2024;10\n02.01.2024;11\n")
    assert_series(data, ["2024-01-02", "2024-02-01"], [11.0, 10.0])
    assert "read them as day-first (DD.MM.YYYY)" in data.notes[-1]


def test_timestamps_with_time_zone_keep_the_day():
    data = load_prices(
        b"Date,Close\n2023-01-03 00:00:00-05:00,125.07\n2023-01-04 00:00:00-05:00,126.36\n"
    )
    assert_series(data, ["2023-01-03", "2023-01-04"], [125.07, 126.36])


def test_headers_in_any_case_and_date_column_found_by_content():
    data = load_prices(b"ticker;closing price;when\nX;10,5;2024-01-02\nX;11;2024-01-03\n")
    assert_series(data, ["2024-01-02", "2024-01-03"], [10.5, 11.0])
    assert data.column == "closing price"


def test_last_non_volume_column_is_the_fallback_default():
    data = load_prices(b"Date,Alpha,Beta,Volume,\n2024-01-02,1,5,100,\n2024-01-03,2,6,200,\n")
    assert data.column == "Beta"
    assert data.numeric_columns == ["Alpha", "Beta"]  # a volume is never offered as a price


def test_excel_separator_line_and_tabs():
    data = load_prices(b"sep=;\r\nDatum;Kurs\r\n02.01.2024;1,5\r\n03.01.2024;1,6\r\n")
    assert_series(data, ["2024-01-02", "2024-01-03"], [1.5, 1.6])
    data = load_prices(b"Date\tClose\n2024-01-02\t1.5\n2024-01-03\t1.6\n")
    assert_series(data, ["2024-01-02", "2024-01-03"], [1.5, 1.6])


def test_duplicate_dates_keep_the_last_and_are_reported():
    data = load_prices(b"Date,Close\n2024-01-02,10\n2024-01-03,11\n2024-01-03,12\n2024-01-04,13\n")
    assert_series(data, ["2024-01-02", "2024-01-03", "2024-01-04"], [10.0, 12.0, 13.0])
    assert data.report.endswith("; 1 duplicate date (kept the last of each)")


def test_unreadable_dates_and_prices_are_dropped_and_counted():
    data = load_prices(
        b"Date,Close\n2024-01-02,10\nsoon,11\n2024-01-03,abc\n2024-01-04,12\n"
        b"2024-01-05,13\n2024-01-08,14\n2024-01-09,15\n2024-01-10,16\n"
        b"2024-01-11,17\n2024-01-12,18\n2024-01-15,19\n2024-01-16,20\n"
    )
    assert data.report == (
        "10 rows, 2024-01-02 → 2024-01-16, column Close; dropped 1 row with "
        "an unreadable date; dropped 1 row with an unreadable Close"
    )


# --- choosing a column -------------------------------------------------------------------------


def test_column_is_chosen_case_insensitively():
    data = load_prices(fixture("yahoo_iso.csv"), column=" close ")
    assert data.column == "Close"
    assert data.series.tolist() == [185.64, 184.25, 181.18, 185.56]


def test_volume_and_percent_columns_stay_pickable():
    assert load_prices(fixture("investing.csv"), column="vol.").series.tolist() == [
        1200.0,
        157_780_000.0,
    ]
    with pytest.raises(ValueError, match=r"^Column Change % has 2 prices at or below zero"):
        load_prices(fixture("investing.csv"), column="Change %")


def test_unknown_column_lists_the_valid_names():
    with pytest.raises(
        ValueError,
        match=r"^Column 'Foo' is not one of the file's numeric columns"
        r"\. Choose one of: Open, High, Low, Close, Adj Close, "
        r"Volume\.$",
    ):
        load_prices(fixture("yahoo_iso.csv"), column="Foo")


# --- errors ------------------------------------------------------------------------------------

HOW_TO_FIX = r"Upload a CSV export with a date column and at least one price column\."
BAD_FILES = [
    (b"", r"^The file is empty \(0 bytes\)\. " + HOW_TO_FIX + "$"),
    (b" \n\n\t\n", r"^The file has only blank space, no data\. " + HOW_TO_FIX),
    (b"sep=,\n", r"^The file has only blank space, no data\. " + HOW_TO_FIX),
    (b"\x89PNG\r\n\x1a\n\x00\x00", r"^The file is a PNG image, not CSV text\. Export or save"),
    (b"PK\x03\x04\x14\x00", r"^The file is a ZIP archive \(an Excel \.xlsx workbook is one\)"),
    (b"Date,Close\n2024-01-02,1\x00\n", r"^The file contains binary data \(NUL bytes\)"),
    (bytes(range(1, 32)) * 20, r"^The file looks like binary data, not CSV text\."),
    (
        b"Date\n2024-01-02\n2024-01-03\n",
        r"^Found only one column: the first line 'Date' has no "
        r"commas, semicolons, tabs or '\|'\.",
    ),
    (b"Date,Close\n", r"^The file has a header line but no data rows\. " + HOW_TO_FIX),
    (
        b"Date,Close\n2024-01-02,1,2,3\n",
        r"^Could not split the file into columns at ',': a "
        r"line has more fields than the header\.",
    ),
    (
        b"Date,Close\n2024-01-02,1\n2024-01-03,1,5\n",
        r"^Could not split the file into columns "
        r"at ',': Expected 2 fields in line 3, saw 3",
    ),
    (b"Date,Close\n" + b"1" * 20_000 + b"\n", r"^Line 2 is 20,000 characters long; a price CSV"),
    (
        b"Name,Close\nA,1\nB,2\n",
        r"^No date column found among Name, Close: no column reads as "
        r"dates\. Need a column of dates such as 2024-01-31",
    ),
    (
        b"Date,Name\n2024-01-02,a\n2024-01-03,b\n",
        r"^No price column found: none of the columns "
        r"Date, Name holds numbers\.",
    ),
    (
        b"Date,Volume,Change %\n2024-01-02,100,1%\n2024-01-03,200,2%\n",
        r"^No price column found: the numeric columns \(Volume, Change %\) hold volumes or percent "
        r"changes\.",
    ),
    (
        b"Date,Close\n2024-01-02,10\n2024-01-03,null\n",
        r"^Found 1 row with both a date and a "
        r"Close price; at least 2 are needed\.",
    ),
    (
        b"Date,Close\n2024-01-02,10\n2024-01-03,10\n",
        r"^Column Close has the same value \(10\) on "
        r"every row, so there is no price movement",
    ),
    (
        b"Date,Close\n2024-01-02,10\n2024-01-03,0\n2024-01-04,-2\n",
        r"^Column Close has 2 prices at or below zero \(first on 2024-01-03: 0\)\. Prices must be "
        r"above 0 because the forecaster uses log returns\.",
    ),
    (
        b"Date,Close\n2024-01-02,10\n2024-01-03,NaN\n2024-01-04,inf\n",
        r"^Column Close has 2 NaN or infinite values, first on 2024-01-03\. Replace them with "
        r"prices or leave those cells empty",
    ),
]


@pytest.mark.parametrize(("data", "message"), BAD_FILES)
def test_bad_files_raise_a_helpful_value_error(data, message):
    with pytest.raises(ValueError, match=message):
        load_prices(data)


def test_over_the_upload_limit():
    data = b"Date,Close\n" + b" " * (MAX_UPLOAD_MB * 2**20)
    with pytest.raises(
        ValueError,
        match=r"^The file is 50\.0 MB; the limit is 50 MB\. Upload a "
        r"shorter history",
    ):
        load_prices(data)


def test_over_the_upload_limit_on_disk_is_not_read(tmp_path):
    path = tmp_path / "huge.csv"
    with open(path, "wb") as handle:
        handle.truncate(60 * 2**20)  # sparse: nothing is written
    with pytest.raises(ValueError, match=r"^The file is 60\.0 MB; the limit is 50 MB\."):
        load_prices_file(path)


def test_missing_file(tmp_path):
    with pytest.raises(ValueError, match=r"^Could not open '.*nope\.csv': No such file"):
        load_prices_file(tmp_path / "nope.csv")


def test_text_instead_of_bytes():
    with pytest.raises(ValueError, match=r"^Expected the file's bytes, got str\."):
        load_prices("Date,Close\n2024-01-02,1\n")


# --- random input ------------------------------------------------------------------------------

FIELDS = st.one_of(
    st.sampled_from(
        [
            "Date",
            "Close",
            "Adj Close",
            "Volume",
            "null",
            "",
            "-",
            "NaN",
            "inf",
            "0",
            "$1,234.50",
            "1.234,56",
            "157.78M",
            "-0.54%",
            "2024-01-02",
            "01/02/2024",
            "25/09/2008",
            "02.01.2024",
            "20240102",
            "Nov 22, 2024",
            '"',
            "x;y",
        ]
    ),
    st.dates().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(max_size=8),
)
CSV_TEXT = st.lists(
    st.lists(FIELDS, min_size=1, max_size=5),
    min_size=0,
    max_size=12,
).flatmap(
    lambda rows: st.sampled_from([",", ";", "\t"]).map(
        lambda sep: "\n".join(sep.join(row) for row in rows)
    )
)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.binary(max_size=300), CSV_TEXT.map(lambda text: text.encode("utf-8"))))
def test_any_input_gives_valid_prices_or_value_error(data):
    try:
        result = load_prices(data)
    except ValueError:
        return
    assert_valid(result)
