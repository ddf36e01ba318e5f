"""Turn bench results (the dict written to bench/results.json) into docs/BENCHMARKS.md."""

from __future__ import annotations

SAMPLE_NAMES = {"sp500": "S&P 500 (1999–2018)", "msft": "MSFT (1986–2017)"}

ARTICLE_CHANGES = """\
The baselines re-implement the approaches of the article in `../shared/seed/lstm_keras_article.txt`.
Its code does not run as printed on Keras 3; only this was changed:

**Forecast (many-to-many example)**
- `import numpy as np` added; the `'Price'` column is the bundled sample's price series as loaded
  by `core.forecast.prices` (adjusted close for S&P 500, close for MSFT), the same series our
  model gets.
- `input_shape=(lookback, 1)` on the first LSTM became a leading `keras.Input(shape=(10, 1))`
  (Keras 3 deprecates `input_shape=` on layers).
- The windows get the feature axis the article leaves out: shape `(windows, 10, 1)`, not `(windows,
  10)`; Keras 3's LSTM rejects 2-D input.
- The article's 80 % split of its windows is replaced by the Forecaster's split, so all models are
  scored on the same test days: the article's model trains on every window whose next day lies
  before the test part (the Forecaster's training + validation days), with no validation.
- `verbose=0` instead of the progress bar (printing is not part of training).
- Kept on purpose: MinMaxScaler fitted on all prices (the leak), the target `train_data[:, -1]`
  (the window's own last value, so the model learns to copy today's price), 100 epochs,
  Keras' default batch size of 32, Adam, MSE. The article stops at "calculate metrics"; we take its
  output for the window ending on day t as its forecast of day t + 1 and compute the RMSE against
  the true price of day t + 1. A second run fits the scaler on the pre-test prices only.

**Sentiment (many-to-one example)**
- `Tokenizer(num_words=5000)` and `pad_sequences` no longer exist in Keras 3. A
  `TextVectorization(max_tokens=5000)` adapted on the training reviews stands in for the
  tokenizer; as with `texts_to_sequences`, out-of-vocabulary words are dropped (not mapped to an
  OOV id); as with `pad_sequences(maxlen=20, padding='post')`, long reviews keep their *last* 20
  tokens (its default `truncating='pre'`) and short ones are padded with zeros at the end.
- `Embedding(5000, 128, input_length=20)`: `input_length` was removed in Keras 3 and is dropped.
- Trained on the shipped model's training split for the shipped model's number of epochs (the
  article uses 10 on three sentences), batch size 32 (Keras' default), `verbose=0`.
"""

HOW_MEASURED = """\
- Every comparison runs in the same process (forecast, sentiment) or the same run (app), one after
  the other, and is reported as a ratio, because these machines are shared and noisy.
- Seconds per epoch: the median over the epochs of the real training run, leaving out the first
  epoch (it includes tracing the graph). The headline speed ratio is the median of paired,
  interleaved single epochs (one epoch of the article's model, then one of ours, repeated): both
  see the same machine load. Ours includes its validation pass, as in training; the article
  has none.
- Skill ratio = the model's test RMSE / persistence's ("tomorrow = today") test RMSE on the same
  test days; below 1 beats persistence.
- Latency: one review at a time, after a warm-up, many repeats, p50 and p95; `predict_proba` and
  `model.predict` are interleaved on the same model.
- Memory: summed RSS of the `streamlit` process and its children, sampled every 0.1 s.
"""


def verdict(passed: bool | None) -> str:
    return "n/a" if passed is None else ("**PASS**" if passed else "**FAIL**")


def fmt(value, digits: int = 2, suffix: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}{suffix}"
    return f"{value}{suffix}"


def targets_block(rows: list[list]) -> list[str]:
    """A section's "Targets" heading and its (target, measured, result) table."""
    return ["### Targets", "", table(["Target", "Measured", "Result"], rows), ""]


def table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _verdict(tested: dict | None) -> str:
    """A benchmark row's significance-tested verdict against persistence, with its p-value."""
    if not tested:
        return "not measured"
    return f"{tested['label']} (p = {tested['p_value']:.2f})"


