"""The behavioural suite (core.sentiment.behaviour): its cases, evaluate() and the baselines."""

import hashlib
import json
import math
import subprocess
import sys
from collections import Counter, defaultdict

import numpy as np
import pytest

from core.paths import ROOT
from core.sentiment import load_model
from core.sentiment.__main__ import main as cli
from core.sentiment.behaviour import (
    CATEGORIES,
    HAND_WRITTEN,
    INVARIANCE,
    NEGATION,
    REORDERED,
    SEED,
    TOLERANCE,
    Case,
    build_suite,
    evaluate,
    fit_bag_of_words,
    suite,
    words,
)
from core.sentiment.data import bundled_subset

NEGATION_WORDS = {"not", "never", "no", "nobody", "nothing"}
MINIMAL_CATEGORIES = [name for name, kind in CATEGORIES.items() if kind != INVARIANCE]


def pairs_of(cases, kind=None) -> list[tuple[Case, Case]]:
    members = defaultdict(list)
    for case in cases:
        members[case.pair].append(case)
    return [
        tuple(two)
        for two in members.values()
        if kind is None or CATEGORIES[two[0].category] == kind
    ]


def differs_by_one_negation(one: list[str], other: list[str]) -> bool:
    """One word list is the other with one negation added ("not", "never", ...) or one word
    swapped for its negated contraction ("can" -> "cant" / "cannot", "did" -> "didnt")."""
    shorter, longer = sorted((one, other), key=len)
    if len(longer) == len(shorter) + 1:
        return any(
            longer[i] in NEGATION_WORDS and longer[:i] + longer[i + 1 :] == shorter
            for i in range(len(longer))
        )
    changed = [(a, b) for a, b in zip(one, other, strict=False) if a != b]
    if len(one) != len(other) or len(changed) != 1:
        return False
    a, b = changed[0]
    return b in (a + "nt", a + "not") or a in (b + "nt", b + "not")


def shared_length(one: list[str], other: list[str]) -> int:
    """How many words the two lists share at the start."""
    return next(
        (i for i, (a, b) in enumerate(zip(one, other, strict=False)) if a != b),
        min(len(one), len(other)),
    )


def fingerprint(cases) -> str:
    return hashlib.sha256(repr(list(cases)).encode()).hexdigest()


# the suite ---------------------------------------------------------------------------------------


def test_the_suite_has_every_category_with_generated_and_hand_written_pairs():
    cases = suite()
    generated = [case for case in cases if not case.pair.startswith(HAND_WRITTEN)]
    hand_written = [case for case in cases if case.pair.startswith(HAND_WRITTEN)]
    assert len(generated) >= 200 and len(hand_written) >= 40
    assert {case.category for case in cases} == set(CATEGORIES)
    assert {case.category for case in hand_written} == set(CATEGORIES)
    assert min(Counter(case.category for case in cases).values()) >= 30
    assert len({case.text for case in cases}) == len(cases), "a sentence appears twice"
    assert all(case.label in (0, 1) for case in cases)
    for first, second in pairs_of(cases):
        assert first.category == second.category and first.text != second.text


def test_reordered_pairs_have_the_same_words_in_another_order_and_opposite_labels():
    pairs = pairs_of(suite(), REORDERED)
    assert len(pairs) >= 90
    for first, second in pairs:
        assert Counter(words(first.text)) == Counter(words(second.text)), first.text
        assert words(first.text) != words(second.text), first.text
        assert {first.label, second.label} == {0, 1}, first.text


def test_negation_pairs_differ_by_one_negation_and_have_opposite_labels():
    pairs = pairs_of(suite(), NEGATION)
    assert len(pairs) >= 90
    for first, second in pairs:
        assert differs_by_one_negation(words(first.text), words(second.text)), (first, second)
        assert {first.label, second.label} == {0, 1}, first.text


