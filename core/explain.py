"""Plain-words explanations: a glossary, the model layer by layer, and "what just happened"."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from core import diagrams

UNKNOWN = "[UNK]"  # how Keras' TextVectorization names a word outside its vocabulary

GLOSSARY = {
    "LSTM": "A neural network that reads a sequence one step at a time and keeps a small memory "
    "of what it has seen so far.",
    "epoch": "One full pass of the model over all the training examples.",
    "lookback": "How many past days the model reads before it makes a prediction.",
    "validation": "Examples held back from training and used to decide when to stop and which "
    "settings to keep; they are not the test.",
    "test part": "The newest data, never used for training or choosing settings; every score on "
    "screen is measured here.",
    "persistence baseline": "The simplest honest forecast: tomorrow's price equals today's.",
    "RMSE": "Root mean squared error: the typical size of a miss, in the price's own units, with "
    "big misses counting extra.",
    "MAE": "Mean absolute error: the average size of a miss, in the price's own units; unlike "
    "RMSE every miss counts by its size alone.",
    "MAPE": "Mean absolute percentage error: the average miss as a percentage of the real price.",
    "skill ratio": "The model's RMSE divided by the baseline's: below 1 means the model beat the "
    "baseline.",
    "signal kept": "How much of the LSTM's predicted move the app keeps, from 0 to 1, chosen on "
    "validation days: 0 means the moves did not help there, so the forecast falls back to "
    "tomorrow = today; 1 keeps all of them.",
    "band": "The shaded range around the forecast that should hold the real price a stated share "
    "of the time (for example 80%); it is sized on validation days, checked on the test part, and "
    "widens with each day ahead.",
    "AUC": "The chance that the model scores a random positive review above a random negative "
    "one: 0.5 is guessing, 1.0 is perfect.",
    "accuracy": "The share of reviews whose label the model got right.",
    "TF-IDF": "Term frequency–inverse document frequency: a word-counting baseline that weighs "
    "each word (and word pair) by how often a review uses it and how rare it is across all "
    "reviews, then feeds the weights to a logistic regression; it reads no word order.",
    "n-gram evidence": "For each word, and the two- and three-word phrases ending at it, a "
    "number saying how much more often it appears in positive than in negative training "
    "reviews; the LSTM reads these beside the words.",
}


def glossary_markdown(terms: list[str] | None = None) -> str:
    """The glossary (or the named terms of it) as a Markdown list."""
    chosen = terms or list(GLOSSARY)
    unknown = [term for term in chosen if term not in GLOSSARY]
    if unknown:
        raise ValueError(
            f"No glossary entry for {', '.join(unknown)}; known: {', '.join(GLOSSARY)}."
        )
    return "\n".join(f"- **{term}**: {GLOSSARY[term]}" for term in chosen)


@dataclass(frozen=True)
class LayerRow:
    """One layer of a model in plain words."""

    layer: str
    size: str
    parameters: int
    reading: str


def _lstm_units(layer) -> tuple[int, bool]:
    inner = getattr(layer, "forward_layer", None) or layer
    return int(inner.units), inner is not layer


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
            config = layer.get_config()
            length = config.get("output_sequence_length")
            if config.get("output_mode", "int") == "int":
                reach = f"reading at most {length:,} words" if length else "keeping every word"
                reading = (
                    f"Turns the text into word numbers from a vocabulary of {size:,} words, "
                    f"{reach}."
                )
            else:
                reading = (
                    f"Counts which of {size:,} words and word pairs appear: a bag of words "
                    "read beside the LSTM."
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
        elif kind in {"LSTM", "Bidirectional"}:
            units, both_ways = _lstm_units(layer)
            direction = " in each direction (forwards and backwards)" if both_ways else ""
            shape = (
                "an output at every step" if layer.return_sequences else "one summary at the end"
            )
            rows.append(
                LayerRow(
                    "LSTM" + (" (both directions)" if both_ways else ""),
                    f"{units} units",
                    params,
                    f"Keeps {units} numbers of memory{direction} as it reads; hands on {shape}.",
                )
            )
        elif kind == "Dense":
            outputs = int(layer.units)
            reading = (
                "Turns the LSTM's memory into the next day's predicted move, at every step."
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
        elif kind == "SumOverWords":
            rows.append(
                LayerRow(
                    "Sum over words",
                    "—",
                    0,
                    "Adds up what the LSTM wrote out at every word into one list of numbers.",
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


def review_diagram(
    words_read: list[str], p_positive: float, readings: list[float] | None = None
) -> go.Figure:
    """The words the sentiment model actually read, as an unrolled many-to-one diagram.

    With ``readings`` (what the LSTM wrote out at each word, see
    ``SentimentModel.readings``) every step shows its reading, and the diagram's title the one
    score they add up to; without them only the last step speaks.
    """
    if not words_read:
        raise ValueError("The review has no words the model could read.")
    if readings is not None and len(readings) != len(words_read):
        raise ValueError(f"{len(readings)} readings for {len(words_read)} words; they must match.")
    steps = []
    shown = shown_readings(readings) if readings is not None else None
    for index, word in enumerate(words_read):
        hover = f"Step {index + 1}: reads “{word}” and updates its memory."
        if shown is None:
            steps.append(diagrams.Step(word, hover))
            continue
        value = shown[index]
        steps.append(
            diagrams.Step(
                word,
                hover,
                value,
                f"After “{word}” the LSTM writes out {value}: "
                + ("towards negative." if value.startswith("-") else "towards positive."),
            )
        )
    if readings is not None:
        return diagrams.unrolled(
            steps,
            title=f"The readings add up to one score: {p_positive:.0%} positive",
            height=300,
        )
    last = steps[-1]
    steps[-1] = diagrams.Step(
        last.label,
        last.hover,
        f"{p_positive:.0%} positive",
        "Only the last step gives an output: the probability that the review is positive.",
    )
    return diagrams.unrolled(steps, height=260)


def shown_steps(count: int) -> list[int]:
    """Indices of the steps :func:`core.diagrams.unrolled` draws for ``count`` steps.

    Long inputs are drawn as their first and last few steps with a gap between, so a caption
    that names a word should name one the reader can find in the picture.
    """
    if count <= diagrams.MAX_DRAWN:
        return list(range(count))
    head = diagrams.MAX_DRAWN // 2 - 1
    tail = diagrams.MAX_DRAWN - head - 1
    return [*range(head), *range(count - tail, count)]


def hundredths_that_add_up(values) -> list[int]:
    """Round ``values`` to hundredths (returned as whole hundredths) so they add up to their
    rounded total: each one moves by less than 0.01, and the sum a reader checks comes out right.

    Uses the largest-remainder method, the one used to round percentages that must make 100.
    """
    scaled = [float(value) * 100 for value in values]
    rounded = [math.floor(value) for value in scaled]
    missing = round(sum(scaled)) - sum(rounded)
    by_remainder = sorted(range(len(scaled)), key=lambda i: rounded[i] - scaled[i])
    for index in by_remainder[:missing]:
        rounded[index] += 1
    return rounded


def _signed(hundredths: int) -> str:
    return f"{hundredths / 100:+.2f}"


def shown_readings(readings) -> list[str]:
    """The readings as the diagram and the summary show them: signed, to two decimals, adding
    up to their shown total."""
    return [_signed(value) for value in hundredths_that_add_up(readings)]


def readings_summary(words: list[str], readings, bias: float, p_positive: float) -> str:
    """One plain-English paragraph on the LSTM's per-word readings and the score they make.

    Every number is shown to two decimals and the shown numbers add up; the words it names are
    ones the diagram draws, and a strongest reading hidden in the diagram's gap is named with its
    position.
    """
    hundredths = hundredths_that_add_up(readings)
    total, start = sum(hundredths), round(float(bias) * 100)
    shown = shown_steps(len(words))
    order = sorted(shown, key=lambda i: (hundredths[i], i))
    up = [
        f"“{words[i]}” ({_signed(hundredths[i])})"
        for i in reversed(order[-3:])
        if hundredths[i] > 0
    ]
    down = [f"“{words[i]}” ({_signed(hundredths[i])})" for i in order[:3] if hundredths[i] < 0]
    where = f"At each of the {len(words):,} words" if len(words) > 1 else "At its one word"
    text = (
        f"{where} the LSTM wrote out a reading. They add up to {_signed(total)}; with the model's "
        f"starting point of {_signed(start)} that makes {_signed(total + start)}, a "
        f"{p_positive:.0%} chance of positive (a total of 0 would mean 50%)."
    )
    drawn = "Of the steps drawn, its" if len(shown) < len(words) else "Its"
    if up:
        text += f" {drawn} highest readings came after {_listed(up)}"
        text += f"; its lowest after {_listed(down)}." if down else "."
    elif down:
        text += f" {drawn} lowest readings came after {_listed(down)}."
    strongest = max(range(len(words)), key=lambda i: (abs(hundredths[i]), -i))
    if strongest not in shown and hundredths[strongest]:
        text += (
            f" The strongest of all, “{words[strongest]}” ({_signed(hundredths[strongest])}) at "
            f"word {strongest + 1:,}, is among the {len(words) - len(shown):,} steps the diagram "
            "leaves out; the line below shows every word."
        )
    if up or down:
        text += (
            " A reading reflects everything read so far, so it can stay high or low for a few "
            "words after a strong one."
        )
    return text


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def truncation_note(total_words: int, words_read: int, kept: str = "first") -> str:
    """One sentence on padding or truncation of a review."""
    if total_words > words_read:
        return (
            f"Your review had {total_words:,} words; the model read the {kept} "
            f"{words_read:,} and skipped the rest."
        )
    return f"Your review had {total_words:,} words; the model read all of them, one per step."


def unknown_words_note(words_read: list[str]) -> str:
    """A sentence on ``[UNK]`` when the words read include words the model never learned."""
    unknown = words_read.count(UNKNOWN)
    if not unknown:
        return ""
    many = f"{unknown:,} words" if unknown > 1 else "one word"
    return f"{UNKNOWN} marks a word the model never learned ({many} of this review)."


def forecast_story(steps: pd.DataFrame) -> str:
    """What the many-to-many model just did with the latest window, in two sentences."""
    first, last = steps.iloc[0], steps.iloc[-1]
    return (
        f"The LSTM read the last {len(steps)} trading days, {first.date:%d %b %Y} to "
        f"{last.date:%d %b %Y}, one day per step, and at every step predicted the next day's "
        f"price: that is what makes it many-to-many. The last step's prediction, "
        f"{_price(last.predicted_next)} for {last.predicts_date:%a %d %b %Y}, is the next-day "
        "forecast."
    )


def parameters_reading(rows: list[LayerRow]) -> str:
    """One sentence on the model's size."""
    total = sum(row.parameters for row in rows)
    return (
        f"In all the model learned {total:,} numbers from the training data; the table says "
        "where they sit and what each layer does."
    )
