"""Forecast chart builders: kept zoom across toggles, a visible band, an honest skill axis."""

import re

import numpy as np
import pandas as pd
import pytest

from core.forecast import charts
from tests.conftest import random_walk_prices

LIGHT_BACKGROUND, DARK_BACKGROUND = (255, 255, 255), (16, 20, 28)  # .streamlit/config.toml


def chart_inputs(n: int = 400):
    history = random_walk_prices(n)
    test_dates = history.index[-80:]
    test = pd.DataFrame(
        {
            "actual": history[test_dates].to_numpy(),
            "lstm": history[test_dates].to_numpy() * 1.001,
            "persistence": history.shift(1)[test_dates].to_numpy(),
        },
        index=test_dates,
    )
    future_dates = pd.bdate_range(history.index[-1] + pd.offsets.BDay(1), periods=10)
    last = float(history.iloc[-1])
    future = pd.Series(last * np.linspace(1.0, 1.01, 10), index=future_dates)
    band = pd.DataFrame({"lower": future * 0.95, "upper": future * 1.05}, index=future_dates)
    train_fit = pd.DataFrame({"lstm": history.iloc[20:200].to_numpy()}, index=history.index[20:200])
    return history, test, future, band, train_fit


@pytest.mark.parametrize(
    "toggles",
    [
        {"hidden": {"persistence"}},
        {"train_fit": "yes", "hidden": {"train_fit"}},
        {"overlays": "yes"},
        {"hidden": {"persistence", "band"}, "train_fit": "yes", "overlays": "yes"},
    ],
)
def test_toggles_keep_the_predictions_chart_revision_and_ranges(toggles):
    history, test, future, band, train_fit = chart_inputs()
    base = charts.predictions(history, test, future=future, band=band)
    options = dict(toggles)
    if "train_fit" in options:
        options["train_fit"] = train_fit
    if "overlays" in options:
        options["overlays"] = {"Run 1 prediction": test["actual"] * 1.02}
    toggled = charts.predictions(history, test, future=future, band=band, **options)
    assert base.layout.uirevision
    # Plotly keeps the user's zoom only while uirevision and the figure's own ranges stay put
    assert toggled.layout.uirevision == base.layout.uirevision
    assert toggled.layout.xaxis.range == base.layout.xaxis.range
    assert toggled.layout.yaxis.range == base.layout.yaxis.range


def test_other_data_gets_a_new_revision_so_the_view_resets():
    history, test, future, band, _ = chart_inputs()
    first = charts.predictions(history, test, future=future, band=band)
    shorter = history.iloc[:-5]
    other = charts.predictions(shorter, test.iloc[:-5], future=future, band=band)
    assert other.layout.uirevision != first.layout.uirevision
    assert (
        charts.price_history(history).layout.uirevision
        != charts.price_history(shorter).layout.uirevision
    )


def test_every_forecast_chart_carries_a_revision():
    history, test, _, _, _ = chart_inputs()
    steps = pd.DataFrame(
        {"lstm_rmse": [1.0, 2.0], "persistence_rmse": [1.1, 2.1], "coverage": [0.8, 0.7]},
        index=pd.RangeIndex(1, 3, name="step"),
    )
    folds = pd.DataFrame(
        {
            "test_start": [history.index[300], history.index[350]],
            "test_end": [history.index[349], history.index[-1]],
            "skill_ratio": [0.996, 1.004],
        },
        index=pd.Index([1, 2], name="fold"),
    )
    figures = [
        charts.price_history(history),
        charts.losses({"loss": [1.0, 0.5], "val_loss": [1.1, 0.6]}),
        charts.horizon_errors(steps),
        charts.band_coverage(steps, 0.8),
        charts.backtest_folds(history, folds),
    ]
    assert all(figure.layout.uirevision for figure in figures)


def _rgba(colour: str) -> tuple[tuple[float, float, float], float]:
    red, green, blue, alpha = (float(part) for part in re.findall(r"[\d.]+", colour))
    return (red, green, blue), alpha


def _luminance(rgb) -> float:
    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(value) for value in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def _contrast(first, second) -> float:
    high, low = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("background", [LIGHT_BACKGROUND, DARK_BACKGROUND])
def test_band_stands_out_from_both_theme_backgrounds(background):
    fill, alpha = _rgba(charts.BAND)
    pairs = zip(fill, background, strict=True)
    blended = [alpha * part + (1 - alpha) * under for part, under in pairs]
    # the old 18 % tint reached only 1.1:1 on the dark background (1.3:1 on white)
    assert _contrast(blended, background) >= 1.5
    edge, edge_alpha = _rgba(charts.BAND_EDGE)
    assert edge_alpha >= 0.9 and _contrast(edge, background) >= 3.0


