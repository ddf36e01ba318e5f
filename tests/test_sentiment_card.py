"""The model card's statistics and plain-English readings, each in both directions."""

import math

import numpy as np
import pytest

from core.sentiment import card, load_metrics
from core.sentiment.metrics import (
    accuracy_interval,
    mcnemar_p_value,
    paired_counts,
)


def wilson_by_hand(correct: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    share = correct / n
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


@pytest.mark.parametrize(("correct", "n"), [(2295, 2500), (9, 10), (0, 20), (20, 20)])
def test_accuracy_interval_is_wilsons(correct, n):
    low, high = accuracy_interval(correct / n, n)
    assert (low, high) == pytest.approx(wilson_by_hand(correct, n), abs=1e-9)
    assert 0.0 <= low <= correct / n <= high <= 1.0


def test_accuracy_interval_needs_reviews():
    with pytest.raises(ValueError, match="at least one review"):
        accuracy_interval(0.5, 0)


def test_mcnemar_is_the_exact_binomial_test_on_the_disagreements():
    assert mcnemar_p_value(0, 0) == 1.0
    assert mcnemar_p_value(10, 0) == pytest.approx(2 * 0.5**10)
    assert mcnemar_p_value(0, 10) == pytest.approx(2 * 0.5**10)
    assert mcnemar_p_value(7, 7) == pytest.approx(1.0)
    assert mcnemar_p_value(30, 10) < 0.05 < mcnemar_p_value(12, 10)


def test_paired_counts_go_review_by_review():
    labels = np.array([1, 1, 0, 0, 1])
    first = np.array([0.9, 0.8, 0.2, 0.7, 0.1])  # right, right, right, wrong, wrong
    second = np.array([0.9, 0.3, 0.6, 0.2, 0.4])  # right, wrong, wrong, right, wrong
    assert paired_counts(labels, first, second) == {
        "both_right": 1,
        "only_first_right": 2,
        "only_second_right": 1,
        "both_wrong": 1,
    }


def counts(lstm: int, baseline: int, other: str = "baseline") -> dict:
    return {"both_right": 900, "only_lstm_right": lstm, f"only_{other}_right": baseline}


def card_metrics(lstm_only: int, baseline_only: int, paired: bool = True) -> dict:
    n = 1_000
    lstm_accuracy = (900 + lstm_only) / n
    baseline_accuracy = (900 + baseline_only) / n
    baseline = {"n": n, "accuracy": baseline_accuracy, "roc_auc": 0.9}
    if paired:
        baseline[card.PAIRED_KEY] = counts(lstm_only, baseline_only)
    return {"held_out": {"n": n, "accuracy": lstm_accuracy, "roc_auc": 0.9}, "baseline": baseline}


def test_verdict_is_better_worse_or_no_detectable_difference():
    assert card.paired_verdict(counts(60, 20), "baseline").label == "better"
    assert card.paired_verdict(counts(20, 60), "baseline").label == "worse"
    tie = card.paired_verdict(counts(22, 20), "baseline")
    assert tie.label == "no detectable difference" and tie.p_value > 0.5


def test_versus_baseline_says_better_only_when_significant():
    better = card.versus_baseline_reading(card_metrics(60, 20))
    assert "the LSTM gets 40 more right than the TF-IDF" in better
    assert "LSTM alone is right on 60 and the baseline alone on 20" in better
    assert better.endswith("helps: the LSTM is better.")
    worse = card.versus_baseline_reading(card_metrics(20, 60))
    assert "the TF-IDF word-counting baseline gets 40 more right than the LSTM" in worse
    assert worse.endswith("hurts: the LSTM is worse.")
    close = card.versus_baseline_reading(card_metrics(30, 22))
    assert "8 more right" in close and "no detectable difference" in close
    assert "better" not in close and "worse" not in close
    assert "about 1 time in 3 by chance" in close and "p = 0.33" in close


def test_versus_baseline_without_paired_counts_compares_intervals():
    assert "do not overlap" in card.versus_baseline_reading(card_metrics(90, 0, paired=False))
    assert card.versus_baseline_reading(card_metrics(90, 0, paired=False)).endswith("better.")
    assert card.versus_baseline_reading(card_metrics(0, 90, paired=False)).endswith("worse.")
    overlap = card.versus_baseline_reading(card_metrics(30, 22, paired=False))
    assert "intervals overlap, so there is no detectable difference" in overlap


def test_chance_words():
    assert card.chance_words(0.0001) == "less than 1 time in 1,000"
    assert card.chance_words(0.02) == "about 1 time in 50"
    assert card.chance_words(0.8) == "80% of the time"


def test_sst2_rows_put_ours_first_then_ablations_then_published():
    metrics = {
        "sst2_test": {"accuracy": 0.85},
        "ablations": {
            "bag_of_ngrams": {"sst2_test": {"accuracy": 0.8}},
            "tfidf_lr": {"sst2_test": {"accuracy": 0.79}},
        },
        "published_sst2": [{"name": "RNTN (Socher et al. 2013)", "accuracy": 0.854}],
    }
    rows = card.sst2_rows(metrics)
    assert [kind for _, _, kind in rows] == ["ours", "baseline", "baseline", "literature"]
    assert rows[0][1] == 0.85 and rows[-1] == ("RNTN (Socher et al. 2013)", 0.854, "literature")
    assert card.sst2_rows({}) == []


def test_interval_and_session_split_readings():
    text = card.interval_reading(0.918, 2_500)
    low, high = wilson_by_hand(2295, 2500)
    assert f"95 % confidence interval {low:.1%} to {high:.1%}" in text and "2,500 reviews" in text
    split = card.session_split_reading(600, 200, 200)
    assert "learned from 600" in split and "200 more chose" in split
    assert "200 test reviews were set aside first and used for nothing else" in split


def test_shipped_paired_counts_agree_with_the_recorded_accuracies():
    metrics = load_metrics()
    for part in ("held_out", "sst2_test"):
        n = metrics[part]["n"]
        for key, other in (("bag_of_ngrams", "bag_of_ngrams"), ("tfidf_lr", "baseline")):
            ablation = metrics["ablations"][key][part]
            paired = ablation[card.PAIRED_KEY]
            lstm_right = paired["both_right"] + paired["only_lstm_right"]
            other_right = paired["both_right"] + paired[f"only_{other}_right"]
            assert lstm_right + paired[f"only_{other}_right"] + paired["both_wrong"] == n
            assert lstm_right == round(metrics[part]["accuracy"] * n)
            assert other_right == round(ablation["accuracy"] * n)


def test_sst2_reading_gives_the_interval_and_the_published_range():
    metrics = {
        "sst2_test": {"n": 1_821, "accuracy": 0.8396},
        "published_sst2": [
            {"name": "LSTM (Tai et al. 2015)", "accuracy": 0.849},
            {"name": "Tree-LSTM", "accuracy": 0.880},
        ],
    }
    low, high = accuracy_interval(0.8396, 1_821)
    text = card.sst2_reading(metrics)
    assert "1,821 one-sentence reviews" in text and "labelled 84% right" in text
    assert f"95 % interval {low:.1%} to {high:.1%}" in text
    assert "reach 85%–88%" in text
    assert card.sst2_reading({}) is None


def test_published_reading_says_inside_above_or_below_our_interval():
    ours = {"n": 1_000, "accuracy": 0.85}
    assert "no detectable difference" in card.published_reading("A", 0.855, ours)
    above = card.published_reading("B", 0.90, ours)
    assert "5.0 points above ours" in above and "that model is better" in above
    below = card.published_reading("C", 0.80, ours)
    assert "5.0 points below ours" in below and "ours is better" in below


def rate(count: int, n: int) -> dict:
    low, high = accuracy_interval(count / n, n)
    return {"share": count / n, "count": count, "n": n, "low": low, "high": high}


def behaviour_metrics(lstm_pairs: int, lstm_sentences: int) -> dict:
    """A recorded suite with one reordered category, one invariance category and a bag of
    words that never gets a reordered pair right."""
    return {
        "behaviour": {
            "command": "python -m core.sentiment behaviour --record",
            "cases": 80,
            "pairs": 40,
            "overall": {
                "pairs_both_right": rate(lstm_pairs, 30),
                "sentences_right": rate(lstm_sentences, 60),
            },
            "categories": {
                "contrast": {
                    "kind": "reordered",
                    "pairs_both_right": rate(lstm_pairs, 30),
                    "sentences_right": rate(lstm_sentences, 60),
                },
                "invariance_names": {"kind": "invariance", "invariance_held": rate(9, 10)},
            },
            "baselines": {
                "bag_of_words": {
                    "overall": {
                        "pairs_both_right": rate(0, 30),
                        "sentences_right": rate(30, 60),
                    },
                    "categories": {
                        "contrast": {"pairs_both_right": rate(0, 30)},
                        "invariance_names": {"invariance_held": rate(10, 10)},
                    },
                }
            },
        }
    }


def test_behaviour_rows_put_the_lstm_beside_the_baselines_by_category():
    rows = card.behaviour_rows(behaviour_metrics(24, 54))
    assert [row.category for row in rows] == ["contrast", "invariance_names"]
    contrast, names = rows
    assert contrast.measure == "pairs both right" and names.measure == "invariance held"
    assert set(contrast.rates) == {"lstm", "bag_of_words"}
    assert contrast.rates["lstm"]["count"] == 24
    assert "read both sentences of 24 of 30 pairs right (90% of single sentences)" in (
        contrast.reading
    )
    assert "; the bag of words on 0 of 30." in contrast.reading
    assert "can never get both right" in contrast.reading
    assert "kept its verdict, within 10 points, on 9 of 10 pairs" in names.reading
    assert card.rate_text(rate(24, 30)).startswith("80% (")
    assert card.behaviour_rows({}) == []


def test_behaviour_targets_reading_says_met_or_missed():
    met = card.behaviour_targets_reading(behaviour_metrics(24, 54))
    assert "met the 75% target" in met and "met the 85% target" in met
    assert "A bag of words trained on the same texts gets 0% (" in met
    missed = card.behaviour_targets_reading(behaviour_metrics(15, 45))
    assert "missed the 75% target" in missed and "missed the 85% target" in missed
    assert card.behaviour_targets_reading({}) is None


def test_ablation_rows_carry_each_mcnemar_verdict_in_words():
    metrics = {
        "held_out": {"n": 1_000, "accuracy": 0.96},
        "sst2_test": {"n": 1_000, "accuracy": 0.90},
        "ablations": {
            "bag_of_ngrams": {
                "held_out": {"accuracy": 0.92, card.PAIRED_KEY: counts(60, 20, "bag_of_ngrams")},
                "sst2_test": {"accuracy": 0.94, card.PAIRED_KEY: counts(20, 60, "bag_of_ngrams")},
            },
            "tfidf_lr": {
                "held_out": {"accuracy": 0.95, card.PAIRED_KEY: counts(30, 29)},
            },
        },
    }
    rows = card.ablation_rows(metrics)
    assert [(row.part, row.verdict) for row in rows] == [
        ("IMDB held-out reviews", "better"),
        ("SST-2 test sentences", "worse"),
        ("IMDB held-out reviews", "no detectable difference"),
    ]
    assert rows[0].lstm == 0.96 and rows[0].other == 0.92
    assert rows[0].other_interval == pytest.approx(accuracy_interval(0.92, 1_000))
    assert "reading in order helps: the LSTM is better." in rows[0].reading
    assert "reading in order hurts" in rows[1].reading
    assert "TF-IDF + LR alone on 29" in rows[2].reading
    assert "no detectable difference between them" in rows[2].reading
    assert card.ablation_rows({}) == []


def test_shipped_model_name_lists_every_training_source_from_metrics():
    metrics = {
        "data": {
            "n_train_by_source": {"imdb": 1234, "rotten_tomatoes": 56, "sst_phrase": 7890},
            "n_made_up_examples": 400,
        }
    }
    assert card.shipped_model_name(metrics) == (
        "the shipped model (trained on 1,234 IMDB reviews, 7,890 Stanford Sentiment Treebank "
        "phrases, 56 Rotten Tomatoes sentences and 400 made-up contrast and negation examples)"
    )
    assert card.shipped_model_name(None) == "the shipped model"


def test_stopped_reading_says_how_far_training_got_and_which_epoch_it_kept():
    report = {
        "stopped": True,
        "history": {"loss": [0.7, 0.6, 0.5], "val_loss": [0.69, 0.61, 0.64]},
        "settings": {"epochs": 10},
    }
    assert card.stopped_reading(report) == (
        "Training was stopped after 3 of 10 epochs; the model keeps epoch 2, the best on "
        "validation reviews."
    )
    assert card.stopped_reading({**report, "stopped": False}) is None
