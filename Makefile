# Two entry points: `make demo` and `make test` (ruff, mypy, pytest). Each creates or updates
# the local virtual environment .venv first (only when pyproject.toml changed), then runs.
# The demo installs what it runs (torch CPU, the monitoring store and dashboard, MovieLens
# through recbole); the tests install everything, reference libraries and the docs tools
# included, and build the documentation site (examples executed, warnings as errors).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_STAMP := $(VENV)/.demo-stamp
TEST_STAMP := $(VENV)/.test-stamp
DOCS_STAMP := $(VENV)/.docs-stamp

.PHONY: demo test docs lint format bench clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(DEMO_STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e ".[nn,monitor]"
	$(BIN)/python -m pip install --quiet --no-deps recbole==1.2.1
	touch $(DEMO_STAMP)

$(TEST_STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e ".[dev,nn,keras,recommend,monitor,docs,scale]"
	$(BIN)/python -m pip install --quiet --no-deps recbole==1.2.1
	touch $(TEST_STAMP) $(DEMO_STAMP) $(DOCS_STAMP)

$(DOCS_STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e ".[docs]"
	touch $(DOCS_STAMP)

demo: $(DEMO_STAMP)
	$(BIN)/python -m ridgeway.app.demo

test: $(TEST_STAMP)
	$(BIN)/ruff check src tests bench examples docs/gallery_conf.py
	$(BIN)/ruff format --check src tests bench examples docs/gallery_conf.py
	$(BIN)/mypy
	$(MAKE) --no-print-directory docs
	$(BIN)/python -m pytest -q

# the site, into site/ (open site/index.html): every example re-run (no cached outputs),
# --strict and warnings-as-errors examples (docs/gallery_conf.py); no network needed
docs: $(DOCS_STAMP)
	rm -rf docs/generated site
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

lint: $(TEST_STAMP)
	$(BIN)/ruff check src tests bench examples docs/gallery_conf.py

format: $(TEST_STAMP)
	$(BIN)/ruff format src tests bench examples docs/gallery_conf.py
	$(BIN)/ruff check --fix src tests bench examples docs/gallery_conf.py

bench: $(TEST_STAMP)
	$(BIN)/python bench/bench_ridge.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .ruff_cache site docs/generated
