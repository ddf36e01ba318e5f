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
