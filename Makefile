# anjian: the README's commands. `make run` and `make test` do all the set-up on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000
DATA   ?= data
PYTEST_ARGS ?=

.PHONY: install run run-distributed test test-pg lint bench clean system-deps

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "anjian needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

## Run the whole suite in one process on embedded defaults (SQLite in ./data, demo data, console).
run: install
	$(BIN)/anjian run --host $(HOST) --port $(PORT) --data-dir $(DATA)

## Run each service as its own process (8001-8004) on Kafka (the Tansu test broker unless
## KAFKA_BOOTSTRAP_SERVERS is set), and the gateway with the console on 8000.
run-distributed: install
	$(BIN)/anjian run-distributed --data-dir $(DATA)

## Debian packages the tests use (a browser and CJK fonts for the console tests); needs root.
system-deps:
	bash scripts/system-deps.sh

## The tests: SQLite and the in-process transport, plus Kafka through the Tansu broker the
## fixtures start. With TEST_DATABASE_URL=postgresql://... the database tests run on PostgreSQL.
test: install
	bash scripts/system-deps.sh --if-root
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-pg: install
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql+asyncpg://postgres@127.0.0.1:5432/postgres} \
		$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check shared services tests bench scripts

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache
