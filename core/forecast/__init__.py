"""Many-to-many LSTM forecaster for daily prices, with the persistence baseline beside it.

This package's public API is imported here; its modules are:

- ``prices``: price CSVs to a clean series; ``data``: returns, split, windows;
- ``model``: ``Forecaster`` and ``Persistence``; ``uncertainty``: the band; ``metrics``: scores
  and the one ``verdict()``; ``backtest``: walk-forward; ``trading_days``: forecast dates;
- ``report``: what the page shows, without Streamlit; ``charts``: Plotly figures;
  ``export``: the model download; ``presentation``: presentation-mode text;
- ``__main__``: the command line, ``python -m core.forecast inspect|train|backtest FILE``.

How it works
------------
Prices become daily log returns ``r_t = log(p_t / p_{t-1})``: a scale-free target, so test prices
above anything seen in training are no problem. The returns are split chronologically into a
training, a validation and a test part, and standardised with the mean and standard deviation of
the training part only.

Each window holds ``lookback`` consecutive returns. The LSTM reads it with ``return_sequences=True``
and a Dense head at every step predicts the *next* day's return at every step, so the target is the
window shifted by one day and every step is trained (a true many-to-many model). The next-day
forecast is the last step's output.

Daily returns are close to unpredictable. So that an LSTM with no real skill cannot do worse than
"tomorrow = today", its predicted return is multiplied by a shrink factor in [0, 1] fitted by least
squares on the validation part (never the test part). A shrink of 0 means the validation data showed
no usable signal and the forecast falls back to persistence.

The H-day future forecast is recursive: each predicted return is appended to the window and the
model is asked again. Its band comes from the errors the same recursive forecast made on the
validation part: for each step k = 1..H, the empirical quantiles of the k-day log-return error. The
band's honesty (how often it held the actual price) and the error by step are measured on the test
part, which nothing is fitted on.

Training keeps the weights of the epoch with the lowest validation loss however it ends: by running
all epochs, by early stopping, by ``should_stop`` or by an exception raised from a callback (a
Streamlit rerun interrupts a script that way).
"""

from core.forecast.data import (
    DEFAULT_TEST_SHARE,
    MIN_TEST_DAYS,
    MIN_TRAIN_WINDOWS,
    MIN_VALIDATION_DAYS,
    VALIDATION_SHARE,
    Split,
    check_history,
    chronological_split,
    log_returns,
    many_to_many_windows,
    required_rows,
)
from core.forecast.metrics import (
    ALPHA,
    TEST_NAME,
    DieboldMariano,
    Verdict,
    chance_words,
    diebold_mariano,
    plain_reading,
    regression_metrics,
    verdict,
)
from core.forecast.model import (
    BATCH_SIZE,
    DEFAULT_EPOCHS,
    DEFAULT_HORIZON,
    DEFAULT_LAYERS,
    DEFAULT_LOOKBACK,
    DEFAULT_SEED,
    DEFAULT_UNITS,
    DROPOUT,
    LEARNING_RATE,
    PATIENCE,
    STEPS_PER_CALL,
    Evaluation,
    Forecaster,
    Persistence,
)
from core.forecast.uncertainty import (
    DEFAULT_LEVEL,
    MIN_BAND_SAMPLES,
    HorizonCheck,
    band_reading,
    check_horizon,
    error_quantiles,
)

__all__ = [
    "ALPHA", "BATCH_SIZE", "DEFAULT_EPOCHS", "DEFAULT_HORIZON", "DEFAULT_LAYERS", "DEFAULT_LEVEL",
    "DEFAULT_LOOKBACK", "DEFAULT_SEED", "DEFAULT_TEST_SHARE", "DEFAULT_UNITS", "DROPOUT",
    "LEARNING_RATE", "MIN_BAND_SAMPLES", "MIN_TEST_DAYS", "MIN_TRAIN_WINDOWS",
    "MIN_VALIDATION_DAYS", "PATIENCE", "STEPS_PER_CALL", "TEST_NAME", "VALIDATION_SHARE",
    "DieboldMariano", "Evaluation", "Forecaster", "HorizonCheck", "Persistence", "Split",
    "Verdict", "band_reading", "chance_words", "check_history", "check_horizon",
    "chronological_split", "diebold_mariano", "error_quantiles", "log_returns",
    "many_to_many_windows", "plain_reading", "regression_metrics", "required_rows", "verdict",
]  # fmt: skip
