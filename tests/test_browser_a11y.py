"""Accessibility, presentation mode and phone layout, in a real headless Chromium.

The WCAG 2.1 AA audit is axe-core (pinned in package.json, installed by ``npm ci``), injected
into each page by Playwright; any violation fails the test. Both themes are audited: the app
follows the browser's colour scheme, which Playwright sets per context.
"""

from __future__ import annotations

import os

import pytest

from tests import browser_support as support

AXE = support.ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
THEMES = {"light": "rgb(255, 255, 255)", "dark": "rgb(16, 20, 28)"}  # config.toml backgrounds
PHONE = {"width": 390, "height": 844}
PROJECTOR = {"width": 1920, "height": 1080}
TINY_RUN = "epochs=1&lookback=10&units=8&layers=1"
TRAIN_TIMEOUT_MS = 300_000

support.require_chromium()
if not AXE.exists():
    if os.environ.get("CI"):
        raise RuntimeError(f"{AXE} is missing: CI must run `npm ci` before the tests")
    pytest.skip("axe-core is not installed: run `npm ci` (make test does)", allow_module_level=True)


def new_page(browser, theme: str, viewport: dict):
    context = browser.new_context(viewport=viewport, color_scheme=theme)
    return context, context.new_page()


def wait_for_theme(page, theme: str) -> None:
    """Fail unless the app really drew the requested theme (so no theme is audited twice)."""
    page.wait_for_function(
        """(colour) => {
            const app = document.querySelector('[data-testid="stApp"]');
            return app && getComputedStyle(app).backgroundColor === colour;
        }""",
        arg=THEMES[theme],
        timeout=60_000,
    )


