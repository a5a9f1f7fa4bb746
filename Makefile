# dualprev — the two commands a new user needs: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help setup system-deps demo run test lint format messages clean-demo

help:
	@echo "make demo   set up, load the demo district, start http://$(HOST):$(PORT) (Ctrl-C stops)"
	@echo "make test   set up, then lint, types, migrations check and the test suite (SQLite + PostgreSQL)"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; v = sys.version_info; sys.exit(0 if v >= (3, 11) else "dualprev needs Python >= 3.11; $(PYTHON) is %d.%d" % v[:2])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --editable '.[dev]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

system-deps:
	@bash scripts/system-deps.sh

setup: system-deps $(VENV)/.installed node_modules/.installed

demo: setup
	DUALPREV_ENV=development $(BIN)/dualprev migrate --noinput
	DUALPREV_ENV=development $(BIN)/dualprev demo
	DUALPREV_ENV=development $(BIN)/dualprev collectstatic --noinput --verbosity 0
	DUALPREV_ENV=development DJANGO_DEBUG=false $(BIN)/dualprev run --host $(HOST) --port $(PORT)

run: setup
	DUALPREV_ENV=development DJANGO_DEBUG=false $(BIN)/dualprev run --host $(HOST) --port $(PORT)

test: setup
	@bash scripts/test.sh

lint: setup
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/mypy dualprev

format: setup
	$(BIN)/ruff check --fix . && $(BIN)/ruff format .

messages: setup
	cd dualprev && ../$(BIN)/dualprev makemessages --locale en --no-obsolete --ignore 'tests/*' && ../$(BIN)/dualprev compilemessages --locale en

clean-demo:
	rm -rf var/
