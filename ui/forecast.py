"""The forecast page's rendering: results, run overlays, details, history, backtest and progress."""

from __future__ import annotations

import streamlit as st

from core import backtest, charts, forecast_export
from core import forecast_report as report
from ui import explain as ui_explain


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


def epoch_progress():
    """A progress bar and a live loss chart; returns the callback that updates both each epoch."""
    bar, curve = st.progress(0.0, text="Preparing windows"), st.empty()
    losses: dict[str, list[float]] = {"loss": [], "val_loss": []}

    def on_epoch(epoch):
        for key in losses:
            losses[key].append(epoch.logs.get(key, float("nan")))
        val = epoch.logs.get("val_loss", float("nan"))
        bar.progress(epoch.fraction, f"Epoch {epoch.epoch} of {epoch.epochs}: val {val:.4f}")
        curve.plotly_chart(charts.losses(losses), key=f"live_loss_{epoch.epoch}")

    return on_epoch


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
        "Download the model (.zip)",
        result["model_file"],
        file_name=forecast_export.FILE_NAME,
        mime=forecast_export.MIME,
        key="download_model",
        help="A Keras model that takes the last prices and gives this page's next-day forecast, "
        "with a JSON of its settings and dates and a README on how to call it.",
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
    st.dataframe(report.backtest_table(result), width="stretch")
    st.caption(
        f"Each fold trained up to {backtest.DEFAULT_EPOCHS} epochs; the backtest took "
        f"{result.seconds:.0f} s. Skill ratio below 1 means the LSTM beat tomorrow = today."
    )
