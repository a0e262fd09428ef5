# natograph developer tasks. `make help` lists them.
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3

.DEFAULT_GOAL := help
.PHONY: help setup run test check lint format typecheck pytest fmt-check browser apache bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

setup: $(VENV)/.installed ## Create .venv and install natograph with its dev tools

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	@touch $@

run: setup ## Main job: build the graph and serve it (SPARQL, UI) on http://127.0.0.1:8000/
	$(BIN)/natograph serve

test: setup browser apache lint typecheck fmt-check pytest ## Whole test suite: lint, types, Turtle formatting, pytest

lint: setup ## ruff lint and format check
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

format: setup ## Apply ruff formatting and canonical Turtle formatting
	$(BIN)/ruff format src tests bench
	$(BIN)/natograph fmt

typecheck: setup ## mypy --strict on the package, the tests and the benchmarks
	$(BIN)/mypy
	$(BIN)/mypy --strict bench

fmt-check: setup ## Fail if a Turtle file is not in canonical form
	$(BIN)/natograph fmt --check

pytest: setup ## pytest (exit code 5, no tests collected, fails the target)
	$(BIN)/pytest

check: setup ## natograph check (parse, SHACL, OWL RL, HermiT)
	$(BIN)/natograph check

browser: ## Install Debian's Chromium for the browser tests (as root, once)
	@command -v chromium >/dev/null 2>&1 || { \
		echo "installing chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

apache: ## Install Debian's Apache httpd for the w3id.org redirect tests (as root, once)
	@test -x /usr/sbin/apache2 || { \
		echo "installing apache2-bin for the w3id.org redirect tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq apache2-bin >/dev/null; }

bench: setup ## Run the benchmarks and rewrite bench/results.md
	$(BIN)/python -m bench.run

clean: ## Remove the virtualenv and caches
	rm -rf $(VENV) .cache .pytest_cache .mypy_cache .ruff_cache src/*.egg-info
