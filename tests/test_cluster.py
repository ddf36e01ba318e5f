"""Trainings on a real cluster: a ``dask scheduler`` and two ``dask worker`` processes started
here, reached through ``LSTM_LAB_SCHEDULER``; a worker killed under a job."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core import cluster, jobs
from core.forecast import report
from core.paths import ROOT, SAMPLES_DIR
from tests.browser_support import free_port
from tests.cluster_support import running_cluster
from tests.conftest import random_walk_prices, tiny_settings
from tests.test_jobs import counting

pytestmark = pytest.mark.slow
TIMEOUT = 120
PAGE = str(Path(__file__).resolve().parents[1] / "app_pages" / "forecast.py")
SAMPLE = SAMPLES_DIR / "sp500.csv"


@pytest.fixture(scope="module")
def real_cluster():
    """The cluster, with this process's jobs pointed at it; the embedded one comes back after."""
    cluster.close()
    with running_cluster(workers=2) as running, pytest.MonkeyPatch.context() as patch:
        patch.setenv(cluster.SCHEDULER_ENV, running.address)
        yield running
        cluster.close()


@pytest.fixture
def two_workers(real_cluster):
    """The cluster with two live workers, whatever the test before killed."""
    while len(real_cluster.workers) < 2:
        real_cluster.add_worker()
    return real_cluster


def progressed(job, items: int = 3) -> None:
    deadline = time.monotonic() + TIMEOUT
    while len(job.progress()) < items:
        assert time.monotonic() < deadline and not job.done(), "the job made no progress"
        time.sleep(0.05)


def test_a_training_runs_on_a_worker_of_the_named_cluster(two_workers):
    job = jobs.submit(report.train_run, random_walk_prices(), tiny_settings(), name="forecast")
    result = job.result(TIMEOUT)
    assert result["model"].epochs_run_ == 1
    job.progress()  # fetches the worker's address too
    assert job.worker() in two_workers.workers


def test_a_job_whose_worker_is_killed_runs_again_on_the_other(two_workers):
    job = jobs.submit(counting, 400)  # about 4 s
    progressed(job)
    first = job.worker()
    two_workers.kill(first)
    assert job.result(TIMEOUT) == 400
    assert job.progress() == list(range(1, 401))  # the retry's own progress, from its start
    assert job.retried() and job.worker() != first


def test_a_job_lost_twice_says_so_and_the_page_offers_retry(two_workers):
    job = jobs.submit(report.train_run, random_walk_prices(), tiny_settings(epochs=100))
    progressed(job, 1)
    two_workers.kill(job.worker())
    deadline = time.monotonic() + TIMEOUT
    while not job.retried():
        assert time.monotonic() < deadline, "the job was not started again"
        time.sleep(0.1)
        job.progress()
    two_workers.kill(job.worker())
    assert job.wait(TIMEOUT)
    message, retry = jobs.failure(job.error())
    assert "The training was lost" in message and retry

    two_workers.add_worker()  # the cluster recovers; the user presses Retry
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    at.query_params.update(epochs="1", lookback="10")  # a quick training for the Retry
    at.session_state["forecast_job"] = job
    at.run()
    assert not at.exception
    assert any("The training was lost" in error.value for error in at.error)
    retry_button = next(button for button in at.button if button.label == "Retry")
    retry_button.click().run()
    assert not at.exception and not at.error
    assert at.session_state["forecast_result"]["model"].epochs_run_ == 1


def test_an_unreachable_scheduler_gets_a_plain_message(real_cluster, monkeypatch):
    cluster.close()
    monkeypatch.setenv(cluster.SCHEDULER_ENV, f"tcp://127.0.0.1:{free_port()}")
    try:
        with pytest.raises(ValueError, match="No Dask scheduler answers"):
            cluster.get_client()
    finally:
        cluster.close()


def cli(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "core.forecast", *arguments],
        cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT * 2,
    )  # fmt: skip


def test_the_cli_fits_on_the_cluster_and_names_the_worker(two_workers, tmp_path):
    quick = ["--lookback", "10", "--epochs", "1", "--units", "8"]
    predictions = tmp_path / "predictions.csv"
    train = cli("train", str(SAMPLE), *quick, "--scheduler", two_workers.address,
                "--predictions", str(predictions))  # fmt: skip
    assert train.returncode == 0, train.stderr
    assert json.loads(train.stdout)["worker"] in two_workers.workers
    assert predictions.read_text().startswith("date,")  # written here, not on the worker
    walk = cli("backtest", str(SAMPLE), *quick, "--folds", "2", "--progress",
               "--scheduler", two_workers.address)  # fmt: skip
    assert walk.returncode == 0, walk.stderr
    assert json.loads(walk.stdout)["worker"] in two_workers.workers
    assert "fold 2/2 epoch 1/1" in walk.stderr  # the worker's progress, printed here
    here = cli("train", str(SAMPLE), *quick)
    assert here.returncode == 0, here.stderr
    assert json.loads(here.stdout)["worker"] is None


def test_the_cli_says_plainly_when_no_scheduler_answers():
    run = cli("train", str(SAMPLE), "--scheduler", f"tcp://127.0.0.1:{free_port()}")
    assert run.returncode == 2
    assert run.stderr.startswith("error: No Dask scheduler answers at tcp://127.0.0.1:")
    assert "Traceback" not in run.stderr
