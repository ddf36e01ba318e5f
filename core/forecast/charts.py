"""Pure chart builders for the forecast page: data in, Plotly figure out."""

from __future__ import annotations

from collections.abc import Collection

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.forecast import frequency

# Colours from the Okabe-Ito palette, which stays distinct for red-green colour blindness and on a
# washed-out projector; each line also has its own dash style, so no pair relies on colour alone.
# Mid-tone slate for the actual price: readable on the light (5.4:1) and the dark theme (3.4:1).
ACTUAL = "#5c6b82"
LSTM = "#d55e00"  # vermillion: far from the slate actual line in hue and in lightness
PERSISTENCE = "#009e73"
FORECAST = "#7b3294"
TRAIN_FIT = "#f0a778"
# The band: a mid-tone purple fill and edge that stand out on white and on the dark theme's
# near-black background alike (the older 18 % tint of FORECAST vanished on the dark theme).
BAND = "rgba(150, 95, 210, 0.35)"
BAND_EDGE = "rgba(150, 95, 210, 1.0)"
OVERLAYS = ("#0072b2", "#cc79a7")
GARCH = "#0072b2"  # Okabe-Ito blue: apart from the LSTM's vermillion and the slate actual line
GARCH_DASH = "dash"
REALISED = "#5c6b82"
ROLLING_REALISED_DAYS = 10  # the realised line: root mean square of the last two weeks' returns
FOLDS = ("#1f5fbf", "#d95f02", "#1b9e77", "#7b3294", "#e6ab02", "#66a61e", "#a6761d", "#e7298a")
LSTM_DASH = "dash"
PERSISTENCE_DASH = "dot"
FORECAST_DASH = "dashdot"
OVERLAY_DASH = "longdashdot"
FONT_SIZE = 15
SKILL_AXIS_TOP = 1.25  # skill-ratio bars start at 0 and run at least this high
PRESENTATION_SCALE = 1.45
PRESENTATION_MIN_FONT = 18  # px: the smallest chart text readable from the back of a room


def _layout(
    figure: go.Figure, title: str, y_title: str, height: int = 460, revision: str | None = None
) -> go.Figure:
    # A stable uirevision makes Plotly keep the user's zoom and legend clicks when it redraws
    # the same chart; other data gets a new revision and starts from the default view. Streamlit
    # 1.67 mounts a changed figure as a new chart, so a toggle that must keep the zoom works in
    # the legend (see ``predictions(hidden=...)``), not as a widget.
    figure.update_layout(
        uirevision=revision or title,
        title={"text": title, "x": 0.0, "xanchor": "left", "y": 0.98, "yanchor": "top"},
        height=height,
        font={"size": FONT_SIZE},
        margin={"l": 60, "r": 20, "t": 90, "b": 40},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0.0},
        hovermode="x unified",
        yaxis_title=y_title,
    )
    return figure


def price_history(series: pd.Series, title: str | None = None) -> go.Figure:
    """The raw price series as loaded, with a range slider."""
    figure = go.Figure(
        go.Scatter(
            x=series.index, y=series.to_numpy(), name=str(series.name), line={"color": ACTUAL}
        )
    )
    figure.update_xaxes(rangeslider={"visible": True})
    return _layout(
        figure,
        title or f"{series.name}: the history you loaded",
        "Price",
        height=380,
        revision=_data_revision(series),
    )


