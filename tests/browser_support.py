"""Start the real app and a headless Chromium for end-to-end tests and screenshots."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 800}


def chromium_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which("chromium") is not None


def require_chromium() -> None:
    """Skip a browser test module where Chromium is missing, except in CI, where it must run."""
    if chromium_available():
        return
    if os.environ.get("CI"):
        raise RuntimeError(
            "CI must run the browser tests: install Debian's chromium (.ci/run does)"
        )
    import pytest

    pytest.skip(
        "Debian chromium is not installed (apt-get install -y chromium)", allow_module_level=True
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_app(log_path: Path | None = None, timeout: float = 60.0) -> Iterator[str]:
    """Serve app.py with ``streamlit run`` on a free port; yield its base URL; stop it after."""
    with serving(log_path, timeout) as (url, _process):
        yield url


@contextlib.contextmanager
def serving(
    log_path: Path | None = None, timeout: float = 60.0, root: Path = ROOT
) -> Iterator[tuple[str, subprocess.Popen]]:
    """Like :func:`running_app`, but also yield the server process (to measure its memory);
    ``root`` serves another checkout's app (to measure an older version the same way)."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(root / "app.py"),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]
    log = open(log_path, "w") if log_path else subprocess.DEVNULL  # noqa: SIM115
    process = subprocess.Popen(command, cwd=root, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, process, timeout)
        yield url, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        if log_path:
            log.close()


def wait_until_healthy(url: str, process: subprocess.Popen, timeout: float) -> float:
    """Poll the health endpoint; return the seconds it took to answer."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early with status {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return time.perf_counter() - started
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"streamlit did not answer at {url} within {timeout:.0f} s")


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    """A headless Debian Chromium driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def plotly_traces(page, index: int = 0) -> list[dict]:
    """Name, x and y of every trace of the index-th Plotly chart, read from the chart itself."""
    traces = page.evaluate(
        """(index) => {
            const chart = document.querySelectorAll('.js-plotly-plot')[index];
            if (!chart || !chart.data) return [];
            const plain = (v) => (v && v.bdata) ? v : Array.from(v || []);
            return chart.data.map(t => ({name: t.name || '', x: plain(t.x), y: plain(t.y)}));
        }""",
        index,
    )
    for trace in traces:
        for axis in ("x", "y"):
            trace[axis] = _decoded(trace[axis])
    return traces


def _decoded(values):
    """Plotly sends numeric arrays as base64 typed arrays ({dtype, bdata}); decode those."""
    if isinstance(values, dict) and "bdata" in values:
        import base64

        import numpy as np

        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)


def wait_for_trace(page, name: str, timeout_ms: int = 60_000) -> list[dict]:
    """Wait until some Plotly chart on the page has a trace called ``name``; return its traces."""
    page.wait_for_function(
        """(name) => Array.from(document.querySelectorAll('.js-plotly-plot'))
            .some(chart => (chart.data || []).some(trace => trace.name === name))""",
        arg=name,
        timeout=timeout_ms,
    )
    for index in range(page.locator(".js-plotly-plot").count()):
        traces = plotly_traces(page, index)
        if any(trace["name"] == name for trace in traces):
            return traces
    raise AssertionError(f"no chart with a trace named {name!r}")


def wait_until_idle(page, timeout_ms: int = 120_000) -> None:
    """Wait until the app has finished its current script run.

    A click that lands while a run is still rendering its results can be dropped by Streamlit,
    so flows that click again right after a result appears wait for this first. Streamlit marks
    its root element with the script state for its own end-to-end tests.
    """
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            return app && app.getAttribute('data-test-script-state') === 'notRunning';
        }""",
        timeout=timeout_ms,
    )


def settle(page, timeout_ms: int = 120_000) -> None:
    """Wait until the app is idle and stays idle: typing then clicking makes two reruns (the box
    commits its text, then the click), and the gap between them can look idle for a moment;
    an element found in that gap is replaced by the second run."""
    wait_until_idle(page, timeout_ms)
    page.wait_for_timeout(1_000)
    wait_until_idle(page, timeout_ms)
