"""Two users train at once while a third scores reviews: all finish and none sees another's data.

The full version with four trainers and page-load timings is ``make soak``; timings are reported
there, not asserted here.
"""

from tests import browser_support as support
from tests import soak

support.require_chromium()


def test_two_trainers_and_a_reviewer_at_once():
    with support.running_app() as url:
        result = soak.soak(url, trainers=2)
    failed = [f"{o.name}: {o.detail} {o.console_errors}" for o in result["outcomes"] if not o.ok]
    assert failed == []
    assert result["page_loads"], "the home page never loaded during the trainings"
