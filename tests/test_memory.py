"""The NumPy re-run of the LSTM (core.sentiment.memory) against Keras, and its summaries."""

import keras
import numpy as np
import pytest

from core.sentiment import memory
from tests.sentiment_contract import contract_model

REVIEWS = [
    "glorious",
    "the first hour is a mess, but the finale is glorious.",
    "the first hour is glorious, but the finale is a mess.",
    " ".join(["the acting is superb, but the story is dull."] * 12),  # more than it reads
    "zzqx unknown words only",
]


@pytest.fixture(scope="module")
def model():
    return contract_model(epochs=2)


@pytest.mark.parametrize("text", REVIEWS)
def test_the_numpy_rerun_equals_keras_and_ends_on_the_models_score(model, text):
    trace = model.memory_trace(text)
    total, words, keep = model.words_read(text)
    assert trace.words == words and trace.total_words == total and trace.keep == keep
    from core.sentiment.scoring import lstm_outputs_model

    hidden = np.asarray(lstm_outputs_model(model.model_)(np.array([text])))[0][: len(words)]
    assert trace.hidden.shape == (len(words), 8)
    assert np.abs(trace.hidden - hidden).max() < 1e-5
    assert abs(trace.running[-1] - model.predict_proba([text])[0]) < 1e-5
    assert abs(trace.p_positive - model.predict_proba([text])[0]) < 1e-5
    # gates are shares, and the cell state follows c = f·c_prev + i·g exactly
    for gate in (trace.input_gate, trace.forget_gate, trace.output_gate):
        assert gate.min() >= 0 and gate.max() <= 1
    rebuilt = trace.forget_gate * trace.previous_cell() + trace.written()
    assert np.allclose(rebuilt, trace.cell)


def test_an_empty_review_has_no_steps_and_a_coin_toss(model):
    trace = model.memory_trace("")
    assert trace.words == [] and trace.cell.shape == (0, 8) and len(trace.running) == 0
    assert trace.p_positive == 0.5 == pytest.approx(model.predict_proba([""])[0])
    assert trace.turning_point() is None


def test_the_running_score_is_what_the_model_says_of_each_prefix(model):
    text = "the first hour is a mess, but the finale is glorious."
    trace = model.memory_trace(text)
    prefixes = [" ".join(trace.words[: t + 1]) for t in range(len(trace.words))]
    assert np.allclose(trace.running, model.predict_proba(prefixes), atol=1e-5)


def test_readings_of_the_attention_model_add_up_and_run_like_the_trace(model):
    text = "the first hour is glorious, but the finale is a mess."
    readings, trace = model.readings(text), model.memory_trace(text)
    assert abs(readings.p_positive - model.predict_proba([text])[0]) < 1e-5
    assert np.allclose(readings.running_probability(), trace.running, atol=1e-5)
    assert readings.bias == 0.0 and len(readings.readings) == len(trace.words)
    assert model.readings("").readings.size == 0


def test_a_model_without_the_contract_layers_has_no_memory_view():
    review = keras.Input(shape=(1,))
    plain = keras.Model(review, keras.layers.Dense(1, name="p_positive")(review))
    assert not memory.has_memory_layers(plain)


def test_an_lstm_the_rerun_cannot_reproduce_is_refused_with_a_reason(model):
    config = model.model_.get_layer("lstm").get_config()

    class Layer:
        def get_config(self):
            return {**config, "activation": "relu", "go_backwards": True}

    class Odd:
        def get_layer(self, name):
            return Layer() if name == "lstm" else model.model_.get_layer(name)

    with pytest.raises(ValueError, match="activation='relu', go_backwards=True. Retrain"):
        memory.cell_weights(Odd())


