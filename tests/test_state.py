"""Session-state key strings live in ui/state.py alone; pages and ui modules use its accessors."""

import re
from pathlib import Path

from ui import state

ROOT = Path(__file__).resolve().parent.parent
STORED_KEYS = [
    value for name, value in vars(state).items() if name.isupper() and isinstance(value, str)
]


def test_stored_keys_are_spelled_only_in_ui_state():
    assert "forecast_job" in STORED_KEYS and "batch_scores" in STORED_KEYS
    sources = [*ROOT.glob("app_pages/*.py"), *ROOT.glob("ui/*.py")]
    for path in sources:
        if path.name == "state.py":
            continue
        # a widget may still own a key of the same name (the session-model toggle does)
        text = re.sub(r'key="[^"]*"', "", path.read_text(encoding="utf-8"))
        for key in STORED_KEYS:
            assert f'"{key}"' not in text, f"{path.name} spells {key!r}; use ui.state instead"