def predictions(
    history: pd.Series,
    test: pd.DataFrame,
    *,
    train_fit: pd.DataFrame | None = None,
    future: pd.Series | None = None,
    band: pd.DataFrame | None = None,
    overlays: dict[str, pd.Series] | None = None,
    window_days: int = 182,
    hidden: Collection[str] = (),
    spacing: frequency.Frequency = frequency.DAILY,
) -> go.Figure:
    """Predicted against actual prices on the test part, with the train/test boundary marked.

    A layer named in ``hidden`` is drawn but switched off until its legend entry is clicked. A
    legend click acts in the browser only, so it keeps the user's zoom; a Streamlit widget that
    changes the figure does not, because Streamlit draws a changed figure as a new chart.

    Parameters
    ----------
    history : pd.Series
        The whole price series (drawn as "actual" before the test part, for context).
    test : pd.DataFrame
        Index date; columns ``actual``, ``lstm``, ``persistence`` (from ``Forecaster.evaluate``).
    train_fit : pd.DataFrame, optional
        In-sample LSTM predictions (column ``lstm``) to draw before the boundary.
    future : pd.Series, optional
        The H-day forecast beyond the last date.
    band : pd.DataFrame, optional
        Columns ``lower`` and ``upper`` on the future dates: the uncertainty band.
    overlays : dict of str to pd.Series, optional
        Test-part predictions of earlier runs, drawn as thin extra lines under their names.
    window_days : int
        Calendar days shown by default, ending at the last date; the range slider reveals the rest.
    hidden : collection of str
        Layers to draw switched off: ``"persistence"``, ``"train_fit"``, ``"band"`` or the name
        of an overlay.
    spacing : Frequency
        The data's steps, which name the baseline and the forecast ("next week = this week").
    """

    def shown(layer: str) -> bool | str:
        return "legendonly" if layer in hidden else True

    boundary = test.index[0]
    before = history[history.index < boundary]
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=before.index,
            y=before.to_numpy(),
            name="Actual (before test)",
            line={"color": ACTUAL, "width": 1.5},
            opacity=0.55,
        )
    )
    if train_fit is not None:
        figure.add_trace(
            go.Scatter(
                x=train_fit.index,
                y=train_fit["lstm"],
                name=f"LSTM on training {frequency.plural(spacing)}",
                line={"color": TRAIN_FIT, "width": 1.5, "dash": LSTM_DASH},
                visible=shown("train_fit"),
            )
        )
    figure.add_trace(
        go.Scatter(
            x=test.index, y=test["actual"], name="Actual", line={"color": ACTUAL, "width": 2}
        )
    )
    figure.add_trace(
        go.Scatter(
            x=test.index,
            y=test["lstm"],
            name="LSTM prediction",
            line={"color": LSTM, "width": 2.5, "dash": LSTM_DASH},
        )
    )
    figure.add_trace(
        go.Scatter(
            x=test.index,
            y=test["persistence"],
            name=frequency.baseline_name(spacing).capitalize(),
            line={"color": PERSISTENCE, "width": 1.5, "dash": PERSISTENCE_DASH},
            visible=shown("persistence"),
        )
    )
    for (name, values), colour in zip((overlays or {}).items(), OVERLAYS, strict=False):
        figure.add_trace(
            go.Scatter(
                x=values.index,
                y=values.to_numpy(),
                name=name,
                line={"color": colour, "width": 1.5, "dash": OVERLAY_DASH},
                visible=shown(name),
            )
        )
    last_date, last_price = history.index[-1], float(history.iloc[-1])
    if band is not None and len(band):
        figure.add_trace(
            go.Scatter(
                x=[last_date, *band.index],
                y=[last_price, *band["upper"]],
                mode="lines",
                line={"width": 1, "color": BAND_EDGE, "dash": "dot"},
                showlegend=False,
                hoverinfo="skip",
                legendgroup="band",
                visible=shown("band"),
            )
        )
        figure.add_trace(
            go.Scatter(
                x=[last_date, *band.index],
                y=[last_price, *band["lower"]],
                name="Uncertainty band",
                mode="lines",
                fill="tonexty",
                fillcolor=BAND,
                line={"width": 1, "color": BAND_EDGE, "dash": "dot"},
                legendgroup="band",  # one legend click shows or hides both edges
                visible=shown("band"),
            )
        )
    if future is not None and len(future):
        figure.add_trace(
            go.Scatter(
                x=[last_date, *future.index],
                y=[last_price, *future.to_numpy()],
                name=f"Next {frequency.steps(len(future), spacing)} (forecast)",
                line={"color": FORECAST, "width": 2.5, "dash": FORECAST_DASH},
            )
        )
    figure.add_vline(x=boundary, line={"color": "#888888", "dash": "dash", "width": 1})
    figure.add_annotation(
        x=boundary,
        y=1.0,
        yref="paper",
        text="test part starts",
        showarrow=False,
        xanchor="left",
        yanchor="bottom",
        font={"size": 13, "color": "#7a8699"},
    )
    end = future.index[-1] if future is not None and len(future) else history.index[-1]
    start = max(history.index[0], end - pd.Timedelta(days=window_days))
    figure.update_xaxes(
        rangeslider={"visible": True, "yaxis": {"rangemode": "auto"}},
        range=[start, end + pd.Timedelta(days=3)],
    )
    # The y range follows the lines that are always drawn (and the band), not the baseline,
    # training-fit or overlay toggles, so flipping those keeps a zoomed y range too.
    always = [history, test["lstm"]]
    if future is not None:
        always.append(future)
    if band is not None:
        always += [band["lower"], band["upper"]]
    figure.update_yaxes(range=_padded_range(always, start))
    return _layout(
        figure,
        f"Predicted against actual prices on {frequency.plural(spacing)} the model never saw",
        "Price",
        revision=f"predictions {_data_revision(history)} {boundary:%Y-%m-%d}",
    )


