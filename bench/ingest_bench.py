"""Price-CSV ingestion speed: a generated 1,000,000-row Yahoo-style file through core.prices."""

from __future__ import annotations

import statistics
import time

import numpy as np
import pandas as pd

from core import prices

TARGET_SECONDS = 5.0


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


def run(quick: bool = False) -> dict:
    """Median load time over repeats, and its ratio to the 5-second target."""
    rows = 100_000 if quick else 1_000_000
    data = yahoo_csv(rows)
    seconds = []
    for _ in range(1 if quick else 3):
        started = time.perf_counter()
        loaded = prices.load_prices(data)
        seconds.append(time.perf_counter() - started)
    median = statistics.median(seconds)
    return {
        "rows": rows,
        "megabytes": len(data) / 2**20,
        "rows_loaded": len(loaded.series),
        "seconds": seconds,
        "seconds_median": median,
        "target_seconds": TARGET_SECONDS,
        "ratio_to_target": median / TARGET_SECONDS,
    }
