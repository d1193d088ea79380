# The two commands: `make run` and `make test`. Both create .venv on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
TOOLS ?= .venv-tools
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?=
QUICK ?=

.PHONY: run test lint i18n bench venv upgrade clean

venv: $(VENV)/.installed

# Installs exactly what requirements.lock pins (with hashes), then the project itself without
# resolving anything again: a fresh clone gets the versions CI tested, whatever PyPI has that day.
$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --require-hashes -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps --no-build-isolation -e .
	touch $@

# Refreshes requirements.lock to the newest releases that pyproject.toml's ranges allow; review
# the diff, run `make test`, and commit both. pip-tools lives in a venv of its own.
upgrade:
	test -x $(TOOLS)/bin/pip-compile || ($(PYTHON) -m venv $(TOOLS) && $(TOOLS)/bin/python -m pip install -q pip-tools)
	$(TOOLS)/bin/pip-compile -q --upgrade --generate-hashes --allow-unsafe --all-build-deps \
		--extra test --strip-extras --no-emit-index-url --no-emit-find-links \
		-o requirements.lock pyproject.toml
	$(MAKE) venv

# `ust-registry run` points printed codes at $(HOST):$(PORT) unless PUBLIC_BASE_URL is set.
run: venv
	$(BIN)/ust-registry db upgrade
	$(BIN)/ust-registry demo-if-empty
	$(BIN)/ust-registry run --host $(HOST) --port $(PORT)

test: venv
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check registry inspection_api tests bench scripts
	$(BIN)/mypy

i18n: venv
	$(BIN)/python scripts/i18n.py update

bench: venv
	$(BIN)/python -m bench $(if $(QUICK),--quick,)

clean:
	rm -rf $(VENV) $(TOOLS) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
