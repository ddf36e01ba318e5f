"""Plotly figures for the sentiment page: data in, Figure out (no Streamlit here)."""

from __future__ import annotations

import math

import plotly.graph_objects as go

POSITIVE = "#16a34a"
NEGATIVE = "#dc2626"
NEUTRAL = "#94a3b8"
# Okabe & Ito's colour-blind-safe palette (Color Universal Design, 2008)
OKABE_ITO_BLUE = "#0072B2"
OKABE_ITO_ORANGE = "#E69F00"
OKABE_ITO_VERMILLION = "#D55E00"
# blue – light grey – vermillion: the middle stays visible on a white and on a dark background
DIVERGING = [[0.0, OKABE_ITO_BLUE], [0.5, "#d9d9d9"], [1.0, OKABE_ITO_VERMILLION]]
MAX_WORD_TICKS = 40  # more words than this get numbers on the axis instead of the words


def probability_bar(probability: float, height: int = 110) -> go.Figure:
    """A 0–100 % bar filled up to the chance that the review is positive."""
    colour = POSITIVE if probability >= 0.5 else NEGATIVE
    figure = go.Figure(
        go.Bar(
            x=[probability * 100],
            y=[""],
            orientation="h",
            marker_color=colour,
            text=[f"{probability:.0%} positive"],
            textposition="auto",
            hoverinfo="skip",
        )
    )
    figure.add_vline(x=50, line_dash="dot", line_color=NEUTRAL)
    figure.update_layout(
        height=height,
        margin=dict(l=10, r=10, t=10, b=30),
        xaxis=dict(range=[0, 100.5], dtick=25, ticksuffix=" %", title=None),
        showlegend=False,
    )
    return figure


def _word_axis(words: list[str]) -> dict:
    """An x axis with one tick per word read (its number and the word), thinned on long
    reviews so the labels never overlap; positions keep repeated words apart."""
    every = max(1, math.ceil(len(words) / MAX_WORD_TICKS))
    ticks = list(range(1, len(words) + 1, every))
    labels = [f"{words[tick - 1]}" if len(words) <= MAX_WORD_TICKS else str(tick) for tick in ticks]
    return dict(
        tickmode="array",
        tickvals=ticks,
        ticktext=labels,
        tickangle=-45 if len(words) <= MAX_WORD_TICKS else 0,
        range=[0.5, len(words) + 0.5],
        title=None if len(words) <= MAX_WORD_TICKS else "words read",
        tickfont=dict(size=14),
        showgrid=False,
    )


def running_score(
    words: list[str], running, turn: int | None = None, crossed: bool = True, height: int = 300
) -> go.Figure:
    """The chance of positive had the review stopped after each word, with the words on the
    axis; ``turn`` (0-based) marks the word where the verdict turned (``crossed``) or, when it
    never changed sides, the word that moved it most."""
    values = [float(value) * 100 for value in running]
    steps = list(range(1, len(values) + 1))
    figure = go.Figure(
        go.Scatter(
            x=steps,
            y=values,
            name="running score",
            mode="lines+markers" if len(values) <= 80 else "lines",
            line=dict(color=OKABE_ITO_BLUE, width=3, shape="linear"),
            marker=dict(size=8),
            customdata=words,
            hovertemplate="after word %{x}, “%{customdata}”: %{y:.0f} % positive<extra></extra>",
        )
    )
    figure.add_hline(y=50, line_dash="dot", line_color=NEUTRAL)
    if turn is not None:
        figure.add_vline(x=turn + 1, line_color=OKABE_ITO_ORANGE, line_width=2, line_dash="dash")
        figure.add_annotation(
            x=turn + 1,
            y=100,
            text=f"{'turned at' if crossed else 'biggest move:'} “{words[turn]}”",
            showarrow=False,
            yanchor="bottom",
            font=dict(size=14, color=OKABE_ITO_ORANGE),
        )
    figure.update_layout(
        height=height,
        margin=dict(l=10, r=10, t=30, b=10),
        xaxis=_word_axis(words),
        yaxis=dict(
            title="chance positive",
            range=[0, 100.5],
            ticksuffix=" %",
            dtick=25,
            tickfont=dict(size=14),
        ),
        font=dict(size=14),
        showlegend=False,
        meta={"words": len(words)},
    )
    return figure


MEMORY_VIEWS = {
    "cell": "what each cell holds (cell state)",
    "forget": "how much each cell kept (forget gate)",
}