def fake_trace(running, forget, written, previous_cell=None) -> memory.MemoryTrace:
    """A trace with chosen running scores, forget gates and writes (candidate = 1)."""
    running, forget, written = (np.asarray(x, dtype=float) for x in (running, forget, written))
    cell = np.zeros_like(forget)
    previous = np.zeros(forget.shape[1]) if previous_cell is None else previous_cell
    for step in range(len(forget)):
        previous = cell[step] = forget[step] * previous + written[step]
    zeros = np.zeros(len(running))
    return memory.MemoryTrace(
        words=[f"w{i}" for i in range(len(running))],
        total_words=len(running),
        keep="last",
        hidden=np.tanh(cell),
        cell=cell,
        input_gate=written,
        forget_gate=forget,
        output_gate=np.ones_like(forget),
        candidate=np.ones_like(forget),
        scores=zeros,
        attention=zeros,
        running=running,
        p_positive=float(running[-1]) if len(running) else 0.5,
    )


def test_turning_point_is_the_last_crossing_else_the_biggest_move():
    assert fake_trace([0.4, 0.3, 0.8, 0.9], np.ones((4, 2)), np.zeros((4, 2))).turning_point() == 2
    crossed_twice = fake_trace([0.6, 0.3, 0.7, 0.2], np.ones((4, 2)), np.zeros((4, 2)))
    assert crossed_twice.turning_point() == 3 and crossed_twice.crossed(3)
    never = fake_trace([0.6, 0.62, 0.95, 0.9], np.ones((4, 2)), np.zeros((4, 2)))
    assert never.turning_point() == 2 and not never.crossed(2) and not never.crossed(None)
    assert fake_trace([0.7], np.ones((1, 2)), np.zeros((1, 2))).turning_point() is None


def test_kept_overwritten_and_changed_most():
    forget = [[1.0, 1.0, 1.0], [0.9, 0.1, 1.0]]
    written = [[0.5, 0.5, 0.05], [0.0, -0.4, 0.02]]
    trace = fake_trace([0.5, 0.5], forget, written)
    assert trace.kept_share().tolist() == pytest.approx([1.0, 2.0 / 3.0])
    # word 1: cells 1 and 2 get big writes into empty memory, cell 3 a tiny one
    # word 2: cell 2 forgets 90 % and gets −0.4, more than the 0.05 it kept
    assert trace.overwritten().tolist() == [[True, True, False], [False, True, False]]
    assert trace.changed_most(1, 2) == [1, 0]


# plain-English readings (core.sentiment.explain) -----------------------------------------------


def test_turning_point_reading_names_the_word_the_scores_and_the_cells():
    from core.sentiment import explain

    forget = [[1.0] * 4, [0.9] * 4, [0.1, 0.1, 1.0, 1.0]]
    written = [[0.5, 0.5, 0.0, 0.0], [0.0] * 4, [-0.6, -0.7, 0.01, 0.0]]
    trace = fake_trace([0.6, 0.31, 0.88], forget, written)
    text = explain.turning_point_reading(trace)
    assert text.startswith("The verdict turned positive at word 3, “w2”, and stayed there.")
    assert "After “w2” the score went from 31% to 88%" in text
    assert "kept 55% of its memory on average and wrote over 2 of its 4 memory cells" in text
    assert "cells 2, 1 and 3 moved most." in text


def test_readings_never_show_the_same_percent_twice_and_cover_odd_reviews():
    from core.sentiment import explain

    close = fake_trace([0.6, 0.499, 0.502], np.ones((3, 1)), np.zeros((3, 1)))
    assert "from 49.9% to 50.2%" in explain.turning_point_reading(close)
    assert "1 memory cell" in explain.turning_point_reading(close)
    steady = fake_trace([0.6, 0.7, 0.95, 0.9], np.ones((4, 2)), np.zeros((4, 2)))
    assert "never changed sides after the first word; its biggest move came at word 3" in (
        explain.turning_point_reading(steady)
    )
    one = fake_trace([0.8], np.ones((1, 2)), np.zeros((1, 2)))
    assert "With one word there is no turn to see" in explain.turning_point_reading(one)
    empty = fake_trace([], np.ones((0, 2)), np.zeros((0, 2)))
    assert "no words the model could read" in explain.turning_point_reading(empty)
    assert explain.memory_summary(empty) == "" and explain.memory_table_rows(empty) == []


