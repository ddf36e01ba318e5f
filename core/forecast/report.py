"""What the forecast page shows, without Streamlit: readings, tables, files and URL setups."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from core import forecast
from core.forecast import Evaluation, Forecaster, HorizonCheck, frequency
from core.forecast import export as forecast_export
from core.forecast.backtest import Backtest
from core.forecast.metrics import Verdict, error_gap
from core.forecast.uncertainty import METHOD_NAMES, METHODS
from core.progress import PhaseReport

# Share of the progress bar the epochs fill; the checks after training fill the rest.
TRAINING_SHARE = 0.85

# The page's widget ranges; a shared URL is clamped to them.
RANGES = {
    "lookback": (5, 120, forecast.DEFAULT_LOOKBACK),
    "epochs": (1, 100, forecast.DEFAULT_EPOCHS),
    "horizon": (1, 30, forecast.DEFAULT_HORIZON),
    "seed": (0, 10_000, forecast.DEFAULT_SEED),
}
CHOICES = {"units": (8, 16, 32, 64, 128), "layers": (1, 2, 3)}
TEST_SHARES = (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4)
ON_TARGET_POINTS = 3  # a band that held within this many points of its promise is on target


@dataclass(frozen=True)
class Reading:
    """One number on screen with its plain-English reading."""

    label: str
    value: str
    reading: str


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def skill_reading(
    ratio: float, tested: Verdict, spacing: frequency.Frequency = frequency.DAILY
) -> str:
    """The skill ratio's reading: what the scale means, then what this value and its test say.

    Within 0.05% of 1 reads as the same error; whether a gap counts comes from ``tested``;
    ``spacing`` names the baseline in the data's steps ("next hour = this hour").
    """
    baseline = frequency.baseline_name(spacing)
    scale = f"LSTM error ÷ “{baseline}” error: below 1 means the LSTM was better"
    if error_gap(ratio) == "smaller":
        size = f"At {ratio:.3f} the LSTM's error was {1 - ratio:.1%} smaller"
    elif error_gap(ratio) == "same":
        size = f"At {ratio:.3f} the two errors were the same"
    else:
        size = f"At {ratio:.3f} the LSTM's error was {ratio - 1:.1%} larger"
    if tested.label == "better":
        return f"{scale}. {size}, more than chance: the LSTM beat it ({tested.chance()})."
    if tested.label == "worse":
        return f"{scale}. {size}, more than chance: the LSTM did worse ({tested.chance()})."
    return f"{scale}. {size}; no detectable difference ({tested.chance()})."


def direction_reading(
    direction: float | None, up_day_share: float, spacing: frequency.Frequency = frequency.DAILY
) -> str:
    """What the share of moves called right means, or why there is none, in ``spacing``'s steps."""
    if direction is None:
        return (
            "The LSTM called no move: with no usable signal it fell back to "
            f"{frequency.baseline_name(spacing)}, which never says up or down."
        )
    step = spacing.noun if spacing.bars == 1 else "bar"
    return (
        f"How often the LSTM called the {step}'s move up or down correctly; "
        f"{up_day_share:.1%} of test {frequency.plural(spacing)} went up; always saying “up” "
        "scores that."
    )


def readings(evaluation: Evaluation, forecaster: Forecaster) -> list[Reading]:
    """The headline numbers of a trained forecast, each with a one-line reading."""
    model, baseline = evaluation.model, evaluation.persistence
    ratio = evaluation.skill_ratio
    days = len(evaluation.predictions)
    direction = model["directional_accuracy"]
    # the data's own steps: "test hours", "next-week price", "next hour = this hour"
    spacing = frequency.of(forecaster.series_.index)
    unit, following = frequency.plural(spacing), frequency.next_adjective(spacing)
    nxt, now = frequency.next_step(spacing), frequency.this_step(spacing)
    return [
        Reading(
            "LSTM typical error (RMSE)",
            f"{model['rmse']:,.2f}",
            f"On {days:,} test {unit} the LSTM's {following} price was off by about "
            f"{model['rmse']:,.2f} (big misses count extra).",
        ),
        Reading(
            f"{frequency.baseline_name(spacing).capitalize()} error (RMSE)",
            f"{baseline['rmse']:,.2f}",
            f"Guessing that {nxt}'s price equals {now}'s was off by this much on the same {unit}.",
        ),
        Reading(
            "Skill ratio",
            f"{ratio:.3f}",
            skill_reading(ratio, evaluation.verdict, spacing),
        ),
        Reading(
            "Average miss (MAPE)",
            f"{model['mape']:.2f}%",
            f"On a typical {spacing.noun} the prediction was {model['mape']:.2f}% away from the "
            f"real price (baseline: {baseline['mape']:.2f}%).",
        ),
        Reading(
            "Direction right",
            _percent(direction),
            direction_reading(direction, evaluation.up_day_share, spacing),
        ),
        Reading(
            "Signal kept",
            f"{forecaster.shrink_:.2f}",
            "How much of the LSTM's predicted move survived the check on validation "
            f"{unit} (0 = no usable signal, so it falls back to "
            f"{frequency.baseline_name(spacing)}; 1 = all of it).",
        ),
    ]


