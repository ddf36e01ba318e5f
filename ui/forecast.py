"""The forecast page's rendering: settings, training job, results, history and backtest."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import streamlit as st

from core import jobs
from core.forecast import backtest, charts, frequency, prices, report, trading_days
from core.forecast import export as forecast_export
from core.progress import EpochReport, PhaseReport
from ui import explain as ui_explain
from ui import jobs as ui_jobs
from ui import state

HELP = {
    "lookback": "How many past days (or hours, weeks: the data's own steps) the LSTM reads "
    "before each prediction (its number of steps).",
    "epochs": "How many passes over the training days. Training stops early when validation "
    "days stop improving.",
    "units": "Memory cells in each LSTM layer: more can learn more patterns, and trains slower.",
    "layers": "LSTM layers stacked on top of each other.",
    "horizon": "How many trading days beyond the last date to forecast: the data's own "
    "weekdays, less the holidays of the exchange whose closures it follows.",
    "test_share": "The newest part of the history, kept aside and never used in training: "
    "all scores are measured here.",
    "seed": "Starting point of the random numbers: the same seed gives the same model.",
}


def show(figure, key: str) -> None:
    big = st.session_state.get("presentation", False)
    st.plotly_chart(charts.enlarge(figure) if big else figure, key=key)


def readings(items: list[report.Reading], columns: int = 3) -> None:
    """Cards in rows of ``columns``, in the items' order.

    One ``st.columns`` row per group of cards rather than one set of columns for all: a phone
    stacks columns one under another, which would put the LSTM's error two cards away from the
    baseline's error beside it.
    """
    for start in range(0, len(items), columns):
        row = st.columns(columns)
        for cell, item in zip(row, items[start : start + columns], strict=False):
            with cell, st.container(border=True):
                st.metric(item.label, item.value)
                st.caption(item.reading)


def render_loaded(loaded) -> None:
    """The load report, its notes and the loaded price history in a closed expander."""
    st.success(loaded.report)
    for note in loaded.notes:
        st.info(note)
    with st.expander("The history you loaded", expanded=False):
        st.plotly_chart(charts.price_history(loaded.series), key="history_chart")


def pick_sheet(loaded: prices.PriceData, key: str) -> str | None:
    """The sheet box for a workbook with several sheets; the sheet read otherwise."""
    if len(loaded.sheets) < 2:
        return loaded.sheet
    return st.selectbox(
        "Sheet",
        loaded.sheets,
        index=loaded.sheets.index(loaded.sheet),
        key=f"sheet_{key}",
        help="The workbook's first sheet with dates and prices is picked; choose another here.",
    )


def pick_ticker(loaded: prices.PriceData, key: str, asked: str | None) -> str | None:
    """The ticker box for a file with a ticker column, each with its rows and date range.

    Starts on ``asked`` (the link's ticker) when the file has it, else on the ticker with the
    most rows; None for a file with one series.
    """
    if not loaded.tickers:
        return None
    found = {ticker.name: ticker for ticker in loaded.tickers}
    names = list(found)
    start = next((name for name in names if asked and name.casefold() == asked.casefold()), None)
    if asked and start is None:
        st.warning(
            f"The link asks for ticker “{asked}”; this file has no such ticker, so it starts on "
            f"{loaded.ticker}, the one with the most rows.",
            icon=":material/link_off:",
        )
    spacing = loaded.frequency

    def described(name: str) -> str:
        ticker = found[name]
        return (
            f"{name} · {ticker.rows:,} rows, {spacing.stamp(ticker.start)} → "
            f"{spacing.stamp(ticker.end)}"
        )

    return st.selectbox(
        f"Ticker ({len(names):,} in this file)",
        names,
        index=names.index(start or loaded.ticker),
        format_func=described,
        key=f"ticker_{key}",
        help="The file holds several tickers, one row per ticker per date. The one with the "
        "most rows is picked first; type to search.",
    )


def choose_source(
    load: Callable[..., prices.PriceData], name: str, raw: bytes, from_sample: bool
) -> prices.PriceData:
    """The sheet, ticker and price column boxes; each file gets its own, on its best choice.

    ``load(raw, column, ticker, sheet)`` is the page's cached :func:`prices.load_prices`;
    ``from_sample`` says the data is a bundled sample, which the link's column may name.
    """
    digest = hashlib.blake2b(raw, digest_size=8).hexdigest()
    loaded = load(raw, None)
    sheet = pick_sheet(loaded, digest)
    if sheet != loaded.sheet:
        loaded = load(raw, None, None, sheet)
    ticker = pick_ticker(loaded, f"{digest}_{sheet}", state.forecast_link_ticker())
    if ticker != loaded.ticker:
        loaded = load(raw, None, ticker, sheet)
    link_data, link_column = state.forecast_link()
    asked = link_column if from_sample and name == link_data else None
    column, note = report.column_choice(loaded.numeric_columns, loaded.column, asked)
    if note:
        st.warning(note, icon=":material/link_off:")
    wide = loaded.layout == "wide"
    column = st.selectbox(
        "Price column (one per ticker)" if wide else "Price column",
        loaded.numeric_columns,
        index=loaded.numeric_columns.index(column),
        # one box per file (and sheet): a kept box would carry one file's choice to the next
        key=f"column_{digest}" + (f"_{sheet}" if sheet else ""),
        help="Each column holds one ticker; the one with the most dates is picked first."
        if wide
        else "Adjusted close is picked when the file has it, else the close.",
    )
    return loaded if column == loaded.column else load(raw, column, ticker, sheet)


def settings_form(setup: dict, spacing: frequency.Frequency = frequency.DAILY) -> bool:
    """The training settings; each starts from the URL's value (or the default).

    Lookback and horizon are counted in the data's own steps (``spacing``): days, weeks, hours.

    The values come in through ``value=`` rather than session state: Streamlit drops a widget's
    state on a run that does not draw it (e.g. while no file is uploaded yet), and a keyed widget
    with neither would fall back to its minimum.
    """
    with st.form("settings", border=True):
        left, right = st.columns(2)
        left.slider(
            f"Lookback ({frequency.plural(spacing)})", 5, 120, setup["lookback"], key="lookback",
            help=HELP["lookback"],
        )  # fmt: skip
        right.slider("Epochs", 1, 100, setup["epochs"], key="epochs", help=HELP["epochs"])
        with st.expander("More settings"):
            a, b, c = st.columns(3)
            a.select_slider(
                "Units", report.CHOICES["units"], setup["units"], key="units", help=HELP["units"]
            )
            b.select_slider(
                "Layers", report.CHOICES["layers"], setup["layers"], key="layers",
                help=HELP["layers"],
            )  # fmt: skip
            c.slider(
                f"Forecast horizon ({frequency.plural(spacing)})", 1, 30, setup["horizon"],
                key="horizon", help=HELP["horizon"],
            )  # fmt: skip
            a.select_slider(
                "Test share", report.TEST_SHARES, setup["test_share"], key="test_share",
                format_func="{:.0%}".format, help=HELP["test_share"],
            )  # fmt: skip
            b.number_input("Seed", 0, 10_000, setup["seed"], key="seed", help=HELP["seed"])
        return st.form_submit_button(
            "Train the LSTM", type="primary", icon=":material/model_training:"
        )


def start_training(series, settings: dict, extras=None) -> None:
    """Start a training job for this session; a training it still runs is cancelled first.

    ``extras``: the file's High/Low columns for the LSTM to read too (see ``train_run``).
    """
    old = state.pop_forecast_job()
    if old is not None:
        old.cancel()
    job, message = ui_jobs.submit(
        report.train_run, series, dict(settings), name="forecast", extras=extras
    )
    state.set_forecast_message(message)
    state.set_job_retry(state.FORECAST_RETRY, False)
    if job is not None:
        state.set_forecast_job(job)


def training_area(settings: dict, series=None, extras=None) -> None:
    """The running training's panel, or the latest result (or why the last training failed,
    with a Retry button when trying again can help)."""
    collect_training()
    if state.forecast_job() is not None:
        training_panel()
        return
    message = state.forecast_message()
    if message:
        st.error(message)
        retry = state.job_retry(state.FORECAST_RETRY) and series is not None
        if retry and st.button("Retry", key="retry_training", icon=":material/replay:"):
            start_training(series, settings, extras)
            st.rerun()
    result = state.forecast_result()
    if result is not None:
        render_result(result, settings)
    elif not message:
        st.info(
            "Pick your settings and press **Train the LSTM**. The default run trains in about "
            "4 s on a quiet two-core server (the server's first training also loads "
            "TensorFlow, which adds several seconds); a longer lookback, more units or layers "
            "take longer per epoch."
        )


def collect_training() -> None:
    """Turn a finished training job into the current result and a history entry."""
    job = state.forecast_job()
    if job is None or not job.done():
        return
    state.pop_forecast_job()
    error = job.error()
    if error is not None:
        message, retry = jobs.failure(error)
        state.set_forecast_message(message)
        state.set_job_retry(state.FORECAST_RETRY, retry)
        return
    result = job.result()
    model, evaluation, check = result["model"], result["evaluation"], result["check"]
    count = state.next_run_number()
    record = report.run_record(count, result["settings"], model, evaluation, check)
    state.add_forecast_run(record)
    result["label"] = record["label"]
    result["status"] = report.run_status(count, result["settings"], model)
    state.set_forecast_result(result)


def training_panel() -> None:
    """The running training's place in the queue, progress, live learning curve and Stop
    button, until it ends (see :func:`ui.jobs.panel`)."""
    ui_jobs.panel(
        state.forecast_job(), "Training the LSTM…", draw_progress, "stop_training",
        "End the training now and keep its best epoch so far.",
    )  # fmt: skip


def draw_progress(updates: list, bar, curve, note) -> None:
    """The progress bar's step and (unless ``curve`` is None) the learning curve so far."""
    epochs = [update for update in updates if isinstance(update, EpochReport)]
    phases = [update for update in updates if isinstance(update, PhaseReport)]
    if phases:
        bar.progress(phases[-1].fraction, f"{phases[-1].label}…")
        note.empty()  # the epochs are over: nothing left to stop
    elif epochs:
        last = epochs[-1]
        val = last.logs.get("val_loss", float("nan"))
        bar.progress(
            report.TRAINING_SHARE * last.fraction,
            f"Epoch {last.epoch} of {last.epochs}: validation loss {val:.4f}",
        )
    else:
        bar.progress(0.0, "Preparing windows and building the model…")
    if epochs and curve is not None:
        losses = {
            key: [epoch.logs.get(key, float("nan")) for epoch in epochs]
            for key in ("loss", "val_loss")
        }
        curve.plotly_chart(charts.losses(losses), key=f"live_loss_{len(updates)}")