def test_memory_summary_and_table_follow_the_trace():
    from core.sentiment import explain

    trace = fake_trace([0.4, 0.7], [[1.0, 1.0], [0.2, 0.6]], [[0.5, 0.3], [0.0, 0.0]])
    summary = explain.memory_summary(trace)
    assert "read 2 words with 2 memory cells" in summary
    # the first word has no memory to keep: only word 2's 40% counts
    assert "kept 40% of its memory on average" in summary
    assert "kept least at “w1” (word 2, 40%)" in summary
    rows = explain.memory_table_rows(trace)
    assert rows[0]["memory kept"] == "— (starts empty)"
    assert rows[1] == {
        "word": "2. w1",
        "score after it": "70%",
        "memory kept": "40%",
        "cells written over": "0 of 2",
        "cells that moved most": "1 and 2",
    }


def test_order_demo_pair_uses_the_same_words_and_the_reading_says_what_that_means(model):
    from core.sentiment import explain

    names = tuple(explain.ORDER_DEMO)
    texts = tuple(explain.ORDER_DEMO.values())
    words = tuple(model.words_read(text)[1] for text in texts)
    assert words[0] != words[1] and explain.bag_of_words(words[0]) == explain.bag_of_words(words[1])
    assert explain.bag_text(words[0]).startswith("a, but, finale, first, glorious, hour, is ×2")
    flipped = explain.order_reading(names, words, (0.9, 0.2))
    assert "hold exactly the same 11 words" in flipped
    assert "must give them the same score" in flipped
    assert f"gives “{names[0]}” 90% (positive) and “{names[1]}” 20% (negative)" in flipped
    assert flipped.endswith("word order alone changed its verdict.")
    same = explain.order_reading(names, words, (0.9, 0.7))
    assert same.endswith("20% apart; order moved its score but did not change its mind.")
    other = explain.order_reading(names, (words[0], words[1][:-1]), (0.9, 0.2))
    assert "do not use exactly the same words" in other


# charts (core.sentiment.charts) ------------------------------------------------------------------


def test_running_score_puts_the_words_on_the_axis_and_marks_the_turn():
    from core.sentiment import charts

    words = ["the", "film", "is", "not", "bad"]
    figure = charts.running_score(words, [0.5, 0.52, 0.5, 0.2, 0.8], turn=4)
    assert list(figure.layout.xaxis.ticktext) == words
    assert list(figure.data[0].y) == pytest.approx([50, 52, 50, 20, 80])
    assert figure.layout.annotations[0].text == "turned at “bad”"
    long = charts.running_score([f"w{i}" for i in range(600)], np.linspace(0, 1, 600))
    ticks = list(long.layout.xaxis.ticktext)
    assert len(ticks) <= charts.MAX_WORD_TICKS and ticks[:2] == ["1", "16"]
    assert long.layout.meta["words"] == 600 and not long.layout.annotations
    moved = charts.running_score(words, [0.6, 0.7, 0.9, 0.95, 0.9], turn=2, crossed=False)
    assert moved.layout.annotations[0].text == "biggest move: “is”"


def test_memory_heatmap_has_a_row_per_cell_and_a_column_per_word():
    from core.sentiment import charts

    values = np.array([[0.1, -0.9, 0.0], [0.5, 0.2, 2.0]])  # 2 words × 3 cells
    figure = charts.memory_heatmap(["not", "bad"], values)
    heat = figure.data[0]
    assert np.asarray(heat.z).shape == (3, 2) and heat.z[2][1] == 2.0
    assert (heat.zmin, heat.zmid, heat.zmax) == (-2.0, 0, 2.0)  # symmetric: 0 sits mid-scale
    kept = charts.memory_heatmap(["not", "bad"], [[1.0, 0.0, 0.5], [0.2, 0.9, 0.4]], "forget")
    assert (kept.data[0].zmin, kept.data[0].zmax) == (0, 1) and kept.data[0].reversescale
    assert "kept" in kept.data[0].hovertemplate and kept.data[0].colorbar.tickformat == ".0%"
    assert heat.xgap == 1
    long = charts.memory_heatmap([f"w{i}" for i in range(600)], np.zeros((600, 24)))
    assert long.data[0].xgap == 0 and long.layout.meta["cells"] == 24
    assert long.data[0].zmax == 1.0  # an all-zero memory still gets a scale
    with pytest.raises(ValueError, match="view is 'gates'; use one of cell, forget."):
        charts.memory_heatmap(["a"], [[0.0]], "gates")


