"""Glossary popovers and "what just happened" sections, shared by both tools."""

from __future__ import annotations

import streamlit as st

from core import explain
from core.glossary import glossary_markdown

CHART_CONFIG = {"displayModeBar": False}


def glossary(terms: list[str], key: str) -> None:
    """A small popover with one sentence per term, placed where the terms appear."""
    with st.popover("Glossary", icon=":material/menu_book:", key=key):
        st.markdown(glossary_markdown(terms))


def layers(model) -> None:
    """The layer table of :func:`core.explain.describe_model`, numbers with thousands separators.

    A static table, because its "What it does" sentences must wrap; an interactive dataframe
    cuts them off at the column's edge.
    """
    table = explain.layers_table(explain.describe_model(model))
    st.table(table.style.format({"Learned numbers": "{:,}"}), hide_index=True)


def model_in_plain_words(model) -> None:
    """The Keras model layer by layer, with its real sizes and one reading per layer."""
    rows = explain.describe_model(model)
    with st.expander("The model in plain words", expanded=False):
        layers(model)
        st.caption(explain.parameters_reading(rows))


@st.cache_resource(show_spinner=False, max_entries=32)
def window_diagram(steps):
    """The unrolled diagram of a window, built once per window: it takes a second or more to
    build, and every rerun of the results (any toggle) draws it again. Shared read-only."""
    return explain.forecast_window_diagram(steps)


def forecast_story(forecaster, spacing=None) -> None:
    """The latest window as an unrolled many-to-many diagram with the model's real outputs;
    ``spacing`` (a :class:`core.forecast.frequency.Frequency`) names the data's steps."""
    st.subheader("What just happened")
    steps = forecaster.latest_window_steps()
    st.markdown(explain.forecast_story(steps, spacing))
    st.plotly_chart(window_diagram(steps), key="forecast_story_chart", config=CHART_CONFIG)
    st.caption("Hover over a step to see its date, its price and the prediction made there.")
    model_in_plain_words(forecaster.model_)
