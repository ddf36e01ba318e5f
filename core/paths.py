"""Every path the project uses, resolved from this file rather than the working directory."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "data"
SAMPLES_DIR = DATA_DIR / "samples"
SENTIMENT_MODEL_DIR = DATA_DIR / "models" / "sentiment"

SAMPLES = {
    "S&P 500 index, 1999–2018 (Yahoo format)": SAMPLES_DIR / "sp500.csv",
    "Microsoft (MSFT), 1986–2017": SAMPLES_DIR / "msft.csv",
}


def sentiment_model_dir() -> Path:
    """The sentiment model the app scores with: the folder ``LSTM_LAB_SENTIMENT_MODEL`` names
    (tests point it at a tiny model of another shape), else the shipped one."""
    return Path(os.environ.get("LSTM_LAB_SENTIMENT_MODEL") or SENTIMENT_MODEL_DIR)
