"""Plain-words explanations: the model layer by layer, and "what just happened"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd
import plotly.graph_objects as go

from core import diagrams

if TYPE_CHECKING:  # importing core.forecast costs seconds, which the sentiment pages skip
    from core.forecast.frequency import Frequency


@dataclass(frozen=True)
class LayerRow:
    """One layer of a model in plain words."""

    layer: str
    size: str
    parameters: int
    reading: str


# the sentiment model's two heads on the LSTM's output at every word (core.sentiment.model)
SENTIMENT_HEADS = {
    "word_score": "At every word, turns the LSTM's memory into a score: how positive the "
    "review reads so far.",
    "word_attention": "At every word, decides how much that word's score counts in the verdict "
    "(after a 'but', the words that follow can count for more).",
}


def describe_model(model) -> list[LayerRow]:
    """Walk a Keras model's layers and say what each one does, with its real sizes.

    Works for the forecaster (window → LSTM → per-step Dense) and for the sentiment model
    (text → vocabulary → embedding → LSTM → score); layers that only reshape are skipped.
    """
    rows = []
    for layer in model.layers:
        kind = type(layer).__name__
        params = int(layer.count_params()) if layer.built else 0
        if kind == "InputLayer":
            continue
        if kind == "TextVectorization":
            size = layer.vocabulary_size()
            length = layer.get_config().get("output_sequence_length")
            reach = f"reading at most {length:,} words" if length else "keeping every word"
            reading = (
                f"Turns the text into word numbers from a vocabulary of {size:,} words, {reach}."
            )
            rows.append(LayerRow("Vocabulary", f"{size:,} entries", params, reading))
        elif kind == "Embedding":
            rows.append(
                LayerRow(
                    "Embedding",
                    f"{layer.input_dim:,} × {layer.output_dim}",
                    params,
                    f"Gives every word a list of {layer.output_dim} numbers, tuned in training "
                    "so similar words get similar lists.",
                )
            )
        elif kind == "LSTM":
            units = int(layer.units)
            shape = (
                "an output at every step" if layer.return_sequences else "one summary at the end"
            )
            rows.append(
                LayerRow(
                    "LSTM",
                    f"{units} units",
                    params,
                    f"Keeps {units} numbers of memory as it reads; hands on {shape}.",
                )
            )
        elif kind == "Dense" and layer.name in SENTIMENT_HEADS:
            rows.append(LayerRow("Dense", "1 output", params, SENTIMENT_HEADS[layer.name]))
        elif kind == "Dense":
            outputs = int(layer.units)
            reading = (
                "Turns the LSTM's memory into the next day's predicted move and how large "
                "it may be (its scale), at every step."
                if len(layer.output.shape) == 3 and outputs == 2
                else "Turns the LSTM's memory into the next day's predicted move, at every step."
                if len(layer.output.shape) == 3
                else f"Combines what came before into {outputs} output number"
                f"{'s' if outputs > 1 else ''}" + (": the score." if outputs == 1 else ".")
            )
            rows.append(
                LayerRow("Dense", f"{outputs} output{'s' if outputs > 1 else ''}", params, reading)
            )
        elif kind == "KeepTokens":
            rows.append(
                LayerRow(
                    "Keep words",
                    f"{layer.keep} {layer.length:,}",
                    0,
                    f"Keeps the {layer.keep} {layer.length:,} words of a longer review.",
                )
            )
        elif kind == "NgramEvidence":
            rows.append(
                LayerRow(
                    "N-gram evidence",
                    f"{layer.table_size - 1:,} n-grams",
                    params,
                    "At every word, looks up the word, the word pair and the word triple ending "
                    "there and hands the LSTM three numbers: how strongly each leans positive "
                    "or negative in the training reviews. Fixed before the LSTM trains.",
                )
            )
        elif kind == "AttentionPool":
            rows.append(
                LayerRow(
                    "Attention pool",
                    "—",
                    0,
                    "Averages the word scores, weighting each word by its attention: the "
                    "review's score. Over the first words only, it is the running score.",
                )
            )
        elif kind in {"Dropout", "SpatialDropout1D"}:
            rows.append(
                LayerRow(
                    "Dropout",
                    f"{layer.rate:.0%}",
                    0,
                    f"During training hides {layer.rate:.0%} of the numbers at random "
                    "so the model cannot lean on any single one.",
                )
            )
    return rows


def layers_table(rows: list[LayerRow]) -> pd.DataFrame:
    """The layer rows as a table for the page."""
    return pd.DataFrame(
        [
            {
                "Layer": r.layer,
                "Size": r.size,
                "Learned numbers": r.parameters,
                "What it does": r.reading,
            }
            for r in rows
        ]
    )


def forecast_window_diagram(steps: pd.DataFrame) -> go.Figure:
    """The forecaster's latest window as an unrolled many-to-many diagram with real numbers.

    ``steps`` is ``Forecaster.latest_window_steps()``: one row per step with its date, price,
    the date it predicts and the predicted price.
    """
    unrolled = []
    for row in steps.itertuples():
        unrolled.append(
            diagrams.Step(
                label=row.date.strftime("%d %b"),
                hover=f"{row.date:%a %d %b %Y}: closed at {row.price:,.2f}",
                output=_price(row.predicted_next),
                output_hover=f"Made at this step: {row.predicts_date:%a %d %b %Y} predicted at "
                f"{row.predicted_next:,.2f}",
            )
        )
    return diagrams.unrolled(unrolled, height=260)


def _price(value: float) -> str:
    return f"{value:,.0f}" if value >= 1000 else f"{value:,.2f}"


def forecast_story(steps: pd.DataFrame, spacing: Frequency | None = None) -> str:
    """What the many-to-many model just did with the latest window, in two sentences.

    ``spacing`` names the data's steps: "the last 30 weeks, one week per step"; None (or daily
    data) reads in trading days.
    """
    # imported here, not at the top: the sentiment pages import this module without core.forecast
    from core.forecast import frequency

    spacing = spacing or frequency.DAILY
    first, last = steps.iloc[0], steps.iloc[-1]
    if spacing.name == "daily":
        read, per_step, following = f"{len(steps)} trading days", "one day", "next day's"
    else:
        read = frequency.steps(len(steps), spacing)
        per_step = f"one {spacing.noun}" if spacing.bars == 1 else spacing.noun
        following = f"next {spacing.noun}'s" if spacing.bars == 1 else "next bar's"
    day, moment = (
        ("%d %b %Y %H:%M", "%a %d %b %Y %H:%M") if spacing.intraday else ("%d %b %Y", "%a %d %b %Y")
    )
    return (
        f"The LSTM read the last {read}, {first.date:{day}} to {last.date:{day}}, {per_step} "
        f"per step, and at every step predicted the {following} price: that is what makes it "
        f"many-to-many. The last step's prediction, {_price(last.predicted_next)} for "
        f"{last.predicts_date:{moment}}, is the {frequency.next_adjective(spacing)} forecast."
    )


def parameters_reading(rows: list[LayerRow]) -> str:
    """One sentence on the model's size."""
    total = sum(row.parameters for row in rows)
    return (
        f"In all the model learned {total:,} numbers from the training data; the table says "
        "where they sit and what each layer does."
    )