def loss_reading(
    history: Mapping[str, list[float]], spacing: frequency.Frequency = frequency.DAILY
) -> str:
    """The learning curve's caption, read from the losses themselves: whether validation loss
    fell from the first to the best epoch, and which line sits lower at the best epoch.

    ``history`` is the Keras history (``loss`` and ``val_loss`` per epoch); ``spacing`` names
    the data's steps.
    """
    unit = frequency.plural(spacing)
    step = spacing.noun if spacing.bars == 1 else "bar"
    text = (
        f"The loss is the negative log-likelihood of each next {step} under the LSTM's forecast "
        "(its move and its size); lower is better."
    )
    train, val = list(history.get("loss", [])), list(history.get("val_loss", []))
    if len(val) < 2 or len(train) != len(val):
        return f"{text} One epoch ran, so there is no curve to read yet."
    best = min(range(len(val)), key=val.__getitem__)
    if best > 0:
        text += (
            f" Validation loss fell from {val[0]:.4f} at epoch 1 to {val[best]:.4f} at epoch "
            f"{best + 1}, the epoch training keeps."
        )
    else:
        text += (
            f" Validation loss never went below epoch 1's {val[0]:.4f}: what the LSTM learned "
            f"after that did not carry over to new {unit}, so training keeps epoch 1."
        )
    if val[best] < train[best]:
        text += (
            f" The validation line sits below the training line: the validation {unit} were "
            f"calmer than the training {unit}, so compare each line with itself."
        )
    elif val[best] > train[best]:
        text += (
            f" The validation line sits above the training line: the validation {unit} were "
            f"wilder than the training {unit}, or the LSTM fit the training {unit} too closely."
        )
    return text


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


def future_table(band: pd.DataFrame, level: float) -> pd.DataFrame:
    """The H-day forecast and its band as a small table with readable dates and prices."""
    intraday = (band.index != band.index.normalize()).any()  # hourly bars show their time
    return pd.DataFrame(
        {
            "Day": band.index.strftime("%a %d %b %Y %H:%M" if intraday else "%a %d %b %Y"),
            "LSTM forecast": [f"{value:,.2f}" for value in band["forecast"]],
            f"{level:.0%} band": [
                f"{low:,.2f} – {high:,.2f}"
                for low, high in zip(band["lower"], band["upper"], strict=True)
            ],
        }
    ).set_index("Day")


def predictions_csv(evaluation: Evaluation, band: pd.DataFrame | None = None) -> bytes:
    """Test-part predictions (and the future forecast with its band, if given) as CSV bytes."""
    frame = evaluation.predictions.rename(
        columns={"lstm": "lstm_prediction", "persistence": "tomorrow_equals_today"}
    )
    frame.insert(0, "part", "test")
    if band is not None and len(band):
        ahead = pd.DataFrame(
            {
                "part": "future",
                "lstm_prediction": band["forecast"].to_numpy(),
                "band_lower": band["lower"].to_numpy(),
                "band_upper": band["upper"].to_numpy(),
            },
            index=band.index,
        )
        frame = pd.concat([frame, ahead])
    buffer = io.StringIO()
    frame.rename_axis("date").to_csv(buffer, float_format="%.6f", date_format="%Y-%m-%d")
    return buffer.getvalue().encode("utf-8")


