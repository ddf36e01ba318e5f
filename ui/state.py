"""Typed access to the session state both tools keep between script runs.

Every stored key string is written once, here; pages and ``ui`` modules call these functions
instead of indexing ``st.session_state`` with bare strings. The strings themselves stay as they
were, because AppTests read them (``at.session_state["forecast_job"]``). Widget keys
(``key="..."`` on a widget) are not listed: the widget owns that value.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from core.jobs import Job

FORECAST_JOB = "forecast_job"  # the running training's handle
FORECAST_MESSAGE = "forecast_message"  # why the last training failed
FORECAST_RESULT = "forecast_result"  # the latest finished training
FORECAST_RUN_COUNT = "forecast_run_count"  # trainings finished in this session
FORECAST_RUNS = "forecast_runs"  # the history table's records, oldest first
FORECAST_DATA = "forecast_data"  # (name, bytes, column) of the last normal-mode run
FORECAST_LINK = "forecast_link"  # (data, column) the session's first URL named
FORECAST_PICK = "forecast_pick"  # (ticker, sheet) of the last normal-mode run's file
FORECAST_LINK_TICKER = "forecast_link_ticker"  # the ticker the session's first URL named
FORECAST_BACKTEST = "forecast_backtest"  # the latest backtest and the settings it ran with
SESSION_MODEL = "session_model"  # the sentiment model trained in this session
SESSION_REPORT = "session_report"  # that training's report
USE_SESSION_MODEL = "use_session_model"  # also the toggle's widget key
BATCH_KEY = "batch_key"  # (file id, column, model id) the batch scores belong to
BATCH_SCORES = "batch_scores"  # the batch's positive probabilities
FORECAST_RETRY = "forecast_retry"  # whether a Retry can help the failed training
# the other jobs; why each one's last run failed is kept under the key + "_message"
BACKTEST_JOB = "backtest_job"  # (handle, settings) of the running backtest
SENTIMENT_JOB = "sentiment_job"  # the running "Train your own" training


# --- forecast: training job and results ---------------------------------------------------


def forecast_job() -> Job | None:
    """The session's running (or finished, not yet collected) training job, if any."""
    return st.session_state.get(FORECAST_JOB)


def set_forecast_job(job: Job) -> None:
    """Remember the training job this session now runs."""
    st.session_state[FORECAST_JOB] = job


def pop_forecast_job() -> Job | None:
    """Forget the training job and return it (None when there was none)."""
    return st.session_state.pop(FORECAST_JOB, None)


def forecast_message() -> str | None:
    """Why the last training failed, or None."""
    return st.session_state.get(FORECAST_MESSAGE)


def set_forecast_message(message: str | None) -> None:
    """Set (or, with None, clear) why the last training failed."""
    if message is None:
        st.session_state.pop(FORECAST_MESSAGE, None)
    else:
        st.session_state[FORECAST_MESSAGE] = message


def forecast_result() -> dict | None:
    """The latest finished training's result, or None."""
    return st.session_state.get(FORECAST_RESULT)


def set_forecast_result(result: dict) -> None:
    """Make ``result`` the training shown on the page."""
    st.session_state[FORECAST_RESULT] = result


def next_run_number() -> int:
    """Count one more finished training and return its number (1 for the first)."""
    count = st.session_state.get(FORECAST_RUN_COUNT, 0) + 1
    st.session_state[FORECAST_RUN_COUNT] = count
    return count


def forecast_runs() -> list[dict]:
    """The session's run records, oldest first."""
    return st.session_state.get(FORECAST_RUNS, [])


def add_forecast_run(record: dict) -> None:
    """Append a finished training's record to the history."""
    st.session_state.setdefault(FORECAST_RUNS, []).append(record)


def clear_forecast_runs() -> None:
    """Empty the run history (the run count goes on, so labels stay unique)."""
    st.session_state[FORECAST_RUNS] = []


# --- forecast: data, link and backtest ----------------------------------------------------


def forecast_data() -> tuple[str, bytes, str | None] | None:
    """(name, bytes, column) of the data the last normal-mode run used, or None."""
    return st.session_state.get(FORECAST_DATA)


def set_forecast_data(name: str, raw: bytes, column: str | None) -> None:
    """Remember the data this run used, for presentation mode."""
    st.session_state[FORECAST_DATA] = (name, raw, column)


