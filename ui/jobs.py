"""A job's panel, shared by every training on both pages: where it waits, its progress, Stop.

The panel polls the job inside this script run and redraws in place, then reruns the app once
the job has ended so the page collects its result. A click (Stop, or any widget) ends this run
and the next one picks the job up again. The work runs on a Dask worker, never in this process.

A timed ``st.fragment`` would work too now: the ``keras.backend.clear_session()`` Streamlit
calls after each (fragment) run no longer reaches a training in another process. The in-run
poll is kept because an AppTest run then follows a job to its end, as the page tests expect.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import streamlit as st

from core import jobs

POLL_SECONDS = 0.5  # how often the panel reads the job's progress
AHEAD_EVERY = 4  # polls between two counts of the jobs ahead of a waiting one


def waiting_text(ahead: int) -> str:
    """What a job that has not started yet says about the jobs in front of it."""
    if ahead == 0:
        return (
            "Waiting for a worker to take your training (a server's first training also "
            "starts its workers, which takes several seconds)."
        )
    trainings = "1 training" if ahead == 1 else f"{ahead} trainings"
    return f"{trainings} ahead of yours; yours starts as soon as a worker is free."


def panel(
    job: jobs.Job,
    title: str,
    draw: Callable[[list, object, object | None, object], None],
    stop_key: str,
    stop_help: str,
) -> None:
    """Follow ``job`` until it ends, then rerun the app.

    Parameters
    ----------
    job : Job
        The session's running job.
    title : str
        The panel's heading.
    draw : callable
        ``draw(updates, bar, curve, note)``: draws the progress items so far into the bar and
        the note, and into ``curve`` unless it is None (nothing new since the last poll).
    stop_key, stop_help : str
        The Stop button's widget key and tooltip.
    """
    with st.container(border=True):
        st.markdown(f"**{title}**")
        waiting, bar, note, curve = st.empty(), st.empty(), st.empty(), st.empty()
        if job.stopping():
            note.caption("Stopping after the current batch; the best epoch so far is kept.")
        else:
            note.button(
                "Stop", key=stop_key, icon=":material/stop_circle:", on_click=job.stop,
                help=stop_help,
            )  # fmt: skip
        drawn, polls = -1, 0
        while True:
            finished = job.done()
            updates = job.progress()
            # the bar is redrawn on every poll: a click reaches a running script only at its
            # next Streamlit call, and Stop must not wait for the end of an epoch
            if not finished and not job.started():
                if polls % AHEAD_EVERY == 0:  # a scheduler query: not on every poll
                    waiting.info(waiting_text(job.ahead()), icon=":material/hourglass_top:")
                bar.progress(0.0, "Waiting for a worker…")
            else:
                if job.retried():
                    waiting.warning(
                        "The worker running your training stopped; it started again on another "
                        "worker.",
                        icon=":material/restart_alt:",
                    )
                else:
                    waiting.empty()
                draw(updates, bar, curve if len(updates) != drawn else None, note)
                drawn = len(updates)
            polls += 1
            if finished:
                break
            time.sleep(POLL_SECONDS)
    st.rerun()  # the next run collects the result and draws it


def submit(work: Callable, *args, name: str, **kwargs) -> tuple[jobs.Job | None, str | None]:
    """Submit a job; the handle, or None and a message when the cluster cannot be reached."""
    try:
        return jobs.submit(work, *args, name=name, **kwargs), None
    except (ValueError, OSError) as error:
        return None, str(error)