def model_bytes(forecaster: Forecaster, source: str | None = None) -> bytes:
    """The trained forecaster as a zip: a Keras model from prices to the app's forecast, its
    JSON facts and a README (see ``core.forecast.export``)."""
    return forecast_export.export_bundle(forecaster, source)


def horizon_readings(
    check: HorizonCheck, spacing: frequency.Frequency = frequency.DAILY
) -> list[Reading]:
    """The band's honesty and the error growth with distance, in the data's steps (``spacing``)."""
    steps = check.steps
    noun, unit = spacing.noun, frequency.plural(spacing)
    first, last = steps.iloc[0], steps.iloc[-1]
    horizon = len(steps)
    growth = last["lstm_rmse"] / first["lstm_rmse"] if first["lstm_rmse"] else float("nan")
    extrapolated = int((~steps["measured"]).sum())
    note = (
        f" The last {extrapolated} steps had too few validation days and were widened by rule."
        if extrapolated
        else ""
    )
    readings = [
        Reading(
            f"{check.level:.0%} band held the price ({noun} 1)",
            f"{first['coverage']:.0%}",
            check.reading + note,
        )
    ]
    if horizon > 1:
        readings.append(
            Reading(
                f"{check.level:.0%} band held the price ({noun} {horizon})",
                "—" if last["test_samples"] == 0 else f"{last['coverage']:.0%}",
                f"{horizon} {unit} ahead the band held the price on this share of "
                f"{int(last['test_samples']):,} test {unit}, against a promise of "
                f"{check.level:.0%}"
                + (
                    f"; GARCH(1,1)'s band {last['garch_coverage']:.0%}, the static band "
                    f"{last['static_coverage']:.0%}."
                    if "garch_coverage" in steps
                    else "."
                ),
            )
        )
    return readings + [
        Reading(
            f"Band width on {noun} {horizon}",
            "—" if last["test_samples"] == 0 else f"±{last['width'] / 2:.1%}",
            f"Half the band's average width {horizon} {unit} ahead on test {unit}, as a share "
            "of the price; it widens with distance and with the turbulence the LSTM expects.",
        ),
        Reading(
            f"Error {horizon} {unit} ahead",
            f"{last['lstm_rmse']:,.2f}",
            f"About {growth:.1f}× the one-{noun} error ({first['lstm_rmse']:,.2f}); "
            f"“no change” missed by {last['persistence_rmse']:,.2f} at the same distance.",
        ),
    ]


def volatility_readings(
    check: HorizonCheck, spacing: frequency.Frequency = frequency.DAILY
) -> list[Reading]:
    """What the LSTM learned about turbulence, against GARCH(1,1), each with a reading, in the
    data's steps (``spacing``)."""
    noun = spacing.noun
    step = noun if spacing.bars == 1 else "bar"
    scores = check.volatility.methods
    lstm, garch = scores["lstm"], scores["garch"]
    daily = check.volatility.daily
    half = (daily["lstm_upper"] - daily["lstm_lower"]) / 2
    better = "better than" if lstm["qlike"] < garch["qlike"] else "not as good as"
    # the comparison follows the widths as shown: both at ±1.0% read "about as wide"
    if f"{lstm['width_day1'] / 2:.1%}" == f"{garch['width_day1'] / 2:.1%}":
        narrower = "about as wide"
    else:
        narrower = "narrower" if lstm["width_day1"] < garch["width_day1"] else "wider"
    return [
        Reading(
            f"Band width, {noun} 1",
            f"±{lstm['width_day1'] / 2:.1%}",
            f"The LSTM's {frequency.next_adjective(spacing)} band averaged this share of the "
            f"price; it ranged from ±{half.min():.1%} on the calmest test {noun} to "
            f"±{half.max():.1%} on the stormiest; GARCH(1,1)'s averaged "
            f"±{garch['width_day1'] / 2:.1%}, so the LSTM's was {narrower} on a typical {noun}.",
        ),
        Reading(
            "Turbulence score (QLIKE)",
            f"{lstm['qlike']:.3f}",
            f"How well the LSTM's forecast variance matched the {noun}'s actual move (lower is "
            f"better): GARCH(1,1) scored {garch['qlike']:.3f}, a rolling 20-{step} volatility "
            f"{scores['rolling']['qlike']:.3f}, the static band {scores['static']['qlike']:.3f}; "
            f"the LSTM was {better} GARCH.",
        ),
        Reading(
            f"Interval score, {noun} 1",
            f"{lstm['winkler_day1']:.2%}",
            "The band's width plus a penalty for every miss (Winkler score, lower is better; "
            f"a share of the price): GARCH(1,1) {garch['winkler_day1']:.2%}, the static band "
            f"{scores['static']['winkler_day1']:.2%}.",
        ),
    ]