def _data_revision(series: pd.Series) -> str:
    """A short identity of a price series: a chart of other data starts from its default view."""
    return f"{series.name} {series.index[0]:%Y-%m-%d} {series.index[-1]:%Y-%m-%d} {len(series)}"


def _padded_range(lines: list[pd.Series], start: pd.Timestamp) -> list[float]:
    """Y range that fits every line from ``start`` on (Plotly scales y to all data otherwise)."""
    values = pd.concat([line[line.index >= start] for line in lines]).astype("float64").dropna()
    low, high = float(values.min()), float(values.max())
    pad = (high - low) * 0.08 or abs(high) * 0.05 or 1.0
    return [low - pad, high + pad]


def losses(history: dict[str, list[float]]) -> go.Figure:
    """Training and validation loss per epoch."""
    figure = go.Figure()
    epochs = list(range(1, len(history.get("loss", [])) + 1))
    figure.add_trace(
        go.Scatter(
            x=epochs,
            y=history.get("loss", []),
            name="Training loss",
            mode="lines+markers",
            line={"color": LSTM},
        )
    )
    if history.get("val_loss"):
        figure.add_trace(
            go.Scatter(
                x=epochs,
                y=history["val_loss"],
                name="Validation loss",
                mode="lines+markers",
                line={"color": PERSISTENCE},
            )
        )
    figure.update_xaxes(title="Epoch", dtick=1 if len(epochs) <= 20 else None)
    return _layout(
        figure, "Learning curve (lower is better)", "Negative log-likelihood", height=320
    )


def window_steps(steps: pd.DataFrame) -> go.Figure:
    """The latest window: actual price at each step and the model's next-day prediction per step."""
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=steps["date"],
            y=steps["price"],
            name="Price at this step",
            mode="lines+markers",
            line={"color": ACTUAL},
        )
    )
    figure.add_trace(
        go.Scatter(
            x=steps["predicts_date"],
            y=steps["predicted_next"],
            name="Prediction made at this step, for the next day",
            mode="markers",
            marker={"color": LSTM, "size": 9, "symbol": "diamond"},
        )
    )
    return _layout(
        figure,
        "Many-to-many: one prediction at every step of the latest window",
        "Price",
        height=340,
    )


def enlarge(figure: go.Figure, scale: float = PRESENTATION_SCALE) -> go.Figure:
    """The same figure, taller and with every text at least ``PRESENTATION_MIN_FONT`` px.

    Streamlit's chart theme gives legends, ticks and annotations their own 12 px fonts, which a
    larger ``layout.font`` alone does not reach, so each is set here.
    """
    height = figure.layout.height or 450
    size = max(round(FONT_SIZE * scale), PRESENTATION_MIN_FONT)
    margin = figure.layout.margin
    figure.update_layout(
        height=int(height * scale),
        font={"size": size},
        title={"font": {"size": size + 4}},
        legend={"font": {"size": size}},
        hoverlabel={"font": {"size": size}},
        margin={"t": int((margin.t or 90) * scale), "l": int((margin.l or 60) * scale)},
    )
    figure.update_xaxes(tickfont={"size": size}, title={"font": {"size": size}})
    figure.update_yaxes(tickfont={"size": size}, title={"font": {"size": size}})
    figure.update_annotations(font={"size": size})
    figure.update_traces(textfont={"size": size}, selector={"type": "bar"})
    return figure


