"""Pure chart builders for the forecast page: data in, Plotly figure out."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

# Colours chosen to stay distinct on a washed-out projector and for red-green colour blindness.
ACTUAL = "#1a1f2b"
LSTM = "#1f5fbf"
PERSISTENCE = "#d95f02"
FORECAST = "#7b3294"
TRAIN_FIT = "#8fb3e8"
FONT_SIZE = 15


def _layout(figure: go.Figure, title: str, y_title: str, height: int = 460) -> go.Figure:
    figure.update_layout(
        title={"text": title, "x": 0.0, "xanchor": "left", "y": 0.98, "yanchor": "top"},
        template="plotly_white",
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
    return _layout(figure, title or f"{series.name}: the history you loaded", "Price", height=380)


def predictions(
    history: pd.Series,
    test: pd.DataFrame,
    *,
    show_persistence: bool = True,
    train_fit: pd.DataFrame | None = None,
    future: pd.Series | None = None,
    window_days: int = 182,
) -> go.Figure:
    """Predicted against actual prices on the test part, with the train/test boundary marked.

    Parameters
    ----------
    history : pd.Series
        The whole price series (drawn as "actual" before the test part, for context).
    test : pd.DataFrame
        Index date; columns ``actual``, ``lstm``, ``persistence`` (from ``Forecaster.evaluate``).
    show_persistence : bool
        Draw the "tomorrow = today" baseline.
    train_fit : pd.DataFrame, optional
        In-sample LSTM predictions (column ``lstm``) to draw before the boundary.
    future : pd.Series, optional
        The H-day forecast beyond the last date.
    window_days : int
        Calendar days shown by default, ending at the last date; the range slider reveals the rest.
    """
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
                name="LSTM on training days",
                line={"color": TRAIN_FIT, "width": 1.5},
            )
        )
    figure.add_trace(
        go.Scatter(
            x=test.index, y=test["actual"], name="Actual", line={"color": ACTUAL, "width": 2}
        )
    )
    figure.add_trace(
        go.Scatter(
            x=test.index, y=test["lstm"], name="LSTM prediction", line={"color": LSTM, "width": 2}
        )
    )
    if show_persistence:
        figure.add_trace(
            go.Scatter(
                x=test.index,
                y=test["persistence"],
                name="Tomorrow = today",
                line={"color": PERSISTENCE, "width": 1.5, "dash": "dot"},
            )
        )
    if future is not None and len(future):
        last_date, last_price = history.index[-1], float(history.iloc[-1])
        figure.add_trace(
            go.Scatter(
                x=[last_date, *future.index],
                y=[last_price, *future.to_numpy()],
                name=f"Next {len(future)} days (forecast)",
                line={"color": FORECAST, "width": 2.5, "dash": "dash"},
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
        font={"size": 13, "color": "#555555"},
    )
    end = future.index[-1] if future is not None and len(future) else history.index[-1]
    start = max(history.index[0], end - pd.Timedelta(days=window_days))
    figure.update_xaxes(
        rangeslider={"visible": True, "yaxis": {"rangemode": "auto"}},
        range=[start, end + pd.Timedelta(days=3)],
    )
    figure.update_yaxes(range=_padded_range(figure, start))
    return _layout(figure, "Predicted against actual prices on days the model never saw", "Price")


def _padded_range(figure: go.Figure, start: pd.Timestamp) -> list[float]:
    """Y range that fits every trace from ``start`` on (Plotly scales y to all data otherwise)."""
    visible = []
    for trace in figure.data:
        dates = pd.to_datetime(pd.Series(trace.x))
        values = pd.Series(trace.y, dtype="float64")
        visible.append(values[(dates >= start).to_numpy()])
    values = pd.concat(visible).dropna()
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
    return _layout(figure, "Learning curve (lower is better)", "Mean squared error", height=320)


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