def band_table(check: HorizonCheck, spacing: frequency.Frequency = frequency.DAILY) -> pd.DataFrame:
    """How often each band held the price on test days, per step ahead (``spacing``'s steps),
    against the promise."""
    unit = frequency.plural(spacing)
    steps = check.steps
    tested = steps["test_samples"] > 0  # a step past the test part's end has nothing to hold

    def held(column: str) -> list[str]:
        return [f"{v:.0%}" if ok else "—" for v, ok in zip(steps[column], tested, strict=True)]

    # whole points, rounded once: the label and the "on target" rule read the same number
    gap = [round(value) for value in (steps["coverage"] - check.level) * 100]
    return pd.DataFrame(
        {
            "LSTM band held": held("coverage"),
            "Against the promise": [
                (f"{value:+d} pts" + (" (on target)" if abs(value) <= ON_TARGET_POINTS else ""))
                if ok
                else "—"
                for value, ok in zip(gap, tested, strict=True)
            ],
            "GARCH(1,1) held": held("garch_coverage"),
            "Static band held": held("static_coverage"),
            f"Test {unit}": steps["test_samples"].map("{:,}".format),
        },
        index=pd.Index(steps.index, name=f"{unit.capitalize()} ahead"),
    )


def volatility_table(check: HorizonCheck) -> pd.DataFrame:
    """The six band and variance scores of each method on the test part, formatted."""
    horizon = check.volatility.horizon
    scores = check.volatility.methods

    def share(value: float | None) -> str:
        return "—" if value is None else f"{value:.0%}"

    return pd.DataFrame(
        {
            METHOD_NAMES[name]: {
                "Held, day 1": share(scores[name]["coverage_day1"]),
                f"Held, day {horizon}": share(scores[name]["coverage_last_day"]),
                "Width, day 1": f"{scores[name]['width_day1']:.2%}",
                "Interval score, day 1": f"{scores[name]['winkler_day1']:.2%}",
                "Log-likelihood loss": f"{scores[name]['nll']:.3f}",
                "QLIKE": f"{scores[name]['qlike']:.3f}",
            }
            for name in METHODS
        }
    ).rename_axis(f"Test part ({check.level:.0%} bands)")


def backtest_readings(result: Backtest) -> list[Reading]:
    """The backtest's headline numbers, each with a reading."""
    beaten = result.folds_won
    folds = len(result.folds)
    days = len(result.predictions)
    return [
        Reading(
            "Folds won by the LSTM",
            f"{beaten} of {folds}",
            "Folds where the LSTM's error was smaller by more than chance (Diebold–Mariano, "
            "5%). Each fold retrains from scratch on the days before its test block; a real "
            "edge should win most folds, not just one.",
        ),
        Reading(
            "Skill ratio over all folds",
            f"{result.skill_ratio:.3f}",
            f"LSTM error ÷ “tomorrow = today” error over all {days:,} test days; below 1 means "
            "the LSTM was better.",
        ),
        Reading(
            f"{result.level:.0%} band held the price",
            f"{result.band_coverage:.0%}",
            "Share of test days whose next-day price fell inside the one-day band; close to "
            f"{result.level:.0%} means the band is honest.",
        ),
    ]


def backtest_table(result: Backtest) -> pd.DataFrame:
    """The fold table with short column names, so that all of it fits a 1280 px page.

    The caption (:func:`backtest_caption`) says what each short name means.
    """
    table = result.fold_table()
    return pd.DataFrame(
        {
            "Test block": [
                f"{start:%d %b %y} → {end:%d %b %y}"
                for start, end in zip(table["test_start"], table["test_end"], strict=True)
            ],
            "Trained on": table["train_days"].map("{:,}".format),
            "LSTM RMSE": table["lstm_rmse"].map("{:,.2f}".format),
            "Baseline RMSE": table["persistence_rmse"].map("{:,.2f}".format),
            "Skill": table["skill_ratio"].map("{:.3f}".format),
            "Verdict": [
                f"{fold.verdict.label} (p = {fold.verdict.p_value:.2f})" for fold in result.folds
            ],
            "Band, 1st": table["band_coverage"].map("{:.0%}".format),
            "Band, last": table["band_coverage_last_day"].map(_share),
            "GARCH, 1st": table["garch_coverage"].map(_share),
        },
        # labels, not numbers: a static table hides a plain 1, 2, 3… index
        index=pd.Index([f"Fold {number}" for number in table.index], name="Fold"),
    )


