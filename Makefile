# Two commands on a fresh machine: `make book` and `make test`. Everything else is for authors.
# Each target creates the environment it needs, so nothing has to be installed by hand.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# -W: every warning is an error; -n: every reference must resolve; --keep-going: report them all at once.
JB_STRICT := -W -n --keep-going

.PHONY: book test data validate execute bench pdf clean browser

# The environment: exact pins from requirements.txt, plus this repo's helper package (editable,
# so notebooks import the code you are reading). Rebuilt when either file changes. pip brings only
# uv (pinned in requirements.txt), which installs the rest in seconds rather than about a minute,
# compiling bytecode as it goes so the first test kernels do not each compile pandas and matplotlib.
$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "$$(grep '^uv==' requirements.txt)"
	$(BIN)/uv pip install --quiet --python $(BIN)/python --compile-bytecode -r requirements.txt
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps --no-build-isolation -e .
	touch $(STAMP)

# Validate data first: a bad row stops here with file, row, column and rule, before Sphinx runs.
# --all re-reads every page (about 15 s), so no warning hides in a saved environment; the stamp
# tells the browser tests this build is strict and lets them reuse it instead of rebuilding.
book: $(STAMP)
	$(BIN)/python -m ldnreview check
	rm -f _build/html/.strict-build
	$(BIN)/jupyter-book build . $(JB_STRICT) --all
	touch _build/html/.strict-build

# Unit tests, data rules, nbval over every notebook, strict build and browser test (see tests/).
# --dist loadfile keeps each notebook's cells on one kernel; -n 2 uses both cores.
# Notebooks re-executed by nbval export their figures to a scratch copy of figures/, never to the
# committed files; tests/test_figures.py compares those with a fresh render. The last line proves
# the suite left the checkout as it found it.
SCRATCH_FIGURES := _build/test-figures
test: $(STAMP) browser
	$(BIN)/python -m ldnreview check
	rm -rf $(SCRATCH_FIGURES) && mkdir -p _build && cp -r figures $(SCRATCH_FIGURES)
	LDNREVIEW_FIGURES_DIR=$(CURDIR)/$(SCRATCH_FIGURES) $(BIN)/python -m pytest tests book --nbval --nbval-current-env --nbval-sanitize-with tests/sanitize.cfg -n 2 --dist loadfile --durations=15
	@test -z "$$(git status --porcelain 2>/dev/null)" || { git status --porcelain; echo "make test changed files in the checkout (above)"; exit 1; }

# The browser test drives Debian's Chromium (Playwright's own browser download is not reachable).
# $CHROMIUM may name another Chromium-based browser (the GitHub workflows use the runner's Chrome).
# pdftotext (poppler-utils) reads the printed chapter back in tests/test_reading.py.
CHROMIUM ?= /usr/bin/chromium
browser:
	test -x $(CHROMIUM) || { apt-get update -qq && apt-get install -y -qq chromium; }
	command -v pdftotext >/dev/null || { apt-get update -qq && apt-get install -y -qq poppler-utils; }

# After editing data/: regenerate the bibliography, data dictionary, table of contents and any new
# chapter, then re-execute the notebooks so their stored outputs match (`make execute`).
data: $(STAMP)
	$(BIN)/python -m ldnreview derive

validate: $(STAMP)
	$(BIN)/python -m ldnreview validate

execute: $(STAMP)
	$(BIN)/python -m ldnreview execute

bench: $(STAMP)
	$(BIN)/python scripts/bench.py

pdf: $(STAMP)
	$(BIN)/python scripts/pdf.py

clean:
	rm -rf _build