def violations(page) -> list[str]:
    """axe-core's WCAG 2.1 AA violations on the page, one readable line per failing element."""
    support.wait_until_idle(page)
    page.wait_for_timeout(1000)  # let charts and fonts settle before colours are measured
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))
            .violations""",
        WCAG_AA,
    )
    return [
        f"{rule['id']}: {node['target']} {node['failureSummary']}"
        for rule in found
        for node in rule["nodes"]
    ]


def open_page(page, url: str, path: str, theme: str) -> None:
    page.goto(url + path)
    wait_for_theme(page, theme)
    page.get_by_role("heading").first.wait_for()


@pytest.mark.parametrize("theme", THEMES)
def test_home_passes_wcag_aa(browser, app_url, theme):
    context, page = new_page(browser, theme, support.VIEWPORT)
    open_page(page, app_url, "/", theme)
    page.get_by_role("heading", name="LSTM Lab").wait_for()
    assert violations(page) == []
    context.close()


@pytest.mark.parametrize("theme", THEMES)
def test_sentiment_with_a_scored_review_passes_wcag_aa(browser, app_url, theme):
    context, page = new_page(browser, theme, support.VIEWPORT)
    open_page(page, app_url, "/sentiment", theme)
    page.get_by_role("button", name="Score", exact=True).wait_for()
    assert violations(page) == []  # the primary Score button and the grey captions
    page.get_by_role("button", name="Clearly positive").click()
    page.get_by_text("Which words moved the score").first.wait_for(timeout=120_000)
    assert violations(page) == []
    context.close()


@pytest.mark.parametrize("theme", THEMES)
def test_forecast_page_passes_wcag_aa(browser, app_url, theme):
    context, page = new_page(browser, theme, support.VIEWPORT)
    open_page(page, app_url, "/forecast", theme)
    page.get_by_role("button", name="Train the LSTM").wait_for()
    assert violations(page) == []
    context.close()


def chart_font_sizes(page, trace_name: str) -> dict[str, float]:
    """Rendered font size (px) of every text in the chart that has a trace ``trace_name``."""
    return page.evaluate(
        """(name) => {
            const chart = Array.from(document.querySelectorAll('.js-plotly-plot'))
                .find(c => (c.data || []).some(t => t.name === name));
            const sizes = {};
            for (const text of chart.querySelectorAll('text')) {
                const words = text.textContent.trim();
                if (words) sizes[words] = parseFloat(getComputedStyle(text).fontSize);
            }
            return sizes;
        }""",
        trace_name,
    )


def line_style(page, trace_name: str) -> dict:
    return page.evaluate(
        """(name) => {
            for (const chart of document.querySelectorAll('.js-plotly-plot')) {
                const trace = (chart.data || []).find(t => t.name === name);
                if (trace) return {colour: trace.line.color, dash: trace.line.dash || 'solid'};
            }
            return null;
        }""",
        trace_name,
    )


@pytest.mark.parametrize("theme", THEMES)
def test_presentation_mode_is_readable_from_the_back_of_a_room(browser, app_url, theme):
    context, page = new_page(browser, theme, PROJECTOR)
    open_page(page, app_url, f"/forecast?present=1&{TINY_RUN}", theme)
    sidebar = page.locator('[data-testid="stSidebar"]')
    page.get_by_role("button", name="Train the LSTM").click()
    support.wait_for_trace(page, "LSTM prediction", TRAIN_TIMEOUT_MS)
    support.wait_until_idle(page)

    # a title line names the data and every setting
    title = page.get_by_role("heading", name="S&P 500 index").first
    assert "lookback 10 days" in title.inner_text()
    assert "1 LSTM layer of 8 units" in title.inner_text()
    # the sidebar is collapsed: the chart gets the whole width
    assert not sidebar.is_visible()
    # every text of the main chart is at least 18 px
    sizes = chart_font_sizes(page, "LSTM prediction")
    assert "LSTM prediction" in sizes and "Price" in sizes  # legend and axis title
    small = {text: size for text, size in sizes.items() if size < 18}
    assert small == {}, f"chart text under 18 px: {small}"
    # prediction and actual differ in colour and in dash style
    lstm, actual = line_style(page, "LSTM prediction"), line_style(page, "Actual")
    assert lstm["colour"] != actual["colour"] and lstm["dash"] != actual["dash"]
    # the text around the charts (card readings, captions) is enlarged too
    text_sizes = page.evaluate(
        """() => [...document.querySelectorAll(
            '[data-testid="stMain"] [data-testid="stCaptionContainer"],'
            + ' [data-testid="stMain"] [data-testid="stMarkdownContainer"] p')]
            .filter(element => element.offsetParent !== null && element.innerText.trim())
            .map(element => parseFloat(getComputedStyle(element).fontSize))"""
    )
    assert text_sizes and min(text_sizes) >= 18, f"page text under 18 px: {sorted(text_sizes)[:5]}"
    # the key numbers (st.metric values) stay larger than normal mode's 38 px, not body size
    metric_sizes = page.evaluate(
        """() => [...document.querySelectorAll(
            '[data-testid="stMain"] [data-testid="stMetricValue"] p')]
            .filter(element => element.offsetParent !== null)
            .map(element => parseFloat(getComputedStyle(element).fontSize))"""
    )
    assert metric_sizes and min(metric_sizes) >= 40, f"metric values: {sorted(metric_sizes)[:5]}"
    page.get_by_text("Predicted against actual prices").first.scroll_into_view_if_needed()
    support.ROOT.joinpath("screenshots").mkdir(exist_ok=True)
    page.screenshot(path=str(support.ROOT / "screenshots" / f"presentation_{theme}.png"))
    assert violations(page) == []
    context.close()


def overlapping_labels(page, chart_index: int) -> list[tuple[str, str]]:
    """Pairs of annotation texts in one chart whose drawn boxes overlap."""
    return page.evaluate(
        """(index) => {
            const chart = document.querySelectorAll('.js-plotly-plot')[index];
            const boxes = Array.from(chart.querySelectorAll('.annotation-text'))
                .filter(t => t.textContent.trim())
                .map(t => ({text: t.textContent, box: t.getBoundingClientRect()}));
            const pairs = [];
            for (let i = 0; i < boxes.length; i++) {
                for (let j = i + 1; j < boxes.length; j++) {
                    const a = boxes[i].box, b = boxes[j].box;
                    const apart = a.right <= b.left || b.right <= a.left
                        || a.bottom <= b.top || b.bottom <= a.top;
                    if (!apart) pairs.push([boxes[i].text, boxes[j].text]);
                }
            }
            return pairs;
        }""",
        chart_index,
    )


def chart_index_with_text(page, text: str) -> int:
    return page.evaluate(
        """(text) => Array.from(document.querySelectorAll('.js-plotly-plot'))
            .findIndex(c => Array.from(c.querySelectorAll('.annotation-text'))
                .some(t => t.textContent === text))""",
        text,
    )


def test_phone_diagrams_never_overlap_and_cards_pair_up(browser, app_url):
    context, page = new_page(browser, "light", PHONE)
    open_page(page, app_url, "/", "light")
    page.get_by_role("heading", name="LSTM Lab").wait_for()
    page.locator(".annotation-text").first.wait_for()
    for index in range(page.locator(".js-plotly-plot").count()):
        assert overlapping_labels(page, index) == []

    page.goto(f"{app_url}/forecast?{TINY_RUN}")
    page.get_by_role("button", name="Train the LSTM").click()
    page.get_by_text("What just happened").first.wait_for(timeout=TRAIN_TIMEOUT_MS)
    support.wait_until_idle(page)
    story = page.get_by_text("What just happened").first
    story.scroll_into_view_if_needed()
    page.wait_for_timeout(1000)
    diagram = chart_index_with_text(page, "LSTM")
    assert diagram >= 0
    assert overlapping_labels(page, diagram) == []
    support.ROOT.joinpath("screenshots").mkdir(exist_ok=True)
    page.screenshot(path=str(support.ROOT / "screenshots" / "phone_story.png"))

    # stacked on a phone, the LSTM's error card comes right before the baseline's
    labels = page.locator('[data-testid="stMetricLabel"]').all_inner_texts()
    lstm = labels.index("LSTM typical error (RMSE)")
    assert labels[lstm + 1] == "Tomorrow = today error (RMSE)"
    tops = [
        box["y"]
        for box in page.locator('[data-testid="stMetric"]').evaluate_all(
            "els => els.map(e => e.getBoundingClientRect())"
        )
    ]
    assert tops == sorted(tops), "cards are not drawn in reading order"
    context.close()
