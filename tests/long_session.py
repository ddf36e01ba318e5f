"""One browser session, many trainings: server memory growth and recovery from interruptions.

Part of ``make soak``. Trains N times in a row in one session and measures the server's resident
memory (RSS) before and after; then interrupts a training (by leaving the page, and by a new
upload) and checks that the next training still works.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import psutil

from tests import browser_support as support
from tests.soak import make_price_files

TRAIN_TIMEOUT_MS = 300_000


def rss_mb(process) -> float:
    return psutil.Process(process.pid).memory_info().rss / 2**20


def open_forecast(page, url: str) -> None:
    page.goto(url)
    page.get_by_role("link", name="Stock forecast").first.click()
    slider = page.get_by_role("slider", name="Epochs")
    slider.wait_for()
    slider.focus()
    slider.press("Home")
    for _ in range(2):
        slider.press("ArrowRight")  # 3 epochs


def train_and_wait(page, run: int) -> None:
    """Train and wait for this run's own status line ("Run 3: trained …")."""
    page.get_by_role("button", name="Train the LSTM").click()
    page.get_by_text(f"Run {run}: trained").first.wait_for(timeout=TRAIN_TIMEOUT_MS)
    page.get_by_text("Skill ratio").first.wait_for(timeout=TRAIN_TIMEOUT_MS)
    support.wait_until_idle(page)


def finish_another_training(page) -> None:
    """Train once more; interrupted runs may or may not have counted, so match any run line."""
    page.get_by_role("button", name="Train the LSTM").click()
    page.get_by_text("Training the LSTM…").first.wait_for(timeout=60_000)  # its job panel
    page.get_by_text(": trained").first.wait_for(timeout=TRAIN_TIMEOUT_MS)
    support.wait_until_idle(page)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--trainings", type=int, default=10)
    args = parser.parse_args(argv)
    failures = []
    with support.serving() as (url, server), support.chromium() as browser:
        page = browser.new_page(viewport=support.VIEWPORT)
        open_forecast(page, url)
        train_and_wait(page, 1)  # the first training loads TensorFlow: measure growth after it
        before = rss_mb(server)
        started = time.perf_counter()
        for run in range(2, args.trainings + 2):
            train_and_wait(page, run)
        after = rss_mb(server)
        growth = after - before
        print(
            f"{args.trainings} trainings in {time.perf_counter() - started:.0f} s: server RSS "
            f"{before:.0f} MB -> {after:.0f} MB, growth {growth:+.0f} MB (target <= 100 MB)"
        )
        if growth > 100:
            failures.append(f"memory grew {growth:.0f} MB")

        # Interrupt by leaving mid-training, then come back and train again.
        page.get_by_role("button", name="Train the LSTM").click()
        page.wait_for_timeout(1500)
        page.get_by_role("link", name="Home").first.click()
        page.get_by_role("heading", name="LSTM Lab").wait_for()
        open_forecast(page, url)
        finish_another_training(page)
        print("training after leaving mid-training: ok")

        # Interrupt by a new upload mid-training, then train on the new file.
        with tempfile.TemporaryDirectory() as folder:
            ((path, rows),) = make_price_files(Path(folder), 1)
            page.get_by_role("button", name="Train the LSTM").click()
            page.wait_for_timeout(1500)
            page.get_by_text("Upload a CSV", exact=True).click()
            page.locator("input[type=file]").set_input_files(str(path))
            page.get_by_text(f"{rows:,} rows").first.wait_for(timeout=60_000)
            finish_another_training(page)
        print("training after a new upload mid-training: ok")
    for failure in failures:
        print("FAIL", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