def render_result(result: dict, settings: dict) -> None:
    model, evaluation, check = result["model"], result["evaluation"], result["check"]
    st.markdown(f":material/check_circle: {result['status']}")
    if result.get("inputs"):
        st.caption(result["inputs"])
    if result["settings"] != settings:
        st.warning("These results are from other settings or data; press **Train the LSTM**.")
    if model.stopped_:
        st.info(
            f"Training was stopped after {model.epochs_run_} of {model.epochs} epochs; the model "
            f"keeps epoch {model.best_epoch_}, the best on validation days."
        )
    # green only for a significant win; no detectable difference is neutral, a real loss orange
    box = {"better": st.success, "worse": st.warning}.get(evaluation.verdict.label, st.info)
    box(evaluation.reading)
    spacing = frequency.of(result["series"].index)
    readings(report.readings(evaluation, model) + report.horizon_readings(check, spacing))

    overlays = overlay_choice(result)
    # Layers are switched in the chart's legend, never by a widget: a widget rerun hands
    # Streamlit a changed figure, which it draws as a new chart and so drops the user's zoom.
    show(
        charts.predictions(
            result["series"],
            evaluation.predictions,
            train_fit=result["train_fit"],
            future=result["future"],
            band=check.band,
            overlays=overlays,
            hidden={"train_fit"},
            spacing=spacing,
        ),
        "predictions_chart",
    )
    st.caption("Click a legend entry to show or hide a line; your zoom stays.")
    left, right = st.columns(2)
    with left:
        show(charts.horizon_errors(check.steps, spacing), "horizon_errors_chart")
        st.caption(
            f"Errors grow with distance because each {spacing.noun}'s forecast feeds the next."
        )
    with right:
        show(charts.band_coverage(check.steps, check.level, spacing), "band_coverage_chart")
        st.caption(f"On target when the line sits on the dashed {check.level:.0%} line.")
    if check.volatility is not None:
        render_turbulence(check, spacing)
    # the story explains the forecast on screen: the refit on all days drew it when there is one
    ui_explain.forecast_story(result.get("final") or model, spacing)
    if not st.session_state.get("presentation"):
        render_details(result)


