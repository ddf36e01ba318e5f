"""Forecast page: seconds from a click on Train to the results drawn, for the default run.

Usage: ``python -m bench.forecast_click_bench [--runs 3]``. Starts ``streamlit run app.py``,
opens the forecast page in headless Chromium with the default settings, trains once to warm up
(TensorFlow's import and first compile happen once per server), then times each further click
until the run's status line and its charts are drawn and the script run has ended. It then
times each phase of the same training outside the page, to show where the seconds go. Prints
seconds and the ratio to the 4 s target; no assertion (speed is read, never tested).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from tests import browser_support as support

TARGET_S = 4.0
TIMEOUT_MS = 600_000


def click_to_results(page, run: int) -> float:
    """Press Train and wait until run ``run``'s results are drawn and the page is idle."""
    support.wait_until_idle(page)
    started = time.perf_counter()
    page.get_by_role("button", name="Train the LSTM").click()
    page.get_by_text(f"Run {run}: trained").first.wait_for(timeout=TIMEOUT_MS)
    support.wait_for_trace(page, "LSTM prediction", timeout_ms=TIMEOUT_MS)
    support.wait_until_idle(page, timeout_ms=TIMEOUT_MS)
    return time.perf_counter() - started


def phase_seconds() -> dict[str, float]:
    """Each phase of one default training, timed in this process after a warm-up fit."""
    os.environ.setdefault("TF_NUM_INTRAOP_THREADS", "1")  # as app.py sets for the server
    os.environ.setdefault("TF_NUM_INTEROP_THREADS", "1")
    from core import forecast
    from core.forecast import prices, report
    from core.paths import SAMPLES

    series = prices.load_prices(next(iter(SAMPLES.values())).read_bytes()).series
    forecast.Forecaster(epochs=1).fit(series)  # import and first compile, as in the warm-up run
    model = forecast.Forecaster()
    times = {}
    for name, step in (
        ("fit", lambda: model.fit(series)),
        ("evaluate", model.evaluate),
        ("band check", lambda: model.horizon_check(forecast.DEFAULT_HORIZON)),
        ("training-day fit", model.fitted_train),
        ("refit on all days (the future forecast)", model.refit_all),
        ("predictions CSV (on click)", lambda: report.predictions_csv(model.evaluate())),
        ("model file (on click)", lambda: report.model_bytes(model)),
    ):
        started = time.perf_counter()
        step()
        times[name] = time.perf_counter() - started
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timed clicks after the warm-up")
    args = parser.parse_args(argv)
    with support.running_app() as url, support.chromium() as browser:
        page = browser.new_page(viewport=support.VIEWPORT)
        page.goto(f"{url}/forecast")
        page.get_by_role("button", name="Train the LSTM").wait_for(timeout=TIMEOUT_MS)
        warm = click_to_results(page, 1)
        print(f"warm-up run (TensorFlow import and first compile): {warm:.1f} s")
        seconds = [click_to_results(page, run) for run in range(2, args.runs + 2)]
    median = statistics.median(seconds)
    print("click -> results drawn, default run: " + ", ".join(f"{s:.1f} s" for s in seconds))
    print(f"median {median:.1f} s; ratio to the {TARGET_S:.0f} s target: {median / TARGET_S:.2f}")
    for name, value in phase_seconds().items():
        print(f"  {name}: {value:.2f} s")
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
