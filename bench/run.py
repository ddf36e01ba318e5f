"""Run the benchmarks and write bench/results.json and docs/BENCHMARKS.md.

Usage
-----
python -m bench.run                      # everything, full size (make bench; under 30 minutes)
python -m bench.run --quick              # a smoke run of about 3 minutes, into a temporary folder
python -m bench.run --only forecast      # one section; the others are kept from results.json
python -m bench.run --only volatility    # the forecast band against GARCH (issue #15)
python -m bench.run --only behaviour     # the behavioural suite and its baselines (issue #14)
python -m bench.run --skip-train         # do not time `python -m core.sentiment train`
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import tempfile
import time
import traceback
from pathlib import Path

import psutil

from bench import report
from core.paths import ROOT

SECTIONS = ("forecast", "volatility", "sentiment", "behaviour", "app", "ingest")
RESULTS_FILE = ROOT / "bench" / "results.json"
REPORT_FILE = ROOT / "docs" / "BENCHMARKS.md"
BUDGET_S = 30 * 60  # make bench must finish within 30 minutes
QUICK_DIR = Path(tempfile.gettempdir()) / "lstm-lab-bench-quick"


def machine_info() -> dict:
    """What the numbers were measured on, including how busy the machine was."""
    cpu_model = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {}
    for package in ("tensorflow", "keras", "sklearn", "streamlit", "numpy", "pandas"):
        try:
            module = __import__(package)
            versions[package] = getattr(module, "__version__", "?")
        except ImportError:
            versions[package] = None
    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpu_model": cpu_model,
        "logical_cpus": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "load_average_at_start": list(os.getloadavg()),
        "versions": versions,
    }


def run_section(name: str, args: argparse.Namespace) -> dict:
    started = time.perf_counter()
    try:
        if name == "forecast":
            from bench import forecast_bench

            result = forecast_bench.run(quick=args.quick)
        elif name == "volatility":
            from bench import volatility_bench

            result = volatility_bench.run(quick=args.quick)
        elif name == "sentiment":
            from bench import sentiment_bench

            result = sentiment_bench.run(quick=args.quick, model_dir=args.sentiment_model)
        elif name == "behaviour":
            from bench import behaviour_bench

            result = behaviour_bench.run(quick=args.quick, model_dir=args.sentiment_model)
        elif name == "ingest":
            from bench import ingest_bench

            result = ingest_bench.run(quick=args.quick)
        else:
            from bench import app_bench

            result = app_bench.run(quick=args.quick)
        result.setdefault("available", True)
    except Exception as error:  # noqa: BLE001 - one broken section must not lose the others
        traceback.print_exc()
        result = {"available": False, "error": f"{type(error).__name__}: {error}"}
    result["section_seconds"] = time.perf_counter() - started
    result["measured_at"] = now()
    return result


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke run of about 3 minutes")
    parser.add_argument("--only", choices=SECTIONS, action="append", help="run only this section")
    parser.add_argument(
        "--skip-train", action="store_true", help="skip timing the sentiment train command"
    )
    parser.add_argument(
        "--sentiment-model", type=Path, help="model folder to benchmark (default: the shipped one)"
    )
    parser.add_argument(
        "--out", type=Path, help="folder for results.json and BENCHMARKS.md (quick: a temp folder)"
    )
    args = parser.parse_args(argv)

    if args.out is not None:
        results_file, report_file = args.out / "results.json", args.out / "BENCHMARKS.md"
    elif args.quick:
        results_file, report_file = QUICK_DIR / "results.json", QUICK_DIR / "BENCHMARKS.md"
    else:
        results_file, report_file = RESULTS_FILE, REPORT_FILE

    sections = args.only or list(SECTIONS)
    results: dict = {}
    if args.only and results_file.exists():
        # a partial run refreshes its sections and keeps the others as they were measured
        results = json.loads(results_file.read_text())
    started = time.perf_counter()
    results.update(
        {
            "generated_at": now(),
            "mode": "quick" if args.quick else "full",
            "command": " ".join(["python -m bench.run", *(argv or sys.argv[1:])]).strip(),
            "machine": machine_info(),
        }
    )

    def write() -> None:
        results["machine"]["load_average_at_end"] = list(os.getloadavg())
        results["run_seconds"] = time.perf_counter() - started
        results["headline"] = report.headline(results)
        if not args.only:
            results["complete_run"] = {
                "command": results["command"],
                "started_at": results["generated_at"],
                "run_seconds": results["run_seconds"],
            }
        results_file.parent.mkdir(parents=True, exist_ok=True)
        report_file.parent.mkdir(parents=True, exist_ok=True)
        results_file.write_text(json.dumps(results, indent=2, sort_keys=False) + "\n")
        report_file.write_text(report.markdown(results))

    for name in sections:
        print(f"== {name}", flush=True)
        results[name] = run_section(name, args)
        write()  # an interrupted run still leaves the sections it finished
    sentiment = results.get("sentiment", {})
    if "sentiment" in sections and sentiment.get("available") and not args.quick:
        if args.skip_train:
            sentiment["training"]["note"] = "not timed in this run (--skip-train)"
        else:
            from bench import sentiment_bench

            print("== sentiment training", flush=True)
            budget = BUDGET_S - (time.perf_counter() - started)
            sentiment_bench.add_training_time(sentiment, budget)
        write()
    print(f"wrote {results_file} and {report_file} in {results['run_seconds']:.0f} s")
    for line in results["headline"]:
        print(f"  {line}")
    failed = [name for name in sections if not results[name].get("available", False)]
    return 1 if failed and "forecast" in failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