def render_turbulence(check, spacing: frequency.Frequency = frequency.DAILY) -> None:
    """What the LSTM learned (how wild each next day will be), beside GARCH(1,1), and the band
    card: how often the band held the price on test days, day by day ahead, against its promise.
    """
    volatility = check.volatility
    st.subheader("What the LSTM learned: turbulence")
    st.markdown(volatility.reading)
    show(charts.turbulence(volatility.daily, spacing), "turbulence_chart")
    before = spacing.noun if spacing.bars == 1 else "bar"
    st.caption(
        f"Each line is the size of move forecast the {before} before (the band's width follows "
        "it); the grey line is what happened. A forecast that rises before or with the grey "
        "line has learned that storms follow storms."
    )
    readings(report.volatility_readings(check, spacing))
    unit = frequency.plural(spacing)
    st.markdown(f"**How often the {check.level:.0%} band held the price, by {unit} ahead**")
    st.dataframe(report.band_table(check, spacing), width="stretch")
    st.caption(
        f"Measured on test {unit} the model never saw; “on target” is within "
        f"{report.ON_TARGET_POINTS} points of "
        f"{check.level:.0%}. Every band is calibrated on validation {unit} only."
    )
    with st.expander("Every method's scores on the test part"):
        st.dataframe(report.volatility_table(check), width="stretch")
        st.caption(
            "Held: share of test days inside the band. Width and interval score (width plus a "
            "penalty for each miss) are shares of the price. Log-likelihood loss and QLIKE score "
            "the forecast size of the next move: lower is better for all but Held, which should "
            "be close to the promise."
        )


