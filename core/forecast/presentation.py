"""Text for presentation mode: what a room needs to know about the chart on the wall."""

from __future__ import annotations

from collections.abc import Mapping


def title_line(settings: Mapping[str, object]) -> str:
    """One line naming the data and every training setting, for the top of the screen.

    Parameters
    ----------
    settings : mapping
        The forecast page's settings: ``data``, ``column``, ``lookback``, ``epochs``, ``units``,
        ``layers``, ``horizon``, ``test_share`` and ``seed``.

    Returns
    -------
    str
        For example "S&P 500 · Adj Close · lookback 60 days · up to 20 epochs · 2 LSTM layers of
        32 units · 10-day forecast · newest 20% held out for testing · seed 42".
    """
    layers = int(settings["layers"])
    parts = [
        str(settings["data"]),
        str(settings["column"]),
        f"lookback {int(settings['lookback'])} days",
        f"up to {int(settings['epochs'])} epoch{'s' if int(settings['epochs']) != 1 else ''}",
        f"{layers} LSTM layer{'s' if layers != 1 else ''} of {int(settings['units'])} units",
        f"{int(settings['horizon'])}-day forecast",
        f"newest {float(settings['test_share']):.0%} held out for testing",
        f"seed {int(settings['seed'])}",
    ]
    return " · ".join(parts)