def memory_heatmap(words: list[str], values, view: str = "cell") -> go.Figure:
    """Memory cells (rows) × words (columns): each cell's content after each word
    (``view="cell"``, blue below zero, orange above) or the share it kept from the word before
    (``view="forget"``, orange where it let go, blue where it kept). Okabe–Ito colours, which
    stay apart for the common kinds of colour blindness.

    ``values`` is words × cells, as :class:`core.sentiment.memory.MemoryTrace` holds them.
    """
    if view not in MEMORY_VIEWS:
        raise ValueError(f"view is {view!r}; use one of {', '.join(MEMORY_VIEWS)}.")
    grid = [[float(value) for value in row] for row in zip(*values, strict=True)]  # cells × words
    units = len(grid)
    if view == "cell":
        limit = max((abs(value) for row in grid for value in row), default=1.0) or 1.0
        colours = dict(colorscale=DIVERGING, zmin=-limit, zmax=limit, zmid=0)
        colour_title, hover, tick_format = "holds", "holds %{z:+.2f}", ""
    else:
        colours = dict(colorscale=DIVERGING, zmin=0, zmax=1, reversescale=True)
        colour_title, hover, tick_format = "kept", "kept %{z:.0%} of what it held", ".0%"
    figure = go.Figure(
        go.Heatmap(
            z=grid,
            x=list(range(1, len(words) + 1)),
            y=list(range(1, units + 1)),
            customdata=[words] * units,
            hovertemplate=f"cell %{{y}} after “%{{customdata}}”: {hover}<extra></extra>",
            colorbar=dict(
                title=dict(text=colour_title, side="right"),
                thickness=14,
                len=0.9,
                tickformat=tick_format,
            ),
            # a gap between columns only while they are wide: on a long review it would hide them
            xgap=1 if len(words) <= MAX_WORD_TICKS else 0,
            ygap=1,
            **colours,
        )
    )
    figure.update_layout(
        height=90 + max(units, 4) * 16,
        margin=dict(l=10, r=10, t=10, b=10),
        xaxis=_word_axis(words),
        yaxis=dict(
            title="memory cell",
            autorange="reversed",
            dtick=1 if units <= 12 else 4 if units <= 48 else None,
            tickfont=dict(size=14),
            showgrid=False,
        ),
        font=dict(size=14),
        meta={"words": len(words), "cells": units, "view": view},
    )
    return figure


def score_histogram(probabilities) -> go.Figure:
    """How many reviews got each chance of being positive."""
    figure = go.Figure(
        go.Histogram(
            x=[float(value) * 100 for value in probabilities],
            xbins=dict(start=0, end=100, size=5),
            marker_color=NEUTRAL,
        )
    )
    figure.add_vline(x=50, line_dash="dot", line_color="#475569")
    figure.update_layout(
        height=300,
        margin=dict(l=10, r=10, t=30, b=40),
        xaxis=dict(
            title="chance the review is positive", ticksuffix=" %", range=[0, 100.5], dtick=25
        ),
        yaxis=dict(title="reviews"),
        bargap=0.05,
    )
    return figure


def training_curves(history: dict[str, list[float]]) -> go.Figure:
    """Accuracy per epoch on the training reviews and on the validation reviews (the ones that
    decide when training stops; the test reviews are not in this chart)."""
    figure = go.Figure()
    names = {"accuracy": "training reviews", "val_accuracy": "validation reviews"}
    for key, name in names.items():
        values = history.get(key, [])
        if values:
            figure.add_trace(
                go.Scatter(
                    x=list(range(1, len(values) + 1)),
                    y=[value * 100 for value in values],
                    mode="lines+markers",
                    name=name,
                )
            )
    figure.update_layout(
        height=300,
        margin=dict(l=10, r=10, t=30, b=40),
        xaxis=dict(title="epoch (one pass over the training reviews)", dtick=1),
        yaxis=dict(title="accuracy", ticksuffix=" %"),
        legend=dict(orientation="h", y=1.12),
    )
    return figure


def confusion_matrix_figure(matrix: list[list[int]], title: str) -> go.Figure:
    """A 2×2 grid: rows are what the review really was, columns what the model said."""
    labels = ["negative", "positive"]
    figure = go.Figure(
        go.Heatmap(
            z=matrix,
            x=[f"said {label}" for label in labels],
            y=[f"really {label}" for label in labels],
            text=[[f"{value:,}" for value in row] for row in matrix],
            texttemplate="%{text}",
            colorscale="Blues",
            showscale=False,
        )
    )
    figure.update_layout(
        title=title,
        height=260,
        margin=dict(l=10, r=10, t=40, b=10),
        yaxis=dict(autorange="reversed"),
    )
    return figure


def accuracy_comparison(rows: list[tuple[str, float, str]]) -> go.Figure:
    """Horizontal bars of accuracy; ``rows`` are (name, accuracy 0–1, kind) with kind
    ``"ours"``, ``"baseline"`` or ``"literature"``."""
    colours = {"ours": POSITIVE, "baseline": "#2563eb", "literature": NEUTRAL}
    figure = go.Figure(
        go.Bar(
            x=[accuracy * 100 for _, accuracy, _ in rows],
            y=[name for name, _, _ in rows],
            orientation="h",
            marker_color=[colours.get(kind, NEUTRAL) for _, _, kind in rows],
            text=[f"{accuracy:.1%}" for _, accuracy, _ in rows],
            textposition="outside",
        )
    )
    figure.update_layout(
        height=60 + 40 * len(rows),
        margin=dict(l=10, r=40, t=10, b=40),
        xaxis=dict(range=[50, 100], ticksuffix=" %", title="accuracy on reviews not trained on"),
        yaxis=dict(autorange="reversed"),
    )
    return figure
