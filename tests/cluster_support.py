"""Start a real Dask cluster on 127.0.0.1: ``dask scheduler`` and ``dask worker`` processes.

Used by the cluster tests, and by ``make cluster`` (``python -m tests.cluster_support --app``),
which also serves the app against it until Ctrl-C.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tests.browser_support import ROOT, free_port, running_app

DASK = str(Path(sys.executable).with_name("dask"))


@dataclass
class Cluster:
    """A running scheduler and its workers, by address."""

    address: str
    workers: dict[str, subprocess.Popen] = field(default_factory=dict)

    def kill(self, worker: str) -> None:
        """Kill a worker process at once (SIGKILL), as an out-of-memory kill would."""
        process = self.workers.pop(worker)
        process.send_signal(signal.SIGKILL)
        process.wait(30)

    def add_worker(self) -> str:
        """Start one more worker; return its address once the scheduler knows it."""
        port = free_port()
        address = f"tcp://127.0.0.1:{port}"
        self.workers[address] = _start(
            [DASK, "worker", self.address, "--nthreads", "1", "--no-nanny", "--no-dashboard",
             "--listen-address", address, "--name", f"worker-{port}"]
        )  # fmt: skip
        self.wait_for(address)
        return address

    def wait_for(self, worker: str, timeout: float = 60.0) -> None:
        from distributed import Client

        with Client(self.address, timeout="20s") as client:
            deadline = time.monotonic() + timeout
            while worker not in client.scheduler_info(n_workers=-1)["workers"]:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"worker {worker} did not join within {timeout:.0f} s")
                time.sleep(0.2)


def _environment() -> dict[str, str]:
    # scheduler and workers import the project (and the tests' work functions) by name; a job
    # whose worker dies is run once more elsewhere, as the embedded cluster does
    path = os.pathsep.join([str(ROOT), str(ROOT / "tests")])
    return os.environ | {
        "PYTHONPATH": path,
        "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "1",
        "TF_CPP_MIN_LOG_LEVEL": "2",
    }


def _start(command: list[str]) -> subprocess.Popen:
    return subprocess.Popen(
        ["nice", "-n", "10", *command], cwd=ROOT, env=_environment(),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


@contextlib.contextmanager
def running_cluster(workers: int = 2) -> Iterator[Cluster]:
    """A ``dask scheduler`` and ``workers`` single-thread ``dask worker`` processes; all are
    killed on exit."""
    port = free_port()
    scheduler = _start(
        [DASK, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"]
    )
    cluster = Cluster(f"tcp://127.0.0.1:{port}")
    try:
        for _ in range(workers):
            cluster.add_worker()
        yield cluster
    finally:
        for process in [*cluster.workers.values(), scheduler]:
            process.terminate()
        for process in [*cluster.workers.values(), scheduler]:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--app", action="store_true", help="also serve the app against it")
    args = parser.parse_args()
    with running_cluster(args.workers) as cluster:
        print(f"Dask scheduler at {cluster.address}, workers: {', '.join(cluster.workers)}")
        os.environ["LSTM_LAB_SCHEDULER"] = cluster.address
        with contextlib.ExitStack() as stack:
            if args.app:
                url = stack.enter_context(running_app())
                print(f"The app, training on that cluster: {url}  (Ctrl-C stops everything)")
            with contextlib.suppress(KeyboardInterrupt):
                while True:
                    time.sleep(3600)
            # Ctrl-C reaches the whole terminal group: don't let a second one cut the clean-up short
            signal.signal(signal.SIGINT, signal.SIG_IGN)


if __name__ == "__main__":
    main()
