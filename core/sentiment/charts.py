"""Plotly figures for the sentiment page: data in, Figure out (no Streamlit here)."""

from __future__ import annotations

import plotly.graph_objects as go

POSITIVE = "#16a34a"
NEGATIVE = "#dc2626"
NEUTRAL = "#94a3b8"


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


def running_score(words: list[str], running, height: int = 260) -> go.Figure:
    """The chance of positive as the LSTM's readings are added up word by word."""
    values = [float(value) * 100 for value in running]
    steps = list(range(1, len(values) + 1))
    figure = go.Figure(
        go.Scatter(
            x=steps,
            y=values,
            mode="lines+markers" if len(values) <= 80 else "lines",
            line=dict(color="#1f5fbf", width=2),
            marker=dict(size=6),
            customdata=words,
            hovertemplate="word %{x}: “%{customdata}”<br>running total: %{y:.0f} %<extra></extra>",
        )
    )
    figure.add_hline(y=50, line_dash="dot", line_color=NEUTRAL)
    figure.update_layout(
        height=height,
        margin=dict(l=10, r=10, t=10, b=40),
        xaxis=dict(title="words read", rangemode="tozero"),
        yaxis=dict(title="chance positive", range=[0, 100.5], ticksuffix=" %", dtick=25),
        showlegend=False,
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
