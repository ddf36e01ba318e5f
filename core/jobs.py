"""Long work (a training) run as a job on the Dask cluster, which a page can watch and stop.

A page submits ``work`` and keeps the returned :class:`Job` handle in its own session state; the
handle is the only way to the job, so no session sees another's, and when the session's state is
dropped the handle goes with it and the job is cancelled. ``work`` is called on a worker as
``work(*args, report=..., should_stop=..., **kwargs)``: it passes progress items (any picklable
object, such as :class:`core.progress.EpochReport`) to ``report`` and polls ``should_stop``
often (the Keras callback does after every batch), ending early with what it has.

The cluster is :func:`core.cluster.get_client`'s: a LocalCluster of worker processes started on
first use, or the one ``LSTM_LAB_SCHEDULER`` names. Progress travels in a Dask ``Queue``, Stop in
a Dask ``Event`` that a thread beside the work polls; a worker that dies under a job has it run
again once elsewhere (the handle then shows the new attempt's progress), and a job past
:func:`core.cluster.time_limit` is stopped and ends with :class:`TimeLimitError`.
"""

from __future__ import annotations

import concurrent.futures
import importlib
import os
import threading
import time
import uuid
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from core import cluster

PREFIX = "lstm-lab-"  # every job's task key starts so, to count the jobs queued ahead of one
STOP_POLL_SECONDS = 0.25  # how often a job's worker looks at its Stop event
NICENESS_ENV = "LSTM_LAB_WORKER_NICENESS"
DEFAULT_NICENESS = 10  # added to a worker's CPU niceness: a server on the same cores comes first
_niced = threading.Lock()
_niced_pids: set[int] = set()


def _yield_cpu() -> None:
    """Lower this worker process's CPU priority once (``LSTM_LAB_WORKER_NICENESS``, default 10).

    On Linux a niceness belongs to each thread, and a thread starts with its creator's: every
    thread running now is reniced, so the threads TensorFlow starts later inherit it too. Where
    the web server shares the machine (the embedded cluster), its page loads then come first.
    """
    step = int(os.environ.get(NICENESS_ENV, DEFAULT_NICENESS) or 0)
    tasks = "/proc/self/task"
    with _niced:
        if step <= 0 or os.getpid() in _niced_pids or not os.path.isdir(tasks):
            return
        _niced_pids.add(os.getpid())
        for tid in map(int, os.listdir(tasks)):
            try:
                niceness = os.getpriority(os.PRIO_PROCESS, tid)
                os.setpriority(os.PRIO_PROCESS, tid, min(19, niceness + step))
            except OSError:  # the thread ended meanwhile
                pass


class TimeLimitError(RuntimeError):
    """A job ran past its time limit and was stopped."""


class Job(Protocol):
    """What a page holds for a submitted job."""

    def progress(self) -> list[Any]:
        """Every progress item of the current attempt so far, oldest first."""

    def stop(self) -> None:
        """Ask the job to end early and keep what it has (a stopped training keeps its best
        epoch); returns at once."""

    def cancel(self) -> None:
        """End the job and forget it: its result will never be read."""

    def stopping(self) -> bool:
        """Whether :meth:`stop` was called."""

    def started(self) -> bool:
        """Whether a worker had begun the job, as of the latest :meth:`progress`."""

    def ahead(self) -> int:
        """How many unfinished jobs were submitted before this one, while it waits (else 0)."""

    def retried(self) -> bool:
        """Whether the job was started again after its worker died, as of the latest
        :meth:`progress`."""

    def worker(self) -> str | None:
        """The worker running (or that ran) the job, as of the latest :meth:`progress`."""

    def done(self) -> bool:
        """Whether the job has ended, with a result or an error."""

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the job ends or ``timeout`` seconds pass; return :meth:`done`."""

    def result(self, timeout: float | None = None) -> Any:
        """The work's return value; re-raises its exception; waits for it first."""

    def error(self) -> BaseException | None:
        """The exception the work raised, or None (also while it runs)."""


@dataclass(frozen=True)
class _Started:
    """The first item of each attempt on the progress queue: which worker took the job."""

    worker: str


def _run(work: Callable, args: tuple, kwargs: dict, name: str, limit: float) -> Any:
    """What runs on the worker: the work, a thread polling the Stop event and the time limit."""
    from distributed import Event, Queue, get_worker

    _yield_cpu()
    updates, stop_event = Queue(f"{name}-progress"), Event(f"{name}-stop")
    stop, finished, over = threading.Event(), threading.Event(), threading.Event()
    updates.put(_Started(get_worker().address))
    deadline = time.monotonic() + limit

    def watch() -> None:
        while not finished.wait(STOP_POLL_SECONDS):
            if time.monotonic() > deadline:
                over.set()
            try:
                asked = stop_event.is_set()
            except Exception:  # noqa: BLE001 - the scheduler is gone: nobody waits for the result
                asked = True
            if over.is_set() or asked:
                stop.set()
                return

    threading.Thread(target=watch, name=f"{name}-stop", daemon=True).start()
    try:
        result = work(*args, report=updates.put, should_stop=stop.is_set, **kwargs)
    finally:
        finished.set()
        updates.close()
    if over.is_set():
        raise TimeLimitError(
            f"The training ran past the {limit:.0f} s time limit and was stopped. Lower the "
            "epochs, units or lookback and try again."
        )
    return result


def queued_keys(dask_scheduler, prefix: str = PREFIX) -> list[str]:
    """The keys of the unfinished jobs, oldest first; run on the scheduler
    (``client.run_on_scheduler(queued_keys)``)."""
    active = {"waiting", "queued", "no-worker", "processing"}
    return sorted(
        str(task.key)
        for task in dask_scheduler.tasks.values()
        if str(task.key).startswith(prefix) and task.state in active
    )


