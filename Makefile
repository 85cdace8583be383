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

## the main job: the default scenario's PDF report (models/default.nc, else the shipped models/compact.nc)
report: $(STAMP)
	$(BIN)/forecast report $(SCENARIO)

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(STAMP)
	$(BIN)/python -m pytest tests/benchmarks -s -p no:cacheprovider -o addopts="" \
		-o python_files="bench_*.py"

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build *.egg-info
