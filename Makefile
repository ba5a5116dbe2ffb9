# Two commands set up a fresh machine (see README.md):
#   make paper   install what is missing, then build the survey
#   make test    install what is missing, then run the linters (ruff, snakefmt, snakemake --lint),
#                the fast tier of the tests (plain `pytest`) and the slow one (`pytest -m slow`)
# Everything else is plain Snakemake with the default profile (one core; after an interrupted
# run, incomplete outputs are rebuilt): .venv/bin/snakemake --profile workflow/profiles/default <target>.

# Snakemake runs a rule's script through the interpreter's path unquoted, so a folder whose
# path holds a space fails every job (exit 127); refuse it before anything is installed.
ifneq ($(word 2,$(CURDIR)),)
$(error The checkout's path "$(CURDIR)" contains a space, which Snakemake cannot run scripts from; move or clone the project to a path without spaces (for example ~/gpusurvey))
endif

VENV    ?= .venv
PYTHON  ?= python3
EXTRAS  ?= all
CORES   ?= 1
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed-$(EXTRAS)
SNAKEMAKE := $(BIN)/snakemake --profile workflow/profiles/default
SNAKEFILES := Snakefile workflow/rules
# The tests also run the llama.cpp backend, whose package compiles from source once (pip keeps
# the wheel in its cache); `make paper` does not need it.
TEST_EXTRAS := $(EXTRAS),bench-llm-cpp

.PHONY: paper test install install-test system-deps system-deps-test lint clean

paper: system-deps install
	$(SNAKEMAKE) --cores $(CORES) paper

test: system-deps-test install-test
	$(BIN)/ruff check .
	$(BIN)/snakefmt --check $(SNAKEFILES)
	$(BIN)/snakemake --lint
	$(BIN)/snakemake --cores 1 check_records
	$(BIN)/pytest -n auto
	$(BIN)/pytest -m slow -n 3 --dist loadfile

# torch==2.13.0 comes with the project's extras (a CPU build here, the CUDA build on a GPU machine).
PIP_INSTALL ?= $(BIN)/python -m pip install -q --upgrade pip && $(BIN)/python -m pip install -q -e '.[$(EXTRAS)]'

# The stamp alone is not trusted: a venv that no longer satisfies the project (pip check, the
# package's import, snakemake) loses its stamp and is reinstalled, then checked again.
install:
	@bash envs/check-venv.sh $(VENV) $(EXTRAS) 2>/dev/null || { \
	  test ! -e $(STAMP) || echo "make: $(VENV) no longer satisfies the project; reinstalling"; \
	  bash envs/check-venv.sh $(VENV) $(EXTRAS) || true; rm -f $(STAMP); }
	@$(MAKE) --no-print-directory $(STAMP)
	@bash envs/check-venv.sh $(VENV) $(EXTRAS)

install-test:
	@$(MAKE) --no-print-directory install EXTRAS=$(TEST_EXTRAS)

$(VENV)/.installed-%: pyproject.toml
	test -x $(BIN)/python || { rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); }
	$(PIP_INSTALL)
	touch $@

system-deps:
	bash envs/system-packages.sh

# The tests also need SLURM and munge (tests/test_slurm.py runs a real single-node cluster).
system-deps-test:
	bash envs/system-packages.sh test

lint: install
	$(BIN)/ruff check .
	$(BIN)/snakefmt --check $(SNAKEFILES)
	$(BIN)/snakemake --lint

clean:
	rm -rf results published logs .snakemake

# Notebooks are committed without outputs or execution counts (tests/test_notebooks.py checks it).
.PHONY: strip-notebooks
strip-notebooks: install
	PYTHONPATH=workflow $(BIN)/python -m gpusurvey.reports.notebooks strip notebooks/*.ipynb