def headline(results: dict) -> list[str]:
    """The few numbers the README quotes, as plain lines."""
    lines = []
    forecast = results.get("forecast", {})
    for name, sample in forecast.get("samples", {}).items():
        ratios = sample["ratios"]
        lines.append(
            f"Forecast {SAMPLE_NAMES.get(name, name)}: ours is "
            f"{ratios['per_epoch_speed_paired_median']:.2f}x the article's speed per epoch, "
            f"{ratios['total_training_time_article_over_ours']:.1f}x faster in total; skill ratio "
            f"vs persistence: ours {sample['ours']['skill_ratio']:.4f}, article "
            f"{sample['article']['skill_ratio']:.3f}, article without the leak "
            f"{sample['article_no_leak']['skill_ratio']:.3f}"
        )
    sentiment = results.get("sentiment", {})
    if sentiment.get("available"):
        models = sentiment["models"]
        lines.append(
            "Sentiment held-out accuracy: shipped "
            f"{fmt(models['shipped']['accuracy'], 3)}, TF-IDF+LR "
            f"{fmt(models['tfidf_lr']['accuracy'], 3)}, article settings "
            f"{fmt(models.get('article', {}).get('accuracy'), 3)}; one-review latency p50 "
            f"{fmt(sentiment['latency']['predict_proba_ms']['p50'])} ms, "
            f"{fmt(sentiment['latency']['ratio_p50'], 1)}x faster than model.predict; "
            f"{fmt(sentiment['throughput']['reviews_per_s'], 0)} reviews/s"
        )
    elif "sentiment" in results:
        lines.append(
            f"Sentiment: not available ({sentiment.get('reason') or sentiment.get('error')})"
        )
    behaviour = results.get("behaviour", {})
    if behaviour.get("available"):
        overall = behaviour["models"]["shipped"]["overall"]
        verdicts = behaviour["models"]["shipped"]["targets"]
        lines.append(
            "Behavioural suite, shipped LSTM: both sides right on "
            f"{share_interval(overall['pairs_both_right'])} of minimal pairs (target 75 %: "
            f"{'PASS' if verdicts['pairs_both_right_ok'] else 'FAIL'}), "
            f"{share_interval(overall['sentences_right'])} of sentences (target 85 %: "
            f"{'PASS' if verdicts['sentences_right_ok'] else 'FAIL'})"
        )
    ingest = results.get("ingest", {})
    if ingest.get("available") and ingest.get("long"):
        lines.append(
            f"Ingest: {ingest['rows']:,}-row CSV in {ingest['seconds_median']:.2f} s "
            f"({ingest['ratio_to_target']:.2f}x the 5 s target); {ingest['long']['rows']:,}-row "
            f"file of {ingest['long']['tickers']} tickers in "
            f"{ingest['long']['seconds_median']:.2f} s ({ingest['long']['ratio_to_target']:.2f}x)"
        )
    app = results.get("app", {})
    if app.get("available"):
        lines.append(
            f"App cold start: server answers in {fmt(app['health_s'])} s, home rendered "
            f"{fmt(app['home_after_health_s'])} s later; first sentiment score at "
            f"{fmt(app.get('first_score_s'))} s; peak server RSS {fmt(app['peak_rss_mb'], 0)} MB"
        )
    return lines


