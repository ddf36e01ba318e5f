# Every target creates the virtual environment when it is missing, so a fresh clone needs only
# Python 3.11 and make.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run cluster test test-fast lint bench screenshots fuzz soak session-memory clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)

$(STAMP): $(BIN)/python requirements.txt requirements-dev.txt
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

# axe-core for the accessibility audit (tests/test_browser_a11y.py), at the version package-lock.json
# pins. It needs node and npm (Debian: apt-get install -y nodejs npm; .ci/run installs them); on a
# machine without npm the audit is skipped with a note, so `make test` still needs only Python.
AXE := node_modules/axe-core/axe.min.js

$(AXE): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund && touch $(AXE); \
	else echo "make: npm not found, the accessibility audit will be skipped (apt-get install -y nodejs npm)" >&2; fi

# Each Streamlit session runs its script on a new thread, and glibc gives threads their own malloc
# arenas (up to 8 per core) that keep freed memory: two arenas hold the server's memory flat across
# sessions (bench/session_memory.py, 50 sessions: +0.4 MB per session instead of +1.8 MB).
run: $(STAMP)
	MALLOC_ARENA_MAX=2 $(BIN)/streamlit run app.py

# A real Dask cluster on 127.0.0.1 (`dask scheduler` and two single-thread `dask worker`
# processes, tests/cluster_support.py) and the app training on it through LSTM_LAB_SCHEDULER,
# as docs/DEPLOY.md sets it up across machines. Ctrl-C stops the app, the workers and the scheduler.
cluster: $(STAMP)
	MALLOC_ARENA_MAX=2 $(BIN)/python -m tests.cluster_support --workers 2 --app

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# pytest exits 5 when it collected no tests: treat that as a failure, not a pass.
test: lint $(AXE)
	$(BIN)/python -m pytest; status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test: no tests were collected" >&2; exit 1; fi; \
	exit $$status

# The edit loop: everything but the tests marked slow or browser (see tests/conftest.py).
test-fast: lint
	$(BIN)/python -m pytest -m "not slow and not browser"; status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test-fast: no tests were collected" >&2; exit 1; fi; \
	exit $$status

bench: $(STAMP)
	$(BIN)/python -m bench.run

# 10,000 generated files through every CSV loader: valid data or a readable ValueError; then
# every bomb (4.5 GB gzip/zip, 50 MB line, 2,000,000 columns...) timed, with its peak memory.
fuzz: $(STAMP)
	$(BIN)/python -m tests.fuzz_loaders --count 10000 --bombs

# 8 browser sessions training at once plus one scoring reviews and a viewer timing page loads,
# against one server (its trainings on the embedded Dask cluster); then ten trainings in one
# session (server memory growth) and interrupted trainings. Niced: it shares the machine.
soak: $(STAMP)
	nice -n 10 $(BIN)/python -m tests.soak --trainers 8
	nice -n 10 $(BIN)/python -m tests.long_session --trainings 10

# Needs Debian's chromium (apt-get install -y chromium); rewrites docs/images/*.png.
screenshots: $(STAMP)
	$(BIN)/python -m tests.take_screenshots

# 50 browser sessions one after another: server memory per session and after they close.
session-memory: $(STAMP)
	$(BIN)/python -m bench.session_memory --sessions 50

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache node_modules