def horizon_errors(
    steps: pd.DataFrame, spacing: frequency.Frequency = frequency.DAILY
) -> go.Figure:
    """Test-part RMSE of the LSTM and of persistence for each step ahead (``spacing``'s steps)."""
    figure = go.Figure()
    for column, name, colour in (
        ("lstm_rmse", "LSTM", LSTM),
        ("persistence_rmse", frequency.baseline_name(spacing).capitalize(), PERSISTENCE),
    ):
        figure.add_trace(go.Bar(x=steps.index, y=steps[column], name=name, marker_color=colour))
    unit = frequency.plural(spacing)
    figure.update_xaxes(title=f"{unit.capitalize()} ahead", dtick=1 if len(steps) <= 20 else None)
    figure.update_layout(hovermode="x")
    return _layout(figure, f"Error by {unit} ahead (test part)", "RMSE (price)", height=320)


def band_coverage(
    steps: pd.DataFrame, level: float, spacing: frequency.Frequency = frequency.DAILY
) -> go.Figure:
    """Share of test cases each band held at each step ahead, against the promised level.

    The LSTM's band, and the GARCH(1,1) and static bands when ``steps`` has their columns.
    """
    figure = go.Figure()
    for column, name, colour, dash in (
        ("coverage", "LSTM band", FORECAST, "solid"),
        ("garch_coverage", "GARCH(1,1) band", GARCH, GARCH_DASH),
        ("static_coverage", "Static band", PERSISTENCE, PERSISTENCE_DASH),
    ):
        if column in steps:
            figure.add_trace(
                go.Scatter(
                    x=steps.index,
                    y=steps[column] * 100,
                    name=name,
                    mode="lines+markers",
                    line={"color": colour, "dash": dash},
                )
            )
    figure.add_hline(
        y=level * 100,
        line={"color": "#888888", "dash": "dash"},
        annotation_text=f"promised {level:.0%}",
        annotation_position="bottom right",
    )
    figure.update_xaxes(
        title=f"{frequency.plural(spacing).capitalize()} ahead",
        dtick=1 if len(steps) <= 20 else None,
    )
    figure.update_yaxes(range=[0, 105], ticksuffix="%")
    return _layout(figure, "How often the band held the price (test part)", "Covered", height=320)


def backtest_folds(history: pd.Series, folds: pd.DataFrame) -> go.Figure:
    """Prices with each fold's test block shaded, and each fold's skill ratio as a bar below.

    ``folds`` is ``Backtest.fold_table()``: index fold; ``test_start``, ``test_end``,
    ``skill_ratio``. The bars start at 0, so 0.996 and 1.004 look as alike as they are; each bar
    carries its value inside it, clear of the dashed tie line at 1.
    """
    figure = make_subplots(
        rows=2,
        cols=1,
        row_heights=[0.58, 0.42],
        vertical_spacing=0.2,
        subplot_titles=(
            "Test block of each fold",
            "Skill ratio per fold<br>below the dashed 1 = LSTM better",
        ),
    )
    figure.add_trace(
        go.Scatter(
            x=history.index,
            y=history.to_numpy(),
            name="Price",
            line={"color": ACTUAL, "width": 1.2},
            showlegend=False,
        ),
        row=1,
        col=1,
    )
    labels = [f"Fold {number}" for number in folds.index]
    colours = [FOLDS[(number - 1) % len(FOLDS)] for number in folds.index]
    for (_, fold), colour in zip(folds.iterrows(), colours, strict=True):
        figure.add_vrect(
            x0=fold["test_start"],
            x1=fold["test_end"],
            fillcolor=colour,
            opacity=0.22,
            line_width=0,
            row=1,
            col=1,
        )
    figure.add_trace(
        go.Bar(
            x=labels,
            y=folds["skill_ratio"],
            marker_color=colours,
            text=[f"{value:.3f}" for value in folds["skill_ratio"]],
            textposition="inside",
            insidetextanchor="middle",
            hovertemplate="%{x}: skill ratio %{y:.3f}<extra></extra>",
            showlegend=False,
            name="Skill ratio",
        ),
        row=2,
        col=1,
    )
    figure.add_hline(y=1.0, line={"color": "#888888", "dash": "dash"}, row=2, col=1)
    top = max(SKILL_AXIS_TOP, float(folds["skill_ratio"].max()) * 1.1)
    figure.update_yaxes(range=[0, top], title="Skill ratio", row=2, col=1)
    figure.update_layout(hovermode="closest")
    return _layout(
        figure,
        "Walk-forward backtest: refit on the past, test on the next block",
        "",
        revision=f"backtest {_data_revision(history)} {len(folds)}",
    )


