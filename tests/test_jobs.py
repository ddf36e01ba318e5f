"""core.jobs: work runs off the caller's thread, reports progress, stops when asked."""

import gc
import threading

import pytest

from core import jobs

TIMEOUT = 30


def counting(limit: int, *, report, should_stop, started: threading.Event | None = None):
    """Report 1, 2, … until asked to stop or ``limit`` is reached; return the last count."""
    count = 0
    while count < limit and not should_stop():
        count += 1
        report(count)
        if started is not None and count == 3:
            started.set()
        threading.Event().wait(0.01)
    return count


def test_work_runs_in_another_thread_and_gives_its_result_and_progress():
    callers = []

    def work(*, report, should_stop):
        callers.append(threading.current_thread())
        report("half")
        return 42

    job = jobs.submit(work, name="test")
    assert job.result(TIMEOUT) == 42
    assert job.done() and job.error() is None
    assert job.progress() == ["half"]
    assert callers[0] is not threading.current_thread()
    assert callers[0].name == "lstm-lab-test"


def test_stop_ends_the_work_early_and_keeps_what_it_returned():
    started = threading.Event()
    job = jobs.submit(counting, 10_000, started=started)
    assert started.wait(TIMEOUT)
    job.stop()
    count = job.result(TIMEOUT)
    assert job.stopping()
    assert 3 <= count < 10_000
    assert job.progress() == list(range(1, count + 1))  # every item, oldest first, kept


def test_an_error_is_kept_and_raised_by_result():
    def work(*, report, should_stop):
        raise ValueError("The series is too short; upload a longer history.")

    job = jobs.submit(work)
    assert job.wait(TIMEOUT)
    assert isinstance(job.error(), ValueError)
    with pytest.raises(ValueError, match="too short"):
        job.result()


def test_result_waits_only_as_long_as_asked():
    release = threading.Event()

    def work(*, report, should_stop):
        release.wait(TIMEOUT)

    job = jobs.submit(work)
    assert not job.done() and job.error() is None
    with pytest.raises(TimeoutError):
        job.result(timeout=0.05)
    release.set()
    assert job.wait(TIMEOUT)


def test_two_jobs_keep_their_own_progress():
    first, second = jobs.submit(counting, 5), jobs.submit(counting, 2)
    assert first.result(TIMEOUT) == 5 and second.result(TIMEOUT) == 2
    assert first.progress() == [1, 2, 3, 4, 5] and second.progress() == [1, 2]


def test_a_job_whose_handle_is_dropped_is_stopped():
    started, ended = threading.Event(), threading.Event()

    def work(*, report, should_stop):
        started.set()
        while not should_stop():
            threading.Event().wait(0.01)
        ended.set()

    job = jobs.submit(work)
    assert started.wait(TIMEOUT)
    del job  # as when a closed session's state is dropped
    gc.collect()
    assert ended.wait(TIMEOUT)