def test_band_is_drawn_with_a_visible_edge():
    history, test, future, band, _ = chart_inputs()
    figure = charts.predictions(history, test, future=future, band=band)
    band_traces = [trace for trace in figure.data if trace.line.color == charts.BAND_EDGE]
    assert len(band_traces) == 2
    assert all(trace.line.width >= 1 for trace in band_traces)
    assert band_traces[1].fill == "tonexty" and band_traces[1].fillcolor == charts.BAND


def test_skill_bars_start_at_zero_and_carry_their_values_clear_of_the_tie_line():
    history = random_walk_prices(400)
    folds = pd.DataFrame(
        {
            "test_start": [history.index[200], history.index[300]],
            "test_end": [history.index[299], history.index[-1]],
            "skill_ratio": [0.996, 1.004],
        },
        index=pd.Index([1, 2], name="fold"),
    )
    figure = charts.backtest_folds(history, folds)
    low, high = figure.layout.yaxis2.range
    # 0.996 against 1.004 must not look like a big win: the axis starts at 0
    assert low == 0 and high >= 1.2
    bars = next(trace for trace in figure.data if trace.type == "bar")
    assert list(bars.text) == ["0.996", "1.004"]
    # inside the bars, half way up, never on the dashed line at 1
    assert bars.textposition == "inside" and bars.insidetextanchor == "middle"
    assert any(shape.y0 == shape.y1 == 1.0 for shape in figure.layout.shapes)


def test_skill_axis_grows_for_a_large_ratio():
    history = random_walk_prices(400)
    folds = pd.DataFrame(
        {
            "test_start": [history.index[200], history.index[300]],
            "test_end": [history.index[299], history.index[-1]],
            "skill_ratio": [0.9, 2.0],
        },
        index=pd.Index([1, 2], name="fold"),
    )
    low, high = charts.backtest_folds(history, folds).layout.yaxis2.range
    assert low == 0 and high >= 2.0


def test_hidden_layers_are_drawn_switched_off_for_the_legend_to_show():
    history, test, future, band, train_fit = chart_inputs()
    overlay = {"Run 1 prediction": test["actual"] * 1.02}
    layers = {"future": future, "band": band, "train_fit": train_fit, "overlays": overlay}
    shown = charts.predictions(history, test, **layers)
    hidden = charts.predictions(
        history, test, **layers, hidden={"persistence", "train_fit", "band", "Run 1 prediction"}
    )
    visible = {trace.name: trace.visible for trace in hidden.data}
    assert visible["Tomorrow = today"] == "legendonly"
    assert visible["LSTM on training days"] == "legendonly"
    assert visible["Uncertainty band"] == "legendonly"
    assert visible["Run 1 prediction"] == "legendonly"
    assert visible["LSTM prediction"] is None and visible["Actual"] is None
    # both band edges switch together from the one legend entry
    band_traces = [trace for trace in hidden.data if trace.legendgroup == "band"]
    assert len(band_traces) == 2 and {trace.visible for trace in band_traces} == {"legendonly"}
    # a switched-off layer leaves the view as it was
    assert hidden.layout.uirevision == shown.layout.uirevision
    assert hidden.layout.yaxis.range == shown.layout.yaxis.range


def test_turbulence_chart_draws_forecast_and_realised_volatility_in_percent():
    days = pd.bdate_range("2021-01-01", periods=30)
    moves = np.where(np.arange(30) < 15, 0.005, 0.03) * np.where(np.arange(30) % 2, 1, -1)
    daily = pd.DataFrame(
        {
            "actual": moves,
            "lstm_sigma": np.where(np.arange(30) < 16, 0.006, 0.025),
            "garch_sigma": np.full(30, 0.01),
        },
        index=days,
    )
    figure = charts.turbulence(daily)
    traces = {trace.name: trace for trace in figure.data}
    assert list(traces) == [
        "Day's move (size)",
        "Realised (10-day)",
        "GARCH(1,1) forecast",
        "LSTM forecast",
    ]
    np.testing.assert_allclose(traces["LSTM forecast"].y, daily["lstm_sigma"] * 100)
    np.testing.assert_allclose(traces["Day's move (size)"].y, np.abs(moves) * 100)
    # realised volatility: root mean square of the last 10 moves, undefined for the first 9
    realised = np.asarray(traces["Realised (10-day)"].y, dtype=float)
    assert np.isnan(realised[:9]).all() and realised[9] == pytest.approx(0.5)
    assert realised[-1] == pytest.approx(3.0)
    assert figure.layout.yaxis.range[1] >= 3.0 and figure.layout.uirevision