def test_readings_summary_of_an_attention_pooled_model_has_no_starting_point():
    from core.sentiment import explain

    text = explain.readings_summary(["not", "bad"], [-0.2, 0.9], 0.0, 0.67, pooled=True)
    assert "weighted by how much attention the model pays to that word" in text
    assert "add up to +0.70, a 67% chance of positive" in text and "starting point" not in text


def test_the_rerun_matches_a_real_lstm_that_reads_n_gram_evidence_beside_the_words():
    from core.sentiment import load_model
    from core.sentiment.scoring import lstm_inputs_model, lstm_outputs_model

    shipped = load_model()  # whatever shape ships, its LSTM reads the same kind of inputs
    lstm = shipped.model_.get_layer("lstm")
    kernel, recurrent_kernel, bias = lstm.get_weights()
    units = recurrent_kernel.shape[0]
    weights = memory.CellWeights(
        kernel, recurrent_kernel, bias, np.zeros(units), 0.0, np.zeros(units), 0.0
    )
    text = "I expected to hate it, but honestly it was not bad at all. " * 8
    words = shipped.words_read(text)[1]
    inputs = np.asarray(lstm_inputs_model(shipped.model_)(np.array([text])))[0][: len(words)]
    hidden = np.asarray(lstm_outputs_model(shipped.model_)(np.array([text])))[0][: len(words)]
    assert len(words) > 100
    assert np.abs(memory.run_cell(inputs, weights)["hidden"] - hidden).max() < 1e-5


def test_the_first_word_is_not_said_to_keep_any_memory():
    from core.sentiment import explain

    trace = fake_trace([0.8, 0.7], [[0.9, 0.9], [0.5, 0.5]], [[0.5, 0.3], [0.0, 0.0]])
    first = explain.word_memory_reading(trace, 0)
    assert "kept" not in first and "started with an empty memory and wrote into" in first
    assert "kept 50% of its memory on average" in explain.word_memory_reading(trace, 1)
    one = fake_trace([0.8], [[0.9, 0.9]], [[0.5, 0.3]])
    assert explain.memory_summary(one).endswith("its memory had nothing to carry over.")


def test_readings_summary_puts_an_before_an_eighty_something_percent():
    from core.sentiment import explain

    text = explain.readings_summary(["not", "bad"], [0.9, 1.2], 0.0, 0.89, pooled=True)
    assert "an 89% chance of positive" in text and "a 89%" not in text


def test_the_biggest_move_is_not_the_move_away_from_the_first_words_starting_lean():
    from core.sentiment import explain

    # "The film was not bad.": 80% after "the" is the model's starting lean; "film" moves away
    # from it most, but the reading should point at a later word
    running = [0.80, 0.91, 0.907, 0.884, 0.886]
    trace = fake_trace(running, np.ones((5, 2)), np.zeros((5, 2)))
    assert trace.turning_point() == 3
    text = explain.turning_point_reading(trace)
    assert text.startswith("The score never changed sides after the first word; its biggest move")
    assert "came at word 4, “w3” (leaving out the first two words: the 80% after “w0”" in text
    assert "After “w3” the score went from 91% to 88%" in text
    two = fake_trace([0.80, 0.6], np.ones((2, 1)), np.zeros((2, 1)))
    assert two.turning_point() == 1  # with two words the second word's move is the only one
    assert "biggest move came at word 2, “w1”." in explain.turning_point_reading(two)
