# Quick start: `make papers` builds the sample papers, `make test` runs the tests.
# Both set up what they need first (system packages, then .venv).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup setup-test papers site test clean

$(BIN)/boardpaper: pyproject.toml constraints.txt
	./scripts/setup-system.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e '.[test]'
	touch $@

setup: $(BIN)/boardpaper

setup-test: setup
	./scripts/setup-system.sh --test

papers: setup
	$(BIN)/boardpaper build content -o build
	for meeting in content/meetings/*.yaml; do \
	  $(BIN)/boardpaper pack "$$meeting" -o "build/meetings/$$(basename "$$meeting" .yaml)" || exit 1; \
	done

# The sample meetings as a static website (docs/publish.md); check it with `boardpaper verify site`.
site: setup
	$(BIN)/boardpaper publish content -o site

test: setup-test
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy
	$(BIN)/pytest

clean:
	rm -rf build site .pytest_cache
