"""Command line for the forecaster: ``python -m core.forecast inspect|train|backtest FILE ...``.

Prints one JSON object on stdout. Bad input exits with status 2 and one line on stderr.
``train`` and ``backtest`` fit in this process, or with ``--scheduler tcp://host:8786`` as a job
on that Dask cluster; their JSON's ``"worker"`` is the address of the worker that ran the fit
(null in this process).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from core import forecast
from core.forecast import backtest, data, prices


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m core.forecast", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    inspect = commands.add_parser("inspect", help="load a price file and describe it")
    inspect.add_argument("file")
    inspect.add_argument("--column", default=None, help="price column (default: adjusted close)")
    _source_arguments(inspect)

    train = commands.add_parser("train", help="train the LSTM and compare it with persistence")
    _model_arguments(train, epochs=forecast.DEFAULT_EPOCHS)
    train.add_argument("--horizon", type=int, default=forecast.DEFAULT_HORIZON)
    train.add_argument("--test-share", type=float, default=forecast.DEFAULT_TEST_SHARE)
    train.add_argument("--predictions", default=None, help="write test predictions to this CSV")

    walk = commands.add_parser(
        "backtest", help="walk-forward backtest: refit per fold, LSTM against persistence"
    )
    _model_arguments(walk, epochs=backtest.DEFAULT_EPOCHS)
    walk.add_argument("--folds", type=int, default=backtest.DEFAULT_FOLDS)
    walk.add_argument(
        "--test-share",
        type=float,
        default=backtest.DEFAULT_TOTAL_TEST_SHARE,
        help="share of the newest days shared out among the folds' test blocks",
    )
    walk.add_argument("--progress", action="store_true", help="print each epoch on stderr")
    return parser


def _model_arguments(command: argparse.ArgumentParser, epochs: int) -> None:
    """The file, column and model settings that ``train`` and ``backtest`` share."""
    command.add_argument("file")
    command.add_argument("--column", default=None)
    _source_arguments(command)
    command.add_argument("--lookback", type=int, default=forecast.DEFAULT_LOOKBACK)
    command.add_argument("--epochs", type=int, default=epochs)
    command.add_argument("--units", type=int, default=forecast.DEFAULT_UNITS)
    command.add_argument("--layers", type=int, default=forecast.DEFAULT_LAYERS)
    command.add_argument("--seed", type=int, default=forecast.DEFAULT_SEED)
    command.add_argument("--level", type=float, default=forecast.DEFAULT_LEVEL, help="band level")
    command.add_argument(
        "--scheduler", default=None,
        help="fit as a job on the Dask cluster at this address (tcp://host:8786) instead of here",
    )  # fmt: skip
    command.add_argument(
        "--no-range",
        dest="use_range",
        action="store_false",
        help="read returns only, not the day's high-low range (read by default when the file "
        "has High and Low)",
    )
    command.add_argument(
        "--volume",
        dest="use_volume",
        action="store_true",
        help="also read the day's change in volume (off by default: it did not help on validation)",
    )


def _source_arguments(command: argparse.ArgumentParser) -> None:
    """Which ticker of a file with several, and which sheet of a workbook."""
    command.add_argument("--ticker", default=None, help="ticker to read (default: most rows)")
    command.add_argument(
        "--sheet", default=None, help="workbook sheet (default: first with prices)"
    )


def _load(args: argparse.Namespace) -> prices.PriceData:
    return prices.load_prices_file(args.file, args.column, args.ticker, args.sheet)


def _extras(args: argparse.Namespace, loaded: prices.PriceData):
    """The High/Low/Volume columns the flags ask the LSTM to read, or None."""
    return data.extra_columns(loaded.table, args.use_range, args.use_volume)


def _moment(loaded: prices.PriceData, moment) -> str:
    """A date as YYYY-MM-DD, or an ISO date-time for intraday data."""
    return moment.isoformat() if loaded.frequency.intraday else moment.strftime("%Y-%m-%d")


def _inspect(args: argparse.Namespace) -> dict:
    loaded = _load(args)
    series = loaded.series
    several = {"tickers": [ticker.name for ticker in loaded.tickers], "ticker": loaded.ticker}
    return {
        "rows": int(len(series)),
        "start": _moment(loaded, series.index[0]),
        "end": _moment(loaded, series.index[-1]),
        "frequency": loaded.frequency.name,
        **(several if loaded.tickers else {}),
        **({"sheet": loaded.sheet} if loaded.sheet is not None else {}),
        "column": loaded.column,
        "columns": list(loaded.numeric_columns),
        "first": float(series.iloc[0]),
        "last": float(series.iloc[-1]),
        "report": loaded.report,
        "notes": list(loaded.notes),
    }


def _train(args: argparse.Namespace) -> dict:
    loaded = _load(args)
    model = forecast.Forecaster(
        lookback=args.lookback,
        epochs=args.epochs,
        units=args.units,
        layers=args.layers,
        test_share=args.test_share,
        seed=args.seed,
    ).fit(loaded.series, extras=_extras(args, loaded))
    evaluation = model.evaluate()
    check = model.horizon_check(args.horizon, args.level)
    # the forecast beyond the last date comes from a refit on every day (see refit_all)
    final = model.refit_all()
    band = (
        check.band
        if final is None
        else final.future_band(check.steps["lower_q"], check.steps["upper_q"])
    )
    if args.predictions:
        try:
            evaluation.predictions.rename_axis("date").to_csv(args.predictions, float_format="%.6f")
        except OSError as error:
            raise ValueError(
                f"Cannot write predictions to {args.predictions}: {error.strerror}."
            ) from None
    return {
        "column": loaded.column,
        "frequency": loaded.frequency.name,
        **({"ticker": loaded.ticker} if loaded.ticker is not None else {}),
        "model": evaluation.model,
        "persistence": evaluation.persistence,
        "skill_ratio": evaluation.skill_ratio,
        "verdict": evaluation.verdict.as_dict(),
        "reading": evaluation.reading,
        "shrink": model.shrink_,
        # what the LSTM read at each step, "returns" first, and why an asked input was left out
        "inputs": list(model.inputs_),
        "input_notes": list(model.input_notes_),
        "epochs_run": model.epochs_run_,
        "train_seconds": model.train_seconds_,
        "n_train": int(model.split_.train_end - model.lookback),
        "n_validation": int(model.split_.val_end - model.split_.train_end),
        "n_test": int(len(evaluation.predictions)),
        "forecast": [
            {
                "date": _moment(loaded, date),
                "value": float(row.forecast),
                "lower": float(row.lower),
                "upper": float(row.upper),
            }
            for date, row in band.iterrows()
        ],
        "forecast_trained_on": "all days" if final is not None else "days before the test part",
        "band": {
            "level": check.level,
            "coverage_by_step": [float(value) for value in check.steps["coverage"]],
            "reading": check.reading,
        },
        # the band and variance forecast of each method on the test part (see uncertainty.py)
        "volatility": check.volatility.methods,
        "rmse_by_step": {
            "model": [float(value) for value in check.steps["lstm_rmse"]],
            "persistence": [float(value) for value in check.steps["persistence_rmse"]],
        },
    }


def _print_fold(update: backtest.FoldReport) -> None:
    logs = update.epoch.logs
    print(
        f"fold {update.fold}/{update.folds} epoch {update.epoch.epoch}/{update.epoch.epochs} "
        f"val_loss {logs.get('val_loss', float('nan')):.4f}",
        file=sys.stderr,
    )


def _backtest(args: argparse.Namespace, progress=None) -> dict:
    loaded = _load(args)
    result = backtest.walk_forward(
        loaded.series,
        folds=args.folds,
        total_test_share=args.test_share,
        level=args.level,
        progress=progress or (_print_fold if args.progress else None),
        extras=_extras(args, loaded),
        lookback=args.lookback,
        epochs=args.epochs,
        units=args.units,
        layers=args.layers,
        seed=args.seed,
    )
    settings = {
        key: getattr(args, key)
        for key in ("folds", "test_share", "lookback", "epochs", "units", "layers", "seed")
    }
    return {"column": loaded.column, "settings": settings, **result.as_dict()}


def run_on_worker(args: argparse.Namespace, data: bytes, report, should_stop) -> dict:
    """A ``train`` or ``backtest`` as a cluster job: the file's bytes travel with it (the worker
    may be another machine), the predictions CSV comes back as text."""
    with tempfile.TemporaryDirectory() as folder:
        args.file = str(Path(folder) / Path(args.file).name)
        Path(args.file).write_bytes(data)
        wanted = getattr(args, "predictions", None)
        if wanted:
            args.predictions = str(Path(folder) / "predictions.csv")
        if args.command == "train":
            result = _train(args)
        else:
            result = _backtest(args, progress=report)
        if wanted:
            result["predictions_csv"] = Path(args.predictions).read_text()
    return result


def _on_cluster(args: argparse.Namespace) -> dict:
    """Run ``args``' command as a job on the cluster at ``--scheduler``; print a backtest's
    progress here when asked."""
    from core import cluster, jobs

    os.environ[cluster.SCHEDULER_ENV] = args.scheduler
    predictions = getattr(args, "predictions", None)
    data = Path(args.file).read_bytes()
    # named by path: run as ``python -m``, this module is __main__, which pickles by value
    work = jobs.Adapted("core.forecast.__main__:run_on_worker", progress="report")
    job = jobs.submit(work, args, data, name=f"cli-{args.command}")
    printed = 0
    show = args.command == "backtest" and args.progress

    def print_new() -> int:
        updates = job.progress()
        for update in updates[printed:] if show else []:
            _print_fold(update)
        return len(updates)

    while not job.wait(0.5):
        printed = print_new()
    # the updates the worker sent between the last poll and the job's end
    printed = print_new()
    error = job.error()
    if error is not None:
        raise error if isinstance(error, ValueError) else ValueError(jobs.failure(error)[0])
    result = job.result()
    text = result.pop("predictions_csv", None)
    if predictions and text is not None:
        try:
            Path(predictions).write_text(text)
        except OSError as error:
            raise ValueError(
                f"Cannot write predictions to {predictions}: {error.strerror}."
            ) from None
    return result | {"worker": job.worker()}


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the process exit status."""
    args = _parser().parse_args(argv)
    try:
        command = {"inspect": _inspect, "train": _train, "backtest": _backtest}[args.command]
        if getattr(args, "scheduler", None):
            result = _on_cluster(args)
        else:
            result = command(args)
            if args.command != "inspect":
                result["worker"] = None  # fitted in this process
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"error: cannot read {args.file}: {error.strerror or error}.", file=sys.stderr)
        return 2
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