def turbulence(daily: pd.DataFrame, spacing: frequency.Frequency = frequency.DAILY) -> go.Figure:
    """What the LSTM learned: its forecast volatility against the realised one, GARCH beside it.

    ``daily`` is ``VolatilityCheck.daily``: one row per test day with ``actual`` (the log
    return), ``lstm_sigma`` and ``garch_sigma`` (the next-day scale each forecast the day
    before). Realised volatility is the root mean square of the last ``ROLLING_REALISED_DAYS``
    returns; each day's move size is drawn as a faint dot. All in percent of the price.
    ``spacing`` names the data's steps in the legend and axis ("Week's move", "Weekly").
    """
    realised = daily["actual"].pow(2).rolling(ROLLING_REALISED_DAYS).mean().pow(0.5)
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=daily.index,
            y=daily["actual"].abs() * 100,
            name=f"{_step_name(spacing).capitalize()}'s move (size)",
            mode="markers",
            marker={"color": REALISED, "size": 3, "opacity": 0.35},
        )
    )
    for values, name, colour, dash in (
        (realised, f"Realised ({_rolling_span(spacing)})", REALISED, "solid"),
        (daily["garch_sigma"], "GARCH(1,1) forecast", GARCH, GARCH_DASH),
        (daily["lstm_sigma"], "LSTM forecast", LSTM, "solid"),
    ):
        figure.add_trace(
            go.Scatter(
                x=daily.index,
                y=values * 100,
                name=name,
                mode="lines",
                line={"color": colour, "dash": dash, "width": 2},
            )
        )
    top = float(max(realised.max(), daily["lstm_sigma"].max(), daily["garch_sigma"].max()))
    figure.update_yaxes(range=[0, top * 100 * 1.3], ticksuffix="%")
    _layout(
        figure,
        f"Forecast and realised volatility (test {frequency.plural(spacing)})",
        f"{ADJECTIVES[spacing.name] if spacing.bars == 1 else 'Per-bar'} volatility",
        height=460,
        revision=f"turbulence {len(daily)} {daily.index[0]:%Y%m%d}",
    )
    # four legend entries wrap to four lines on a phone: below the plot they never meet the title
    figure.update_layout(legend={"y": -0.12, "yanchor": "top"}, margin={"t": 50, "b": 40})
    return figure


# the volatility axis per kind of data: "Daily volatility", "Weekly volatility"
ADJECTIVES = {
    "minute": "Per-minute",
    "hourly": "Hourly",
    "daily": "Daily",
    "weekly": "Weekly",
    "monthly": "Monthly",
}


def _step_name(spacing: frequency.Frequency) -> str:
    """One step for a legend: "day", "week", "bar" (a bar of several minutes or hours)."""
    return spacing.noun if spacing.bars == 1 else "bar"


def _rolling_span(spacing: frequency.Frequency) -> str:
    """The realised line's window: "10-day", "10-week", "10 bars"."""
    if spacing.bars == 1:
        return f"{ROLLING_REALISED_DAYS}-{spacing.noun}"
    return f"{ROLLING_REALISED_DAYS} bars"
