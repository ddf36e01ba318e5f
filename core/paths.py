"""Every path the project uses, resolved from this file rather than the working directory."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "data"
SAMPLES_DIR = DATA_DIR / "samples"
SENTIMENT_MODEL_DIR = DATA_DIR / "models" / "sentiment"

SAMPLES = {
    "S&P 500 index, 1999–2018 (Yahoo format)": SAMPLES_DIR / "sp500.csv",
    "Microsoft (MSFT), 1986–2017": SAMPLES_DIR / "msft.csv",
}
