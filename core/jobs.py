"""Long work (a training) run off the page's script thread, as a job the page can watch and stop.

A page submits ``work`` and keeps the returned :class:`Job` handle in its own session state; the
handle is the only way to the job, so no session sees another's, and when the session's state is
dropped the handle goes with it and the job is stopped. ``work`` is called as
``work(*args, report=..., should_stop=..., **kwargs)``: it passes progress items (any picklable
object, such as :class:`core.progress.EpochReport`) to ``report`` and polls ``should_stop``
often (the Keras callback does after every batch), ending early with what it has.

The handle's interface (``progress()``, ``stop()``, ``done()``, ``result()``, ``error()``) is
what a cluster runner needs too: a Dask future with a ``Queue`` for progress and an ``Event`` for
stop can stand behind it, with :func:`submit` choosing the runner. Today's runner is one
background thread per job in the server process.
"""

from __future__ import annotations

import queue
import threading
import weakref
from collections.abc import Callable
from typing import Any, Protocol


class Job(Protocol):
    """What a page holds for a submitted job, whatever runs it."""

    def progress(self) -> list[Any]:
        """Every progress item reported so far, oldest first."""

    def stop(self) -> None:
        """Ask the job to end early and keep what it has (a stopped training keeps its best
        epoch); returns at once."""

    def stopping(self) -> bool:
        """Whether :meth:`stop` was called."""

    def done(self) -> bool:
        """Whether the job has ended, with a result or an error."""

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the job ends or ``timeout`` seconds pass; return :meth:`done`."""

    def result(self, timeout: float | None = None) -> Any:
        """The work's return value; re-raises its exception; waits for it first."""

    def error(self) -> BaseException | None:
        """The exception the work raised, or None (also while it runs)."""


class _Shared:
    """What the worker thread and the handle share; the thread holds no reference to the handle,
    so a handle nobody keeps (its session closed) can be collected, which stops its job."""

    def __init__(self):
        self.updates: queue.SimpleQueue = queue.SimpleQueue()
        self.stop = threading.Event()
        self.finished = threading.Event()
        self.result: Any = None
        self.error: BaseException | None = None

    def run(self, work: Callable[..., Any], args: tuple, kwargs: dict) -> None:
        try:
            self.result = work(
                *args, report=self.updates.put, should_stop=self.stop.is_set, **kwargs
            )
        except BaseException as error:  # noqa: BLE001 - handed to whoever reads the result
            self.error = error
        finally:
            self.finished.set()


class ThreadJob:
    """A job running in a daemon thread of this process. Build it with :func:`submit`.

    Dropping the last reference to the handle stops the job, as :meth:`stop` would.
    """

    def __init__(self, work: Callable[..., Any], args: tuple, kwargs: dict, name: str):
        self._shared = shared = _Shared()
        self._seen: list[Any] = []
        weakref.finalize(self, shared.stop.set)
        threading.Thread(
            target=shared.run, args=(work, args, kwargs), name=name, daemon=True
        ).start()

    def progress(self) -> list[Any]:
        while True:
            try:
                self._seen.append(self._shared.updates.get_nowait())
            except queue.Empty:
                return list(self._seen)

    def stop(self) -> None:
        self._shared.stop.set()

    def stopping(self) -> bool:
        return self._shared.stop.is_set()

    def done(self) -> bool:
        return self._shared.finished.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        return self._shared.finished.wait(timeout)

    def result(self, timeout: float | None = None) -> Any:
        if not self._shared.finished.wait(timeout):
            raise TimeoutError(f"The job did not finish within {timeout} s.")
        if self._shared.error is not None:
            raise self._shared.error
        return self._shared.result

    def error(self) -> BaseException | None:
        return self._shared.error if self._shared.finished.is_set() else None


def submit(work: Callable[..., Any], *args: Any, name: str = "job", **kwargs: Any) -> Job:
    """Start ``work(*args, report=..., should_stop=..., **kwargs)`` as a job; return its handle.

    Parameters
    ----------
    work : callable
        The job's function; it must accept the keyword arguments ``report`` (call it with each
        progress item) and ``should_stop`` (poll it; True means end early).
    *args, **kwargs
        Passed on to ``work``.
    name : str
        A name for the job's thread, seen in debuggers and thread dumps.

    Returns
    -------
    Job
        The handle: ``progress()``, ``stop()``, ``done()``, ``wait()``, ``result()``, ``error()``.
    """
    return ThreadJob(work, args, kwargs, name=f"lstm-lab-{name}")
