"""Sizing a Dask cluster for LSTM Lab: trainings per minute per worker core, memory per worker.

Starts the embedded cluster (``LSTM_LAB_WORKERS`` workers, default 1), trains once per worker to
load TensorFlow, then submits ``--trainings`` forecast trainings at once with the page's default
settings on a bundled sample and times them to the last. Prints one JSON object; docs/DEPLOY.md
quotes it. Run it on a quiet machine: ``nice -n 10 .venv/bin/python -m bench.cluster_sizing``.
"""

from __future__ import annotations

import argparse
import json
import time

import psutil

from core import cluster, jobs
from core.forecast import prices, report
from core.paths import SAMPLES_DIR


def page_defaults(sample: str) -> dict:
    """The forecast page's settings for a first visit (no URL parameters)."""
    setup, _ = report.read_setup({}, [sample])
    return {key: setup[key] for key in report.CHOICES} | {
        key: setup[key] for key in ("lookback", "epochs", "horizon", "test_share", "seed")
    } | {"data": sample, "column": "Adj Close"}  # fmt: skip


def worker_rss_mb() -> list[float]:
    """RSS of each worker process of the embedded cluster (children of this process)."""
    return [
        child.memory_info().rss / 2**20
        for child in psutil.Process().children(recursive=True)
        if "python" in child.name()
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--trainings", type=int, default=6)
    parser.add_argument("--sample", default="sp500")
    args = parser.parse_args(argv)
    series = prices.load_prices((SAMPLES_DIR / f"{args.sample}.csv").read_bytes(), None).series
    settings = page_defaults(args.sample)
    client = cluster.get_client()
    workers = len(client.scheduler_info(n_workers=-1)["workers"])
    idle = worker_rss_mb()
    warm = [jobs.submit(report.train_run, series, settings) for _ in range(workers)]
    for job in warm:
        job.result()
    loaded = worker_rss_mb()
    started = time.perf_counter()
    batch = [jobs.submit(report.train_run, series, settings) for _ in range(args.trainings)]
    results = [job.result() for job in batch]
    seconds = time.perf_counter() - started
    cores = sum(client.nthreads().values())
    per_minute = 60 * args.trainings / seconds
    print(
        json.dumps(
            {
                "workers": workers,
                "worker_threads": cores,
                "settings": settings,
                "trainings": args.trainings,
                "seconds": round(seconds, 1),
                "seconds_per_training": round(seconds / args.trainings, 1),
                "trainings_per_minute_per_worker_core": round(per_minute / cores, 2),
                "epochs_run": [r["model"].epochs_run_ for r in results],
                "worker_rss_idle_mb": [round(mb) for mb in idle],
                "worker_rss_after_warmup_mb": [round(mb) for mb in loaded],
                "worker_rss_after_batch_mb": [round(mb) for mb in worker_rss_mb()],
            }
        )
    )
    cluster.close()


if __name__ == "__main__":
    main()
