"""End-to-end tests in a real headless Chromium against `streamlit run app.py`.

One server and one browser for the whole module; each test gets a fresh page (a new Streamlit
session). Screenshots of each state go to the git-ignored ``screenshots/`` folder.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from tests import browser_support as support

SHOTS = support.ROOT / "screenshots"
TRAIN_TIMEOUT_MS = 240_000

support.require_chromium()


@pytest.fixture
def page(browser, app_url):
    """A fresh browser page on the home page, failing the test on any console error."""
    context = browser.new_context(viewport=support.VIEWPORT, accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: errors.append(f"unexpected dialog: {dialog.message}"))
    page.goto(app_url)
    page.get_by_role("heading", name="LSTM Lab").wait_for()
    yield page
    SHOTS.mkdir(exist_ok=True)
    assert errors == [], f"browser console errors: {errors}"
    assert page.get_by_text("Traceback").count() == 0
    context.close()


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.wait_for_timeout(500)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def open_forecast(page) -> None:
    page.get_by_role("link", name="Stock forecast").first.click()
    page.get_by_role("slider", name="Epochs").wait_for()


def set_slider_to_minimum(page, name: str) -> None:
    slider = page.get_by_role("slider", name=name)
    slider.focus()
    slider.press("Home")


def test_home_links_to_both_tools(page):
    assert page.get_by_role("link", name="Review sentiment").count() >= 1
    shot(page, "home")
    open_forecast(page)
    assert page.get_by_text("5,031 rows, 1999-01-04 → 2018-12-31").is_visible()
    page.get_by_role("link", name="Review sentiment").first.click()
    page.get_by_role("heading", name="Review sentiment").first.wait_for()


def test_forecast_trains_and_draws_predicted_and_actual(page):
    open_forecast(page)
    set_slider_to_minimum(page, "Epochs")
    set_slider_to_minimum(page, "Lookback (days)")
    page.get_by_role("button", name="Train the LSTM").click()
    page.get_by_text("Skill ratio").first.wait_for(timeout=TRAIN_TIMEOUT_MS)
    by_name = {trace["name"]: trace for trace in support.wait_for_trace(page, "LSTM prediction")}
    actual, predicted = by_name["Actual"], by_name["LSTM prediction"]
    assert len(actual["y"]) == len(predicted["y"]) > 100
    assert actual["x"] == predicted["x"]
    assert all(value > 0 for value in predicted["y"])
    assert "Tomorrow = today" in by_name
    shot(page, "forecast")

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download predictions (CSV)").click()
    frame = pd.read_csv(download_info.value.path())
    assert {"date", "actual", "lstm_prediction", "tomorrow_equals_today"} <= set(frame.columns)
    assert (frame["part"] == "test").sum() == len(actual["y"])


def test_malformed_upload_shows_readable_error(page, tmp_path):
    open_forecast(page)
    page.get_by_text("Upload a CSV", exact=True).click()
    bad = tmp_path / "prices.csv"
    bad.write_text("name,score\nann,1\nbob,2\n")
    page.locator("input[type=file]").set_input_files(str(bad))
    error = page.get_by_text("No date column found")
    error.wait_for(timeout=30_000)
    assert "Need a column of dates" in error.inner_text()
    shot(page, "forecast_bad_upload")


def open_sentiment(page):
    page.get_by_role("link", name="Review sentiment").first.click()
    box = page.get_by_role("textbox", name="Review", exact=True)
    box.wait_for()
    # the first run also scores the compare view; a click that lands mid-run can be dropped
    support.wait_until_idle(page)
    return box


def test_typed_review_gets_label_probability_and_highlighted_words(page):
    box = open_sentiment(page)
    box.fill("A wonderful, moving film with superb acting. I loved every minute of it.")
    page.get_by_role("button", name="Score", exact=True).click()
    heading = page.get_by_role("heading", name="Positive ·")
    heading.first.wait_for(timeout=60_000)
    assert "%" in heading.first.inner_text()
    assert page.get_by_text("Which words moved the score").first.is_visible()
    support.wait_until_idle(page)
    shot(page, "sentiment")


def test_example_click_scores_the_example(page):
    from playwright.sync_api import expect

    open_sentiment(page)
    page.get_by_role("button", name="Clearly negative").click()
    box = page.get_by_role("textbox", name="Review", exact=True)
    # the compare view below already shows "Which words moved the score": wait for the example
    expect(box).to_have_value(re.compile(r"^A complete waste"), timeout=60_000)
    support.wait_until_idle(page)
    # the first verdict on the page is the review's own (the compare view comes after it)
    verdict = page.get_by_role("heading", name=re.compile(r"^(Positive|Negative) ·")).first
    assert verdict.inner_text().startswith("Negative")


def test_hostile_review_is_shown_as_text_and_never_runs(page):
    box = open_sentiment(page)
    hostile = "<script>alert(1)</script> <img src=x onerror=alert(2)> a dull, boring film"
    box.fill(hostile)
    page.get_by_role("button", name="Score", exact=True).click()
    page.get_by_text("Which words moved the score").first.wait_for(timeout=60_000)
    support.wait_until_idle(page)
    # the markup is visible as text in the highlighted words, and no dialog fired (the page
    # fixture fails the test on any dialog or console error)
    assert page.get_by_text("<script>alert(1)</script>").count() >= 1
    assert page.locator("img[src=x]").count() == 0


def test_batch_upload_gives_table_and_a_download_that_parses(page, tmp_path):
    open_sentiment(page)
    page.get_by_role("tab", name="Batch").click()
    reviews = pd.DataFrame(
        {
            "id": [1, 2, 3],
            "review": [
                "Brilliant, moving and beautifully acted.",
                "Dull, predictable and far too long.",
                '=HYPERLINK("http://example.invalid") a fine film',
            ],
        }
    )
    path = tmp_path / "reviews.csv"
    reviews.to_csv(path, index=False)
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_role("button", name="Download scores as CSV").wait_for(timeout=60_000)
    support.wait_until_idle(page)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download scores as CSV").click()
    scored = pd.read_csv(download_info.value.path())
    assert len(scored) == 3
    assert {"review", "p_positive", "predicted_label"} <= set(scored.columns)
    assert scored["p_positive"].between(0, 1).all()
    assert scored.loc[0, "predicted_label"] == "positive"
    assert scored.loc[1, "predicted_label"] == "negative"
    assert not str(scored.loc[2, "review"]).startswith("=")  # formula injection neutralised
    shot(page, "sentiment_batch")
