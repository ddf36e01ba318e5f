"""core holds the logic and never imports Streamlit: pages and ui/ draw, core computes."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Imports every module under core (CLI entry points included: they run only as __main__) in a
# fresh interpreter, then lists the Streamlit modules that came with them.
IMPORT_ALL = """
import importlib, pkgutil, sys
import core
names = [info.name for info in pkgutil.walk_packages(core.__path__, "core.")]
for name in names:
    importlib.import_module(name)
print(len(names))
print(sorted(name for name in sys.modules if name.split(".")[0] == "streamlit"))
"""


def test_importing_all_of_core_never_imports_streamlit():
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_ALL], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    count, streamlit = done.stdout.strip().splitlines()
    assert int(count) >= 20  # every module was found, not just the package
    assert streamlit == "[]"
