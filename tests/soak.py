"""Many users at once: browser sessions train on different files while another scores reviews.

``make soak`` runs 4 training sessions plus a sentiment session against one server; the test suite
runs a 2-session version. Each session checks that it sees only its own data and results, and a
separate probe measures how long the home page takes to load while the trainings run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from tests import browser_support as support

TRAIN_TIMEOUT_MS = 300_000


@dataclass
class Outcome:
    name: str
    ok: bool = False
    detail: str = ""
    seconds: float = 0.0
    console_errors: list[str] = field(default_factory=list)


def make_price_files(folder: Path, count: int) -> list[tuple[Path, int]]:
    """Distinct random-walk price files of different lengths: (path, rows)."""
    files = []
    for index in range(count):
        rows = 400 + 137 * index
        rng = np.random.default_rng(index)
        dates = pd.bdate_range("2010-01-01", periods=rows)
        closes = (50 + 20 * index) * np.exp(np.cumsum(rng.normal(0, 0.01, rows)))
        path = folder / f"user{index}.csv"
        pd.DataFrame({"Date": dates.strftime("%Y-%m-%d"), "Close": closes.round(4)}).to_csv(
            path, index=False
        )
        files.append((path, rows))
    return files


def _open(browser, url: str, outcome: Outcome):
    context = browser.new_context(viewport=support.VIEWPORT)
    page = context.new_page()
    page.on(
        "console", lambda m: outcome.console_errors.append(m.text) if m.type == "error" else None
    )
    page.goto(url)
    page.get_by_role("heading", name="LSTM Lab").wait_for(timeout=60_000)
    return context, page


def forecast_session(url: str, path: Path, rows: int, outcome: Outcome) -> None:
    """Upload this user's file, train 1 epoch, check the report and chart are this file's."""
    started = time.perf_counter()
    try:
        with support.chromium() as browser:
            context, page = _open(browser, url, outcome)
            page.get_by_role("link", name="Stock forecast").first.click()
            page.get_by_text("Upload a CSV", exact=True).click()
            page.locator("input[type=file]").set_input_files(str(path))
            page.get_by_text(f"{rows:,} rows").first.wait_for(timeout=60_000)
            support.wait_until_idle(page)
            # default settings: small files train in seconds, and the test part's size is known
            page.get_by_role("button", name="Train the LSTM").click()
            page.get_by_text("Skill ratio").first.wait_for(timeout=TRAIN_TIMEOUT_MS)
            traces = {t["name"]: t for t in support.wait_for_trace(page, "LSTM prediction")}
            actual = traces["Actual"]["y"]
            expected_last = float(pd.read_csv(path)["Close"].iloc[-1])
            if abs(actual[-1] - expected_last) > 1e-6 * expected_last:
                raise AssertionError(
                    f"chart ends at {actual[-1]}, this user's file at {expected_last}"
                )
            if page.get_by_text(f"{rows:,} rows").count() == 0:
                raise AssertionError("the ingestion report no longer shows this user's file")
            expected_test_days = round((rows - 1) * 0.2)  # the default test share
            if len(actual) != expected_test_days:
                page.screenshot(path=f"/tmp/soak_{path.stem}.png", full_page=True)
                raise AssertionError(
                    f"{len(actual)} test days on the chart; the default settings give "
                    f"{expected_test_days} for this file"
                )
            context.close()
        outcome.ok = not outcome.console_errors
        outcome.detail = f"{rows} rows, {len(actual)} test days"
    except Exception as error:  # noqa: BLE001 - reported per session
        outcome.detail = f"{type(error).__name__}: {str(error)[:300]}"
    outcome.seconds = time.perf_counter() - started


def sentiment_session(url: str, outcome: Outcome, reviews: int = 5) -> None:
    """Score a few reviews one after another while the trainings run."""
    started = time.perf_counter()
    try:
        with support.chromium() as browser:
            context, page = _open(browser, url, outcome)
            page.get_by_role("link", name="Review sentiment").first.click()
            box = page.get_by_role("textbox", name="Review", exact=True)
            box.wait_for(timeout=180_000)  # the first visit loads the shipped model
            for index in range(reviews):
                box.fill(f"Review {index}: a wonderful, moving film with a brilliant cast.")
                page.get_by_role("button", name="Score", exact=True).click()
                page.get_by_text("Which words moved the score").first.wait_for(timeout=120_000)
                support.wait_until_idle(page)
            context.close()
        outcome.ok = not outcome.console_errors
        outcome.detail = f"scored {reviews} reviews"
    except Exception as error:  # noqa: BLE001
        outcome.detail = f"{type(error).__name__}: {str(error)[:300]}"
    outcome.seconds = time.perf_counter() - started


def page_load_probe(url: str, stop: threading.Event, seconds: list[float]) -> None:
    """Load the home page in a fresh tab every few seconds; record how long each load takes."""
    with support.chromium() as browser:
        while not stop.is_set():
            page = browser.new_page(viewport=support.VIEWPORT)
            started = time.perf_counter()
            page.goto(url)
            page.get_by_role("heading", name="LSTM Lab").wait_for(timeout=60_000)
            seconds.append(time.perf_counter() - started)
            page.close()
            stop.wait(3.0)


def soak(url: str, trainers: int, with_sentiment: bool = True) -> dict:
    """Run the sessions at once; return outcomes and page-load timings."""
    with tempfile.TemporaryDirectory() as folder:
        files = make_price_files(Path(folder), trainers)
        outcomes = [Outcome(f"forecast user {i}") for i in range(trainers)]
        threads = [
            threading.Thread(target=forecast_session, args=(url, path, rows, outcome))
            for (path, rows), outcome in zip(files, outcomes, strict=True)
        ]
        if with_sentiment:
            outcomes.append(Outcome("sentiment user"))
            threads.append(threading.Thread(target=sentiment_session, args=(url, outcomes[-1])))
        stop, loads = threading.Event(), []
        probe = threading.Thread(target=page_load_probe, args=(url, stop, loads))
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        time.sleep(5)  # let the trainings get going before probing
        probe.start()
        for thread in threads:
            thread.join()
        stop.set()
        probe.join()
    return {
        "outcomes": outcomes,
        "page_loads": loads,
        "seconds": time.perf_counter() - started,
    }


def report(result: dict) -> bool:
    for outcome in result["outcomes"]:
        mark = "ok  " if outcome.ok else "FAIL"
        print(f"{mark} {outcome.name:<18} {outcome.seconds:6.1f} s  {outcome.detail}")
        for error in outcome.console_errors:
            print(f"     console error: {error}")
    loads = result["page_loads"]
    if loads:
        print(
            f"home page loads during training: {len(loads)}, "
            f"median {statistics.median(loads):.2f} s, max {max(loads):.2f} s"
        )
    print(f"total {result['seconds']:.1f} s")
    return all(o.ok for o in result["outcomes"]) and bool(loads) and max(loads) <= 2.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--trainers", type=int, default=4)
    args = parser.parse_args(argv)
    with support.running_app() as url:
        passed = report(soak(url, args.trainers))
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