def _release(future, stop_event, updates) -> None:
    """Cancel a job whose handle is gone, on a thread of its own (a finalizer may run on any
    thread, the client's event loop included, where a blocking call would hang)."""

    def release() -> None:
        try:
            stop_event.set()
            future.cancel()
            updates.close()
        except Exception:  # noqa: BLE001 - the client may already be closed at exit
            pass

    threading.Thread(target=release, name="lstm-lab-release", daemon=True).start()


class DaskJob:
    """A job on the Dask cluster. Build it with :func:`submit`.

    Dropping the last reference to the handle cancels the job, as :meth:`cancel` would.
    """

    def __init__(self, work: Callable[..., Any], args: tuple, kwargs: dict, name: str):
        from distributed import Event, Queue

        self._client = client = cluster.get_client()
        # keys sort by submission time, so the scheduler's list says which jobs are ahead
        self._key = f"{PREFIX}{time.time_ns():020d}-{name}-{uuid.uuid4().hex[:8]}"
        self._updates = Queue(f"{self._key}-progress", client=client)
        self._stop = Event(f"{self._key}-stop", client=client)
        self._seen: list[Any] = []
        self._worker: str | None = None
        self._attempts = 0
        self._stopping = False
        self._future = client.submit(
            _run, work, args, kwargs, self._key, cluster.time_limit(), key=self._key, pure=False
        )
        weakref.finalize(self, _release, self._future, self._stop, self._updates)

    def progress(self) -> list[Any]:
        for item in self._updates.get(batch=True):
            if isinstance(item, _Started):
                self._worker, self._attempts = item.worker, self._attempts + 1
                self._seen = []  # a retry starts over
            else:
                self._seen.append(item)
        return list(self._seen)

    def stop(self) -> None:
        self._stopping = True
        self._stop.set()

    def cancel(self) -> None:
        self.stop()
        self._future.cancel()

    def stopping(self) -> bool:
        return self._stopping

    # these three read what progress() last fetched: a page polls progress() anyway, and each
    # fetch is a round trip to the scheduler
    def started(self) -> bool:
        return self._attempts > 0

    def retried(self) -> bool:
        return self._attempts > 1

    def worker(self) -> str | None:
        return self._worker

    def ahead(self) -> int:
        self.progress()
        if self.done() or self.started():
            return 0
        keys = self._client.run_on_scheduler(queued_keys)
        return sum(key < self._key for key in keys)

    def done(self) -> bool:
        return self._future.done()

    def wait(self, timeout: float | None = None) -> bool:
        try:
            self._future.result(timeout)
        except BaseException:  # noqa: BLE001 - a timeout, or the job's own error: error() has it
            pass
        return self.done()

    def result(self, timeout: float | None = None) -> Any:
        try:
            return self._future.result(timeout)
        except concurrent.futures.CancelledError:
            raise JobCancelledError("The job was cancelled before it finished.") from None

    def error(self) -> BaseException | None:
        if not self.done():
            return None
        if self._future.cancelled():
            return JobCancelledError("The job was cancelled before it finished.")
        return self._future.exception()


class JobCancelledError(RuntimeError):
    """A job was cancelled (a new run replaced it, or its session ended) before it finished."""


def failure(error: BaseException) -> tuple[str, bool]:
    """A plain message for a job that ended in ``error``, and whether a Retry can help.

    A ValueError's message is already written for the user; a job whose worker died twice, or
    whose cluster went away, is worth trying again.
    """
    from distributed import KilledWorker

    if isinstance(error, ValueError | TimeLimitError):
        return str(error), False
    if isinstance(error, KilledWorker):
        return (
            "The training was lost: the worker running it stopped (it may have run out of "
            "memory), and so did the one that tried again. Press **Retry** to run it once more; "
            "if it is lost again, lower the units, lookback or number of reviews.",
            True,
        )
    if isinstance(error, JobCancelledError | OSError):
        return (
            f"The training was lost before it finished ({error}). Press **Retry** to run it again.",
            True,
        )
    return (
        f"The training failed ({type(error).__name__}: {error}). Press **Retry** to try again; if "
        "it fails again, lower the units or the lookback.",
        True,
    )


def submit(work: Callable[..., Any], *args: Any, name: str = "job", **kwargs: Any) -> Job:
    """Start ``work(*args, report=..., should_stop=..., **kwargs)`` as a job; return its handle.

    Parameters
    ----------
    work : callable
        The job's function, importable on the workers; it must accept the keyword arguments
        ``report`` (call it with each progress item) and ``should_stop`` (poll it; True means
        end early). Its arguments, progress items and result must pickle.
    *args, **kwargs
        Passed on to ``work``.
    name : str
        A word for the job's task key, seen on the cluster's dashboard.

    Returns
    -------
    Job
        The handle: ``progress()``, ``stop()``, ``cancel()``, ``ahead()``, ``done()``,
        ``wait()``, ``result()``, ``error()``…
    """
    return DaskJob(work, args, kwargs, name=name)


@dataclass(frozen=True)
class Adapted:
    """``function`` called as a job: the job's ``report`` and ``should_stop`` passed to it under
    its own keyword names (``should_stop`` dropped when ``stop`` is None).

    ``function`` may be named as ``"package.module:name"``, imported only where the job runs.
    """

    function: Callable[..., Any] | str
    progress: str = "progress"
    stop: str | None = "should_stop"

    def __call__(self, *args: Any, report: Callable, should_stop: Callable, **kwargs: Any) -> Any:
        function = self.function
        if isinstance(function, str):
            module, name = function.split(":")
            function = getattr(importlib.import_module(module), name)
        kwargs[self.progress] = report
        if self.stop is not None:
            kwargs[self.stop] = should_stop
        return function(*args, **kwargs)
