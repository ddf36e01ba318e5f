"""Turn a fitted forecaster into what a page shows: readable metrics and downloadable files."""

from __future__ import annotations

import io
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from core.forecast import Evaluation, Forecaster


@dataclass(frozen=True)
class Reading:
    """One number on screen with its plain-English reading."""

    label: str
    value: str
    reading: str


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def readings(evaluation: Evaluation, forecaster: Forecaster) -> list[Reading]:
    """The headline numbers of a trained forecast, each with a one-line reading."""
    model, baseline = evaluation.model, evaluation.persistence
    ratio = evaluation.skill_ratio
    days = len(evaluation.predictions)
    verdict = "beat" if ratio < 0.9995 else ("tied with" if ratio <= 1.0005 else "lost to")
    direction = model["directional_accuracy"]
    return [
        Reading(
            "LSTM typical error (RMSE)",
            f"{model['rmse']:,.2f}",
            f"On {days:,} test days the LSTM's next-day price was off by about "
            f"{model['rmse']:,.2f} (big misses count extra).",
        ),
        Reading(
            "Tomorrow = today error (RMSE)",
            f"{baseline['rmse']:,.2f}",
            "Guessing that tomorrow's price equals today's was off by this much on the same days.",
        ),
        Reading(
            "Skill ratio",
            f"{ratio:.3f}",
            f"LSTM error ÷ baseline error: below 1 means the LSTM {verdict} the baseline; "
            f"here it {verdict} it.",
        ),
        Reading(
            "Average miss (MAPE)",
            f"{model['mape']:.2f}%",
            f"On a typical day the prediction was {model['mape']:.2f}% away from the real price "
            f"(baseline: {baseline['mape']:.2f}%).",
        ),
        Reading(
            "Direction right",
            _percent(direction),
            "How often the LSTM called the day's move up or down correctly; "
            f"{evaluation.up_day_share:.1%} of test days went up; always saying “up” scores that.",
        ),
        Reading(
            "Signal kept",
            f"{forecaster.shrink_:.2f}",
            "How much of the LSTM's predicted move survived the check on validation days "
            "(0 = no usable signal, so it falls back to tomorrow = today; 1 = all of it).",
        ),
    ]


def metrics_table(evaluation: Evaluation) -> pd.DataFrame:
    """LSTM and persistence metrics side by side, one row per metric."""
    rows = {
        "RMSE (price units)": ("rmse", "{:,.3f}"),
        "MAE (price units)": ("mae", "{:,.3f}"),
        "MAPE": ("mape", "{:.3f}%"),
        "Directional accuracy": ("directional_accuracy", "{:.1%}"),
    }
    table = {
        label: {
            "LSTM": _format(evaluation.model[key], pattern),
            "Tomorrow = today": _format(evaluation.persistence[key], pattern),
        }
        for label, (key, pattern) in rows.items()
    }
    return pd.DataFrame(table).T.rename_axis("Metric")


def _format(value: float | None, pattern: str) -> str:
    return "no move called" if value is None else pattern.format(value)


def future_table(future: pd.Series) -> pd.DataFrame:
    """The H-day forecast as a small table with readable dates and prices."""
    return pd.DataFrame(
        {
            "Day": future.index.strftime("%a %d %b %Y"),
            "LSTM forecast": [f"{value:,.2f}" for value in future.to_numpy()],
        }
    ).set_index("Day")


def predictions_csv(evaluation: Evaluation, future: pd.Series | None = None) -> bytes:
    """Test-part predictions (and the future forecast, if given) as CSV bytes."""
    frame = evaluation.predictions.rename(
        columns={
            "actual": "actual",
            "lstm": "lstm_prediction",
            "persistence": "tomorrow_equals_today",
        }
    )
    frame.insert(0, "part", "test")
    if future is not None and len(future):
        ahead = pd.DataFrame(
            {"part": "future", "lstm_prediction": future.to_numpy()}, index=future.index
        )
        frame = pd.concat([frame, ahead])
    buffer = io.StringIO()
    frame.rename_axis("date").to_csv(buffer, float_format="%.6f", date_format="%Y-%m-%d")
    return buffer.getvalue().encode("utf-8")


def model_bytes(forecaster: Forecaster) -> bytes:
    """The trained Keras model as the bytes of a ``.keras`` file."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "forecaster.keras"
        forecaster.model_.save(path)
        return path.read_bytes()
