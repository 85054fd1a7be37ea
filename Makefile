# Auth Lab: `make run` serves the four origins, `make test` runs the whole suite.
# Both create the virtual environment when needed. `make run` and `make serve` install only
# requirements.txt (what running needs); the tests, notebooks, lint, exercises and the
# benchmark also install requirements-dev.txt (its tools, pinned). Each file has its stamp.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-run-$(shell cksum requirements.txt | cut -d' ' -f1)
DEV_STAMP := $(VENV)/.installed-dev-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)

.DEFAULT_GOAL := help
.PHONY: help run serve serve-provider test test-fast fuzz bench bench-quick lint clean distclean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-15s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Auth Lab needs Python 3.11 or newer: run  make PYTHON=python3.12 run")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@rm -f $(VENV)/.installed-run-* && touch $@

$(DEV_STAMP): $(STAMP) requirements-dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@rm -f $(VENV)/.installed-dev-* && touch $@

run: $(STAMP) ## Serve the app :8000, provider :8001, replica :8002, attacker :8003 (Ctrl-C stops all)
	$(BIN)/python run.py

serve: $(STAMP) ## Production-style app: granian, a worker per core, APP_ENV=production (needs real secrets)
	APP_ENV=$${APP_ENV:-production} $(BIN)/python serve.py wsgi:app

serve-provider: $(STAMP) ## Production-style provider on BIND (default 127.0.0.1:8001)
	APP_ENV=$${APP_ENV:-production} BIND=$${BIND:-127.0.0.1:8001} $(BIN)/python serve.py wsgi:provider

# The third-party software the suite runs (openid-client, oauth4webapi, panva's oidc-provider,
# axe-core), pinned in tests/interop/package-lock.json. Optional for a student: without Node
# the interop and accessibility tests skip with a line that says so (in CI they must run).
INTEROP := tests/interop/node_modules/.package-lock.json

$(INTEROP): tests/interop/package-lock.json
	@if command -v npm >/dev/null; then cd tests/interop && npm ci --no-audit --no-fund --silent; \
	else echo "Node.js not found: the interop tests (openid-client, oauth4webapi, oidc-provider) and the accessibility tests (axe-core) will skip"; fi

# The suite runs on every core (pytest-xdist): each worker starts its own live servers.
# PYTEST_ARGS="-n 0" runs it in one process, for a debugger.
test: $(DEV_STAMP) $(INTEROP) ## Run the whole suite: unit, integration, browser, notebooks, exercises, interop
	$(BIN)/python -m pytest -n auto $(PYTEST_ARGS)

test-fast: $(DEV_STAMP) ## The suite without the real-browser tests
	$(BIN)/python -m pytest -n auto -m "not browser" $(PYTEST_ARGS)

fuzz: $(DEV_STAMP) ## 10,000 generated bad inputs per family against every endpoint of the app and the provider
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest tests/app/test_fuzz.py $(PYTEST_ARGS)

# The article's two Express examples, which make bench measures the app against, pinned in
# bench/peers/package-lock.json. Optional for a student: without Node those rows skip.
PEERS := bench/peers/node_modules/.package-lock.json

$(PEERS): bench/peers/package-lock.json
	@if command -v npm >/dev/null; then cd bench/peers && npm ci --no-audit --no-fund --silent; \
	else echo "Node.js not found: make bench will skip the article's Express examples (bench/peers/)"; fi

bench: $(DEV_STAMP) $(PEERS) ## Measure in-process, over HTTP, against the article's peers and four servers (bench/results/)
	$(BIN)/python -m bench $(BENCH_ARGS)

bench-quick: $(DEV_STAMP) $(PEERS) ## The same, shorter: about three minutes
	$(BIN)/python -m bench --quick $(BENCH_ARGS)

lint: $(DEV_STAMP) ## ruff (style and bugs) and bandit (security scan)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -q -c pyproject.toml -r . -x ./.venv,./tests,./vulnerable,./notebooks,./exercises/*/check.py

# --- Classroom exercises (exercises/README.md) ------------------------------------------
# `make exercise 1` and `make exercise N=1` both check exercises/01-.../exercise.py and say
# what is still wrong. In the first spelling make sees "1" as a second goal: the phony
# numeric targets below do nothing, so only the check runs.
# Hints come one at a time: `make hint 1`, or `make exercise 1 HINT=1`. (`make exercise 1
# --hint` cannot work: make reads --hint as an option of its own and stops.)
EXERCISE_NUMBERS := 1 2 3 4 5 6 7 8 9 10 11 12 13 14
N ?= $(firstword $(filter $(EXERCISE_NUMBERS),$(MAKECMDGOALS)))
.PHONY: exercise exercises hint $(EXERCISE_NUMBERS)

exercises: $(DEV_STAMP) ## List the classroom exercises
	@$(BIN)/python -m exercises

exercise: $(DEV_STAMP) ## Check your exercise: make exercise 1 (or N=1); HINT=1 shows its next hint instead
	@test -n "$(N)" || { echo "Which exercise? For example: make exercise 1   (make exercises lists them)"; exit 2; }
	@$(BIN)/python -m exercises $(N) $(if $(filter-out 0 no,$(HINT)),--hint)

hint: $(DEV_STAMP) ## The next hint of an exercise, one at a time: make hint 1
	@test -n "$(N)" || { echo "Which exercise? For example: make hint 1   (make exercises lists them)"; exit 2; }
	@$(BIN)/python -m exercises $(N) --hint

$(EXERCISE_NUMBERS):
	@:
# --- end of the exercises block ----------------------------------------------------------

# --- Notebooks (notebooks/README.md) -----------------------------------------------------
# The project's Python becomes the Jupyter kernel of .venv (--sys-prefix: inside .venv, not
# in the user's ~/.local), and JUPYTER_PATH lists .venv's kernels first, so a "python3" kernel
# from the user's own Jupyter configuration cannot shadow it. The suite does not need this:
# tests/course/test_notebooks.py runs its kernels with the interpreter that runs pytest.
.PHONY: notebooks

notebooks: $(DEV_STAMP) ## Open the Jupyter notebooks (notebooks/README.md says in what order)
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (Auth Lab)" >/dev/null
	JUPYTER_PATH="$(CURDIR)/$(VENV)/share/jupyter" $(BIN)/jupyter notebook --notebook-dir=notebooks
# --- end of the notebooks block ----------------------------------------------------------

clean: ## Remove caches and test leftovers (keeps instance/ and the venv)
	rm -rf .pytest_cache .ruff_cache .hypothesis test-artifacts
	find . -name __pycache__ -not -path './.venv/*' -prune -exec rm -rf {} +

distclean: clean ## Also remove instance/ (secrets, databases) and the virtual environment
	rm -rf instance $(VENV)
