"""The trained forecaster as a download that reproduces the app's forecast anywhere Keras runs.

The bundle is a zip of three files:

- ``forecaster.keras``: one Keras model that takes the last ``lookback + 1`` prices (and, when the
  LSTM read them, the same days' highs and lows and/or volumes) and returns the next trading day's
  price forecast. Log returns, the day's high–low range, the standardisation with the training
  part's means and standard deviations, the LSTM, and the shrink factor all sit inside the model,
  written with built-in Keras operations only, so ``keras.saving.load_model`` opens it without
  this project's code and without ``safe_mode=False``.
- ``forecaster.json``: what the model does not hold: lookback, price column, dates of the
  training, validation and test parts, the scaling numbers, the settings, how to call it, and a
  check (the input window and the app's own next-day forecast for it).
- ``README.md``: the same in a few lines for a person.
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from pathlib import Path

from core.forecast import Forecaster, trading_days

FILE_NAME = "lstm_forecaster.zip"
MIME = "application/zip"
MODEL_NAME = "forecaster.keras"
INFO_NAME = "forecaster.json"
README_NAME = "README.md"
FORMAT = "lstm-lab-price-forecaster/1"

HOW_TO_CALL = f"""import json, keras, numpy as np
info = json.load(open("{INFO_NAME}"))
model = keras.saving.load_model("{MODEL_NAME}")
window = np.array([info["check"]["input_prices"]], dtype="float64")  # shape (1, lookback + 1)
print(model.predict(window, verbose=0)[0], "expected", info["check"]["next_day_forecast"])"""

# With extra inputs the model takes a dict: one (1, lookback + 1) array per input name.
HOW_TO_CALL_EXTRAS = f"""import json, keras, numpy as np
info = json.load(open("{INFO_NAME}"))
model = keras.saving.load_model("{MODEL_NAME}")
inputs = info["check"]["inputs"]  # prices and the same days' extra columns
window = {{name: np.array([values], dtype="float64") for name, values in inputs.items()}}
print(model.predict(window, verbose=0)[0], "expected", info["check"]["next_day_forecast"])"""

MULTI_DAY = (
    "For an H-day forecast, append the forecast to the window, drop its oldest price and call "
    "the model again, H times: the app's forecast is built the same way."
)

MULTI_DAY_RANGE = (
    "For an H-day forecast, append the forecast to the window, drop its oldest day and call the "
    "model again, H times. A future day's high and low are unknown: pass NaN for them and the "
    "model reads a typical day's range. The app instead sets a future day's range "
    "|log(high / low)| to its forecast scale times `range_feedback` (in `" + INFO_NAME + "`), "
    "which this model does not output, so its later days can differ slightly from the app's."
)

# The file columns each extra input needs, in the order the model takes them.
EXTRA_COLUMNS = {"range": ("high", "low"), "volume": ("volume",)}


def price_model(forecaster: Forecaster):
    """A Keras model from ``lookback + 1`` prices to the app's next-day price forecast.

    Parameters
    ----------
    forecaster : Forecaster
        A fitted forecaster.

    Returns
    -------
    keras.Model
        Input ``prices``: float64, shape ``(batch, lookback + 1)``, oldest first; when the LSTM
        read extra inputs, a dict of such arrays named ``prices`` and ``high``, ``low`` and/or
        ``volume`` (the same days; a missing high, low or volume may be NaN). Output: float64,
        shape ``(batch,)``, the forecast for the trading day after the last price.
    """
    if not forecaster.is_fitted:
        raise ValueError("This Forecaster is not fitted yet; train it before exporting it.")
    import keras
    from keras import ops

    window = (forecaster.lookback + 1,)
    names = ["prices", *(name for extra in forecaster.inputs_[1:] for name in EXTRA_COLUMNS[extra])]
    inputs = {name: keras.Input(shape=window, dtype="float64", name=name) for name in names}
    log_prices = ops.log(inputs["prices"])
    returns = log_prices[:, 1:] - log_prices[:, :-1]
    # the same float64 arithmetic as Forecaster, then float32 for the LSTM, as in the app
    columns = [(returns - forecaster.mean_) / forecaster.std_]
    for extra in forecaster.inputs_[1:]:
        if extra == "range":
            high, low = inputs["high"][:, 1:], inputs["low"][:, 1:]
            values = ops.abs(ops.log(high / low))
            usable = ops.logical_and(ops.greater(high, 0.0), ops.greater(low, 0.0))
        else:
            volume = inputs["volume"]
            log_volume = ops.log1p(volume)
            values = log_volume[:, 1:] - log_volume[:, :-1]
            known = ops.greater_equal(volume, 0.0)
            usable = ops.logical_and(known[:, 1:], known[:, :-1])
        mean, std = forecaster.extra_scaling_[extra]
        scaled = (values - mean) / std
        # a missing or unusable day reads as a typical one (0 once scaled), as in the app
        usable = ops.logical_and(usable, ops.isfinite(scaled))
        columns.append(ops.where(usable, scaled, ops.zeros_like(scaled)))
    stacked = ops.cast(ops.stack(columns, axis=-1), "float32")
    per_step = forecaster.model_(stacked)
    last_step = ops.cast(per_step[:, -1, 0], "float64")
    predicted_return = forecaster.shrink_ * (last_step * forecaster.std_ + forecaster.mean_)
    outputs = inputs["prices"][:, -1] * ops.exp(predicted_return)
    return keras.Model(
        inputs if len(names) > 1 else inputs["prices"], outputs, name="lstm_price_forecaster"
    )


def model_info(forecaster: Forecaster, source: str | None = None) -> dict:
    """The JSON-ready facts the model file does not carry, with a check a caller can run."""
    series, split = forecaster.series_, forecaster.split_
    dates = series.index
    window = series.iloc[-(forecaster.lookback + 1) :]
    next_day = forecaster.forecast(1)
    extra_names = [name for extra in forecaster.inputs_[1:] for name in EXTRA_COLUMNS[extra]]
    window_inputs = {"prices": [float(value) for value in window.to_numpy()]}
    for name in extra_names:
        values = forecaster.extras_[name].reindex(window.index).to_numpy()
        window_inputs[name] = [float(value) for value in values]
    extra_scaling = {
        f"{extra}_{stat}": value
        for extra, pair in forecaster.extra_scaling_.items()
        for stat, value in zip(("mean", "std"), pair, strict=True)
    }

    def day(position: int) -> str:
        return f"{dates[position]:%Y-%m-%d}"

    # returns[i] moves prices[i] to prices[i + 1]: return index i is dated dates[i + 1]
    return {
        "format": FORMAT,
        "model_file": MODEL_NAME,
        "source": source,
        "column": None if series.name is None else str(series.name),
        "lookback": forecaster.lookback,
        "lstm_reads": list(forecaster.inputs_),
        "input": {
            "name": "prices" if not extra_names else ["prices", *extra_names],
            "shape": [None, forecaster.lookback + 1],
            "dtype": "float64",
            "what": f"the last {forecaster.lookback + 1} prices of the column, oldest first "
            f"(they give the {forecaster.lookback} daily log returns the LSTM reads)"
            + (
                f"; as a dict with the same days' {', '.join(extra_names)} (NaN where missing): "
                f"the LSTM also reads {forecaster.inputs_reading.split(' and ', 1)[1]}"
                if extra_names
                else ""
            ),
        },
        "output": {
            "shape": [None],
            "dtype": "float64",
            "what": "the price forecast for the next trading day after the last input price",
        },
        "dates": {
            "first_price": day(0),
            "last_price": day(-1),
            "training_days": [day(1), day(split.train_end)],
            "validation_days": [day(split.train_end + 1), day(split.val_end)],
            "test_days": [day(split.val_end + 1), day(-1)],
        }
        if not forecaster.all_days_
        else {
            "first_price": day(0),
            "last_price": day(-1),
            "training_days": [day(1), day(-1)],
            "note": "retrained on every day for the forecast, for the best epoch count of a fit "
            f"that held out {day(split.train_end + 1)} to {day(-1)} to measure it",
        },
        "inside_the_model": {
            "log_return_mean": forecaster.mean_,
            "log_return_std": forecaster.std_,
            "shrink": forecaster.shrink_,
            **extra_scaling,
            "formula": "next = last_price * exp(shrink * (lstm_last_step * std + mean)), the LSTM "
            "reading (log_return - mean) / std at each step"
            + (
                ", and each extra input (range = |log(high / low)|, volume change = "
                "log1p(volume) - log1p(previous volume)) as (value - its mean) / its std, 0 "
                "where missing"
                if extra_names
                else ""
            ),
        },
        **(
            {"range_feedback": forecaster.range_feedback}
            if forecaster.range_feedback is not None
            else {}
        ),
        "settings": {
            "units": forecaster.units,
            "layers": forecaster.layers,
            "epochs_run": forecaster.epochs_run_,
            "best_epoch": forecaster.best_epoch_,
            "seed": forecaster.seed,
        },
        "check": {
            "input_dates": [f"{date:%Y-%m-%d}" for date in window.index],
            "input_prices": window_inputs["prices"],
            "inputs": window_inputs,
            "next_day": f"{next_day.index[0]:%Y-%m-%d}",
            "next_day_forecast": float(next_day.iloc[0]),
        },
        "calendar": trading_days.trading_calendar(dates).description,
        "how_to_call": HOW_TO_CALL_EXTRAS if extra_names else HOW_TO_CALL,
        "multi_day": MULTI_DAY_RANGE if forecaster.range_feedback is not None else MULTI_DAY,
    }


def readme(info: dict) -> str:
    """A short README for the zip, written from ``info``."""
    check = info["check"]
    column = info["column"] or "price"
    size = info["lookback"] + 1
    extra = [name for name in check["inputs"] if name != "prices"]
    inputs_line = (
        f"the last {size} prices, oldest first, float64, shape `(batch, {size})`."
        if not extra
        else f"a dict of float64 arrays of shape `(batch, {size})`, oldest first: `prices` "
        f"(the last {size} prices) and the same days' "
        + ", ".join(f"`{name}`" for name in extra)
        + " from the file's columns (NaN where a day lacks one)."
    )
    extra_line = "the day's high–low range, " if "high" in extra else ""
    extra_line += "the volume change, " if "volume" in extra else ""
    return f"""# LSTM Lab price forecaster

