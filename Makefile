# Two commands do all set-up on a fresh machine:  make demo  ·  make test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test check readme bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[stats,test,dev,assist]'
	touch $(STAMP)

demo: $(STAMP)  ## build the demo study into demo.db and open the workbench
	$(BIN)/qualcode demo

test: $(STAMP)  ## run the test suite, in parallel
	$(BIN)/python -m pytest -n auto

check: $(STAMP)  ## lint and format (ruff), types (mypy, strict on the core), import contracts, README reference
	$(BIN)/ruff check qualcode tests benchmarks
	$(BIN)/ruff format --check qualcode tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python -m qualcode.cli.reference --check README.md

readme: $(STAMP)  ## regenerate the README's command reference from the click commands
	$(BIN)/python -m qualcode.cli.reference --write README.md

bench: $(STAMP)  ## run every benchmark and print the tables
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) demo.db demo.db-wal demo.db-shm
