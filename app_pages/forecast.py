"""Stock forecast: upload prices, train a many-to-many LSTM, compare it with tomorrow = today.

Settings live in the URL (``st.query_params``) so a setup can be bookmarked. A training that the
Stop button (or any other rerun) interrupts keeps its best epoch: the Forecaster is parked in
session state before ``fit`` starts, ``fit`` restores the best weights on its way out, and the
next run turns it into a result.
"""

import streamlit as st

from core import backtest, charts, forecast, prices
from core import forecast_report as report
from core.paths import SAMPLES
from ui import explain as ui_explain

SAMPLE_NAMES = {path.stem: label for label, path in SAMPLES.items()}
FORECAST_TERMS = [
    "LSTM",
    "lookback",
    "epoch",
    "validation",
    "test part",
    "persistence baseline",
    "RMSE",
    "MAPE",
    "skill ratio",
]
SETTINGS = ("lookback", "epochs", "units", "layers", "horizon", "test_share", "seed")
HELP = {
    "lookback": "How many past days the LSTM reads before each prediction (its number of steps).",
    "epochs": "How many passes over the training days. Training stops early when validation "
    "days stop improving.",
    "units": "Memory cells in each LSTM layer: more can learn more patterns, and trains slower.",
    "layers": "LSTM layers stacked on top of each other.",
    "horizon": "How many business days beyond the last date to forecast.",
    "test_share": "The newest part of the history, kept aside and never used in training: "
    "all scores are measured here.",
    "seed": "Starting point of the random numbers: the same seed gives the same model.",
}


@st.cache_data(show_spinner=False, max_entries=16)
def load(data: bytes, column: str | None) -> prices.PriceData:
    return prices.load_prices(data, column)


def show(figure, key: str) -> None:
    big = st.session_state.get("presentation", False)
    st.plotly_chart(charts.enlarge(figure) if big else figure, key=key)


def readings(items: list[report.Reading], columns: int = 3) -> None:
    cards = st.columns(columns)
    for index, item in enumerate(items):
        with cards[index % columns], st.container(border=True):
            st.metric(item.label, item.value)
            st.caption(item.reading)


def url_setup() -> dict:
    """Widget state from the URL wherever a widget has none yet; notes for values it fixed."""
    setup, notes = report.read_setup(st.query_params.to_dict(), list(SAMPLE_NAMES))
    st.session_state.setdefault("sample", SAMPLE_NAMES[setup["sample"]])
    st.session_state.setdefault("presentation", setup["present"])
    for note in notes:
        st.warning(note, icon=":material/link_off:")
    return setup


def choose_data() -> tuple[str, bytes]:
    source = st.segmented_control(
        "Data", ["Bundled sample", "Upload a CSV"], default="Bundled sample", key="source"
    )
    if source != "Upload a CSV":
        name = st.selectbox("Sample", list(SAMPLES), key="sample")
        return name, SAMPLES[name].read_bytes()
    upload = st.file_uploader(
        "Price history (CSV from Yahoo, Nasdaq, Stooq, Investing.com, a European broker…)",
        type=["csv", "txt"],
        key="upload",
    )
    if upload is None:
        st.info("Upload a CSV with a date column and at least one price column to begin.")
        st.stop()
    return upload.name, upload.getvalue()


def choose_column(raw: bytes, url_column: str | None) -> prices.PriceData:
    loaded = load(raw, None)
    if st.session_state.get("column") not in loaded.numeric_columns:
        wanted = url_column if url_column in loaded.numeric_columns else loaded.column
        if url_column and wanted != url_column:
            st.warning(f"The link asks for column “{url_column}”; this file has no such column.")
        st.session_state["column"] = wanted
    column = st.selectbox(
        "Price column",
        loaded.numeric_columns,
        key="column",
        help="Adjusted close is picked when the file has it, else the close.",
    )
    return load(raw, column)


def settings_form(setup: dict) -> bool:
    """The training settings; each starts from the URL's value (or the default).

    The values come in through ``value=`` rather than session state: Streamlit drops a widget's
    state on a run that does not draw it (e.g. while no file is uploaded yet), and a keyed widget
    with neither would fall back to its minimum.
    """
    with st.form("settings", border=True):
        left, right = st.columns(2)
        left.slider(
            "Lookback (days)", 5, 120, setup["lookback"], key="lookback", help=HELP["lookback"]
        )
        right.slider("Epochs", 1, 100, setup["epochs"], key="epochs", help=HELP["epochs"])
        with st.expander("More settings"):
            a, b, c = st.columns(3)
            a.select_slider(
                "Units", report.CHOICES["units"], setup["units"], key="units", help=HELP["units"]
            )
            b.select_slider(
                "Layers",
                report.CHOICES["layers"],
                setup["layers"],
                key="layers",
                help=HELP["layers"],
            )
            c.slider(
                "Forecast horizon (days)",
                1,
                30,
                setup["horizon"],
                key="horizon",
                help=HELP["horizon"],
            )
            a.select_slider(
                "Test share",
                report.TEST_SHARES,
                setup["test_share"],
                key="test_share",
                help=HELP["test_share"],
            )
            b.number_input("Seed", 0, 10_000, setup["seed"], key="seed", help=HELP["seed"])
        return st.form_submit_button(
            "Train the LSTM", type="primary", icon=":material/model_training:"
        )


