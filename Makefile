# Two commands for a fresh machine with python3 and make: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/minsheng

.PHONY: demo test test-sqlite test-postgres e2e bench install dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
dev: $(VENV)/.dev-installed

# Another address or port: make demo BIND=127.0.0.1:8080
BIND ?= 127.0.0.1:8000
demo: install
	DEBUG=1 $(BIN)/python -m minsheng demo --bind $(BIND)

# The whole suite on SQLite, then again on PostgreSQL when DATABASE_URL names one (both with the
# embedded shared cache, a database table); then, when REDIS_URL names a Redis, the tests of
# state shared across processes again with Redis, as production runs them.
SHARED_STATE_TESTS = minsheng/open311 minsheng/cases/tests/test_tracking_limits.py minsheng/core/tests/test_shared_cache.py
# Test processes (pytest-xdist; each has its own test database): make test TEST_WORKERS=1 for one.
TEST_WORKERS ?= 2
test: dev
	DATABASE_URL= REDIS_URL= $(BIN)/python -m pytest -q -m "not browser" -n $(TEST_WORKERS)
	@if [ -n "$$DATABASE_URL" ]; then \
		echo "== PostgreSQL: $$DATABASE_URL"; \
		REDIS_URL= $(BIN)/python -m pytest -q -m "not browser" -n $(TEST_WORKERS); \
	else echo "DATABASE_URL is not set: skipped the PostgreSQL run."; fi
	@if [ -n "$$REDIS_URL" ]; then \
		echo "== shared state in Redis: $$REDIS_URL"; \
		$(BIN)/python -m pytest -q -m "not browser" $(SHARED_STATE_TESTS); \
	else echo "REDIS_URL is not set: skipped the Redis run."; fi

# Browser journeys in Debian's chromium (apt install chromium fonts-wqy-microhei).
e2e: dev
	DATABASE_URL= REDIS_URL= $(BIN)/python -m pytest -q -m browser

bench: dev
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} $(BIN)/python -m bench

clean:
	rm -rf $(VENV) var