`{MODEL_NAME}` is a Keras 3 model trained by LSTM Lab on the {column} column
{f"of {info['source']} " if info["source"] else ""}({info["dates"]["first_price"]} to \
{info["dates"]["last_price"]}).

- **Input:** {inputs_line}
- **Output:** the price forecast for the next trading day, shape `(batch,)`.
- Log returns, {extra_line}the scaling and the shrink factor are inside the model; `{INFO_NAME}`
  lists them with the dates of the training, validation and test parts.

```python
{info["how_to_call"]}
```

With the prices of {check["input_dates"][0]} to {check["input_dates"][-1]} it gives
{check["next_day_forecast"]:.6f} for {check["next_day"]}, as the app did.

{info["multi_day"]}
"""


def export_bundle(forecaster: Forecaster, source: str | None = None) -> bytes:
    """The zip (model, JSON, README) as bytes, for a download button.

    Parameters
    ----------
    forecaster : Forecaster
        A fitted forecaster.
    source : str, optional
        The data's name (file or sample), recorded in the JSON and README.
    """
    model = price_model(forecaster)  # raises first when the forecaster is not fitted
    info = model_info(forecaster, source)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / MODEL_NAME
        model.save(path)
        model_file = path.read_bytes()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr(MODEL_NAME, model_file)
        bundle.writestr(INFO_NAME, json.dumps(info, indent=2))
        bundle.writestr(README_NAME, readme(info))
    return buffer.getvalue()
