"""Shared test helpers and the markers that split the quick edit loop from the full suite.

``make test-fast`` runs ``-m "not slow and not browser"``; ``make test`` runs everything.
Every test in a ``test_browser*`` module is marked ``browser``; every test in a module of
``SLOW_MODULES`` (each of its tests trains a model, drives the app or spawns processes) is marked
``slow``; elsewhere a test that trains carries ``@pytest.mark.slow`` itself.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests import browser_support

SLOW_MODULES = {
    "test_bench",
    "test_forecast_cli",
    "test_forecast_export",
    "test_forecast_page",
    "test_fuzz",
    "test_sentiment_model",
    "test_sentiment_page",
    "test_soak",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        module = item.module.__name__.rsplit(".", 1)[-1] if item.module else ""
        if module.startswith("test_browser"):
            item.add_marker(pytest.mark.browser)
        if module in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)


def price_series(values, start: str = "2020-01-01") -> pd.Series:
    """Prices on business days from ``start``, named Close, as core.forecast.prices gives."""
    index = pd.bdate_range(start, periods=len(values), name="date")
    return pd.Series(np.asarray(values, dtype=float), index=index, name="Close")


def noisy_sine_prices(n: int = 700, seed: int = 0) -> pd.Series:
    """Log prices follow a sine wave plus noise, so tomorrow's move is largely predictable."""
    rng = np.random.default_rng(seed)
    steps = np.arange(n)
    log_price = np.log(100) + 0.08 * np.sin(2 * np.pi * steps / 25) + rng.normal(0, 0.004, n)
    return price_series(np.exp(log_price))


def random_walk_prices(n: int = 400, seed: int = 1) -> pd.Series:
    """A random walk: no day's move says anything about the next."""
    rng = np.random.default_rng(seed)
    return price_series(100 * np.exp(np.cumsum(rng.normal(0.0003, 0.01, n))))


def tiny_settings(**changes) -> dict:
    """The forecast page's settings for a quick training on ``random_walk_prices()``."""
    settings = {
        "data": "walk", "column": "Close", "lookback": 10, "epochs": 1, "units": 4,
        "layers": 1, "horizon": 3, "test_share": 0.2, "seed": 42,
    }  # fmt: skip
    return settings | changes


def alert_texts(at) -> dict[str, list[str]]:
    """The text of every success, info and warning box an AppTest run drew, by kind."""
    texts = {kind: [element.value for element in at.get(kind)] for kind in ("success", "info")}
    texts["warning"] = [element.value for element in at.warning]
    return texts


# Browser tests: each module gets its own app server and Chromium (the server's log goes to a
# temporary folder), so one module's sessions never carry state into another's.
@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    log = tmp_path_factory.mktemp("server") / "streamlit.log"
    with browser_support.running_app(log_path=log) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with browser_support.chromium() as browser:
        yield browser