def backtest_caption(result: Backtest, epochs: int) -> str:
    """The fold table's caption: the epochs each fold trained with (``epochs``, the setting the
    backtest ran on), its time, and what each short column name means."""
    return (
        f"Each fold trained up to {epochs} epoch{'s' if epochs != 1 else ''}; the backtest took "
        f"{result.seconds:.0f} s. Trained on: the days before the test block. Baseline: "
        "tomorrow = today. Skill: the skill ratio, below 1 means a smaller error than the "
        "baseline; the verdict says whether that gap is more than chance. Band, 1st and last: "
        f"the share of the fold's test days inside the {result.level:.0%} band (on target near "
        f"{result.level:.0%}), one day and {result.horizon} days ahead; GARCH, 1st: GARCH(1,1)'s "
        "band one day ahead."
    )


def _share(value: float | None) -> str:
    return "—" if value is None or value != value else f"{value:.0%}"


def column_choice(
    columns: list[str], best: str, asked: str | None = None
) -> tuple[str, str | None]:
    """The price column a file starts on, and a note when a link asked for one it lacks.

    Parameters
    ----------
    columns : list of str
        The file's price columns.
    best : str
        The column :mod:`core.forecast.prices` picks for the file.
    asked : str, optional
        The column a link asked for; pass it only for the data that link named.
    """
    if asked is None or asked in columns:
        return asked or best, None
    return best, (
        f"The link asks for column “{asked}”; this data has no such column, so it uses "
        f"{best} (choices: {', '.join(columns)})."
    )


def train_run(
    series: pd.Series,
    settings: Mapping,
    report,
    should_stop,
    *,
    extras: pd.DataFrame | None = None,
) -> dict:
    """Train a Forecaster with the page's settings and build everything its results show.

    Runs as a job (see :mod:`core.jobs`): ``report`` receives each epoch's
    :class:`~core.progress.EpochReport`, then a :class:`~core.progress.PhaseReport` as each
    later step starts; ``should_stop`` is polled after every batch, and a stop keeps the best
    epoch so far.

    After the held-out evaluation, the same settings are retrained on every day for the best
    epoch count found (:meth:`Forecaster.refit_all`): the H-day forecast and its band come from
    that refit, with the band's width measured by the held-out model. Every score stays the
    held-out model's.

    ``extras`` holds the file's High/Low (and Volume) columns for the LSTM to read besides the
    returns (see :func:`core.forecast.data.extra_columns`); None reads returns only.

    Returns
    -------
    dict
        ``model`` (held out), ``final`` (the refit on all days, None when stopped first),
        ``evaluation``, ``check`` (its ``band`` from ``final`` when there is one), ``future``,
        ``train_fit``, ``settings``, ``series`` and ``inputs`` (a line saying what the LSTM read).

    Raises
    ------
    ValueError
        For settings the series cannot support, or a stop before the first epoch finished.
    """
    params = {key: int(settings[key]) for key in ("lookback", "epochs", "units", "layers", "seed")}
    model = Forecaster(test_share=settings["test_share"], **params)
    model.fit(series, progress=report, should_stop=should_stop, extras=extras)
    report(PhaseReport("Scoring the test days", TRAINING_SHARE))
    evaluation = model.evaluate()
    horizon = int(settings["horizon"])
    report(PhaseReport(f"Checking the forecast {horizon} days ahead", TRAINING_SHARE + 0.05))
    check = model.horizon_check(horizon)
    report(PhaseReport("Replaying the training days", TRAINING_SHARE + 0.08))
    train_fit = model.fitted_train()
    final = None
    if not should_stop():  # a stopped training keeps its held-out model for the forecast too
        report(PhaseReport("Retraining on all days for the forecast", TRAINING_SHARE + 0.1))
        final = model.refit_all(should_stop=should_stop)
    if final is not None:
        # the scores and the band's width stay the held-out model's; the path is the refit's
        band = final.future_band(check.steps["lower_q"], check.steps["upper_q"])
        check = dataclasses.replace(check, band=band)
    return {
        "model": model,
        "final": final,
        "evaluation": evaluation,
        "check": check,
        "future": check.band["forecast"],
        "train_fit": train_fit,
        "settings": dict(settings),
        "series": series,
        "inputs": inputs_line(model),
    }