def train(series, settings: dict) -> None:
    """Train with live progress and a Stop button, then finish the run."""
    params = {key: int(settings[key]) for key in ("lookback", "epochs", "units", "layers", "seed")}
    model = forecast.Forecaster(test_share=settings["test_share"], **params)
    st.session_state["forecast_pending"] = {"model": model, "settings": settings, "series": series}
    with st.status("Training the LSTM…", expanded=True) as status:
        # A click reruns the page, which interrupts fit; fit keeps its best epoch on the way out.
        stop_slot = st.empty()
        stop_slot.button("Stop", key="stop_training", icon=":material/stop_circle:")
        bar, curve = st.progress(0.0, text="Preparing windows"), st.empty()
        losses: dict[str, list[float]] = {"loss": [], "val_loss": []}

        def on_epoch(epoch):
            for key in losses:
                losses[key].append(epoch.logs.get(key, float("nan")))
            val = epoch.logs.get("val_loss", float("nan"))
            bar.progress(epoch.fraction, f"Epoch {epoch.epoch} of {epoch.epochs}: val {val:.4f}")
            curve.plotly_chart(charts.losses(losses), key=f"live_loss_{epoch.epoch}")

        try:
            model.fit(series, progress=on_epoch)
        except ValueError as error:
            st.session_state.pop("forecast_pending", None)
            status.update(label="Training could not start", state="error")
            st.error(str(error))
            st.stop()
        stop_slot.empty()
        run = st.session_state.get("forecast_run_count", 0) + 1
        status.update(
            label=f"Run {run}: trained {model.epochs_run_} epochs in {model.train_seconds_:.1f} s",
            state="complete",
        )
    finish_pending()


def finish_pending() -> None:
    """Turn a finished or interrupted training into the current result and a history entry."""
    pending = st.session_state.pop("forecast_pending", None)
    if pending is None:
        return
    model, settings = pending["model"], pending["settings"]
    if not model.is_fitted:
        st.warning("Training was stopped before its first epoch finished; nothing to keep.")
        return
    evaluation, check = model.evaluate(), model.horizon_check(settings["horizon"])
    count = st.session_state.get("forecast_run_count", 0) + 1
    st.session_state["forecast_run_count"] = count
    record = report.run_record(count, settings, model, evaluation, check)
    st.session_state.setdefault("forecast_runs", []).append(record)
    st.session_state["forecast_result"] = {
        "model": model,
        "evaluation": evaluation,
        "check": check,
        "future": check.band["forecast"],
        "train_fit": model.fitted_train(),
        "settings": settings,
        "series": pending["series"],
        "label": record["label"],
        "predictions_csv": report.predictions_csv(evaluation, check.band),
        "model_file": report.model_bytes(model),
    }


def render_result(result: dict, settings: dict) -> None:
    model, evaluation, check = result["model"], result["evaluation"], result["check"]
    if result["settings"] != settings:
        st.warning("These results are from other settings or data; press **Train the LSTM**.")
    if model.stopped_:
        st.info(
            f"Training was stopped after {model.epochs_run_} of {model.epochs} epochs; the model "
            f"keeps epoch {model.best_epoch_}, the best on validation days."
        )
    (st.success if evaluation.skill_ratio < 0.9995 else st.warning)(evaluation.reading)
    readings(report.readings(evaluation, model) + report.horizon_readings(check))

    a, b, c = st.columns(3)
    show_persistence = a.toggle("Show tomorrow = today", value=True, key="show_persistence")
    show_train = b.toggle("Show the LSTM on training days", value=False, key="show_train")
    show_band = c.toggle(f"Show the {check.level:.0%} band", value=True, key="show_band")
    overlays = overlay_choice(result)
    show(
        charts.predictions(
            result["series"],
            evaluation.predictions,
            show_persistence=show_persistence,
            train_fit=result["train_fit"] if show_train else None,
            future=result["future"],
            band=check.band if show_band else None,
            overlays=overlays,
        ),
        "predictions_chart",
    )
    left, right = st.columns(2)
    with left:
        show(charts.horizon_errors(check.steps), "horizon_errors_chart")
        st.caption("Errors grow with distance because each day's forecast feeds the next.")
    with right:
        show(charts.band_coverage(check.steps, check.level), "band_coverage_chart")
        st.caption(f"On target when the line sits on the dashed {check.level:.0%} line.")
    ui_explain.forecast_story(model)
    if not st.session_state.get("presentation"):
        render_details(result)


