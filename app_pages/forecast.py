"""Stock forecast: upload prices, train a many-to-many LSTM, compare it with tomorrow = today.

Settings live in the URL (``st.query_params``) so a setup can be bookmarked. A training that the
Stop button (or any other rerun) interrupts keeps its best epoch: the Forecaster is parked in
session state before ``fit`` starts, ``fit`` restores the best weights on its way out, and the
next run turns it into a result.
"""

import streamlit as st

from core import backtest, forecast, presentation, prices
from core import forecast_report as report
from core.paths import SAMPLES
from ui import explain as ui_explain
from ui import forecast as ui_forecast

SAMPLE_NAMES = {path.stem: label for label, path in SAMPLES.items()}
FORECAST_TERMS = [
    "LSTM",
    "lookback",
    "epoch",
    "validation",
    "test part",
    "persistence baseline",
    "RMSE",
    "MAE",
    "MAPE",
    "skill ratio",
    "signal kept",
    "band",
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


# Shared by all sessions and kept after they close: a 45 MB upload caches about 41 MB, so the
# cache holds few files and forgets them once their session has gone quiet.
@st.cache_data(show_spinner=False, max_entries=8, ttl="15m")
def load(data: bytes, column: str | None) -> prices.PriceData:
    return prices.load_prices(data, column)


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
        on_epoch = ui_forecast.epoch_progress()
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


def run_backtest(series, settings: dict) -> None:
    """The walk-forward backtest: run on request, then the latest one is shown."""
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
    ui_forecast.render_backtest(st.session_state.get("forecast_backtest"), series, settings)


st.title("Stock forecast")
st.caption(
    "A many-to-many LSTM reads a window of daily returns and predicts the next day at every step. "
    "Every score is measured on the newest days, which the model never saw."
)
ui_explain.glossary(FORECAST_TERMS, key="forecast_glossary")
setup = url_setup()
presenting = st.toggle("Presentation mode", key="presentation", help="Hide the controls.")
if presenting:
    st.set_page_config(initial_sidebar_state="collapsed")  # the chart gets the whole screen
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
    ui_forecast.render_loaded(loaded)
    train_now = settings_form(setup)
else:
    train_now = st.button("Train the LSTM", type="primary", key="present_train")

settings = {"data": data_name, "column": loaded.column}
settings |= {key: st.session_state.get(key, setup[key]) for key in SETTINGS}
sample = next((slug for slug, name in SAMPLE_NAMES.items() if name == data_name), None)
st.query_params.from_dict(report.setup_query({**settings, "sample": sample, "present": presenting}))
if presenting:
    st.subheader(presentation.title_line(settings))

if train_now:
    train(loaded.series, settings)
finish_pending()  # a training a Stop click or another rerun interrupted
result = st.session_state.get("forecast_result")
if result is None:
    st.info(
        "Pick your settings and press **Train the LSTM**. The default run takes under a minute."
    )
else:
    ui_forecast.render_result(result, settings)
if not presenting:
    ui_forecast.render_history()
    run_backtest(loaded.series, settings)
