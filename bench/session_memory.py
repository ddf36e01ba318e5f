"""Server memory over many browser sessions: what each session adds and what closing it frees.

Opens ``--sessions`` sessions one after another against one ``streamlit run app.py``; each opens
the forecast page, trains once (1 epoch, default shape), scores one review and closes its tab.
The server's resident memory (RSS of the process tree) is read after every session. Streamlit
keeps a closed session's state for ``server.disconnectedSessionTTL`` seconds (120 by default)
so that a dropped connection can come back; the run sets it to ``--ttl`` seconds through the
environment so closed sessions are released while the run goes on, and waits that long at the
end before the last reading. The server gets ``MALLOC_ARENA_MAX`` as ``make run`` sets it
(``--arena-max 0`` leaves glibc's default of up to 8 arenas per core).

Prints the growth per session (least-squares slope after the first ``--warmup`` sessions, which
load TensorFlow and the shipped model) and its ratio to the budget, ``--max-growth-mb``.
Run: ``python -m bench.session_memory --sessions 50``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

import psutil

from tests import browser_support as support

TRAIN_TIMEOUT_MS = 300_000


def tree_rss_mb(pid: int) -> float:
    """RSS of a process and its children, in MB."""
    process = psutil.Process(pid)
    members = [process, *process.children(recursive=True)]
    return sum(member.memory_info().rss for member in members) / 2**20


def one_session(browser, url: str) -> None:
    """A user who trains one small forecast, scores one review and closes the tab."""
    context = browser.new_context(viewport=support.VIEWPORT)
    page = context.new_page()
    page.goto(f"{url}/forecast?epochs=1")
    page.get_by_role("button", name="Train the LSTM").click()
    page.get_by_text("Skill ratio").first.wait_for(timeout=TRAIN_TIMEOUT_MS)
    support.wait_until_idle(page)
    page.get_by_role("link", name="Review sentiment").first.click()
    page.get_by_role("button", name="Clearly positive").click()
    page.get_by_text("Which words moved the score").first.wait_for(timeout=120_000)
    support.wait_until_idle(page)
    context.close()


def slope(values: list[float]) -> float:
    """Least-squares growth per step of a series of readings."""
    steps = list(range(len(values)))
    return statistics.linear_regression(steps, values).slope if len(values) > 1 else 0.0


def run(
    sessions: int, warmup: int, ttl: int, target_mb: float, arena_max: int = 2, log=print
) -> dict:
    os.environ["STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL"] = str(ttl)
    if arena_max:
        os.environ["MALLOC_ARENA_MAX"] = str(arena_max)
    else:
        os.environ.pop("MALLOC_ARENA_MAX", None)
    readings: list[float] = []
    with support.serving(timeout=120) as (url, server), support.chromium() as browser:
        started = time.perf_counter()
        for number in range(1, sessions + 1):
            one_session(browser, url)
            readings.append(tree_rss_mb(server.pid))
            if number % 5 == 0 or number == 1:
                log(f"session {number:3d}: server RSS {readings[-1]:7.0f} MB")
        time.sleep(ttl + 5)  # closed sessions expire after the TTL
        settled = tree_rss_mb(server.pid)
        seconds = time.perf_counter() - started
    steady = readings[warmup:]
    per_session = slope(steady)
    result = {
        "sessions": sessions,
        "ttl_s": ttl,
        "malloc_arena_max": arena_max or "glibc default",
        "rss_after_warmup_mb": readings[warmup - 1] if warmup else readings[0],
        "rss_peak_mb": max(readings),
        "rss_last_mb": readings[-1],
        "rss_settled_mb": settled,
        "growth_per_session_mb": per_session,
        "seconds": seconds,
    }
    log(
        f"{sessions} sessions in {seconds:.0f} s (closed sessions kept {ttl} s, "
        f"MALLOC_ARENA_MAX {result['malloc_arena_max']}): RSS "
        f"{result['rss_after_warmup_mb']:.0f} MB after {warmup} warm-up sessions, peak "
        f"{result['rss_peak_mb']:.0f} MB, {result['rss_settled_mb']:.0f} MB once all closed"
    )
    log(
        f"growth per session after warm-up: {per_session:+.2f} MB "
        f"(target <= {target_mb} MB: {per_session / target_mb:.2f}x the budget)"
    )
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--ttl", type=int, default=10, help="seconds a closed session is kept")
    parser.add_argument("--max-growth-mb", type=float, default=2.0)
    parser.add_argument(
        "--arena-max", type=int, default=2, help="MALLOC_ARENA_MAX for the server; 0: unset"
    )
    args = parser.parse_args(argv)
    result = run(args.sessions, args.warmup, args.ttl, args.max_growth_mb, args.arena_max)
    if result["growth_per_session_mb"] > args.max_growth_mb:
        print(f"FAIL: more than {args.max_growth_mb} MB per session")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
