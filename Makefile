# Two commands on a fresh machine: `make demo` and `make test`. Everything else is installed here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SHARED_DATA := $(wildcard ../shared/data)

.PHONY: install demo test test-fast fuzz lint bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

PORT ?= 8000

# `make demo PORT=8080` serves on another port; the temporary store is deleted when the demo stops.
demo: install
	$(BIN)/lifeline demo $(if $(SHARED_DATA),--data $(SHARED_DATA),) --port $(PORT)

# The whole suite, with a real PostgreSQL server and Chromium installed and started when absent. The
# 10,000-case fuzz runs are left to `make fuzz` (half an hour on 2 cores); their 200-case twins run here.
# `make fuzz` also reruns every hypothesis test with 500 cases (profile lifeline-fuzz, tests/conftest.py).
# Two pytest workers (`make test PYTEST_WORKERS=0` runs in one process); tests that share a module- or
# package-scoped fixture stay on one worker (tests/conftest.py), so it is built once.
PYTEST_WORKERS ?= 2

test: install lint
	eval "$$(scripts/test-services.sh)" && $(BIN)/python -m pytest -q -m "not fuzz" -n $(PYTEST_WORKERS) --dist loadscope $(PYTEST_ARGS)

fuzz: install
	eval "$$(scripts/test-services.sh)" && $(BIN)/python -m pytest -q -m "fuzz or property" --hypothesis-profile=lifeline-fuzz --timeout 7200 $(PYTEST_ARGS)

test-fast: install
	$(BIN)/python -m pytest -q -m "not slow" $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check lifeline tests bench scripts
	$(BIN)/mypy lifeline

bench: install
	for b in bench/*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache test-artifacts