def remember_forecast_link(data: str, column: str | None) -> None:
    """Keep the (data, column) the URL names, on the session's first run only."""
    st.session_state.setdefault(FORECAST_LINK, (data, column))


def forecast_link() -> tuple[str, str | None]:
    """The (data, column) the session's first URL named."""
    return st.session_state[FORECAST_LINK]


def forecast_pick() -> tuple[str | None, str | None]:
    """(ticker, sheet) picked in the file the last normal-mode run used."""
    return st.session_state.get(FORECAST_PICK, (None, None))


def set_forecast_pick(ticker: str | None, sheet: str | None) -> None:
    """Remember the ticker and sheet this run used, for presentation mode."""
    st.session_state[FORECAST_PICK] = (ticker, sheet)


def remember_forecast_link_ticker(ticker: str | None) -> None:
    """Keep the ticker the URL names, on the session's first run only."""
    st.session_state.setdefault(FORECAST_LINK_TICKER, ticker)


def forecast_link_ticker() -> str | None:
    """The ticker the session's first URL named, if any."""
    return st.session_state.get(FORECAST_LINK_TICKER)


def forecast_backtest() -> dict | None:
    """The latest backtest as ``{"result": Backtest, "settings": dict}``, or None."""
    return st.session_state.get(FORECAST_BACKTEST)


def set_forecast_backtest(result: Any, settings: dict) -> None:
    """Keep the latest backtest and the settings it ran with."""
    st.session_state[FORECAST_BACKTEST] = {"result": result, "settings": settings}


# --- sentiment ------------------------------------------------------------------------------


def session_model() -> Any | None:
    """The sentiment model trained in this session, or None."""
    return st.session_state.get(SESSION_MODEL)


def session_report() -> Any | None:
    """The report of the sentiment training in this session, or None."""
    return st.session_state.get(SESSION_REPORT)


def set_session_model(model: Any, report: Any) -> None:
    """Keep a freshly trained sentiment model and its report, and score with it from now on."""
    st.session_state[SESSION_MODEL] = model
    st.session_state[SESSION_REPORT] = report
    st.session_state[USE_SESSION_MODEL] = True


def using_session_model() -> bool:
    """Whether the page scores with the session's model (chosen, and there is one)."""
    return bool(st.session_state.get(USE_SESSION_MODEL)) and session_model() is not None


def batch_scores(key: tuple) -> Any | None:
    """The batch's probabilities when they were scored for ``key``, else None."""
    if st.session_state.get(BATCH_KEY) != key:
        return None
    return st.session_state.get(BATCH_SCORES)


def set_batch_scores(key: tuple, scores: Any) -> None:
    """Keep a batch's probabilities, tagged with what they were scored for."""
    st.session_state[BATCH_KEY] = key
    st.session_state[BATCH_SCORES] = scores


# --- jobs (backtest, sentiment training) ----------------------------------------------------


def job(key: str) -> Any | None:
    """What the page keeps for its running job under ``key`` (e.g. ``BACKTEST_JOB``), or None."""
    return st.session_state.get(key)


def set_job(key: str, value: Any) -> None:
    """Keep the page's running job under ``key``."""
    st.session_state[key] = value


def pop_job(key: str) -> Any | None:
    """Forget the job under ``key`` and return it (None when there was none)."""
    return st.session_state.pop(key, None)


def job_message(key: str) -> tuple[str, bool] | None:
    """Why the last job under ``key`` failed and whether a Retry can help, or None."""
    return st.session_state.get(f"{key}_message")


def set_job_message(key: str, failure: tuple[str, bool] | None) -> None:
    """Set (or, with None, clear) why the last job under ``key`` failed."""
    if failure is None:
        st.session_state.pop(f"{key}_message", None)
    else:
        st.session_state[f"{key}_message"] = failure


def job_retry(key: str) -> bool:
    """Whether the flag under ``key`` (e.g. ``FORECAST_RETRY``) says a Retry can help."""
    return bool(st.session_state.get(key))


def set_job_retry(key: str, retry: bool) -> None:
    """Set the flag under ``key`` saying whether a Retry can help."""
    st.session_state[key] = retry
