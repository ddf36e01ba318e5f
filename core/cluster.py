"""The Dask cluster that runs trainings: an existing one, or a LocalCluster started on first use.

Configuration, all optional, from environment variables:

``LSTM_LAB_SCHEDULER``
    Address of a running ``dask scheduler`` (``tcp://host:8786``). Its workers must import this
    project's ``core`` package (run them from a checkout, or with it on ``PYTHONPATH``).
``LSTM_LAB_WORKERS``
    Worker processes of the embedded LocalCluster; default: the machine's cores less one for the
    web server, at least one. Each worker holds its own TensorFlow (about 0.5 GB).
``LSTM_LAB_JOB_TIME_LIMIT``
    Seconds a job may run before it is stopped and reported as over its limit (default 900).

dask.distributed is imported on first use, so the pages and the shipped sentiment model never
wait for it.
"""

from __future__ import annotations

import atexit
import os
import threading
from typing import TYPE_CHECKING

from core.paths import ROOT

if TYPE_CHECKING:
    from distributed import Client

SCHEDULER_ENV = "LSTM_LAB_SCHEDULER"
WORKERS_ENV = "LSTM_LAB_WORKERS"
TIME_LIMIT_ENV = "LSTM_LAB_JOB_TIME_LIMIT"
DEFAULT_TIME_LIMIT = 900.0
# A job is tried again once on another worker when its worker dies under it (out of memory,
# killed); a second death ends it with distributed.KilledWorker.
ALLOWED_FAILURES = 1

_lock = threading.Lock()
_client: Client | None = None
_cluster = None


def worker_count(cores: int | None = None) -> int:
    """Worker processes for the embedded cluster: ``LSTM_LAB_WORKERS``, else cores less one.

    Raises
    ------
    ValueError
        When ``LSTM_LAB_WORKERS`` is not a whole number of at least 1.
    """
    raw = os.environ.get(WORKERS_ENV, "").strip()
    if raw:
        if not raw.isdigit() or int(raw) < 1:
            raise ValueError(f"{WORKERS_ENV}={raw!r}: give a whole number of workers, 1 or more.")
        return int(raw)
    return max(1, (cores or os.cpu_count() or 1) - 1)


def time_limit() -> float:
    """Seconds a job may run (``LSTM_LAB_JOB_TIME_LIMIT``, default 900).

    Raises
    ------
    ValueError
        When the variable is set to something other than a positive number.
    """
    raw = os.environ.get(TIME_LIMIT_ENV, "").strip()
    if not raw:
        return DEFAULT_TIME_LIMIT
    try:
        seconds = float(raw)
    except ValueError:
        seconds = 0.0
    if not seconds > 0:
        raise ValueError(f"{TIME_LIMIT_ENV}={raw!r}: give the limit in seconds, above 0.")
    return seconds


def get_client() -> Client:
    """The process's Dask client, connecting or starting the cluster on the first call.

    Raises
    ------
    ValueError
        When ``LSTM_LAB_SCHEDULER`` names a scheduler that does not answer.
    """
    global _client, _cluster
    with _lock:
        if _client is not None and _client.status not in ("closed", "closing"):
            return _client
        import dask
        from distributed import Client, LocalCluster

        address = os.environ.get(SCHEDULER_ENV, "").strip()
        if address:
            try:
                _client = Client(address, timeout="10s", set_as_default=False)
            except OSError as error:
                raise ValueError(
                    f"No Dask scheduler answers at {address} ({SCHEDULER_ENV}): start it "
                    "(`dask scheduler`), fix the address, or unset the variable to train on "
                    f"this machine. ({error})"
                ) from None
            return _client
        with dask.config.set({"distributed.scheduler.allowed-failures": ALLOWED_FAILURES}):
            _cluster = LocalCluster(
                n_workers=worker_count(),
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
                # workers import `core` from the checkout, whatever directory the app runs from
                env={"PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "2"},
            )
        _client = Client(_cluster, set_as_default=False)
        return _client


def close() -> None:
    """Close the client and the embedded cluster, if this process started one."""
    global _client, _cluster
    with _lock:
        if _client is not None:
            _client.close()
        if _cluster is not None:
            _cluster.close()
        _client = _cluster = None


atexit.register(close)