def forecast_section(forecast: dict) -> list[str]:
    out = ["## Forecast", ""]
    if not forecast.get("available"):
        return out + [f"Not available: {forecast.get('error', 'not run')}", ""]
    settings = forecast["settings"]
    out.append(
        f"Article: {settings['article_epochs']} epochs; ours: Forecaster() with up to "
        f"{settings['ours_epochs']} epochs (early stopping on validation); "
        f"{settings['paired_repeats']} paired epochs for the speed ratio."
    )
    target_rows = []
    for name, sample in forecast["samples"].items():
        label = SAMPLE_NAMES.get(name, name)
        out += [
            "",
            f"### {label}",
            "",
            f"`{sample['file']}`, {sample['prices']:,} prices; test part: {sample['test_days']:,} "
            f"days, {sample['test_first_date']} to {sample['test_last_date']} (same for all).",
            "",
        ]
        rows = []
        for key, title in (
            ("ours", "Ours (many-to-many on log returns)"),
            ("article", "Article (scaler on all data)"),
            ("article_no_leak", "Article, scaler on pre-test data"),
        ):
            model = sample[key]
            epochs = model.get("epochs_run", model.get("epochs"))
            rows.append(
                [
                    title,
                    epochs,
                    fmt(model["median_epoch_seconds"], 3),
                    fmt(model["train_seconds"], 1),
                    fmt(model["test_rmse"], 3),
                    fmt(model["skill_ratio"], 4),
                    _verdict(model.get("verdict")),
                ]
            )
        rows.append(["Persistence (tomorrow = today)", "–", "–", "–",
                     fmt(sample["persistence_rmse"], 3), "1.0000", "–"])  # fmt: skip
        out.append(
            table(
                [
                    "Model",
                    "Epochs",
                    "s/epoch (median)",
                    "Training s",
                    "Test RMSE",
                    "Skill ratio",
                    "Vs persistence (DM 5%)",
                ],
                rows,
            )
        )
        ratios = sample["ratios"]
        out += [
            "",
            table(
                ["Ratio", "Value"],
                [
                    [
                        "Per-epoch speed, article s / ours s (paired median)",
                        fmt(ratios["per_epoch_speed_paired_median"]) + "×",
                    ],
                    [
                        "Per-epoch speed, from the training runs",
                        fmt(ratios["per_epoch_speed_in_training"]) + "×",
                    ],
                    [
                        "Total training time, article / ours",
                        fmt(ratios["total_training_time_article_over_ours"]) + "×",
                    ],
                    ["Test RMSE, ours / article", fmt(ratios["ours_rmse_over_article"], 4)],
                    [
                        "Test RMSE, ours / article without the leak",
                        fmt(ratios["ours_rmse_over_article_no_leak"], 4),
                    ],
                ],
            ),  # fmt: skip
        ]
        checks = sample["targets"]
        target_rows += [
            [label, "Ours never worse than persistence by more than 1 %",
             f"skill {sample['ours']['skill_ratio']:.4f} (≤ 1.01)",
             verdict(checks["ours_within_1pct_of_persistence"])],
            [label, "Ours ≥ 2× faster per epoch than the article's code",
             f"{ratios['per_epoch_speed_paired_median']:.2f}×",
             verdict(checks["ours_2x_faster_per_epoch"])],
            [label, "… at equal or better skill than the article",
             f"{sample['ours']['skill_ratio']:.4f} vs {sample['article']['skill_ratio']:.4f}",
             verdict(checks["ours_skill_equal_or_better_than_article"])],
        ]  # fmt: skip
    out += ["", "### Targets", "", table(["Sample", "Target", "Measured", "Result"], target_rows)]
    return out + [""]


