"""App benchmark: cold start of ``streamlit run app.py`` to a rendered page, and peak memory.

A headless Chromium is launched *before* the server, so its own start-up is not counted. Times are
measured from starting the server process; memory is the summed RSS of the server and its children,
sampled every 0.1 s.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import psutil

from core.paths import ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# the page moved from pages/ to app_pages/; either location counts
SENTIMENT_PAGES = (ROOT / "app_pages" / "sentiment.py", ROOT / "pages" / "sentiment.py")
SAMPLE_REVIEW = "A wonderful, moving film: brilliant acting and a story I will not forget."
TARGET_HOME_AFTER_HEALTH_S = 2.0
SERVER_TIMEOUT_S = 60
PAGE_TIMEOUT_MS = 120_000
READY_TIMEOUT_MS = 30_000  # a page whose first widget is not there by then is broken
TRAINED_LABEL = re.compile(r"[Tt]rained (\d+) epochs")
SCORE_HEADING = re.compile(r"(positive|negative)\s*·\s*\d+\s*%", re.IGNORECASE)
FORECAST_EPOCHS = 2


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RssSampler:
    """Background thread recording the peak summed RSS (bytes) of a process and its children."""

    def __init__(self, pid: int, interval: float = 0.1):
        self.process = psutil.Process(pid)
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def current(self) -> int:
        total = 0
        try:
            members = [self.process, *self.process.children(recursive=True)]
        except psutil.NoSuchProcess:
            return 0
        for member in members:
            try:
                total += member.memory_info().rss
            except psutil.NoSuchProcess:
                continue
        return total

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self.current())
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def wait_for_health(port: int, process: subprocess.Popen, timeout: float) -> None:
    url = f"http://127.0.0.1:{port}/_stcore/health"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {process.returncode} before answering")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.05)
    raise TimeoutError(f"streamlit did not answer {url} within {timeout:.0f} s")


def start_server(port: int) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.port", str(port), "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    return subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def sentiment_page_ready() -> bool:
    """True when the sentiment page has a review box to type into."""
    return any(page.exists() and "text_area" in page.read_text() for page in SENTIMENT_PAGES)


def score_review(page, started: float) -> float | None:
    """Open the sentiment page and score one review; seconds since ``started`` (None: no page)."""
    link = page.get_by_role("link", name="Review sentiment").first
    if not sentiment_page_ready() or link.count() == 0:
        return None
    link.click()
    box = page.locator(".st-key-review textarea")
    box.wait_for(timeout=READY_TIMEOUT_MS)
    box.fill(SAMPLE_REVIEW)
    page.locator(".st-key-score button").click()
    page.locator("h1, h2, h3").filter(has_text=SCORE_HEADING).first.wait_for(
        timeout=PAGE_TIMEOUT_MS
    )
    return time.perf_counter() - started


def train_forecast(page) -> tuple[float, int | None]:
    """Train on the forecast page for a few epochs: seconds until the skill shows, epochs run."""
    page.get_by_role("link", name="Stock forecast").first.click()
    slider = (
        page.locator('[data-testid="stSlider"]').filter(has_text="Epochs").get_by_role("slider")
    )
    slider.wait_for(timeout=PAGE_TIMEOUT_MS)
    slider.focus()
    slider.press("Home")
    for _ in range(FORECAST_EPOCHS - 1):
        slider.press("ArrowRight")
    started = time.perf_counter()
    page.get_by_role("button", name="Train the LSTM").click()
    page.get_by_text("Skill ratio").first.wait_for(timeout=PAGE_TIMEOUT_MS)
    seconds = time.perf_counter() - started
    label = page.get_by_text(TRAINED_LABEL).first
    epochs_run = int(TRAINED_LABEL.search(label.inner_text()).group(1)) if label.count() else None
    return seconds, epochs_run


def run(quick: bool = False, log=print) -> dict:
    """Measure cold start (and, unless ``quick``, memory after a score and a training)."""
    from playwright.sync_api import sync_playwright

    port = free_port()
    result: dict = {"port": port, "sentiment_page": sentiment_page_ready()}
    with sync_playwright() as playwright:
        launched = time.perf_counter()
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        result["browser_launch_s"] = time.perf_counter() - launched
        page = browser.new_page()
        started = time.perf_counter()
        server = start_server(port)
        try:
            with RssSampler(server.pid) as sampler:
                wait_for_health(port, server, SERVER_TIMEOUT_S)
                result["health_s"] = time.perf_counter() - started
                page.goto(f"http://127.0.0.1:{port}/", timeout=PAGE_TIMEOUT_MS)
                page.get_by_role("heading", name="LSTM Lab").first.wait_for(timeout=PAGE_TIMEOUT_MS)
                result["home_s"] = time.perf_counter() - started
                result["home_after_health_s"] = result["home_s"] - result["health_s"]
                result["rss_after_home_mb"] = sampler.current() / 2**20
                log(f"app: health {result['health_s']:.2f} s, home {result['home_s']:.2f} s")
                try:
                    result["first_score_s"] = score_review(page, started)
                except Exception as error:  # noqa: BLE001 - a broken page is a result, not a crash
                    result["first_score_s"] = None
                    result["sentiment_error"] = f"{type(error).__name__}: {error}"[:300]
                if not sentiment_page_ready():
                    result["sentiment_note"] = "the sentiment page has no review box yet"
                if result["first_score_s"] is not None:
                    result["rss_after_score_mb"] = sampler.current() / 2**20
                if not quick:
                    result["forecast_epochs"] = FORECAST_EPOCHS
                    seconds, epochs_run = train_forecast(page)
                    result["forecast_train_to_skill_s"] = seconds
                    result["forecast_epochs_run"] = epochs_run
                    result["rss_after_forecast_mb"] = sampler.current() / 2**20
                time.sleep(0.3)
            result["peak_rss_mb"] = sampler.peak / 2**20
        finally:
            stop_server(server)
            browser.close()
    result["targets"] = {
        "home_within_2s_of_health": result["home_after_health_s"] <= TARGET_HOME_AFTER_HEALTH_S
    }
    log(f"app: peak RSS {result['peak_rss_mb']:.0f} MB")
    return result


if __name__ == "__main__":
    import json

    print(json.dumps(run(quick="--quick" in sys.argv), indent=2))
