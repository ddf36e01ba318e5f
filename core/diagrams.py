"""Unrolled-LSTM diagrams drawn with Plotly shapes: many-to-one and many-to-many.

The same LSTM cell is drawn once per step, left to right; the arrow between cells is the memory it
carries forward. Inputs sit below the cells, outputs above. Long sequences are drawn as their first
and last steps with a gap cell between, and the figure records the real step count in
``layout.meta["steps"]`` so a test (or a caption) can check it.
"""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go

CELL = "#1f5fbf"
CELL_TEXT = "#ffffff"
INPUT = "#e8eef8"
OUTPUT = "#d95f02"
MUTED = "#6b7280"
INK = "#1a1f2b"  # text inside the light input boxes
ARROW = "#5c6b82"  # memory arrows: visible on light and dark themes
# More steps than this are drawn as the first and last few with a gap between. Plotly text keeps
# its pixel size when the chart narrows, so the count and the label lengths are chosen for a
# 390 px phone (about 40 px per step): labels then never run into their neighbours.
MAX_DRAWN = 7
LABEL_CHARS = 7  # "12 Dec", a price such as "2,506" or "+0.12"
TEXT_SIZE = 11


@dataclass(frozen=True)
class Step:
    """One time step: the input label and hover text, and its output (None for no output)."""

    label: str
    hover: str
    output: str | None = None
    output_hover: str = ""


def _drawn(steps: list[Step]) -> list[Step | None]:
    """The steps to draw; None marks the gap standing for the hidden middle steps."""
    if len(steps) <= MAX_DRAWN:
        return list(steps)
    head = MAX_DRAWN // 2 - 1
    tail = MAX_DRAWN - head - 1
    return [*steps[:head], None, *steps[-tail:]]


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _arrow(figure: go.Figure, start: tuple[float, float], end: tuple[float, float], colour: str):
    """An arrow in data coordinates from ``start`` to ``end``."""
    figure.add_annotation(
        x=end[0],
        y=end[1],
        ax=start[0],
        ay=start[1],
        xref="x",
        yref="y",
        axref="x",
        ayref="y",
        text="",
        showarrow=True,
        arrowhead=2,
        arrowcolor=colour,
    )


def unrolled(
    steps: list[Step],
    *,
    title: str = "",
    memory_hover: str = "The memory the LSTM carries to the next step.",
    height: int = 300,
) -> go.Figure:
    """An unrolled LSTM: one cell per step, inputs below, outputs above where a step has one."""
    if not steps:
        raise ValueError("A diagram needs at least one step.")
    drawn = _drawn(steps)
    hidden = len(steps) - sum(step is not None for step in drawn)
    # a lone output (many-to-one) has the row to itself; outputs side by side must stay short
    crowded = sum(step is not None and step.output is not None for step in drawn) > 1
    figure = go.Figure()
    centres, hovers, colours = [], [], []
    for position, step in enumerate(drawn):
        x = float(position)
        if step is None:
            figure.add_annotation(
                x=x,
                y=1.0,
                text=f"…<br>{hidden:,}<br>more",
                showarrow=False,
                font={"color": MUTED, "size": TEXT_SIZE},
            )
            continue
        figure.add_shape(
            type="rect",
            x0=x - 0.38,
            x1=x + 0.38,
            y0=0.75,
            y1=1.25,
            fillcolor=CELL,
            line={"color": CELL},
            layer="below",
        )
        figure.add_annotation(
            x=x, y=1.0, text="LSTM", showarrow=False, font={"color": CELL_TEXT, "size": TEXT_SIZE}
        )
        figure.add_shape(
            type="rect",
            x0=x - 0.45,
            x1=x + 0.45,
            y0=-0.2,
            y1=0.2,
            fillcolor=INPUT,
            line={"color": "#b8c4d9"},
            layer="below",
        )
        figure.add_annotation(
            x=x,
            y=0.0,
            text=_short(step.label),
            showarrow=False,
            font={"color": INK, "size": TEXT_SIZE},
        )
        _arrow(figure, (x, 0.2), (x, 0.75), MUTED)
        centres.append((x, 0.0))
        hovers.append(step.hover)
        colours.append(INPUT)
        if step.output is not None:
            _arrow(figure, (x, 1.25), (x, 1.75), OUTPUT)
            figure.add_annotation(
                x=x,
                y=1.95,
                text=_short(step.output) if crowded else step.output,
                showarrow=False,
                font={"color": OUTPUT, "size": TEXT_SIZE + 1},
            )
            centres.append((x, 1.95))
            hovers.append(step.output_hover or step.output)
            colours.append(OUTPUT)
        centres.append((x, 1.0))
        hovers.append(memory_hover)
        colours.append(CELL)
    for position in range(len(drawn) - 1):
        if drawn[position] is None or drawn[position + 1] is None:
            continue  # the gap label stands for the memory passed along the hidden steps
        _arrow(figure, (position + 0.38, 1.0), (position + 0.62, 1.0), ARROW)
    figure.add_trace(
        go.Scatter(
            x=[c[0] for c in centres],
            y=[c[1] for c in centres],
            mode="markers",
            marker={"size": 28, "color": colours, "opacity": 0.01},
            hovertext=hovers,
            hoverinfo="text",
            showlegend=False,
        )
    )
    figure.update_xaxes(visible=False, range=[-0.6, len(drawn) - 0.4], fixedrange=True)
    figure.update_yaxes(visible=False, range=[-0.4, 2.25], fixedrange=True)
    figure.update_layout(
        title={"text": title, "x": 0.0, "font": {"size": 16}},
        height=height,
        margin={"l": 10, "r": 10, "t": 50 if title else 10, "b": 10},
        plot_bgcolor="rgba(0,0,0,0)",
        paper_bgcolor="rgba(0,0,0,0)",
        hoverlabel={"font_size": 14},
        meta={"steps": len(steps), "drawn": len(drawn)},
    )
    return figure


def many_to_one_example() -> go.Figure:
    """The home page's many-to-one picture: a short review in, one score out at the end."""
    words = ["this", "film", "was", "not", "bad", "at", "all"]
    steps = [
        Step(word, f"Step {i + 1}: the LSTM reads “{word}” and updates its memory.")
        for i, word in enumerate(words)
    ]
    steps[-1] = Step(
        words[-1],
        steps[-1].hover,
        "score 0.91",
        "In the simplest many-to-one LSTM only the last step speaks: the probability that the "
        "review is positive. This app's review model adds up a reading from every step instead.",
    )
    return unrolled(steps, height=240)


def many_to_many_example() -> go.Figure:
    """The home page's many-to-many picture: a window of days in, a prediction at every step."""
    days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Mon", "Tue"]
    steps = [
        Step(
            day,
            f"Step {i + 1}: the LSTM reads {day}'s price move.",
            f"→ {days[i + 1] if i + 1 < len(days) else 'Wed'}",
            "A prediction for the next day, made at this step.",
        )
        for i, day in enumerate(days)
    ]
    return unrolled(steps, height=240)