def sentiment_section(sentiment: dict) -> list[str]:
    out = ["## Sentiment", ""]
    if not sentiment.get("available"):
        reason = sentiment.get("reason") or sentiment.get("error") or "not run"
        return out + [f"Not available: {reason}", ""]
    held_out = sentiment["held_out"]
    out.append(
        f"Held-out part: {held_out['reviews']:,} IMDB reviews never used in training "
        f"(fingerprint `{held_out['fingerprint'][:12]}`, "
        f"{'the same' if held_out.get('matches_metrics_json') else 'NOT the same'} as in the "
        "shipped model's metrics.json)."
    )
    rows = []
    for key, title in (
        ("shipped", "Shipped LSTM model"),
        ("bag_of_ngrams", "Bag of n-grams alone (order-blind ablation)"),
        ("tfidf_lr", "TF-IDF + logistic regression"),
        ("article", "Article's settings (Embedding 128 → LSTM 128 → Dense)"),
    ):
        model = sentiment["models"].get(key)
        if model is None:
            continue
        rows.append([title, fmt(model.get("accuracy"), 4), fmt(model.get("auc"), 4),
                     fmt(model.get("train_seconds"), 1), model.get("note", "")])  # fmt: skip
    out += ["", table(["Model", "Accuracy", "ROC AUC", "Training s", "Note"], rows), ""]
    sst2 = sentiment.get("sst2_test")
    if sst2:
        low, high = sst2["interval_95"]
        sst_rows = [["Shipped LSTM model", fmt(sst2["accuracy"], 4), f"{low:.3f}–{high:.3f}"]]
        names = {"bag_of_ngrams": "Bag of n-grams alone", "tfidf_lr": "TF-IDF + LR"}
        for key, accuracy in sst2.get("ablations", {}).items():
            sst_rows.append([f"{names.get(key, key)} (metrics.json)", fmt(accuracy, 4), ""])
        for anchor in sst2.get("published", []):
            sst_rows.append([f"{anchor['name']} (published)", fmt(anchor["accuracy"], 3), ""])
        out += [
            f"SST-2 test: {sst2['sentences']:,} Stanford Sentiment Treebank test sentences "
            "(neutral dropped), never used for training or any choice.",
            "",
            table(["Model", "SST-2 test accuracy", "95 % interval"], sst_rows),
            "",
        ]
    latency, throughput = sentiment["latency"], sentiment["throughput"]
    out += [
        table(
            ["Scoring", "p50", "p95"],
            [
                [
                    "`predict_proba([review])`",
                    fmt(latency["predict_proba_ms"]["p50"], 2, " ms"),
                    fmt(latency["predict_proba_ms"]["p95"], 2, " ms"),
                ],
                [
                    "`model.predict([review])`",
                    fmt(latency["model_predict_ms"]["p50"], 2, " ms"),
                    fmt(latency["model_predict_ms"]["p95"], 2, " ms"),
                ],
                [
                    "Ratio model.predict / predict_proba",
                    fmt(latency["ratio_p50"], 1, "×"),
                    fmt(latency["ratio_p95"], 1, "×"),
                ],
            ],
        ),  # fmt: skip
        "",
        f"Batch throughput: {fmt(throughput['reviews_per_s'], 0)} reviews/s "
        f"({throughput['reviews']:,} held-out reviews in one `predict_proba` call, "
        f"median of {throughput['repeats']}).",
        "",
    ]
    training = sentiment.get("training", {})
    if training.get("seconds") is not None:
        out.append(
            f"Training (`{training['command']}`): {fmt(training['seconds'], 0)} s on this machine."
        )
    else:
        out.append(f"Training time: {training.get('note', 'not measured')}.")
    summary = training.get("command_summary") or {}
    if summary.get("seconds") is not None:
        out.append(f"The command itself reported {fmt(summary['seconds'], 0)} s.")
    if training.get("reported"):
        out.append(f"The shipped model's metrics.json records: {training['reported']}.")
    checks = sentiment["targets"]
    out += [""] + targets_block(
        [
            [
                "predict_proba ≥ 8× faster than model.predict (p50)",
                fmt(latency["ratio_p50"], 1, "×"),
                verdict(checks["latency_ratio_8x"]),
            ],
            [
                "One review ≤ 5 ms p50",
                fmt(latency["predict_proba_ms"]["p50"], 2, " ms"),
                verdict(checks["latency_p50_5ms"]),
            ],
            [
                "Batch throughput ≥ 5,000 reviews/s",
                fmt(throughput["reviews_per_s"], 0),
                verdict(checks["throughput_5000"]),
            ],
            [
                "IMDB held-out accuracy ≥ 91.5 %",
                fmt(sentiment["models"]["shipped"]["accuracy"], 4),
                verdict(checks.get("held_out_915")),
            ],
            [
                "SST-2 test accuracy ≥ 88 %",
                fmt((sst2 or {}).get("accuracy"), 4),
                verdict(checks.get("sst2_88")),
            ],
            [
                "Shipped model < 20 MB",
                fmt(sentiment.get("model_mb"), 1, " MB"),
                verdict(checks.get("model_under_20mb")),
            ],
        ]
    )
    return out


def ingest_section(ingest: dict) -> list[str]:
    """Price-CSV ingestion speed against its 5-second target."""
    verdict = "PASS" if ingest["seconds_median"] <= ingest["target_seconds"] else "FAIL"
    return [
        "## Price CSV ingestion",
        "",
        f"A generated Yahoo-style file of {ingest['rows']:,} rows ({ingest['megabytes']:.1f} MB) "
        f"loads through `core.forecast.prices.load_prices` in {ingest['seconds_median']:.2f} s "
        f"(median of {len(ingest['seconds'])}; target ≤ {ingest['target_seconds']:.0f} s: "
        f"{verdict}, {ingest['ratio_to_target']:.2f}× the budget).",
        "",
        *long_block(ingest.get("long"), ingest["target_seconds"]),
        *uploads_block(ingest),
    ]


def long_block(long: dict | None, target: float) -> list[str]:
    """A long file (a ticker column) against the same target: every ticker listed, one read."""
    if not long:
        return []
    verdict = "PASS" if long["seconds_median"] <= target else "FAIL"
    return [
        f"A long file of {long['rows']:,} rows and {long['tickers']:,} tickers "
        f"({long['megabytes']:.1f} MB; `date,close,volume,Name`) lists every ticker with its rows "
        f"and dates and reads the default one ({long['rows_loaded']:,} rows) in "
        f"{long['seconds_median']:.2f} s (median of {len(long['seconds'])}; target ≤ "
        f"{target:.0f} s: {verdict}, {long['ratio_to_target']:.2f}× the budget).",
        "",
    ]


