"""The sentiment model's steps in plain words: the unrolled many-to-one diagram of the words it
read, what the LSTM wrote out at each word, and notes on truncation and unknown words."""

from __future__ import annotations

import math

import plotly.graph_objects as go

from core import diagrams

UNKNOWN = "[UNK]"  # how Keras' TextVectorization names a word outside its vocabulary


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
