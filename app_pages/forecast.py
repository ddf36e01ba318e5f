"""Stock forecast: upload prices, train a many-to-many LSTM, compare it with tomorrow = today.

Settings live in the URL (``st.query_params``) so a setup can be bookmarked. Training runs as a
job off this script's thread (``core.jobs``): the page draws its progress as it polls it, a rerun
never interrupts it, and Stop ends it within a batch while keeping its best epoch.
"""

import streamlit as st

from core.forecast import data as forecast_data
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
PASTE_LIMIT_CHARS = 5_000_000  # about 100,000 rows of a few columns
SETTINGS = ("lookback", "epochs", "units", "layers", "horizon", "test_share", "seed")


# Shared by all sessions and kept after they close: a 45 MB upload caches about 41 MB, so the
# cache holds few files and forgets them once their session has gone quiet.
@st.cache_data(show_spinner=False, max_entries=8, ttl="15m")
def load(
    data: bytes, column: str | None, ticker: str | None = None, sheet: str | None = None
) -> prices.PriceData:
    return prices.load_prices(data, column, ticker, sheet)


def url_setup() -> dict:
    """Widget state from the URL wherever a widget has none yet; notes for values it fixed.

    The link's data and column are remembered from the session's first run: the URL is rewritten
    on every run, and its column only ever applies to the data the link named.
    """
    setup, notes = report.read_setup(st.query_params.to_dict(), list(SAMPLE_NAMES))
    st.session_state.setdefault("sample", SAMPLE_NAMES[setup["sample"]])
    st.session_state.setdefault("presentation", setup["present"])
    state.remember_forecast_link(SAMPLE_NAMES[setup["sample"]], setup["column"])
    state.remember_forecast_link_ticker(st.query_params.get("ticker") or None)
    for note in notes:
        st.warning(note, icon=":material/link_off:")
    return setup


def choose_data() -> tuple[str, bytes]:
    source = st.segmented_control(
        "Data",
        ["Bundled sample", "Upload a CSV", "Paste rows"],
        default="Bundled sample",
        key="source",
        help="Upload takes CSV, TSV and text exports and Excel .xlsx workbooks: one ticker, a "
        "ticker column (long) or one column per ticker (wide); minute to monthly data.",
    )
    if source == "Paste rows":
        pasted = st.text_area(
            "Rows copied from a spreadsheet, header row first (Ctrl+Enter to read them)",
            key="paste",
            height=180,
            max_chars=PASTE_LIMIT_CHARS,
            placeholder="Date\tClose\n2024-01-02\t185.64\n2024-01-03\t184.25",
        )
        if not pasted.strip():
            st.info("Copy a date column and a price column in your spreadsheet and paste them.")
            st.stop()
        return "Pasted rows", pasted.encode("utf-8")
    if source != "Upload a CSV":
        name = st.selectbox("Sample", list(SAMPLES), key="sample")
        return name, SAMPLES[name].read_bytes()
    upload = st.file_uploader(
        "Price history (CSV, TSV or Excel from Yahoo, Nasdaq, Stooq, Investing.com, "
        "TradingView, a broker…)",
        type=["csv", "txt", "tsv", "xlsx", "xlsm", "gz", "zip"],
        key="upload",
    )
    if upload is None:
        st.info("Upload a CSV or Excel file with a date column and price columns to begin.")
        st.stop()
    return upload.name, upload.getvalue()


st.title("Stock forecast")
st.caption(
    "A many-to-many LSTM reads a window of returns, one per step of your data (a day, a week, "
    "an hour…), and at every step predicts the next one. "
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
        loaded = load(raw, column, *(state.forecast_pick() if state.forecast_data() else ()))
    else:
        data_name, raw = choose_data()
        from_sample = st.session_state.get("source") not in ("Upload a CSV", "Paste rows")
        loaded = ui_forecast.choose_source(load, data_name, raw, from_sample)
except ValueError as error:
    st.error(str(error))
    st.stop()
state.set_forecast_data(data_name, raw, loaded.column)
state.set_forecast_pick(loaded.ticker, loaded.sheet)

if not presenting:
    ui_forecast.render_loaded(loaded)
    train_now = ui_forecast.settings_form(setup, loaded.frequency)
else:
    train_now = st.button("Train the LSTM", type="primary", key="present_train")

# a ticker or sheet of one file is other data: its runs, results and overlays are kept apart
picked = [loaded.sheet] if len(loaded.sheets) > 1 else []
picked += [loaded.ticker] if loaded.ticker is not None else []
settings = {"data": " · ".join([data_name, *picked]), "column": loaded.column}
settings |= {key: st.session_state.get(key, setup[key]) for key in SETTINGS}
sample = next((slug for slug, name in SAMPLE_NAMES.items() if name == data_name), None)
query = report.setup_query({**settings, "sample": sample, "present": presenting})
st.query_params.from_dict(query | ({"ticker": loaded.ticker} if loaded.ticker else {}))
if presenting:
    st.subheader(presentation.title_line(settings))

# the day's high–low range, when the file has High and Low, is read too (see Forecaster.fit)
extras = forecast_data.extra_columns(loaded.table)
if train_now:
    ui_forecast.start_training(loaded.series, settings, extras)
ui_forecast.training_area(settings, loaded.series, extras)
if not presenting:
    ui_forecast.render_history()
    ui_forecast.run_backtest(loaded.series, settings, extras)