# the returns' name per kind of data, on screen: "daily returns", "weekly returns"
RETURNS = {
    "minute": "per-minute returns",
    "hourly": "hourly returns",
    "daily": "daily returns",
    "weekly": "weekly returns",
    "monthly": "monthly returns",
}


def inputs_line(forecaster: Forecaster) -> str:
    """One line saying what the LSTM read at each step, in the data's steps, and any input it
    had to leave out."""
    spacing = frequency.of(forecaster.series_.index)
    step = spacing.noun if spacing.bars == 1 else "bar"
    names = {
        "returns": RETURNS[spacing.name] if spacing.bars == 1 else "per-bar returns",
        "range": f"the {step}'s high–low range",
        "volume": f"the {step}'s change in volume",
    }
    words = [names[name] for name in forecaster.inputs_]
    read = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    line = f"The LSTM read {read}."
    if "range" in forecaster.inputs_:
        line += (
            f" For {frequency.plural(spacing)} beyond the last date, whose range is unknown, it "
            "assumes a range in line with the turbulence it forecasts."
        )
    return " ".join([line, *forecaster.input_notes_])


def run_record(
    number: int, settings: dict, forecaster: Forecaster, evaluation: Evaluation, check: HorizonCheck
) -> dict:
    """What the run history keeps of one training: settings, metrics and test predictions."""
    return {
        "label": f"Run {number}",
        "settings": dict(settings),
        "val_loss": forecaster.history_["val_loss"][forecaster.best_epoch_ - 1],
        "skill_ratio": evaluation.skill_ratio,
        "verdict": evaluation.verdict.label,
        "rmse": evaluation.model["rmse"],
        "direction": evaluation.model["directional_accuracy"],
        "coverage": float(check.steps["coverage"].iloc[0]),
        "epochs_run": forecaster.epochs_run_,
        "best_epoch": forecaster.best_epoch_,
        "stopped": forecaster.stopped_,
        "predictions": evaluation.predictions["lstm"],
        "spacing": frequency.of(forecaster.series_.index),
    }


def run_status(number: int, settings: Mapping, forecaster: Forecaster) -> str:
    """One line saying how run ``number`` ended, how long it took and on which data."""
    where = f"{settings['data']} · {settings['column']}"
    seconds = f"{forecaster.train_seconds_:.1f} s"
    if forecaster.stopped_:
        return (
            f"Run {number}: stopped after {forecaster.epochs_run_} of {forecaster.epochs} epochs "
            f"in {seconds} on {where}; it keeps epoch {forecaster.best_epoch_}"
        )
    epochs = f"{forecaster.epochs_run_} epoch" + ("s" if forecaster.epochs_run_ > 1 else "")
    return f"Run {number}: trained {epochs} in {seconds} on {where}"


HISTORY_CAUTION = (
    "Compare runs on validation loss (lower is better): the test scores are shown for reading "
    "only, since picking the run with the best test score would tune on the test part and "
    "flatter it."
)


