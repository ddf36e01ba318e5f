"""The sentiment model's steps in plain words: the unrolled many-to-one diagram of the words it
read, what the LSTM wrote out at each word, its memory at each word (kept, written over, the
turning point), the "order matters" demo, and notes on truncation and unknown words."""

from __future__ import annotations

import math
from collections import Counter

import plotly.graph_objects as go

from core import diagrams
from core.sentiment.text import with_article

UNKNOWN = "[UNK]"  # how Keras' TextVectorization names a word outside its vocabulary

# the "order matters" demo: the same eleven words, the two clauses swapped
ORDER_DEMO = {
    "Mess first, glorious finale": "The first hour is a mess, but the finale is glorious.",
    "Glorious first, messy finale": "The first hour is glorious, but the finale is a mess.",
}


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


def readings_summary(
    words: list[str], readings, bias: float, p_positive: float, pooled: bool = False
) -> str:
    """One plain-English paragraph on the LSTM's per-word readings and the score they make.

    Every number is shown to two decimals and the shown numbers add up; the words it names are
    ones the diagram draws, and a strongest reading hidden in the diagram's gap is named with its
    position. ``pooled``: each reading is a word's score weighted by its attention share (the
    order-aware model), not an output added up as it is.
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
    if pooled:
        text = (
            f"{where} the LSTM gave a score, weighted by how much attention the model pays to "
            f"that word (the weights add up to 1). These readings add up to {_signed(total)}, "
            f"{with_article(f'{p_positive:.0%}')} chance of positive (a total of 0 would mean "
            "50%)."
        )
    else:
        text = (
            f"{where} the LSTM wrote out a reading. They add up to {_signed(total)}; with the "
            f"model's starting point of {_signed(start)} that makes {_signed(total + start)}, "
            f"{with_article(f'{p_positive:.0%}')} chance of positive (a total of 0 would mean "
            "50%)."
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


def _percent_pair(before: float, after: float) -> tuple[str, str]:
    """Two chances as percentages, with one decimal when whole percents would read the same."""
    digits = 0 if f"{before:.0%}" != f"{after:.0%}" else 1
    return f"{before:.{digits}%}", f"{after:.{digits}%}"


def _cells(count: int, units: int) -> str:
    return f"{count} of its {units} memory cells" if units > 1 else f"{count} of its 1 memory cell"


def _cell_names(cells: list[int]) -> str:
    return _listed([str(cell + 1) for cell in cells])


def word_memory_reading(trace, step: int) -> str:
    """One sentence on what the memory did at word ``step`` (0-based) of a
    :class:`core.sentiment.memory.MemoryTrace`: score before and after, share kept, cells
    written over and the cells that moved most."""
    word = trace.words[step]
    before = 0.5 if step == 0 else float(trace.running[step - 1])
    old, new = _percent_pair(before, float(trace.running[step]))
    written = int(trace.overwritten()[step].sum())
    moved = trace.changed_most(step, min(3, trace.units))
    start = (
        f"After “{word}” the score went from {old} to {new}"
        if step
        else f"After its first word, “{word}”, the score went from the even 50% to {new}"
    )
    carried = (
        f"the LSTM kept {trace.kept_share()[step]:.0%} of its memory on average and wrote over"
        if step
        else "the LSTM started with an empty memory and wrote into"
    )
    return (
        f"{start}: {carried} {_cells(written, trace.units)}; "
        f"cell{'s' if len(moved) > 1 else ''} {_cell_names(moved)} moved most."
    )


def turning_point_reading(trace) -> str:
    """Where the verdict turned (or moved most), in one or two plain sentences."""
    if not trace.words:
        return "The review has no words the model could read, so its memory stays empty."
    step = trace.turning_point()
    if step is None:
        return (
            f"With one word there is no turn to see: the LSTM wrote “{trace.words[0]}” into its "
            f"memory and scored it {trace.p_positive:.0%} positive."
        )
    side = "positive" if trace.running[step] >= 0.5 else "negative"
    lead = (
        f"The verdict turned {side} at word {step + 1}, “{trace.words[step]}”, and stayed there."
        if trace.crossed(step)
        else f"The score never changed sides after the first word; its biggest move came at word "
        f"{step + 1}, “{trace.words[step]}”"
        + (
            f" (leaving out the first two words: the {trace.running[0]:.0%} after "
            f"“{trace.words[0]}” is mostly where the model starts, not a reading of that word)."
            if step > 1
            else "."
        )
    )
    return f"{lead} {word_memory_reading(trace, step)}"


def memory_summary(trace) -> str:
    """How much the LSTM carried from word to word over the whole review, and where least."""
    if not trace.words:
        return ""
    text = (
        f"The LSTM read {len(trace.words):,} word{'s' if len(trace.words) > 1 else ''} with "
        f"{trace.units} memory cells."
    )
    if len(trace.words) == 1:
        return text + " With one word its memory had nothing to carry over."
    # the memory is empty before the first word, so only the later words carry anything over
    kept = trace.kept_share()[1:]
    least = int(kept.argmin()) + 1
    return (
        f"{text} From one word to the next it kept {kept.mean():.0%} of its memory on average "
        "(the forget gate: 100% would keep everything); it kept least at "
        f"“{trace.words[least]}” (word {least + 1}, {kept[least - 1]:.0%})."
    )


def memory_table_rows(trace) -> list[dict]:
    """One row per word for the word-by-word table: the score after it, share kept, cells
    written over and the cells that moved most (numbered from 1)."""
    overwritten = trace.overwritten().sum(axis=1)
    kept = trace.kept_share()
    return [
        {
            "word": f"{step + 1}. {word}",
            "score after it": f"{trace.running[step]:.0%}",
            # before the first word the memory is empty: there is nothing to keep yet
            "memory kept": f"{kept[step]:.0%}" if step else "— (starts empty)",
            "cells written over": f"{int(overwritten[step])} of {trace.units}",
            "cells that moved most": _cell_names(trace.changed_most(step, min(3, trace.units))),
        }
        for step, word in enumerate(trace.words)
    ]


def bag_of_words(words: list[str]) -> Counter:
    """The words as a bag: each word and how often it appears, their order thrown away."""
    return Counter(words)


def bag_text(words: list[str]) -> str:
    """The bag of words as a reader can check it: alphabetical, repeats counted (``the ×2``)."""
    bag = bag_of_words(words)
    return ", ".join(
        word if count == 1 else f"{word} ×{count}" for word, count in sorted(bag.items())
    )


def order_reading(
    names: tuple[str, str], words: tuple[list[str], list[str]], chances: tuple[float, float]
) -> str:
    """What the "order matters" demo shows: a bag of words must score both alike when the words
    are the same; the LSTM's two scores, and whether it told them apart."""
    (first, second), (p_first, p_second) = names, chances
    if bag_of_words(words[0]) != bag_of_words(words[1]):
        return (
            f"“{first}” and “{second}” do not use exactly the same words, so this pair cannot "
            "show the difference order alone makes."
        )
    label = ("negative", "positive")
    told_apart = (p_first >= 0.5) != (p_second >= 0.5)
    text = (
        f"Both reviews hold exactly the same {len(words[0])} words, so any bag-of-words model "
        "(one that counts words and ignores their order) must give them the same score. "
        f"The LSTM reads in order and gives “{first}” {p_first:.0%} ({label[p_first >= 0.5]}) "
        f"and “{second}” {p_second:.0%} ({label[p_second >= 0.5]}): "
    )
    if told_apart:
        return text + "word order alone changed its verdict."
    gap = abs(p_first - p_second)
    return text + (
        f"the same verdict both times, {gap:.0%} apart; order moved its score but did not "
        "change its mind."
    )
