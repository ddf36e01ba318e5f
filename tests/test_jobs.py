"""core.jobs on the embedded cluster: work runs in a worker process, reports progress, stops,
waits its turn, is cancelled with its handle, and ends at its time limit."""

import gc
import os
import time

import pytest

from core import cluster, jobs

TIMEOUT = 60
# marked slow: the first such test starts the embedded cluster's worker processes
needs_cluster = pytest.mark.slow


def counting(limit: int, *, report, should_stop, ended: str | None = None):
    """Report 1, 2, … until asked to stop or ``limit`` is reached; return the last count.

    ``ended`` names a Dask Event set once the work has ended, for a test to see it from afar.
    """
    count = 0
    try:
        while count < limit and not should_stop():
            count += 1
            report(count)
            time.sleep(0.01)
    finally:
        if ended is not None:
            from distributed import Event

            Event(ended).set()
    return count


def whoami(*, report, should_stop):
    report("half")
    return os.getpid()


def failing(*, report, should_stop):
    raise ValueError("The series is too short; upload a longer history.")


def counted(limit: int, progress, halt):
    """A function with its own names for the progress callable and the stop check."""
    return counting(limit, report=progress, should_stop=halt)


def wait_until_started(job, timeout: float = TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not (job.progress() is not None and job.started()):
        assert time.monotonic() < deadline, "no worker took the job"
        time.sleep(0.1)


@needs_cluster
def test_work_runs_in_a_worker_process_and_gives_its_result_and_progress():
    job = jobs.submit(whoami, name="test")
    pid = job.result(TIMEOUT)
    assert pid != os.getpid()  # not in the web server's process
    assert job.done() and job.error() is None
    assert job.progress() == ["half"]  # which also fetches the worker's address
    assert job.worker() in cluster.get_client().scheduler_info(n_workers=-1)["workers"]
    assert not job.retried()


@needs_cluster
def test_stop_ends_the_work_early_and_keeps_what_it_returned():
    job = jobs.submit(counting, 100_000)
    deadline = time.monotonic() + TIMEOUT
    while len(job.progress()) < 3:
        assert time.monotonic() < deadline, "no progress came back"
        time.sleep(0.05)
    job.stop()
    count = job.result(TIMEOUT)
    assert job.stopping()
    assert 3 <= count < 100_000
    assert job.progress() == list(range(1, count + 1))  # every item, oldest first, kept


@needs_cluster
def test_an_error_is_kept_raised_by_result_and_read_plainly():
    job = jobs.submit(failing)
    assert job.wait(TIMEOUT)
    assert isinstance(job.error(), ValueError)
    with pytest.raises(ValueError, match="too short"):
        job.result()
    message, retry = jobs.failure(job.error())
    assert message == "The series is too short; upload a longer history." and not retry


@needs_cluster
def test_result_waits_only_as_long_as_asked():
    job = jobs.submit(counting, 100_000)
    assert not job.done() and job.error() is None
    with pytest.raises(TimeoutError):
        job.result(timeout=0.05)
    job.stop()
    assert job.wait(TIMEOUT)


@needs_cluster
def test_two_jobs_keep_their_own_progress():
    first, second = jobs.submit(counting, 5), jobs.submit(counting, 2)
    assert first.result(TIMEOUT) == 5 and second.result(TIMEOUT) == 2
    assert first.progress() == [1, 2, 3, 4, 5] and second.progress() == [1, 2]


@needs_cluster
def test_a_job_whose_handle_is_dropped_is_cancelled():
    from distributed import Event

    ended = f"ended-{time.time_ns()}"
    job = jobs.submit(counting, 10**9, ended=ended)
    wait_until_started(job)
    del job  # as when a closed session's state is dropped
    gc.collect()
    assert Event(ended, client=cluster.get_client()).wait(TIMEOUT)


@needs_cluster
def test_a_waiting_job_knows_how_many_are_ahead_of_it():
    threads = sum(cluster.get_client().nthreads().values())
    busy = [jobs.submit(counting, 10**9) for _ in range(threads)]
    first, second = jobs.submit(counting, 1), jobs.submit(counting, 1)
    try:
        for job in busy:
            wait_until_started(job)
        assert not first.started()
        assert first.ahead() >= threads
        assert second.ahead() == first.ahead() + 1
    finally:
        for job in busy:
            job.cancel()
    assert second.result(TIMEOUT) == 1
    assert second.ahead() == 0  # it ran


@needs_cluster
def test_a_job_past_its_time_limit_is_stopped_with_a_clear_message(monkeypatch):
    monkeypatch.setenv(cluster.TIME_LIMIT_ENV, "1")
    job = jobs.submit(counting, 10**9)
    assert job.wait(TIMEOUT)
    assert isinstance(job.error(), jobs.TimeLimitError)
    message, retry = jobs.failure(job.error())
    assert "past the 1 s time limit" in message and not retry


@needs_cluster
def test_a_cancelled_job_ends_and_says_so():
    job = jobs.submit(counting, 10**9)
    job.cancel()
    assert job.wait(TIMEOUT)
    assert isinstance(job.error(), jobs.JobCancelledError)
    message, retry = jobs.failure(job.error())
    assert "lost before it finished" in message and retry


@needs_cluster
def test_adapted_passes_report_and_stop_under_the_functions_own_names():
    job = jobs.submit(jobs.Adapted(counted, progress="progress", stop="halt"), 3)
    assert job.result(TIMEOUT) == 3 and job.progress() == [1, 2, 3]
    by_name = jobs.Adapted("test_jobs:counted", progress="progress", stop="halt")
    assert by_name(2, report=lambda item: None, should_stop=lambda: False) == 2


@pytest.mark.parametrize(
    ("value", "cores", "expected"), [("", 2, 1), ("", 1, 1), ("", 8, 7), ("3", 2, 3)]
)
def test_worker_count_leaves_the_server_a_core_unless_told(monkeypatch, value, cores, expected):
    monkeypatch.setenv(cluster.WORKERS_ENV, value)
    assert cluster.worker_count(cores) == expected


@pytest.mark.parametrize("value", ["0", "two", "-1"])
def test_a_bad_worker_count_is_refused_plainly(monkeypatch, value):
    monkeypatch.setenv(cluster.WORKERS_ENV, value)
    with pytest.raises(ValueError, match="whole number of workers"):
        cluster.worker_count(2)


def test_time_limit_reads_seconds_and_refuses_nonsense(monkeypatch):
    monkeypatch.delenv(cluster.TIME_LIMIT_ENV, raising=False)
    assert cluster.time_limit() == cluster.DEFAULT_TIME_LIMIT
    monkeypatch.setenv(cluster.TIME_LIMIT_ENV, "2.5")
    assert cluster.time_limit() == 2.5
    monkeypatch.setenv(cluster.TIME_LIMIT_ENV, "soon")
    with pytest.raises(ValueError, match="in seconds"):
        cluster.time_limit()


def niceness(*, report, should_stop):
    return os.getpriority(os.PRIO_PROCESS, 0)


@needs_cluster
@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="Linux threads only")
def test_a_job_runs_below_the_web_servers_cpu_priority():
    # the embedded cluster's workers start with this process's niceness
    here = os.getpriority(os.PRIO_PROCESS, 0)
    assert jobs.submit(niceness).result(TIMEOUT) == min(19, here + jobs.DEFAULT_NICENESS)