def history_table(runs: list[dict]) -> pd.DataFrame:
    """One row per run of the session, newest last: validation loss (what compares runs) first,
    then the test scores, then the settings.

    "Lowest" marks the run with the lowest validation loss among runs on the same data, column
    and test share (other data or splits give validation losses on other days).
    """
    best: dict[tuple, float] = {}
    for run in runs:
        part = _same_days(run)
        best[part] = min(best.get(part, float("inf")), run["val_loss"])
    return pd.DataFrame(
        [
            {
                "Run": run["label"],
                "Validation loss": f"{run['val_loss']:.4f}"
                + (
                    " (lowest)"
                    if len(runs) > 1 and run["val_loss"] == best[_same_days(run)]
                    else ""
                ),
                "Test skill ratio": f"{run['skill_ratio']:.3f} ({run['verdict']})",
                "Test RMSE": f"{run['rmse']:,.2f}",
                "Band held (day 1)": f"{run['coverage']:.0%}",
                "Data": f"{run['settings']['data']} · {run['settings']['column']}",
                "Lookback": run["settings"]["lookback"],
                "Epochs": f"{run['epochs_run']} of {run['settings']['epochs']}"
                + (" (stopped)" if run["stopped"] else ""),
                "Units × layers": f"{run['settings']['units']} × {run['settings']['layers']}",
                "Horizon": frequency.steps(
                    run["settings"]["horizon"], run.get("spacing", frequency.DAILY)
                ),
                "Test share": f"{run['settings']['test_share']:.0%}",
                "Seed": run["settings"]["seed"],
            }
            for run in runs
        ]
    ).set_index("Run")


def _same_days(run: dict) -> tuple:
    settings = run["settings"]
    return settings["data"], settings["column"], settings["test_share"]


def read_setup(params: Mapping[str, object], samples: list[str]) -> tuple[dict, list[str]]:
    """Settings from URL query parameters, clamped to the page's ranges, and notes on fixes.

    Parameters
    ----------
    params : mapping
        Query parameters as strings (a list keeps its last value).
    samples : list of str
        The bundled samples' short names; the first is the default.

    Returns
    -------
    (dict, list of str)
        ``sample``, ``column`` (None for the file's default), ``lookback``, ``epochs``, ``units``,
        ``layers``, ``horizon``, ``test_share``, ``seed``, ``present``; and one note per value that
        was missing a valid form and was replaced.
    """
    notes: list[str] = []
    text = {
        key: str(value[-1] if isinstance(value, list) and value else value)
        for key, value in params.items()
        if value not in (None, [])
    }
    setup: dict = {"sample": samples[0], "column": text.get("column") or None}
    if "sample" in text:
        if text["sample"] in samples:
            setup["sample"] = text["sample"]
        else:
            notes.append(
                f"The link asks for sample “{text['sample']}”, which does not exist; "
                f"showing {samples[0]} instead (choices: {', '.join(samples)})."
            )
    for key, (low, high, default) in RANGES.items():
        setup[key] = _clamped_int(text.get(key), key, low, high, default, notes)
    for key, options in CHOICES.items():
        setup[key] = _nearest(
            text.get(key), key, options, getattr(forecast, f"DEFAULT_{key.upper()}"), notes
        )
    setup["test_share"] = _nearest(
        text.get("test_share"), "test_share", TEST_SHARES, forecast.DEFAULT_TEST_SHARE, notes
    )
    setup["present"] = text.get("present", "0").lower() in ("1", "true", "yes", "on")
    return setup, notes


def setup_query(setup: Mapping[str, object]) -> dict[str, str]:
    """URL query parameters that reproduce ``setup`` (the inverse of :func:`read_setup`)."""
    query = {
        key: str(setup[key])
        for key in ("sample", "column", *RANGES, *CHOICES, "test_share")
        if setup.get(key) is not None
    }
    if setup.get("present"):
        query["present"] = "1"
    return query


def _number(raw: str | None) -> float | None:
    try:
        value = float(raw) if raw is not None else None
    except ValueError:
        return None
    return value if value is not None and value == value and abs(value) != float("inf") else None


def _link_number(raw, key, default, notes) -> float | None:
    """The link's value as a number; None (with a note when it was unreadable) to use default."""
    if raw is None:
        return None
    value = _number(raw)
    if value is None:
        notes.append(f"The link's {key} “{raw}” is not a number; using {default}.")
    return value


def _clamped_int(raw, key, low, high, default, notes) -> int:
    value = _link_number(raw, key, default, notes)
    if value is None:
        return default
    clamped = int(min(max(round(value), low), high))
    if clamped != value:
        notes.append(f"The link's {key} {raw} is outside {low}–{high}; using {clamped}.")
    return clamped


def _nearest(raw, key, options, default, notes):
    value = _link_number(raw, key, default, notes)
    if value is None:
        return default
    nearest = min(options, key=lambda option: abs(option - value))
    if abs(nearest - value) > 1e-9:
        notes.append(
            f"The link's {key} {raw} is not one of {', '.join(map(str, options))}; using {nearest}."
        )
    return nearest