def uploads_block(ingest: dict) -> list[str]:
    """Worst case per upload bomb (tests/fuzz_loaders.py) over every loader, against targets."""
    if not ingest.get("uploads"):
        return []
    rows = [
        [row["file"], fmt(row["seconds"], 2, " s"), row["slowest_loader"],
         fmt(row["peak_mb"], 0, " MB"), row["message"][:70].replace("|", "\\|") + "…",
         verdict(row["seconds"] <= 20 and row["peak_mb"] <= 500)]
        for row in ingest["uploads"]
    ]  # fmt: skip
    return [
        "### Upload bombs and the largest allowed files",
        "",
        "Each file goes through the price loader, the sentiment page's upload (Batch, Train your "
        "own) and `python -m core.sentiment evaluate`; the worst of the three is shown. The gzip "
        f"and ZIP bombs unpack to {ingest['uploads_unpacked_bytes'] / 1e9:.1f} GB. Targets: ends "
        "within 20 s, adds at most 500 MB to peak memory (Linux VmHWM, reset before each file). "
        "The same table, per loader: `make fuzz` (`python -m tests.fuzz_loaders --bombs`). The "
        f"1,000,000-row price CSV above adds {fmt(ingest.get('peak_mb'), 0, ' MB')}.",
        "",
        table(["File", "Slowest", "Loader", "Peak added", "Message", "Targets"], rows),
        "",
    ]


def app_section(app: dict) -> list[str]:
    out = ["## App", ""]
    if not app.get("available"):
        return out + [f"Not available: {app.get('error', 'not run')}", ""]
    rows = [
        ["Server answers `/_stcore/health`", fmt(app["health_s"], 2, " s")],
        ["Home page rendered (heading “LSTM Lab”)", fmt(app["home_s"], 2, " s")],
        ["… after the server answered", fmt(app["home_after_health_s"], 2, " s")],
        ["First sentiment score shown", fmt(app.get("first_score_s"), 2, " s")],
        [f"Forecast training ({app.get('forecast_epochs_run', '–')} epochs) until the skill shows",
         fmt(app.get("forecast_train_to_skill_s"), 2, " s")],
        ["RSS after the home page", fmt(app.get("rss_after_home_mb"), 0, " MB")],
        ["RSS after one sentiment score", fmt(app.get("rss_after_score_mb"), 0, " MB")],
        ["RSS after one forecast training", fmt(app.get("rss_after_forecast_mb"), 0, " MB")],
        ["Peak RSS of the server process tree", fmt(app["peak_rss_mb"], 0, " MB")],
    ]  # fmt: skip
    out += [
        "Seconds from starting `streamlit run app.py` (headless Chromium launched beforehand, in "
        f"{fmt(app['browser_launch_s'])} s, not counted).",
        "",
        table(["Measure", "Value"], rows),
        "",
    ]
    if app.get("sentiment_error") or app.get("sentiment_note"):
        out += [f"Sentiment page: {app.get('sentiment_note') or app['sentiment_error']}", ""]
    out += targets_block(
        [
            [
                "Home ≤ 2 s after the server answers",
                fmt(app["home_after_health_s"], 2, " s"),
                verdict(app["targets"]["home_within_2s_of_health"]),
            ]
        ]
    )
    return out


