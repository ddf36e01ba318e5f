"""Refresh the README's screenshots from the real app in headless Chromium.

Run with ``make screenshots``; writes docs/images/home.png, sentiment.png and forecast.png at
1280×800, and presentation.png (presentation mode, as on a projector) at 1920×1080.
"""

from __future__ import annotations

from pathlib import Path

from tests import browser_support as support

OUT = support.ROOT / "docs" / "images"
PROJECTOR = {"width": 1920, "height": 1080}


def home(page, url: str, out: Path) -> None:
    page.goto(url)
    page.get_by_role("heading", name="LSTM Lab").wait_for()
    page.wait_for_timeout(1500)
    page.screenshot(path=str(out / "home.png"))


def sentiment(page, url: str, out: Path) -> None:
    """The "Order matters" demo's first example and the memory view it opens with."""
    page.goto(url)
    page.get_by_role("link", name="Review sentiment").first.click()
    page.get_by_role("textbox", name="Review", exact=True).wait_for()
    page.get_by_role("button", name="The first hour is a mess, but").click()
    page.get_by_role("heading", name="Memory at work").wait_for(timeout=60_000)
    support.wait_until_idle(page)
    page.get_by_role("heading", name="Order matters").first.scroll_into_view_if_needed()
    page.wait_for_timeout(800)
    page.screenshot(path=str(out / "sentiment.png"))


def forecast(page, url: str, out: Path) -> None:
    page.goto(url)
    page.get_by_role("link", name="Stock forecast").first.click()
    page.get_by_role("button", name="Train the LSTM").click()
    page.get_by_text("Skill ratio").first.wait_for(timeout=240_000)
    support.wait_for_trace(page, "LSTM prediction")
    support.wait_until_idle(page)
    page.get_by_text("Predicted against actual prices").first.scroll_into_view_if_needed()
    page.mouse.wheel(0, 120)
    page.wait_for_timeout(1500)
    page.screenshot(path=str(out / "forecast.png"))


def presentation(page, url: str, out: Path) -> None:
    """Presentation mode with the default settings, scrolled to the main chart."""
    page.goto(f"{url}/forecast?present=1")
    page.get_by_role("button", name="Train the LSTM").click()
    support.wait_for_trace(page, "LSTM prediction", timeout_ms=240_000)
    support.wait_until_idle(page)
    page.evaluate(
        """() => Array.from(document.querySelectorAll('.js-plotly-plot'))
            .find(chart => (chart.data || []).some(trace => trace.name === 'LSTM prediction'))
            .scrollIntoView({block: 'center'})"""
    )
    page.wait_for_timeout(1500)
    page.screenshot(path=str(out / "presentation.png"))


VIEWPORTS = {presentation: PROJECTOR}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with support.running_app() as url, support.chromium() as browser:
        for take in (home, sentiment, forecast, presentation):
            page = browser.new_page(viewport=VIEWPORTS.get(take, support.VIEWPORT))
            take(page, url, OUT)
            page.close()
            print(f"wrote {OUT / (take.__name__ + '.png')}")


if __name__ == "__main__":
    main()
