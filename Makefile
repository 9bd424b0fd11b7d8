# Two commands (see README):  make run   -> set up and start the app with the demo directory
#                             make test  -> set up and run the whole test suite
# Prefer Python 3.12+ (see sp_desktop/ui/compat.py for why), then any Python >= 3.11.
PYTHON ?= $(shell for p in python3.13 python3.12 $$(ls -d $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -V | tail -n 1) python3; do \
	  if [ -n "$$p" ] && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; then echo $$p; break; fi; done)
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test test-slow bench lint clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m sp_desktop --demo

# Four test processes: on a 2-core machine most tests wait (on PostgreSQL, timers, subprocesses),
# so four keep both cores busy; each process has its own throw-away PostgreSQL server and Qt app.
TEST_WORKERS ?= 4

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -n $(TEST_WORKERS)

test-slow: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -m slow

# One benchmark file at a time (a busy 2-core machine would otherwise time them against each other);
# every figure is recorded beside its floor from the same run, then docs/benchmarks.md is written
# (its table between the bench markers; the notes around it are kept). A failed benchmark does
# not stop the others: its figure, or its failure, is in the table.
BENCH_FILES ?= $(sort $(wildcard tests/benchmarks/test_*.py))

bench: $(STAMP)
	rm -f "$${SP_BENCH_RESULTS:-$$($(BIN)/python -c 'from tests.benchmarks.results import results_file; print(results_file())')}"
	status=0; for f in $(BENCH_FILES); do \
	  QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest "$$f" -m benchmark -q -s -p no:randomly -o addopts="" || status=1; \
	done; \
	$(BIN)/python -m tests.benchmarks.results docs/benchmarks.md; exit $$status

# Every finding fails: ruff (line length 110, pyproject), mypy over the whole package (strict on the
# Qt-free core, see pyproject; its cache makes a second run take seconds), the layer contracts
# (.importlinter) and no import circles between sp_desktop's modules (tools/check_import_cycles.py).
lint: $(STAMP)
	$(BIN)/ruff check sp_desktop tests tools
	$(BIN)/mypy sp_desktop
	$(BIN)/lint-imports
	$(BIN)/python tools/check_import_cycles.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
