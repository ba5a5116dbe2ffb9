# Two commands set up a fresh machine (see README.md):
#   make paper   install what is missing, then build the survey (snakemake --cores 1 paper)
#   make test    install what is missing, then run the linters and the test suite
# Everything else is plain Snakemake: .venv/bin/snakemake --cores 1 <target>.

VENV    ?= .venv
PYTHON  ?= python3
EXTRAS  ?= all
CORES   ?= 1
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed-$(EXTRAS)
# The tests also run the llama.cpp backend, whose package compiles from source once (pip keeps
# the wheel in its cache); `make paper` does not need it.
TEST_STAMP := $(VENV)/.installed-$(EXTRAS),bench-llm-cpp

.PHONY: paper test install install-test system-deps lint clean

paper: system-deps install
	$(BIN)/snakemake --cores $(CORES) paper

test: system-deps install-test
	$(BIN)/ruff check .
	$(BIN)/snakemake --lint
	$(BIN)/pytest

install: $(STAMP)

install-test: $(TEST_STAMP)

# torch==2.13.0 comes with the project's extras (a CPU build here, the CUDA build on a GPU machine).
# The stamp's name after .installed- is the list of extras installed.
$(VENV)/.installed-%: pyproject.toml
	test -x $(BIN)/pip || { rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[$*]'
	touch $@

system-deps:
	bash envs/system-packages.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/snakemake --lint

clean:
	rm -rf results logs .snakemake

# Notebooks are committed without outputs or execution counts (tests/test_notebooks.py checks it).
.PHONY: strip-notebooks
strip-notebooks: install
	PYTHONPATH=workflow $(BIN)/python -m gpusurvey.notebooks strip notebooks/*.ipynb
