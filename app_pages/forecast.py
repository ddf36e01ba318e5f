"""Stock forecast: upload prices, train a many-to-many LSTM, compare it with tomorrow = today.

Settings live in the URL (``st.query_params``) so a setup can be bookmarked. Training runs as a
job off this script's thread (``core.jobs``): the page draws its progress as it polls it, a rerun
never interrupts it, and Stop ends it within a batch while keeping its best epoch.
"""

import hashlib

import streamlit as st

from core.forecast import presentation, prices, report
from core.paths import SAMPLES
from ui import explain as ui_explain
from ui import forecast as ui_forecast
from ui import state, style

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


# Shared by all sessions and kept after they close: a 45 MB upload caches about 41 MB, so the
# cache holds few files and forgets them once their session has gone quiet.
@st.cache_data(show_spinner=False, max_entries=8, ttl="15m")
def load(data: bytes, column: str | None) -> prices.PriceData:
    return prices.load_prices(data, column)


def url_setup() -> dict:
    """Widget state from the URL wherever a widget has none yet; notes for values it fixed.

    The link's data and column are remembered from the session's first run: the URL is rewritten
    on every run, and its column only ever applies to the data the link named.
    """
    setup, notes = report.read_setup(st.query_params.to_dict(), list(SAMPLE_NAMES))
    st.session_state.setdefault("sample", SAMPLE_NAMES[setup["sample"]])
    st.session_state.setdefault("presentation", setup["present"])
    state.remember_forecast_link(SAMPLE_NAMES[setup["sample"]], setup["column"])
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


def choose_column(name: str, raw: bytes, from_sample: bool) -> prices.PriceData:
    """The price column box; each file gets its own, starting on the file's best column."""
    loaded = load(raw, None)
    link_data, link_column = state.forecast_link()
    asked = link_column if from_sample and name == link_data else None
    column, note = report.column_choice(loaded.numeric_columns, loaded.column, asked)
    if note:
        st.warning(note, icon=":material/link_off:")
    column = st.selectbox(
        "Price column",
        loaded.numeric_columns,
        index=loaded.numeric_columns.index(column),
        # one box per file: a kept box would carry one file's choice over to the next
        key=f"column_{hashlib.blake2b(raw, digest_size=8).hexdigest()}",
        help="Adjusted close is picked when the file has it, else the close.",
    )
    return load(raw, column)


st.title("Stock forecast")
st.caption(
    "A many-to-many LSTM reads a window of daily returns and predicts the next day at every step. "
    "Every score is measured on the newest days, which the model never saw."
)
ui_explain.glossary(FORECAST_TERMS, key="forecast_glossary")
setup = url_setup()
presenting = st.toggle("Presentation mode", key="presentation", help="Hide the controls.")
try:
    if presenting:
        st.set_page_config(initial_sidebar_state="collapsed")  # the chart gets the whole screen
        style.presentation_text()
        # the data of the last normal-mode run, else the link's sample
        sample_name = st.session_state["sample"]
        default_data = (sample_name, SAMPLES[sample_name].read_bytes(), setup["column"])
        data_name, raw, column = state.forecast_data() or default_data
        loaded = load(raw, column)
    else:
        data_name, raw = choose_data()
        loaded = choose_column(data_name, raw, st.session_state.get("source") != "Upload a CSV")
except ValueError as error:
    st.error(str(error))
    st.stop()
state.set_forecast_data(data_name, raw, loaded.column)

if not presenting:
    ui_forecast.render_loaded(loaded)
    train_now = ui_forecast.settings_form(setup)
else:
    train_now = st.button("Train the LSTM", type="primary", key="present_train")

settings = {"data": data_name, "column": loaded.column}
settings |= {key: st.session_state.get(key, setup[key]) for key in SETTINGS}
sample = next((slug for slug, name in SAMPLE_NAMES.items() if name == data_name), None)
st.query_params.from_dict(report.setup_query({**settings, "sample": sample, "present": presenting}))
if presenting:
    st.subheader(presentation.title_line(settings))

if train_now:
    ui_forecast.start_training(loaded.series, settings)
ui_forecast.training_area(settings, loaded.series)
if not presenting:
    ui_forecast.render_history()
    ui_forecast.run_backtest(loaded.series, settings)