def overlay_choice(result: dict) -> dict:
    """Up to two earlier runs on the same data, picked by the user, as chart overlays."""
    same = {
        run["label"]: run["predictions"]
        for run in st.session_state.get("forecast_runs", [])
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
        st.subheader(f"Next {len(check.band)} business days")
        st.dataframe(report.future_table(check.band, check.level), width="stretch")
        st.caption(
            f"The band should hold the real price {check.level:.0%} of the time; it is "
            "measured on validation days and checked on test days."
        )
    show(charts.losses(result["model"].history_), "loss_chart")
    st.caption("Training keeps the epoch with the lowest validation loss.")
    left, right = st.columns(2)
    left.download_button(
        "Download predictions (CSV)",
        result["predictions_csv"],
        file_name="lstm_predictions.csv",
        mime="text/csv",
        key="download_predictions",
    )
    right.download_button(
        "Download the model (.keras)",
        result["model_file"],
        file_name="lstm_forecaster.keras",
        mime="application/octet-stream",
        key="download_model",
    )


def render_history() -> None:
    runs = st.session_state.get("forecast_runs", [])
    if not runs:
        return
    st.subheader("Runs in this session")
    st.dataframe(report.history_table(runs), width="stretch")
    st.caption("Every training you ran here, oldest first; a lower skill ratio is better.")
    if st.button("Clear history", key="clear_history", icon=":material/delete:"):
        st.session_state["forecast_runs"] = []
        st.rerun()


def render_backtest(series, settings: dict) -> None:
    st.subheader("Walk-forward backtest")
    st.caption(
        f"Retrains the model {backtest.DEFAULT_FOLDS} times, each time on all days before a "
        "one-block test, to see whether the score holds across years. About a minute."
    )
    if st.button("Run the backtest", key="run_backtest", icon=":material/replay:"):
        bar = st.progress(0.0, text="Fold 1")
        try:
            result = backtest.walk_forward(
                series,
                progress=lambda r: bar.progress(r.fraction, f"Fold {r.fold} of {r.folds}"),
                **{key: int(settings[key]) for key in ("lookback", "units", "layers", "seed")},
            )
        except ValueError as error:
            st.error(str(error))
            return
        st.session_state["forecast_backtest"] = {"result": result, "settings": settings}
    stored = st.session_state.get("forecast_backtest")
    if stored is None:
        return
    result = stored["result"]
    if stored["settings"] != settings:
        st.warning("This backtest used other settings or data; run it again to update it.")
    st.success(result.reading)
    readings(report.backtest_readings(result))
    show(charts.backtest_folds(series, result.fold_table()), "backtest_chart")
    st.dataframe(report.backtest_table(result), width="stretch")
    st.caption(
        f"Each fold trained up to {backtest.DEFAULT_EPOCHS} epochs; the backtest took "
        f"{result.seconds:.0f} s. Skill ratio below 1 means the LSTM beat tomorrow = today."
    )


st.title("Stock forecast")
st.caption(
    "A many-to-many LSTM reads a window of daily returns and predicts the next day at every step. "
    "Every score is measured on the newest days, which the model never saw."
)
ui_explain.glossary(FORECAST_TERMS, key="forecast_glossary")
setup = url_setup()
presenting = st.toggle("Presentation mode", key="presentation", help="Hide the controls.")
if presenting:
    # the data of the last normal-mode run, else the link's sample
    sample_name = st.session_state["sample"]
    default_data = (sample_name, SAMPLES[sample_name].read_bytes(), setup["column"])
    data_name, raw, column = st.session_state.get("forecast_data", default_data)
else:
    data_name, raw = choose_data()
try:
    loaded = load(raw, column) if presenting else choose_column(raw, setup["column"])
except ValueError as error:
    st.error(str(error))
    st.stop()
st.session_state["forecast_data"] = (data_name, raw, loaded.column)

if not presenting:
    st.success(loaded.report)
    for note in loaded.notes:
        st.info(note)
    with st.expander("The history you loaded", expanded=False):
        st.plotly_chart(charts.price_history(loaded.series), key="history_chart")
    train_now = settings_form(setup)
else:
    train_now = st.button("Train the LSTM", type="primary", key="present_train")

settings = {"data": data_name, "column": loaded.column}
settings |= {key: st.session_state.get(key, setup[key]) for key in SETTINGS}
sample = next((slug for slug, name in SAMPLE_NAMES.items() if name == data_name), None)
st.query_params.from_dict(report.setup_query({**settings, "sample": sample, "present": presenting}))

if train_now:
    train(loaded.series, settings)
finish_pending()  # a training a Stop click or another rerun interrupted
result = st.session_state.get("forecast_result")
if result is None:
    st.info(
        "Pick your settings and press **Train the LSTM**. The default run takes under a minute."
    )
else:
    render_result(result, settings)
if not presenting:
    render_history()
    render_backtest(loaded.series, settings)
