"""Smoke test of the benchmarks: the forecast part on a small slice, and the report built from it.

No timing thresholds: the test checks the structure and that every ratio is computed from values
measured in the same run.
"""

import math

import numpy as np
import pytest

from bench import forecast_bench, report, sentiment_bench
from core.forecast.prices import load_prices_file
from core.paths import SAMPLES_DIR

TINY = forecast_bench.Settings(article_epochs=2, ours_epochs=2, paired_repeats=2)


@pytest.fixture(scope="module")
def tiny_result():
    series = load_prices_file(SAMPLES_DIR / "sp500.csv").series.iloc[-600:]
    return forecast_bench.bench_series(series, TINY)


def test_forecast_bench_structure(tiny_result):
    for key in ("ours", "article", "article_no_leak", "paired_epochs", "ratios"):
        assert key in tiny_result
    assert tiny_result["prices"] == 600
    assert len(tiny_result["article"]["epoch_seconds"]) == TINY.article_epochs
    assert len(tiny_result["ours"]["epoch_seconds"]) == tiny_result["ours"]["epochs_run"]
    assert len(tiny_result["paired_epochs"]) == TINY.paired_repeats
    assert tiny_result["article"]["scaler_fitted_on"] == "all prices"
    assert tiny_result["article_no_leak"]["scaler_fitted_on"] == "pre-test prices"
    # the article trains only on windows whose next day comes before the test part
    first_test_day = tiny_result["prices"] - tiny_result["test_days"]
    expected_windows = first_test_day - forecast_bench.ARTICLE_LOOKBACK
    assert tiny_result["article"]["train_windows"] == expected_windows
    for model in ("ours", "article", "article_no_leak"):
        values = tiny_result[model]
        assert values["train_seconds"] > 0 and values["median_epoch_seconds"] > 0
        assert math.isfinite(values["test_rmse"]) and values["test_rmse"] > 0
        # the same significance-tested verdict as the page and the CLI
        assert set(values["verdict"]) == {"label", "p_value", "test"}


def test_forecast_ratios_come_from_this_run(tiny_result):
    ours, article, ratios = tiny_result["ours"], tiny_result["article"], tiny_result["ratios"]
    persistence = tiny_result["persistence_rmse"]
    for model in ("ours", "article", "article_no_leak"):
        values = tiny_result[model]
        assert values["skill_ratio"] == pytest.approx(values["test_rmse"] / persistence)
    pairs = tiny_result["paired_epochs"]
    for pair in pairs:
        assert pair["ratio"] == pytest.approx(pair["article_s"] / pair["ours_s"])
    assert ratios["per_epoch_speed_paired_median"] == pytest.approx(
        float(np.median([pair["ratio"] for pair in pairs]))
    )
    assert ratios["per_epoch_speed_in_training"] == pytest.approx(
        article["median_epoch_seconds"] / ours["median_epoch_seconds"]
    )
    assert article["median_epoch_seconds"] == pytest.approx(
        float(np.median(article["epoch_seconds"][1:]))
    )
    assert ratios["total_training_time_article_over_ours"] == pytest.approx(
        article["train_seconds"] / ours["train_seconds"]
    )
    assert ratios["ours_rmse_over_article"] == pytest.approx(
        ours["test_rmse"] / article["test_rmse"]
    )


def test_report_renders_the_measured_numbers(tiny_result):
    sample = {**tiny_result, "file": "data/samples/sp500.csv"}
    sample["targets"] = forecast_bench.targets(sample)
    results = {
        "generated_at": "now",
        "mode": "quick",
        "command": "python -m bench.run --quick",
        "run_seconds": 1.0,
        "machine": {
            "cpu_model": "cpu",
            "usable_cpus": 2,
            "memory_gb": 1.0,
            "python": "3.11",
            "versions": {"tensorflow": "x", "keras": "y"},
            "load_average_at_start": [1.0, 1.0, 1.0],
            "load_average_at_end": [1.0, 1.0, 1.0],
        },
        "forecast": {
            "available": True,
            "settings": TINY.__dict__,
            "samples": {"sp500": sample},
        },
        "sentiment": {"available": False, "reason": "no shipped model"},
    }
    results["headline"] = report.headline(results)
    text = report.markdown(results)
    assert f"{sample['ours']['skill_ratio']:.4f}" in text
    assert f"{sample['ratios']['per_epoch_speed_paired_median']:.2f}×" in text
    assert "Not available: no shipped model" in text
    assert "PASS" in text or "FAIL" in text


def test_sentiment_bench_skips_cleanly_without_a_model(tmp_path):
    result = sentiment_bench.run(quick=True, model_dir=tmp_path, log=lambda message: None)
    assert result["available"] is False
    assert "metrics.json is missing" in result["reason"]


def test_volatility_bench_scores_a_series_and_reports_its_targets():
    from bench import volatility_bench

    series = load_prices_file(SAMPLES_DIR / "sp500.csv").series.iloc[-700:]
    sample = volatility_bench.bench_series(series, epochs=1)
    sample["source"] = "data/samples/sp500.csv"
    assert set(sample["methods"]) == {"lstm", "garch", "rolling", "static"}
    assert sample["train_cpu_seconds"] > 0
    # a second series that misses by 6 points on day 1: the mean gap is computed, not copied
    other = {**sample, "methods": {**sample["methods"]}}
    other["methods"]["lstm"] = {**sample["methods"]["lstm"], "coverage_day1": 0.86}
    goals = volatility_bench.targets({"sp500": sample, "other": other})
    first_gap = abs(sample["methods"]["lstm"]["coverage_day1"] - 0.8) * 100
    assert goals["mean_day1_gap_points"] == pytest.approx((first_gap + 6.0) / 2)
    assert goals["day1_gap_ok"] == ((first_gap + 6.0) / 2 <= 3.0)
    assert goals["sp500_train_cpu_seconds_over_budget"] == pytest.approx(
        sample["train_cpu_seconds"] / 10.0
    )
    text = "\n".join(
        report.volatility_section(
            {"available": True, "horizon": 10, "samples": {"sp500": sample}, "targets": goals}
        )
    )
    assert f"{sample['methods']['garch']['qlike']:.3f}" in text
    assert f"{goals['mean_day1_gap_points']:.2f} pts" in text


def test_behaviour_bench_reports_each_model_by_category_against_the_targets():
    from bench import behaviour_bench
    from core.sentiment.behaviour import CATEGORIES, evaluate

    result = behaviour_bench.run(quick=True, log=lambda message: None)
    shipped = result["models"]["shipped"]
    assert set(shipped["categories"]) == set(CATEGORIES)
    pairs = shipped["overall"]["pairs_both_right"]["share"]
    assert shipped["targets"]["pairs_both_right_ok"] == (pairs >= 0.75)
    # a model that calls everything positive: half the sentences, no pair, every target failed
    always = evaluate(lambda texts: [0.9] * len(texts))
    result["models"]["bag_of_words"] = {
        **behaviour_bench.scores_of(always),
        "targets": behaviour_bench.targets(always["overall"]),
    }
    assert result["models"]["bag_of_words"]["targets"] == {
        "pairs_both_right_ok": False,
        "sentences_right_ok": False,
    }
    text = "\n".join(report.behaviour_section({"available": True, **result}))
    assert report.share_interval(shipped["overall"]["pairs_both_right"]) in text
    assert "| Bag of words: minimal pairs both right | ≥ 75 % | 0.0 % (0.0–" in text
    assert 'Contrast ("X, but Y" both ways round)' in text
    assert "not fitted in a quick run" in text
    assert text.count("**FAIL**") >= 2