def forecast_source(result: dict) -> str:
    """Which model drew the forecast beyond the last date, in one line."""
    if result.get("final") is not None:
        best = result["model"].best_epoch_
        return (
            "This forecast comes from the same settings retrained on all days, the test part "
            f"included, for {best} epoch{'s' if best != 1 else ''} (the best count found); every "
            "score above is from the model that never saw the test part."
        )
    return (
        "This forecast comes from the model trained without the test part: Stop was pressed, so "
        "the retraining on all days was skipped or cut short."
    )


def overlay_choice(result: dict) -> dict:
    """Up to two earlier runs on the same data, picked by the user, as chart overlays."""
    same = {
        run["label"]: run["predictions"]
        for run in state.forecast_runs()
        if run["label"] != result["label"]
        and (run["settings"]["data"], run["settings"]["column"])
        == (result["settings"]["data"], result["settings"]["column"])
    }
    if not same:
        return {}
    picked = st.multiselect(
        "Overlay earlier runs (up to two)", list(same), max_selections=2, key="overlay_runs"
    )
    return {f"{label} prediction": same[label] for label in picked}


def render_details(result: dict) -> None:
    evaluation, check = result["evaluation"], result["check"]
    left, right = st.columns(2)
    with left:
        st.subheader("Scores on the test part")
        st.dataframe(report.metrics_table(evaluation), width="stretch")
        st.caption("RMSE and MAE are in the price's units; lower is better for all but direction.")
    with right:
        spacing = frequency.of(result["series"].index)
        st.subheader(
            f"Next {len(check.band)} trading days"
            if spacing.name == "daily"
            else frequency.ahead(len(check.band), spacing).capitalize()
        )
        st.dataframe(report.future_table(check.band, check.level), width="stretch")
        st.caption(
            f"The band should hold the real price {check.level:.0%} of the time; it is "
            f"measured on validation {frequency.plural(spacing)} and checked on test "
            f"{frequency.plural(spacing)}."
        )
        st.caption(forecast_source(result))
        st.caption(trading_days.trading_calendar(result["series"].index).description)
    show(charts.losses(result["model"].history_), "loss_chart")
    st.caption(report.loss_reading(result["model"].history_, spacing))
    left, right = st.columns(2)
    # built only when clicked: the model file alone takes about a second to write
    left.download_button(
        "Download predictions (CSV)",
        lambda: report.predictions_csv(evaluation, check.band),
        file_name="lstm_predictions.csv",
        mime="text/csv",
        key="download_predictions",
        # no rerun on click: a rerun races the download of deferred data and can cancel it
        on_click="ignore",
    )
    right.download_button(
        "Download the model (.zip)",
        # the model that drew the forecast: the refit on all days when there is one
        lambda: report.model_bytes(
            result.get("final") or result["model"], source=result["settings"]["data"]
        ),
        file_name=forecast_export.FILE_NAME,
        mime=forecast_export.MIME,
        key="download_model",
        on_click="ignore",
        help="A Keras model that takes the last prices and gives this page's next-day forecast "
        "(the model retrained on all days), with a JSON of its settings and dates and a README "
        "on how to call it.",
    )