def soak_section(soak: dict) -> list[str]:
    """``make soak``'s figures (written by ``tests/soak.py --record``), before and after."""
    out = [
        "## Soak: many users at once",
        "",
        "Browser sessions each upload their own price file and train at once (default settings) "
        "while one more scores reviews and a viewer loads the home page every 3 s; all on this "
        "machine, the server under `nice -n 10`. *Before*: trainings ran inside the web server "
        "(commit 0aa4fcb, served from a `git archive` of it with `--app-root`); *after*: they run "
        "as jobs on the embedded Dask cluster (one worker on 2 cores). The 10 headless Chromium "
        "instances of the harness run on the same 2 cores, beside other work (the load average "
        "below), so the viewer's times are the machine's as much as the app's; the two runs ran "
        "one right after the other.",
        "",
    ]
    rows = []
    for label in ("before", "after"):
        run = soak.get(label)
        if run is None:
            continue
        rows.append([
            label, run["measured_at"], f"{run['sessions_ok']} of {run['sessions']}",
            fmt(run["median_s"], suffix=" s"), fmt(run["p95_s"], suffix=" s"),
            fmt(run["max_s"], suffix=" s"), fmt(run.get("server_rss_start_mb"), 0, " MB"),
            fmt(run.get("server_rss_peak_mb"), 0, " MB"),
            fmt(run.get("children_rss_peak_mb"), 0, " MB"), fmt(run["seconds"], 0, " s"),
        ])  # fmt: skip
    header = ["Run", "Measured", "Sessions OK", "Viewer median", "Viewer p95", "Viewer max",
              "Server RSS start", "Server RSS peak", "Workers RSS peak", "Wall time"]  # fmt: skip
    out += [table(header, rows), ""]
    for label in ("before", "after"):
        run = soak.get(label)
        if run is not None and run.get("server_rss_by_trainings_mb"):
            steps = ", ".join(f"{k}: {v:.0f}" for k, v in run["server_rss_by_trainings_mb"].items())
            out.append(f"- {label}: server RSS (MB) by trainings finished: {steps}.")
    for label in ("before", "after"):
        if label in soak:
            out.append(f"- {label}: `{soak[label]['command']}` (load average "
                       f"{soak[label]['load_average']:.1f} at the end).")  # fmt: skip
    after = soak.get("after")
    if after is not None:
        rows = [
            ["Viewer median ≤ 1.5 s", fmt(after["median_s"], suffix=" s"),
             verdict(after["median_s"] is not None and after["median_s"] <= 1.5)],
            ["Viewer p95 ≤ 3 s", fmt(after["p95_s"], suffix=" s"),
             verdict(after["p95_s"] is not None and after["p95_s"] <= 3.0)],
            ["Every training finishes with its own data",
             f"{after['sessions_ok']} of {after['sessions']}",
             verdict(after["sessions_ok"] == after["sessions"])],
        ]  # fmt: skip
        out += ["", *targets_block(rows)]
    return out + [""]


def run_lines(results: dict) -> list[str]:
    """When and how long: the last complete run, and any later single-section refresh."""
    lines = []
    complete = results.get("complete_run")
    if complete:
        lines.append(
            f"- Last complete run: `{complete['command']}`, started {complete['started_at']}, "
            f"took {complete['run_seconds'] / 60:.1f} min (budget: 30 min)."
        )
    if not complete or complete["started_at"] != results["generated_at"]:
        lines.append(
            f"- Last update: `{results['command']}` ({results['mode']} mode), "
            f"{results['generated_at']}, {results['run_seconds'] / 60:.1f} min."
        )
    measured = [
        f"{name} {results[name]['measured_at']} ({results[name]['section_seconds'] / 60:.1f} min)"
        for name in ("forecast", "sentiment", "app")
        if name in results and "measured_at" in results[name]
    ]
    lines.append("- Sections measured: " + ", ".join(measured) + ".")
    return lines


