"""Upload ingestion: a 1,000,000-row price CSV and a 1,000,000-row file of 500 tickers through
core.forecast.prices, and the upload bombs.

The bombs (tests/fuzz_loaders.py) go through the price loader, the review uploads and
``python -m core.sentiment evaluate``; each must end within 20 s and add at most 500 MB.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from core.forecast import prices

TARGET_SECONDS = 5.0
LONG_TICKERS = 500  # issue #17: a long file (a ticker column) of 1,000,000 rows, 500 tickers


def yahoo_csv(rows: int, seed: int = 0) -> bytes:
    """A Yahoo Finance style export of ``rows`` daily prices (dates M/D/YYYY, 2 decimals).

    Open, High and Low are left out so a million rows stay under the 50 MB upload limit.
    """
    rng = np.random.default_rng(seed)
    dates = pd.date_range("1700-01-01", periods=rows, freq="D")
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, rows)))
    frame = pd.DataFrame(
        {
            "Date": dates.strftime("%-m/%-d/%Y"),
            "Close": close.round(2),
            "Adj Close": close.round(2),
            "Volume": rng.integers(1_000, 9_000_000, rows),
        }
    )
    return frame.to_csv(index=False).encode()


def upload_worst_cases(unpacked: int) -> list[dict]:
    """Each bomb and largest allowed file through every loader; the worst loader per file.

    The same files as ``python -m tests.fuzz_loaders --bombs`` (make fuzz), with the gzip and
    ZIP bombs unpacking to ``unpacked`` bytes.
    """
    from tests import fuzz_loaders

    worst: dict[str, dict] = {}
    for name, loader, outcome in fuzz_loaders.run_bombs(unpacked=unpacked):
        row = worst.setdefault(name, {"file": name, "seconds": 0.0, "peak_mb": 0.0})
        if outcome.seconds >= row["seconds"]:
            row.update(seconds=outcome.seconds, slowest_loader=loader, message=outcome.message)
        row["peak_mb"] = max(row["peak_mb"], outcome.peak_mb)
    return list(worst.values())


def long_format(rows: int, repeats: int) -> dict:
    """Load a long file of ``rows`` rows and :data:`LONG_TICKERS` tickers: the time to list
    every ticker and read the default one, against the same 5-second target."""
    from tests import price_shapes

    data = price_shapes.long_file(rows, LONG_TICKERS)
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        loaded = prices.load_prices(data)
        seconds.append(time.perf_counter() - started)
    median = statistics.median(seconds)
    return {
        "rows": rows,
        "tickers": len(loaded.tickers),
        "megabytes": len(data) / 2**20,
        "rows_loaded": len(loaded.series),
        "seconds": seconds,
        "seconds_median": median,
        "ratio_to_target": median / TARGET_SECONDS,
    }


def run(quick: bool = False) -> dict:
    """Median load times over repeats, their ratios to the 5-second target, and the bombs."""
    rows = 100_000 if quick else 1_000_000
    bomb_unpacked = 300_000_000 if quick else 4_500_000_000  # the 9 MB .csv.gz
    data = yahoo_csv(rows)
    seconds = []
    for _ in range(1 if quick else 3):
        started = time.perf_counter()
        loaded = prices.load_prices(data)
        seconds.append(time.perf_counter() - started)
    median = statistics.median(seconds)
    from tests import fuzz_loaders

    with tempfile.TemporaryDirectory() as folder:  # measured in a fresh process, as the bombs
        path = Path(folder) / "prices.csv"
        path.write_bytes(data)
        peak_mb = fuzz_loaders.measure_isolated("prices", path).peak_mb
    return {
        "rows": rows,
        "megabytes": len(data) / 2**20,
        "rows_loaded": len(loaded.series),
        "seconds": seconds,
        "seconds_median": median,
        "target_seconds": TARGET_SECONDS,
        "ratio_to_target": median / TARGET_SECONDS,
        "peak_mb": peak_mb,
        "long": long_format(rows, 1 if quick else 3),
        "uploads": upload_worst_cases(bomb_unpacked),
        "uploads_unpacked_bytes": bomb_unpacked,
    }