def render_history() -> None:
    """The session's runs as a table that wraps to the page's width (no sideways scroll)."""
    runs = state.forecast_runs()
    if not runs:
        return
    st.subheader("Runs in this session")
    st.table(report.history_table(runs))
    count = f"{len(runs)} run" + ("s" if len(runs) > 1 else "")
    st.caption(f"{count} in this session, oldest first. {report.HISTORY_CAUTION}")
    if st.button("Clear history", key="clear_history", icon=":material/delete:"):
        state.clear_forecast_runs()
        st.rerun()


def run_backtest(series, settings: dict, extras=None) -> None:
    """The walk-forward backtest: run on request, then the latest one is shown."""
    st.subheader("Walk-forward backtest")
    st.caption(
        f"Retrains the model {backtest.DEFAULT_FOLDS} times, each time on all days before a "
        "one-block test, to see whether the score holds across years. Each refit takes about "
        "as long as one training with these settings."
    )
    if st.button("Run the backtest", key="run_backtest", icon=":material/replay:"):
        start_backtest(series, settings, extras)
    finished = collect_backtest()
    if finished:  # the bar as the job left it, in the run that shows its result
        st.progress(finished[-1].fraction, finished[-1].text)
    running = state.job(state.BACKTEST_JOB)
    if running is not None:
        ui_jobs.panel(
            running[0], "Running the backtest…", draw_backtest_progress, "stop_backtest",
            "End each remaining fold's training early, keeping its best epoch.",
        )  # fmt: skip
    failed = state.job_message(state.BACKTEST_JOB)
    if failed is not None:
        st.error(failed[0])
        if failed[1] and st.button("Retry", key="retry_backtest", icon=":material/replay:"):
            start_backtest(series, settings, extras)
            st.rerun()
    render_backtest(state.forecast_backtest(), series, settings)


def start_backtest(series, settings: dict, extras=None) -> None:
    """Submit the walk-forward backtest as this session's job, cancelling one still running."""
    old = state.pop_job(state.BACKTEST_JOB)
    if old is not None:
        old[0].cancel()
    # every training setting the page shows, epochs too, so the caption's epochs are the real ones
    params = {key: int(settings[key]) for key in ("lookback", "epochs", "units", "layers", "seed")}
    work = jobs.Adapted(backtest.walk_forward)
    job, message = ui_jobs.submit(work, series, name="backtest", extras=extras, **params)
    state.set_job_message(state.BACKTEST_JOB, None if job else (message, False))
    if job is not None:
        state.set_job(state.BACKTEST_JOB, (job, dict(settings)))


def collect_backtest() -> list:
    """Turn a finished backtest job into the latest backtest, or into why it failed; return
    its progress reports (none when no job finished)."""
    running = state.job(state.BACKTEST_JOB)
    if running is None or not running[0].done():
        return []
    job, settings = state.pop_job(state.BACKTEST_JOB)
    error = job.error()
    if error is not None:
        state.set_job_message(state.BACKTEST_JOB, jobs.failure(error))
        return []
    state.set_forecast_backtest(job.result(), settings)
    return job.progress()


def draw_backtest_progress(updates: list, bar, curve, note) -> None:
    """The backtest's progress bar: the fold and epoch the latest report names."""
    if updates:
        bar.progress(updates[-1].fraction, updates[-1].text)
    else:
        bar.progress(0.0, "Fold 1: preparing…")


def render_backtest(stored: dict | None, series, settings: dict) -> None:
    """The latest walk-forward backtest, if any, flagged when its settings differ from these."""
    if stored is None:
        return
    result = stored["result"]
    if stored["settings"] != settings:
        st.warning("This backtest used other settings or data; run it again to update it.")
    # green only for a significant win; no detectable difference is neutral, a real loss orange
    box = {"better": st.success, "worse": st.warning}.get(result.verdict, st.info)
    box(result.reading)
    readings(report.backtest_readings(result))
    show(charts.backtest_folds(series, result.fold_table()), "backtest_chart")
    # a static table wraps to the page's width: an interactive one cut the Verdict off at 1280 px
    st.table(report.backtest_table(result))
    # settings without epochs ran walk_forward on its own default
    epochs = int(stored["settings"].get("epochs", backtest.DEFAULT_EPOCHS))
    st.caption(report.backtest_caption(result, epochs))