def test_the_negation_check_itself_tells_a_negation_from_other_edits():
    assert differs_by_one_negation(words("It was good."), words("It was not good."))
    assert differs_by_one_negation(words("I can say so."), words("I cannot say so."))
    assert differs_by_one_negation(words("I did like it."), words("I didn't like it."))
    assert not differs_by_one_negation(words("It was good."), words("It was bad."))
    assert not differs_by_one_negation(words("It was good."), words("It was very good."))
    assert not differs_by_one_negation(words("Not good."), words("It was not not good."))


def test_invariance_pairs_keep_the_label_and_change_only_what_they_name():
    for first, second in pairs_of(suite(), INVARIANCE):
        assert first.label == second.label, first.text
        one, other = words(first.text), words(second.text)
        if first.category == "invariance_punctuation":
            assert one == other and first.text != second.text, first.text
            continue
        # a name or title swapped: around it the words stay; it is one to four words long
        kept = shared_length(one, other) + shared_length(one[::-1], other[::-1])
        for side in (one, other):
            assert 1 <= len(side) - kept <= 4, (first.text, second.text)


def test_the_suite_is_the_same_in_every_process_and_follows_its_seed():
    build_suite.cache_clear()
    first = build_suite()
    build_suite.cache_clear()
    assert build_suite() == first
    other = build_suite(SEED + 1)
    assert len(other) == len(first) and other != first
    # a new process with another string-hash seed builds exactly the same sentences
    script = (
        "import hashlib; from core.sentiment.behaviour import suite; "
        "print(hashlib.sha256(repr(suite()).encode()).hexdigest())"
    )
    for hash_seed in ("1", "2"):
        result = subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env={"PYTHONHASHSEED": hash_seed, "PATH": ""},
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        assert result.stdout.strip() == fingerprint(first)


def test_words_are_the_words_the_model_reads():
    import tensorflow as tf

    from core.sentiment.model import standardize_review

    texts = [case.text for case in suite()]
    standardized = standardize_review(tf.constant(texts)).numpy()
    for text, model_text in zip(texts, standardized, strict=True):
        assert model_text.decode().split() == words(text), text


# evaluate() --------------------------------------------------------------------------------------


def labelled(cases, right) -> dict[str, float]:
    """Scores that are right (0.9 / 0.1) where ``right(case, side)`` says so, else wrong."""
    scores = {}
    seen = set()
    for case in cases:
        side = int(case.pair in seen)
        seen.add(case.pair)
        correct = right(case, side)
        scores[case.text] = 0.9 if (case.label == 1) == correct else 0.1
    return scores


def stub(scores: dict[str, float]):
    return lambda texts: np.array([scores[text] for text in texts])


def test_a_model_right_on_every_first_side_only_gets_no_pair_right():
    cases = suite()
    report = evaluate(stub(labelled(cases, lambda case, side: side == 0)), cases)
    for name, category in report["categories"].items():
        assert category["sentences_right"]["share"] == 0.5, name
        assert category["pairs_both_right"]["count"] == 0, name
        if CATEGORIES[name] == INVARIANCE:
            assert category["invariance_held"]["count"] == 0, name
    minimal_pairs = len(pairs_of(cases)) - len(pairs_of(cases, INVARIANCE))
    assert report["overall"]["pairs_both_right"] == {
        "share": 0.0,
        "count": 0,
        "n": minimal_pairs,
        "low": 0.0,
        "high": pytest.approx(3.8415 / (minimal_pairs + 3.8415), abs=1e-4),
    }
    assert report["overall"]["sentences_right"]["n"] == 2 * minimal_pairs
    assert report["invariance_held"]["count"] == 0
    hand_written = sum(1 for case in cases if case.pair.startswith(HAND_WRITTEN))
    hand_invariance = sum(
        1
        for case in cases
        if case.pair.startswith(HAND_WRITTEN) and CATEGORIES[case.category] == INVARIANCE
    )
    assert report["hand_written"]["pairs_both_right"]["count"] == 0
    assert report["hand_written"]["sentences_right"]["n"] == hand_written - hand_invariance


