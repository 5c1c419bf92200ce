# Two commands for everyone: `make lab` (students, teachers) and `make test` (maintainers, CI).
# Both create .venv on first use and (re)install the project when pyproject.toml changes.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
WORKSPACE ?= $(HOME)/crm-lab-work
LAB_ARGS ?=

.PHONY: lab test bench release clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "需要 Python 3.11 或更新的版本：当前的 $(PYTHON) 太旧。可用 make PYTHON=python3.12 指定。"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-lab: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@ $(VENV)/.installed-lab

## make lab: prepare the student workspace ($(WORKSPACE)) and open JupyterLab there
lab: $(VENV)/.installed-lab
	$(BIN)/crm-lab start "$(WORKSPACE)" $(LAB_ARGS)

## make test: ruff + every pytest test (unit, notebooks, grading pipeline, JupyterLab server)
test: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m pytest

## make bench: run every benchmarks/bench_*.py; each writes benchmarks/results/<name>.json
bench: $(VENV)/.installed-dev
	@set -e; for script in benchmarks/bench_*.py; do echo "== $$script"; $(BIN)/python $$script; done

## make release: run the solution notebooks and regenerate notebooks/ from solutions/ with nbgrader
release: $(VENV)/.installed-dev
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m crm_lab.course release

clean:
	rm -rf $(VENV) dist build .ruff_cache