def volatility_section(volatility: dict) -> list[str]:
    """Issue #15: each series' band and variance scores per method, then the targets."""
    out = ["## Forecast band and turbulence (issue #15)", ""]
    if not volatility.get("available"):
        return out + [f"Not available: {volatility.get('error', 'not run')}", ""]
    horizon = volatility["horizon"]
    out.append(
        "The default `Forecaster()` trained once per series, split chronologically; every band "
        "is calibrated on the validation part only and scored on the test part, 80 % bands. "
        "Width and interval score are log returns (about a share of the price); NLL and QLIKE "
        "score the next day's forecast variance (lower is better)."
    )
    names = {"lstm": "LSTM", "garch": "GARCH(1,1)", "rolling": "Rolling 20-day", "static": "Static"}
    for name, sample in volatility["samples"].items():
        out += [
            "",
            f"### {name}: `{sample['source']}`",
            "",
            f"{sample['prices']:,} prices; test part {sample['test_days']:,} days, "
            f"{sample['test_first_date']} to {sample['test_last_date']}. Skill ratio (RMSE ÷ "
            f"persistence) {sample['skill_ratio']:.4f}; {sample['epochs_run']} epochs, "
            f"trained in {sample['train_seconds']:.1f} s ({sample['train_cpu_seconds']:.1f} CPU "
            f"s, load average {sample['load_average_after_training']:.1f}); NLL loss "
            f"{sample['loss_first_epoch']:.3f} after epoch 1, "
            f"{sample['loss_best_epoch']:.3f} at the best epoch.",
            "",
        ]
        rows = [
            [
                names[method],
                fmt(scores["coverage_day1"], 3),
                fmt(scores["coverage_last_day"], 3),
                fmt(scores["width_day1"], 4),
                fmt(scores["winkler_day1"], 4),
                fmt(scores["nll"], 3),
                fmt(scores["qlike"], 3),
            ]
            for method, scores in sample["methods"].items()
        ]
        header = ["Method", "Held day 1", f"Held day {horizon}", "Width day 1"]
        out.append(table(header + ["Winkler day 1", "NLL", "QLIKE"], rows))
        out += ["", f"Reading: {sample['reading']}"]
    goals = volatility["targets"]

    def verdict(ok: bool) -> str:
        return "**PASS**" if ok else "**FAIL**"

    rows = [
        ["Mean distance of coverage from 80 %, day 1", "≤ 3 points",
         fmt(goals["mean_day1_gap_points"], 2, " pts"), verdict(goals["day1_gap_ok"])],
        [f"Mean distance of coverage from 80 %, day {horizon}", "≤ 6 points",
         fmt(goals["mean_last_day_gap_points"], 2, " pts"), verdict(goals["last_day_gap_ok"])],
        ["QLIKE LSTM − GARCH, median series", "≤ 0",
         fmt(goals["median_qlike_lstm_minus_garch"], 4), verdict(goals["qlike_median_ok"])],
        ["Largest skill ratio (RMSE ÷ persistence)", "≤ 1.01 (never > 1.02)",
         fmt(goals["max_skill_ratio"], 4), verdict(goals["rmse_within_1pct_ok"])],
    ]  # fmt: skip
    if "sp500_train_cpu_seconds_over_budget" in goals:
        rows.append(
            [
                "S&P 500 default training, CPU seconds ÷ 10 s budget",
                "≤ 1",
                fmt(goals["sp500_train_cpu_seconds_over_budget"], 2),
                verdict(goals["sp500_train_within_budget_ok"]),
            ]
        )
    out += ["", "### Targets", "", table(["Target", "Goal", "Measured", "Result"], rows), ""]
    return out


BEHAVIOUR_CATEGORIES = {
    "negation_of_positive": 'Negation of praise ("was not good")',
    "negation_of_negative": 'Negation of criticism ("was not bad")',
    "contrast": 'Contrast ("X, but Y" both ways round)',
    "at_first_by_the_end": '"At first … by the end"',
    "comparative": 'Comparatives ("more A than B")',
    "double_negation": "Double negation",
    "invariance_names": "Invariance: names",
    "invariance_titles": "Invariance: film titles",
    "invariance_punctuation": "Invariance: punctuation",
}


def share_interval(rate: dict | None) -> str:
    """A rate as "72.2 % (66.1–77.6)": the share and its 95 % Wilson interval, in percent."""
    if not rate:
        return "–"
    return f"{100 * rate['share']:.1f} % ({100 * rate['low']:.1f}–{100 * rate['high']:.1f})"