def test_a_waiting_job_reads_its_place_in_plain_words():
    from ui.jobs import waiting_text

    assert waiting_text(1).startswith("1 training ahead of yours;")
    assert waiting_text(2).startswith("2 trainings ahead of yours;")
    assert waiting_text(0).startswith("Waiting for a worker")


@needs_cluster
def test_train_your_own_as_a_job_stops_and_comes_back_with_its_model():
    from core.progress import EpochReport
    from core.sentiment import ModelSettings
    from core.sentiment import data as reviews

    texts, labels = reviews.bundled_subset(600)
    settings = ModelSettings(
        vocabulary_size=1_000, sequence_length=30, lstm_units=4, ngram_features=0, epochs=50
    )
    job = jobs.submit(
        jobs.Adapted("core.sentiment.train:train_session_model"), texts, labels, settings
    )
    wait_until_started(job)
    job.stop()  # while it reads the reviews and builds the model, before its first epoch ends
    model, report = job.result(TIMEOUT * 2)
    # the stop ended the first epoch early; early stopping alone needs two epochs at least
    assert len(report["history"]["loss"]) == 1
    assert [p for p in job.progress() if isinstance(p, EpochReport)][-1].epoch == 1
    assert model.predict_proba(["A wonderful film.", "Dull."]).shape == (2,)
