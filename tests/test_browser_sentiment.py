"""The sentiment page in a real headless Chromium: batch download, compare view, model card, themes.

One server and one browser for the module; each test gets a fresh page (a new Streamlit session).
Screenshots go to the git-ignored ``screenshots/`` folder.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from core.sentiment import load_metrics
from tests import browser_support as support

SHOTS = support.ROOT / "screenshots"
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 90_000

support.require_chromium()


def open_page(browser, app_url, theme: str = "light", viewport=None):
    """A fresh session on the sentiment page, recording console errors in ``page.errors``."""
    context = browser.new_context(
        viewport=viewport or support.VIEWPORT, accept_downloads=True, color_scheme=theme
    )
    page = context.new_page()
    page.errors = []
    page.on(
        "console",
        lambda message: page.errors.append(message.text) if message.type == "error" else None,
    )
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    # from the home page: a deep link makes Streamlit probe /sentiment/_stcore/… first (404s)
    page.goto(app_url)
    page.get_by_role("link", name="Open review sentiment").click()
    page.get_by_role("textbox", name="Review", exact=True).wait_for(timeout=TIMEOUT_MS)
    support.wait_until_idle(page)
    return page


@pytest.fixture
def page(browser, app_url):
    page = open_page(browser, app_url)
    yield page
    assert page.errors == [], f"browser console errors: {page.errors}"
    assert page.get_by_text("Traceback").count() == 0
    page.context.close()


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.wait_for_timeout(500)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def upload_batch(page, path) -> None:
    page.get_by_role("tab", name="Batch").click()
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_role("button", name="Download scores as CSV").wait_for(timeout=TIMEOUT_MS)
    support.wait_until_idle(page)


def test_batch_download_keeps_the_users_labels_and_adds_the_scores(page, tmp_path):
    labelled = pd.DataFrame(
        {
            "text": [
                "Brilliant, moving and beautifully acted.",
                "Dull, predictable and far too long.",
                "A wonderful film that I will watch again.",
                "Awful. I wanted to walk out.",
            ],
            # the user's labels, one of them deliberately the opposite of what the model says
            "label": [0, 1, 1, 0],
        }
    )
    path = tmp_path / "labelled.csv"
    labelled.to_csv(path, index=False)
    upload_batch(page, path)
    assert page.get_by_text("Scored with the shipped model").first.is_visible()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download scores as CSV").click()
    scored = pd.read_csv(download_info.value.path())
    assert list(scored.columns) == ["text", "label", "p_positive", "predicted_label"]
    assert scored["label"].tolist() == [0, 1, 1, 0]
    assert scored["text"].tolist() == labelled["text"].tolist()
    assert scored["p_positive"].between(0, 1).all()
    assert set(scored["predicted_label"]) == {"positive", "negative"}
    assert page.get_by_text("Accuracy on your labels").first.is_visible()
    shot(page, "sentiment_batch_labelled")


def test_an_emptied_compare_box_keeps_the_other_result(page):
    box = page.get_by_role("textbox", name="Version B")
    box.fill("")
    box.press("Control+Enter")
    page.get_by_text("Version B is empty").wait_for(timeout=TIMEOUT_MS)
    support.wait_until_idle(page)
    assert (
        page.get_by_role("heading", name="Negative ·").count()
        + page.get_by_role("heading", name="Positive ·").count()
        >= 1
    )
    assert page.get_by_text("Version B reads").count() == 0


def test_layer_table_sentences_wrap_instead_of_being_cut_off(page):
    page.get_by_role("tab", name="Model card").click()
    page.get_by_text("The shipped model layer by layer").click()
    cell = page.get_by_role("cell", name="At every word, looks up").first
    cell.wait_for(timeout=TIMEOUT_MS)
    fits = cell.evaluate("(el) => el.scrollWidth <= el.clientWidth + 1")
    lines = cell.evaluate(
        "(el) => el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight)"
    )
    assert fits and lines > 2, "the sentence should wrap onto several lines, all visible"
    cell.scroll_into_view_if_needed()
    shot(page, "sentiment_layers")


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_word_strength_key_and_caption_hold_in_both_themes(browser, app_url, theme):
    page = open_page(browser, app_url, theme)
    box = page.get_by_role("textbox", name="Review", exact=True)
    box.fill("A wonderful, moving film. The plot is dull in places but the acting is superb.")
    page.get_by_role("button", name="Score", exact=True).click()
    page.get_by_text("the stronger the colour, the bigger the change").first.wait_for(
        timeout=TIMEOUT_MS
    )
    support.settle(page)
    key = page.get_by_text("Key:").first
    assert key.is_visible()
    # the key is drawn like the review's words: a big push is a stronger (more opaque) colour
    alphas = page.evaluate(
        """() => Array.from(document.querySelectorAll('span[title^="moves the score"]'))
            .map(span => parseFloat(getComputedStyle(span).backgroundColor.split(',')[3]))"""
    )
    assert len(alphas) >= 4 and max(alphas) > min(alphas)
    key.scroll_into_view_if_needed()
    page.mouse.wheel(0, -200)
    shot(page, f"sentiment_words_{theme}")
    assert page.errors == []
    page.context.close()


def test_phone_layout_shows_the_words_and_their_key(browser, app_url):
    page = open_page(browser, app_url, "dark", PHONE)
    box = page.get_by_role("textbox", name="Review", exact=True)
    box.fill("A wonderful, moving film, though the plot is dull in places.")
    page.get_by_role("button", name="Score", exact=True).click()
    page.get_by_text("Key:").first.wait_for(timeout=TIMEOUT_MS)
    support.settle(page)
    page.get_by_text("Which words moved the score").first.scroll_into_view_if_needed()
    shot(page, "sentiment_words_phone_dark")
    assert page.errors == []
    page.context.close()


def test_model_card_gives_intervals_and_a_tested_verdict(page):
    page.get_by_role("tab", name="Model card").click()
    verdict = page.get_by_text("where the two disagree").first
    verdict.wait_for(timeout=TIMEOUT_MS)
    text = verdict.inner_text()
    # the shipped metrics' own McNemar test (p = 0.15 today), so no "better" for the LSTM
    p_value = load_metrics()["baseline"]["mcnemar_p"]
    assert f"McNemar test, p = {p_value:.2f}" in text and "no detectable difference" in text
    assert p_value >= 0.05 and "better" not in text
    assert page.get_by_text("95 % confidence interval").first.is_visible()
    verdict.scroll_into_view_if_needed()
    shot(page, "sentiment_card_verdict")


def test_train_your_own_reports_its_test_reviews_only(page):
    page.get_by_role("tab", name="Train your own").click()
    # every slider to its smallest value, so the run is short
    for name in ("Reviews", "Vocabulary", "Words the LSTM reads", "LSTM units", "Epochs"):
        page.get_by_role("slider", name=name).first.press("Home")
        support.wait_until_idle(page)
    page.get_by_role("button", name="Train", exact=True).click()
    report = page.get_by_text("test reviews were set aside first").first
    report.wait_for(timeout=4 * TIMEOUT_MS)
    support.wait_until_idle(page)
    assert page.get_by_text("Accuracy on your test reviews").first.is_visible()
    assert "It learned from 120 of your reviews; 40 more chose its settings" in report.inner_text()
    report.scroll_into_view_if_needed()
    shot(page, "sentiment_train_test_part")


def test_stop_says_the_training_was_stopped_and_what_it_kept(page):
    page.get_by_role("tab", name="Train your own").click()
    # many reviews and epochs: the first epoch is still running when Stop is clicked
    for name in ("Reviews", "Epochs"):
        page.get_by_role("slider", name=name).first.press("End")
        support.wait_until_idle(page)
    page.get_by_role("button", name="Train", exact=True).click()
    page.get_by_role("button", name="Stop").click(timeout=4 * TIMEOUT_MS)
    stopped = page.get_by_text(re.compile(r"Training was stopped after \d+ of 10 epochs"))
    stopped.first.wait_for(timeout=4 * TIMEOUT_MS)
    assert re.search(
        r"the model keeps epoch \d+, the best on validation reviews\.$",
        stopped.first.inner_text().strip(),
    )
    assert page.get_by_text("Accuracy on your test reviews").first.is_visible()
    stopped.first.scroll_into_view_if_needed()
    shot(page, "sentiment_train_stopped")