def behaviour_section(behaviour: dict) -> list[str]:
    """Issue #14: the behavioural suite per category and overall, shipped LSTM beside the
    baselines, and the two targets with PASS/FAIL."""
    from bench.behaviour_bench import MODEL_NAMES

    out = ["## Behavioural suite: negation, contrast, word order (issue #14)", ""]
    if not behaviour.get("available"):
        return out + [f"Not available: {behaviour.get('error', 'not run')}", ""]
    suite, models = behaviour["suite"], behaviour["models"]
    names = [name for name in MODEL_NAMES if name in models]
    out.append(
        f"`core.sentiment.behaviour`: {suite['cases']:,} sentences in {suite['pairs']:,} pairs, "
        "generated from seeded templates plus hand-written pairs. A minimal pair is two "
        "sentences whose labels differ only by word order or one negation; it counts when both "
        "sides are read right. An invariance pair (a name, film title or punctuation swapped) "
        f"holds when both get the same label within {100 * suite['tolerance']:.0f} points. "
        "Every figure is a share with its 95 % Wilson interval."
    )
    if "training_data" in behaviour:
        out += ["", f"Baselines trained on: {behaviour['training_data']}."]
    else:
        out += ["", f"Baselines: {behaviour.get('baselines_note', 'not fitted')}."]
    header = ["Model", "Pairs both right", "Sentences right", "Invariance held"]
    rows = [
        [
            MODEL_NAMES[name],
            share_interval(models[name]["overall"]["pairs_both_right"]),
            share_interval(models[name]["overall"]["sentences_right"]),
            share_interval(models[name].get("invariance_held")),
        ]
        for name in names
    ]
    out += ["", "### Overall (order and negation minimal pairs)", "", table(header, rows)]
    for what, title in (
        ("pairs_both_right", "Pairs both right, by category"),
        ("sentences_right", "Sentences right, by category"),
        ("invariance_held", "Invariance held, by category"),
    ):
        rows = [
            [
                label,
                *(share_interval(models[name]["categories"][category].get(what)) for name in names),
            ]
            for category, label in BEHAVIOUR_CATEGORIES.items()
            if category in models["shipped"]["categories"]
            # an invariance pair is judged by "held" alone, not by both sides being right
            and (what == "invariance_held") == category.startswith("invariance")
        ]
        header = ["Category", *(MODEL_NAMES[name] for name in names)]
        out += ["", f"### {title}", "", table(header, rows)]
    target_rows = []
    for name in names:
        overall, verdicts = models[name]["overall"], models[name]["targets"]
        target_rows += [
            [
                f"{MODEL_NAMES[name]}: minimal pairs both right",
                f"≥ {100 * behaviour['target_pairs']:.0f} %",
                share_interval(overall["pairs_both_right"]),
                verdict(verdicts["pairs_both_right_ok"]),
            ],
            [
                f"{MODEL_NAMES[name]}: sentences right",
                f"≥ {100 * behaviour['target_sentences']:.0f} %",
                share_interval(overall["sentences_right"]),
                verdict(verdicts["sentences_right_ok"]),
            ],
        ]
    out += [
        "",
        "### Targets",
        "",
        "The targets apply to the shipped LSTM; the baselines' rows show what a model that "
        "ignores word order reaches on the same cases.",
        "",
        table(["Target", "Goal", "Measured", "Result"], target_rows),
        "",
    ]
    return out


def markdown(results: dict) -> str:
    machine = results["machine"]
    out = [
        "# Benchmarks",
        "",
        "Generated by `make bench` (`.venv/bin/python -m bench.run`); do not edit by hand. Raw "
        "numbers: [`bench/results.json`](../bench/results.json).",
        "",
        *run_lines(results),
        f"- Machine: {machine['cpu_model']}, {machine['usable_cpus']} usable CPUs, "
        f"{machine['memory_gb']} GB RAM, Python {machine['python']}, TensorFlow "
        f"{machine['versions']['tensorflow']}, Keras {machine['versions']['keras']}.",
        f"- Load average at start / end: {machine['load_average_at_start'][0]:.1f} / "
        f"{machine.get('load_average_at_end', [float('nan')])[0]:.1f} (a shared machine).",
        "",
        "## Headline",
        "",
        *[f"- {line}" for line in results.get("headline", [])],
        "",
    ]
    if "forecast" in results:
        out += forecast_section(results["forecast"])
    if "volatility" in results:
        out += volatility_section(results["volatility"])
    if "sentiment" in results:
        out += sentiment_section(results["sentiment"])
    if "behaviour" in results:
        out += behaviour_section(results["behaviour"])
    if "app" in results:
        out += app_section(results["app"])
    if results.get("ingest", {}).get("available"):
        out += ingest_section(results["ingest"])
    if "soak" in results:
        out += soak_section(results["soak"])
    out += [
        "## Commands",
        "",
        "```sh",
        "make bench                                  # = .venv/bin/python -m bench.run (≤ 30 min)",
        ".venv/bin/python -m bench.run --quick       # smoke run, ≤ 3 min, writes to a temp folder",
        ".venv/bin/python -m bench.run --only forecast   # one section; others kept from results",
        ".venv/bin/python -m bench.run --skip-train  # without timing the sentiment train command",
        "```",
        "",
        "## How it is measured",
        "",
        HOW_MEASURED,
        "## What changed from the article's code",
        "",
        ARTICLE_CHANGES,
    ]
    return "\n".join(out)
