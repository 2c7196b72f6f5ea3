# Quick start targets. `.venv` is created on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
BENCH_STAMP := $(VENV)/.installed-bench

.PHONY: demo test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(DEV_STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(STAMP)

$(BENCH_STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $@ $(DEV_STAMP) $(STAMP)

demo: $(STAMP)
	$(BIN)/pixelmeans palette src/pixelmeans/data/coffee.jpg -k 8 --swatch coffee-palette.png --force

test: lint
	$(BIN)/python -m pytest -q

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy src
	$(BIN)/lint-imports

bench: $(BENCH_STAMP)
	$(BIN)/python benchmarks/bench_kmeans.py
	$(BIN)/python benchmarks/bench_images.py
	$(BIN)/python benchmarks/bench_segment.py
	$(BIN)/python benchmarks/bench_dask.py
	$(BIN)/python benchmarks/bench_datasets.py

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
