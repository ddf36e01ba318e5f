"""Stock forecast: upload prices, train a many-to-many LSTM, compare it with tomorrow = today."""

import streamlit as st

from core import charts, forecast, forecast_report, prices
from core.paths import SAMPLES

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


st.title("Stock forecast")
st.caption(
    "A many-to-many LSTM reads a window of daily returns and predicts the next day at every step. "
    "Every score is measured on the newest days, which the model never saw."
)

source = st.segmented_control(
    "Data", ["Bundled sample", "Upload a CSV"], default="Bundled sample", key="source"
)
if source == "Upload a CSV":
    upload = st.file_uploader(
        "Price history (CSV from Yahoo, Nasdaq, Stooq, Investing.com, a European broker…)",
        type=["csv", "txt"],
        key="upload",
    )
    if upload is None:
        st.info("Upload a CSV with a date column and at least one price column to begin.")
        st.stop()
    raw, data_name = upload.getvalue(), upload.name
else:
    data_name = st.selectbox("Sample", list(SAMPLES), key="sample")
    raw = SAMPLES[data_name].read_bytes()

try:
    loaded = load(raw, None)
    column = st.selectbox(
        "Price column",
        loaded.numeric_columns,
        index=loaded.numeric_columns.index(loaded.column),
        key="column",
        help="Adjusted close is picked when the file has it, else the close.",
    )
    loaded = load(raw, column)
except ValueError as error:
    st.error(str(error))
    st.stop()

st.success(loaded.report)
for note in loaded.notes:
    st.info(note)
with st.expander("The history you loaded", expanded=False):
    st.plotly_chart(charts.price_history(loaded.series), key="history_chart")

with st.form("settings", border=True):
    left, right = st.columns(2)
    lookback = left.slider(
        "Lookback (days)", 5, 120, forecast.DEFAULT_LOOKBACK, key="lookback", help=HELP["lookback"]
    )
    epochs = right.slider(
        "Epochs", 1, 100, forecast.DEFAULT_EPOCHS, key="epochs", help=HELP["epochs"]
    )
    with st.expander("More settings"):
        a, b, c = st.columns(3)
        units = a.select_slider(
            "Units", [8, 16, 32, 64, 128], forecast.DEFAULT_UNITS, key="units", help=HELP["units"]
        )
        layers = b.select_slider(
            "Layers", [1, 2, 3], forecast.DEFAULT_LAYERS, key="layers", help=HELP["layers"]
        )
        horizon = c.slider(
            "Forecast horizon (days)",
            1,
            30,
            forecast.DEFAULT_HORIZON,
            key="horizon",
            help=HELP["horizon"],
        )
        test_share = a.slider(
            "Test share",
            0.1,
            0.4,
            forecast.DEFAULT_TEST_SHARE,
            0.05,
            key="test_share",
            help=HELP["test_share"],
            format="%.2f",
        )
        seed = b.number_input(
            "Seed", 0, 10_000, forecast.DEFAULT_SEED, key="seed", help=HELP["seed"]
        )
    train = st.form_submit_button(
        "Train the LSTM", type="primary", icon=":material/model_training:"
    )

settings = {
    "data": data_name,
    "column": loaded.column,
    "lookback": lookback,
    "epochs": epochs,
    "units": units,
    "layers": layers,
    "horizon": horizon,
    "test_share": test_share,
    "seed": int(seed),
}

if train:
    with st.status("Training the LSTM…", expanded=True) as status:
        bar = st.progress(0.0, text="Preparing windows")
        curve = st.empty()
        history: dict[str, list[float]] = {"loss": [], "val_loss": []}

        def on_epoch(report):
            for key in history:
                history[key].append(report.logs.get(key, float("nan")))
            bar.progress(
                report.fraction,
                text=f"Epoch {report.epoch} of {report.epochs}: "
                f"validation loss {report.logs.get('val_loss', float('nan')):.4f}",
            )
            curve.plotly_chart(charts.losses(history), key=f"live_loss_{report.epoch}")

        try:
            model = forecast.Forecaster(
                lookback=lookback,
                epochs=epochs,
                units=units,
                layers=layers,
                test_share=test_share,
                seed=int(seed),
            ).fit(loaded.series, progress=on_epoch)
            evaluation, future = model.evaluate(), model.forecast(horizon)
            result = {
                "model": model,
                "evaluation": evaluation,
                "future": future,
                "train_fit": model.fitted_train(),
                "settings": settings,
                "series": loaded.series,
                "predictions_csv": forecast_report.predictions_csv(evaluation, future),
                "model_file": forecast_report.model_bytes(model),
            }
        except ValueError as error:
            status.update(label="Training could not start", state="error")
            st.error(str(error))
            st.stop()
        st.session_state["forecast_result"] = result
        status.update(
            label=f"Trained {model.epochs_run_} epochs in {model.train_seconds_:.1f} s",
            state="complete",
            expanded=False,
        )

result = st.session_state.get("forecast_result")
if result is None:
    st.info(
        "Pick your settings and press **Train the LSTM**. "
        "The default run takes well under a minute."
    )
    st.stop()

model, evaluation = result["model"], result["evaluation"]
if result["settings"] != settings:
    st.warning(
        "These results are from your previous settings or data; press **Train the LSTM** to "
        "update them."
    )

beat = evaluation.skill_ratio < 0.9995
(st.success if beat else st.warning)(evaluation.reading)
cards = st.columns(3)
for index, item in enumerate(forecast_report.readings(evaluation, model)):
    with cards[index % 3], st.container(border=True):
        st.metric(item.label, item.value)
        st.caption(item.reading)

show_persistence = st.toggle("Show tomorrow = today", value=True, key="show_persistence")
show_train = st.toggle("Show the LSTM on training days", value=False, key="show_train")
st.plotly_chart(
    charts.predictions(
        result["series"],
        evaluation.predictions,
        show_persistence=show_persistence,
        train_fit=result["train_fit"] if show_train else None,
        future=result["future"],
    ),
    key="predictions_chart",
)

left, right = st.columns(2)
with left:
    st.subheader("Scores on the test part")
    st.dataframe(forecast_report.metrics_table(evaluation), width="stretch")
    st.caption("RMSE and MAE are in the price's own units; lower is better for all but direction.")
with right:
    st.subheader(f"Next {len(result['future'])} business days")
    st.dataframe(forecast_report.future_table(result["future"]), width="stretch")
    st.caption(
        "Each day feeds its forecast back in as the next input, so errors add up with distance."
    )

st.plotly_chart(charts.losses(model.history_), key="loss_chart")
st.caption(
    "Training loss falls as the model fits the training days; validation loss says whether "
    "that helps on unseen days. Training keeps the epoch with the lowest validation loss."
)

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
