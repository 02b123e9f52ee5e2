# Two commands on a fresh machine:  `make play`  and  `make test`.
# Each creates .venv on first use and installs the pinned dependencies of requirements.txt.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: play test test-fast lint bench check clean

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

play: $(STAMP)
	$(PY) main.py $(ARGS)

test: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m pytest -q -n auto

# The core alone (formula, rules, engine, session, saves, text mode): no window, no slow sweeps,
# none of the outer tests (hostile machine, command line, presentation, instructors' and modders'
# commands, batch engine: tests/conftest.py's OUTER).
test-fast: $(STAMP)
	$(PY) -m pytest -q -n auto -m "not ui and not slow and not outer" --ignore=tests/ui --ignore=tests/hostile

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m mypy

check: $(STAMP)
	$(PY) main.py check

bench: $(STAMP)
	$(PY) -m pytest -q bench --benchmark-only
	$(PY) bench/campaigns.py
	$(PY) bench/startup.py
	$(PY) bench/report_bench.py
	$(PY) bench/reports_bench.py
	$(PY) bench/ui_bench.py
	$(PY) bench/saves.py

clean:
	rm -rf $(VENV) .pytest_cache .benchmarks
