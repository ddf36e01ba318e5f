"""The app in Chromium, training on a real cluster (``dask scheduler`` and two ``dask worker``
processes started here, named by ``LSTM_LAB_SCHEDULER``): the page says how many trainings are
ahead of its own while the workers are busy, then shows its result."""

from __future__ import annotations

import re
import sys
import time

import pytest

from core import cluster, jobs
from tests import browser_support as support
from tests.cluster_support import running_cluster
from tests.test_jobs import counting

TRAIN_TIMEOUT_MS = 300_000
QUICK = "sample=sp500&lookback=10&epochs=1&units=8&layers=1"

support.require_chromium()


@pytest.fixture(scope="module")
def cluster_app(tmp_path_factory):
    """The cluster, and the app served against it (this process's jobs go there too)."""
    cluster.close()
    log = tmp_path_factory.mktemp("server") / "streamlit.log"
    with running_cluster(workers=2) as running, pytest.MonkeyPatch.context() as patch:
        patch.setenv(cluster.SCHEDULER_ENV, running.address)
        # a closed tab's session is dropped after this many seconds (Streamlit's default: 120)
        patch.setenv("STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL", "2")
        with support.running_app(log_path=log) as url:
            yield running, url
        cluster.close()


def test_a_training_waits_its_turn_then_runs_on_a_cluster_worker(cluster_app, browser):
    running, url = cluster_app
    page = browser.new_context(viewport=support.VIEWPORT).new_page()
    # both workers busy with trainings submitted before this one
    busy = [jobs.submit(counting, 10**9, name="busy") for _ in running.workers]
    try:
        page.goto(f"{url}/forecast?{QUICK}")
        page.get_by_role("button", name="Train the LSTM").wait_for(timeout=120_000)
        support.wait_until_idle(page)
        page.get_by_role("button", name="Train the LSTM").click()
        page.get_by_text("2 trainings ahead of yours").wait_for(timeout=120_000)
        assert page.get_by_role("button", name="Stop").count() == 1
    finally:
        for job in busy:
            job.cancel()
    page.get_by_text(re.compile(r"Run 1: trained 1 epoch in")).wait_for(timeout=TRAIN_TIMEOUT_MS)
    assert page.get_by_text("Traceback").count() == 0
    # the training ran in a worker of this cluster: one of them has loaded TensorFlow
    loaded = cluster.get_client().run(lambda: "tensorflow" in sys.modules)
    assert set(loaded) == set(running.workers) and any(loaded.values())
    page.context.close()


def test_closing_the_tab_cancels_its_training(cluster_app, browser):
    running, url = cluster_app
    page = browser.new_context(viewport=support.VIEWPORT).new_page()
    page.goto(f"{url}/forecast?sample=sp500&lookback=60&epochs=100&units=64&layers=2")
    page.get_by_role("button", name="Train the LSTM").wait_for(timeout=120_000)
    support.wait_until_idle(page)
    page.get_by_role("button", name="Train the LSTM").click()
    page.get_by_text(re.compile(r"Epoch \d+ of 100")).first.wait_for(timeout=TRAIN_TIMEOUT_MS)
    client = cluster.get_client()
    assert client.run_on_scheduler(jobs.queued_keys)  # the training runs
    page.context.close()
    deadline = time.monotonic() + 45  # a 100-epoch training takes minutes
    while client.run_on_scheduler(jobs.queued_keys):
        assert time.monotonic() < deadline, "the closed tab's training still runs"
        time.sleep(1)
