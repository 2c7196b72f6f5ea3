# Quick start targets. `.venv` is created on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
BENCH_STAMP := $(VENV)/.installed-bench

MIN_VENV := .venv-min

.PHONY: demo test test-min lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(DEV_STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev,apitest]'
	touch $@ $(STAMP)

$(BENCH_STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev,apitest,bench]'
	touch $@ $(DEV_STAMP) $(STAMP)

demo: $(STAMP)
	$(BIN)/pixelmeans palette src/pixelmeans/data/coffee.jpg -k 8 --swatch coffee-palette.png --force

test: lint
	$(BIN)/python -m pytest -q

# The test suite again with the minimum versions pyproject.toml declares (CI runs both):
# wheels only, but for swatch (a test reference) that PyPI has only as a source archive.
test-min:
	rm -rf $(MIN_VENV)
	$(PYTHON) -m venv $(MIN_VENV)
	$(MIN_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(MIN_VENV)/bin/python -m pip install --quiet --only-binary=:all: --no-binary=swatch \
		-c .ci/minimum-constraints.txt -e '.[dev]'
	$(MIN_VENV)/bin/python -m pytest -q -p no:cacheprovider

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
	$(BIN)/python benchmarks/bench_encoders.py
	$(BIN)/python benchmarks/bench_cli.py
	$(BIN)/python benchmarks/bench_jobs.py

clean:
	rm -rf $(VENV) $(MIN_VENV) build *.egg-info src/*.egg-info
