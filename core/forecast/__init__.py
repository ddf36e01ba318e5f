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

Each window holds ``lookback`` consecutive returns (fed as their up and down parts, so a day's
size is plain to see). The LSTM reads it with ``return_sequences=True`` and a Dense head at every
step forecasts the *next* day's return as a distribution: its mean and the log of its scale, a
Gaussian trained by negative log-likelihood. The target is the window shifted by one day and every
step is trained (a true many-to-many model). The next-day forecast is the last step's output. The
direction of tomorrow's move is close to unpredictable, but its size is not (calm follows calm,
storms follow storms): that is what the scale learns, and what the band follows.

When the file has High and Low columns, each step also reads the day's high–low range
``|log(high / low)|`` (on by default: it lowered the validation loss on every series tried); Volume,
read as its daily log change, is optional and off by default (it did not help consistently). Each
extra input is standardised with the training part's mean and standard deviation; a missing day
reads as a typical one (0 once scaled), and an input missing on over half the training days or
constant there is left out with a note. A file without them trains exactly as on returns alone.

Daily returns are close to unpredictable. So that an LSTM with no real skill cannot do worse than
"tomorrow = today", its predicted return is multiplied by a shrink factor in [0, 1] fitted by least
squares on the validation part (never the test part). A shrink of 0 means the validation data showed
no usable signal and the forecast falls back to persistence.

The H-day future forecast is recursive: each predicted return is appended to the window and the
model is asked again. A future day's high–low range is unknown: the recursion feeds back the
forecast scale times the training days' average range per standard deviation of return (so a day
forecast as wild as usual gets the usual range), and the average volume change. Its k-day scale
is exact aggregation of one-day variances along the way,
``sqrt(sum of sigma_j**2)``; for the variances the recursion feeds back a move as large as the
forecast scale (up and down in turn), as GARCH's multi-step formula does. The band is the path
plus per-step multiples of that scale, the multiples calibrated on validation only: the quantiles
of the validation errors divided by their forecast scale (split-conformal scaling), so the band
widens in storms and narrows in calm while its average coverage is set on days the model did not
train on. The band's honesty (how often it held the actual price) and the error by step are
measured on the test part, which nothing is fitted on, beside GARCH(1,1) (``arch``), a rolling
20-day volatility and the static band of validation error quantiles.

Training keeps the weights of the epoch with the lowest validation loss however it ends: by running
all epochs, by early stopping, by ``should_stop`` or by an exception raised from a callback (a
Streamlit rerun interrupts a script that way).
"""

from core.forecast.data import (
    DEFAULT_TEST_SHARE,
    INPUT_NAMES,
    MIN_TEST_DAYS,
    MIN_TRAIN_WINDOWS,
    MIN_VALIDATION_DAYS,
    VALIDATION_SHARE,
    Split,
    check_history,
    chronological_split,
    extra_columns,
    extra_features,
    log_returns,
    many_to_many_windows,
    required_rows,
)
from core.forecast.metrics import (
    ALPHA,
    TEST_NAME,
    DieboldMariano,
    Verdict,
    band_scores,
    chance_words,
    coverage,
    diebold_mariano,
    gaussian_nll,
    plain_reading,
    qlike,
    regression_metrics,
    verdict,
    winkler_score,
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
    gaussian_nll_loss,
)
from core.forecast.uncertainty import (
    DEFAULT_LEVEL,
    METHODS,
    MIN_BAND_SAMPLES,
    ROLLING_DAYS,
    HorizonCheck,
    VolatilityCheck,
    band_reading,
    check_horizon,
    conformal_multipliers,
    error_quantiles,
    garch_variances,
    rolling_variances,
    turbulence_reading,
)

__all__ = [
    "ALPHA", "BATCH_SIZE", "DEFAULT_EPOCHS", "DEFAULT_HORIZON", "DEFAULT_LAYERS", "DEFAULT_LEVEL",
    "DEFAULT_LOOKBACK", "DEFAULT_SEED", "DEFAULT_TEST_SHARE", "DEFAULT_UNITS", "DROPOUT",
    "LEARNING_RATE", "METHODS", "MIN_BAND_SAMPLES", "MIN_TEST_DAYS", "MIN_TRAIN_WINDOWS",
    "MIN_VALIDATION_DAYS", "PATIENCE", "ROLLING_DAYS", "STEPS_PER_CALL", "TEST_NAME",
    "VALIDATION_SHARE", "DieboldMariano", "Evaluation", "Forecaster", "HorizonCheck",
    "INPUT_NAMES", "Persistence", "Split", "Verdict", "VolatilityCheck", "band_reading",
    "band_scores",
    "chance_words", "check_history", "check_horizon", "chronological_split",
    "conformal_multipliers", "coverage", "diebold_mariano", "error_quantiles", "extra_columns",
    "extra_features",
    "garch_variances", "gaussian_nll", "gaussian_nll_loss", "log_returns",
    "many_to_many_windows", "plain_reading", "qlike", "regression_metrics", "required_rows",
    "rolling_variances", "turbulence_reading", "verdict", "winkler_score",
]  # fmt: skip