def test_a_model_right_everywhere_gets_every_rate_full():
    cases = suite()
    report = evaluate(stub(labelled(cases, lambda case, side: True)), cases)
    assert report["overall"]["pairs_both_right"]["share"] == 1.0
    assert report["overall"]["sentences_right"]["share"] == 1.0
    assert report["invariance_held"]["share"] == 1.0
    # its two sides of a reordered pair get 0.9 and 0.1: not "scored alike"
    assert report["overall"]["reordered_pairs_scored_alike"]["count"] == 0
    assert set(report["categories"]) == set(CATEGORIES)


def wilson(count: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    share = count / n
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def test_counts_and_intervals_on_a_small_suite():
    cases = [
        Case("good, but bad", 0, "contrast", "c1"),
        Case("bad, but good", 1, "contrast", "c1"),
        Case("dull, but fun", 1, "contrast", "c2"),
        Case("fun, but dull", 0, "contrast", "c2"),
        Case("it was good", 1, "negation_of_positive", "n1"),
        Case("it was not good", 0, "negation_of_positive", "n1"),
        Case("Ann is great", 1, "invariance_names", "i1"),
        Case("Bob is great", 1, "invariance_names", "i1"),
        Case("Cal is fine", 1, "invariance_names", "i2"),
        Case("Dee is fine", 1, "invariance_names", "i2"),
    ]
    scores = [0.2, 0.8, 0.3, 0.1, 0.7, 0.4, 0.80, 0.75, 0.9, 0.6]  # c2's first side is wrong
    report = evaluate(lambda texts: scores, cases)
    contrast = report["categories"]["contrast"]
    assert (contrast["sentences_right"]["count"], contrast["sentences_right"]["n"]) == (3, 4)
    assert (contrast["pairs_both_right"]["count"], contrast["pairs_both_right"]["n"]) == (1, 2)
    overall = report["overall"]
    assert overall["pairs_both_right"]["share"] == pytest.approx(2 / 3, abs=1e-4)
    assert overall["sentences_right"]["share"] == pytest.approx(5 / 6, abs=1e-4)
    low, high = wilson(5, 6)
    assert overall["sentences_right"]["low"] == pytest.approx(low, abs=1e-4)
    assert overall["sentences_right"]["high"] == pytest.approx(high, abs=1e-4)
    # both invariance pairs are right on both sides; only i1 stays within the tolerance
    names = report["categories"]["invariance_names"]
    assert names["pairs_both_right"]["count"] == 2
    assert (names["invariance_held"]["count"], names["invariance_held"]["n"]) == (1, 2)
    assert report["invariance_held"]["count"] == 1
    assert report["cases"] == 10 and report["pairs"] == 5 and report["tolerance"] == TOLERANCE


def test_invariance_needs_the_same_label_as_well_as_close_scores():
    cases = [
        Case("Ann is fine", 1, "invariance_names", "i"),
        Case("Bo is fine", 1, "invariance_names", "i"),
    ]
    assert evaluate(lambda texts: [0.52, 0.48], cases)["invariance_held"]["count"] == 0
    assert evaluate(lambda texts: [0.58, 0.52], cases)["invariance_held"]["count"] == 1
    assert evaluate(lambda texts: [0.35, 0.30], cases)["invariance_held"]["count"] == 1


def test_evaluate_explains_bad_input():
    one = Case("good", 1, "contrast", "p")
    with pytest.raises(ValueError, match="No cases"):
        evaluate(lambda texts: [], [])
    with pytest.raises(ValueError, match="exactly two cases"):
        evaluate(lambda texts: [0.9], [one])
    pair = [one, Case("bad", 0, "contrast", "p")]
    with pytest.raises(ValueError, match="returned 1 scores for 2 texts"):
        evaluate(lambda texts: [0.9], pair)
    with pytest.raises(ValueError, match=r"Unknown categories \['sarcasm'\]"):
        evaluate(lambda texts: [0.9, 0.1], [one, Case("bad", 0, "sarcasm", "p")])


# baselines and the CLI ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bag_of_words():
    texts, labels = bundled_subset(800)
    return fit_bag_of_words(texts[:600], labels[:600], texts[600:], labels[600:])


def test_a_bag_of_words_scores_both_sides_of_every_reordered_pair_alike(bag_of_words):
    cases = suite()
    texts = [case.text for case in cases]
    scores = dict(zip(texts, bag_of_words(texts), strict=True))
    for first, second in pairs_of(cases, REORDERED):
        assert scores[first.text] == pytest.approx(scores[second.text], rel=0, abs=1e-12)
    # it does tell the sides of a negation pair apart, so the equality above is about order
    assert any(scores[one.text] != scores[other.text] for one, other in pairs_of(cases, NEGATION))
    report = evaluate(bag_of_words, cases)
    assert report["overall"]["reordered_pairs_scored_alike"]["share"] == 1.0
    for name in MINIMAL_CATEGORIES:
        if CATEGORIES[name] == REORDERED:
            assert report["categories"][name]["pairs_both_right"]["count"] == 0


def test_cli_prints_the_shipped_models_report(capsys):
    assert cli(["behaviour"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report["categories"]) == set(CATEGORIES)
    assert report["cases"] == len(suite())
    again = evaluate(load_model().predict_proba)
    assert report["overall"] == again["overall"]


def test_cli_behaviour_explains_a_missing_model(tmp_path, capsys):
    assert cli(["behaviour", "--model", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert "behaviour: error: No sentiment model" in error and error.count("\n") == 1


@pytest.mark.slow
def test_the_shipped_model_reads_word_order():
    """A regression guard, not the issue's target. Issue #14 asks for 75 % of minimal pairs and
    85 % of sentences; the shipped model reaches about 52 % and 73 % (measured by
    ``python -m bench.run --only behaviour``, docs/BENCHMARKS.md), against 5 % of pairs for an
    order-blind bag of words trained on the same texts and 12 % for the model it replaced. A
    model that stops reading order falls back to those numbers and fails here."""
    overall = evaluate(load_model().predict_proba)["overall"]
    assert overall["pairs_both_right"]["share"] >= 0.45, overall
    assert overall["sentences_right"]["share"] >= 0.65, overall
    assert overall["reordered_pairs_scored_alike"]["share"] == 0.0, overall


def test_cli_record_writes_the_report_into_metrics_json_and_keeps_every_other_key(
    tmp_path, capsys, monkeypatch
):
    import shutil

    import core.sentiment.behaviour as behaviour

    shipped = ROOT / "data" / "models" / "sentiment"
    for name in ("sentiment.keras", "metrics.json"):
        shutil.copy(shipped / name, tmp_path / name)
    before = json.loads((tmp_path / "metrics.json").read_text())
    # fitting the baselines on the full training data takes minutes: a stand-in records its call
    asked = []
    monkeypatch.setattr(
        behaviour, "baselines", lambda model_dir, log: asked.append(model_dir) or {"stub": 1}
    )
    assert cli(["behaviour", "--model", str(tmp_path), "--record"]) == 0
    printed = json.loads(capsys.readouterr().out)
    after = json.loads((tmp_path / "metrics.json").read_text())
    assert asked == [tmp_path]
    kept = [key for key in before if key != "behaviour"]
    assert kept and {key: after[key] for key in kept} == {key: before[key] for key in kept}
    recorded = after["behaviour"]
    assert recorded["command"] == "python -m core.sentiment behaviour --record"
    assert recorded["baselines"] == {"stub": 1}
    assert recorded["overall"] == printed["overall"]
    assert set(recorded["categories"]) == set(CATEGORIES)
    assert "model" not in recorded


def test_the_baselines_learn_from_the_shipped_lstms_own_training_and_validation_texts():
    from core.sentiment import load_metrics
    from core.sentiment.behaviour import shipped_training_data

    texts, labels, validation_texts, validation_labels, settings, described = (
        shipped_training_data()
    )
    recorded = load_metrics()["data"]
    assert len(texts) == len(labels) == recorded["n_train"]
    assert len(validation_texts) == len(validation_labels) == recorded["n_validation"]
    assert f"{recorded['n_train']:,}" in described
    assert set(np.unique(labels)) == {0, 1}
    assert settings.to_dict() == load_metrics()["settings"]
