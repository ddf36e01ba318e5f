"""The sentiment page's "Order matters" demo and "Memory at work" view in a real Chromium.

The app scores with a tiny model of the order-aware shape (``LSTM_LAB_SENTIMENT_MODEL``, see
tests/sentiment_contract.py), so the view is tested whatever model ships. Screenshots (light and
dark at 1280×800, a phone) go to the git-ignored ``screenshots/`` folder.
"""

from __future__ import annotations

import pytest

from core.sentiment import explain
from tests import browser_support as support
from tests.sentiment_contract import saved_contract_model
from tests.test_browser_sentiment import PHONE, TIMEOUT_MS, open_page, shot

support.require_chromium()
DEMO = explain.ORDER_DEMO


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    folder = saved_contract_model(tmp_path_factory.mktemp("contract_model"))
    log = tmp_path_factory.mktemp("server") / "streamlit.log"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LSTM_LAB_SENTIMENT_MODEL", str(folder))
        with support.running_app(log_path=log) as url:
            yield url


def click_demo(page, name: str) -> None:
    page.get_by_role("button", name=f"“{DEMO[name]}”").click()
    page.get_by_text(f"LSTM: {name} (in the box)").wait_for(timeout=TIMEOUT_MS)
    support.settle(page)


def demo_scores(page) -> dict[str, str]:
    metrics = page.locator('[data-testid="stMetric"]')
    return {
        metrics.nth(i).locator('[data-testid="stMetricLabel"]').inner_text(): metrics.nth(i)
        .locator('[data-testid="stMetricValue"]')
        .inner_text()
        for i in range(metrics.count())
    }


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_both_demo_buttons_show_both_scores_and_the_memory(browser, app_url, theme):
    page = open_page(browser, app_url, theme)
    first, second = DEMO
    for name, other in ((first, second), (second, first)):
        click_demo(page, name)
        assert page.get_by_role("textbox", name="Review", exact=True).input_value() == DEMO[name]
        scores = demo_scores(page)
        assert scores[f"LSTM: {name} (in the box)"].endswith("% positive")
        assert scores[f"LSTM: {other}"].endswith("% positive")
        assert page.get_by_text("Both reviews hold exactly the same 11 words").first.is_visible()
        running = support.wait_for_trace(page, "running score")
        assert len(running[0]["y"]) == 11
        assert page.locator('[data-testid="stPlotlyChart"] .heatmaplayer').count() >= 1
    page.get_by_role("heading", name="Order matters").scroll_into_view_if_needed()
    shot(page, f"sentiment_order_demo_{theme}")
    page.get_by_role("heading", name="Memory at work").scroll_into_view_if_needed()
    shot(page, f"sentiment_memory_{theme}")
    page.get_by_text("Colour the memory cells by").scroll_into_view_if_needed()
    shot(page, f"sentiment_memory_cells_{theme}")
    page.get_by_text("how much each cell kept (forget gate)").click()
    page.get_by_text("forget gate near 100%").wait_for(timeout=TIMEOUT_MS)
    support.settle(page)
    page.get_by_text("Colour the memory cells by").scroll_into_view_if_needed()
    shot(page, f"sentiment_memory_forget_{theme}")
    assert page.errors == []
    page.context.close()


def test_phone_shows_the_memory_view(browser, app_url):
    page = open_page(browser, app_url, "dark", PHONE)
    click_demo(page, next(iter(DEMO)))
    support.wait_for_trace(page, "running score")
    page.get_by_role("heading", name="Memory at work").scroll_into_view_if_needed()
    shot(page, "sentiment_memory_phone_dark")
    page.get_by_text("Colour the memory cells by").scroll_into_view_if_needed()
    shot(page, "sentiment_memory_cells_phone_dark")
    assert page.errors == []
    page.context.close()
