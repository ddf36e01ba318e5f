"""Refresh the README's screenshots from the real app in headless Chromium at 1280×800.

Run with ``make screenshots``; writes docs/images/home.png, sentiment.png and forecast.png.
"""

from __future__ import annotations

from pathlib import Path

from tests import browser_support as support

OUT = support.ROOT / "docs" / "images"
EXAMPLE_REVIEW = (
    "The acting was wonderful and the story moving, although the ending dragged a little. "
    "Not a perfect film, but I would happily watch it again."
)


def home(page, url: str, out: Path) -> None:
    page.goto(url)
    page.get_by_role("heading", name="LSTM Lab").wait_for()
    page.wait_for_timeout(1500)
    page.screenshot(path=str(out / "home.png"))


def sentiment(page, url: str, out: Path) -> None:
    page.goto(url)
    page.get_by_role("link", name="Review sentiment").first.click()
    box = page.get_by_role("textbox", name="Review", exact=True)
    box.wait_for()
    box.fill(EXAMPLE_REVIEW)
    page.get_by_role("button", name="Score", exact=True).click()
    page.get_by_text("Which words moved the score").first.wait_for(timeout=60_000)
    support.wait_until_idle(page)
    page.get_by_role("button", name="Score", exact=True).scroll_into_view_if_needed()
    page.mouse.wheel(0, 250)
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


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with support.running_app() as url, support.chromium() as browser:
        for take in (home, sentiment, forecast):
            page = browser.new_page(viewport=support.VIEWPORT)
            take(page, url, OUT)
            page.close()
            print(f"wrote {OUT / (take.__name__ + '.png')}")


if __name__ == "__main__":
    main()
