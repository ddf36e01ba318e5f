"""Page-wide style fixes that Streamlit's theme options cannot express."""

from __future__ import annotations

import streamlit as st

# Streamlit writes white text on the primary colour in both themes (streamlit/streamlit#12801),
# but the dark theme's primary blue must be light: sliders and selected segments draw their text
# in it on the dark background. ``light-dark()`` follows the ``color-scheme`` Streamlit sets on
# the app, so primary buttons get near-black text in the dark theme only (7.6:1 on #6ea8ff).
PRIMARY_TEXT_CSS = """
<style>
[data-testid^="stBaseButton-primary"],
[data-testid^="stBaseButton-primary"] p {
  color: light-dark(#ffffff, #0b0e14);
}
</style>
"""


def contrast_fixes() -> None:
    """Add the CSS that keeps primary buttons readable (WCAG AA) in both themes."""
    st.html(PRIMARY_TEXT_CSS)


# Presentation mode: the charts enlarge themselves (core.charts.enlarge); this does the same for
# the text around them (card readings, captions, labels), which Streamlit draws at 14-17 px.
# A metric's value sits in a markdown paragraph, which the 22 px rule would shrink: it is named
# again with the metric's test id so that it stays at 44 px.
PRESENTATION_CSS = """
<style>
[data-testid="stMain"] [data-testid="stMarkdownContainer"] p,
[data-testid="stMain"] [data-testid="stMarkdownContainer"] li,
[data-testid="stMain"] [data-testid="stCaptionContainer"],
[data-testid="stMain"] [data-testid="stCaptionContainer"] p,
[data-testid="stMain"] [data-testid="stWidgetLabel"] p,
[data-testid="stMain"] [data-testid="stMetricLabel"] p {
  font-size: 22px;
  line-height: 1.4;
}
[data-testid="stMain"] [data-testid="stMetricValue"],
[data-testid="stMain"] [data-testid="stMetricValue"] [data-testid="stMarkdownContainer"] p {
  font-size: 44px;
  line-height: 1.2;
}
</style>
"""


def presentation_text() -> None:
    """Enlarge the page's text to at least 22 px for a projector (presentation mode only)."""
    st.html(PRESENTATION_CSS)
