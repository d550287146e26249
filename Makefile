# Set-up and everyday commands. Each target bootstraps the local virtual environment .venv
# (Python 3.11+, packages from PyPI only) the first time it runs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench docs lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

## The main job on shipped defaults: the essay's realistic pause against no pause.
demo: $(STAMP)
	$(BIN)/pausesim compare essay-realistic --out results/essay-realistic

## The full test suite.
test: $(STAMP)
	$(BIN)/python -m pytest -q

## Benchmarks (not tests): numbers go to docs/performance.md.
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_compute.py
	$(BIN)/python benchmarks/bench_backend.py

## Regenerate docs/parameters.md from the parameter catalog.
docs: $(STAMP)
	$(BIN)/python -m pausesim.docs

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks

clean:
	rm -rf $(VENV) results .pytest_cache .hypothesis
