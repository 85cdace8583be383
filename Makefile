# Two entry points (README Quickstart): `make report` and `make test`. Both create .venv.
PYTHON ?= python3.12
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SCENARIO ?= data/scenarios/taiwan.toml

.PHONY: install report test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

## the main job: the most useful command that exists (becomes the default scenario report)
report: $(STAMP)
	$(BIN)/forecast data check data/cases.csv
	$(BIN)/forecast data summary

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(STAMP)
	$(BIN)/python -m pytest tests/benchmarks -s -p no:cacheprovider -o addopts=""

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build *.egg-info
