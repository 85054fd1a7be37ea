# Auth Lab: `make run` serves the four origins, `make test` runs the whole suite.
# Each target is lab.py's command of the same name (`python3 lab.py run`; on Windows, with no
# make, `py lab.py run`). lab.py creates the virtual environment when needed and installs what
# the command needs: requirements.txt to run and serve, also requirements-dev.txt (its tools,
# pinned) for the tests, notebooks, lint, exercises and the benchmark. Each file has its stamp
# in the virtual environment, so an unchanged file is not installed again.

PYTHON ?= python3
VENV   := .venv
# lab.py's virtual environment: `make VENV=/tmp/fresh run` starts from an empty one.
export LAB_VENV = $(VENV)
LAB    := $(PYTHON) lab.py
# The target that installs both requirement files (bench/startup.py times it on a fresh VENV).
DEV_STAMP := install-dev

.DEFAULT_GOAL := help
.PHONY: help install install-dev run serve serve-provider test test-fast fuzz bench bench-quick lint clean distclean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-15s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

install: ## Create .venv and install requirements.txt (what running needs)
	@$(LAB) install

install-dev: ## Also install requirements-dev.txt (tests, notebooks, lint, benchmark)
	@$(LAB) install-dev

run: ## Serve the app :8000, provider :8001, replica :8002, attacker :8003 (Ctrl-C stops all)
	@$(LAB) run

serve: ## Production-style app: granian, a worker per core, APP_ENV=production (needs real secrets)
	@$(LAB) serve

serve-provider: ## Production-style provider on BIND (default 127.0.0.1:8001)
	@$(LAB) serve-provider

# The suite runs on every core (pytest-xdist): each worker starts its own live servers.
# PYTEST_ARGS="-n 0" runs it in one process, for a debugger. `make test` first runs `npm ci`
# in tests/interop (openid-client, oauth4webapi, panva's oidc-provider, axe-core, pinned in its
# package-lock.json) when Node.js is there; without it those tests skip (in CI they must run).
test: ## Run the whole suite: unit, integration, browser, notebooks, exercises, interop
	@$(LAB) test $(PYTEST_ARGS)

test-fast: ## The suite without the real-browser tests
	@$(LAB) test-fast $(PYTEST_ARGS)

fuzz: ## 10,000 generated bad inputs per family against every endpoint of the app and the provider
	@$(LAB) fuzz $(PYTEST_ARGS)

# The benchmark measures the app against the article's two Express examples, pinned in
# bench/peers/package-lock.json (`npm ci` there first, when Node.js is there; without it those
# rows skip).
bench: ## Measure in-process, over HTTP, against the article's peers and the production servers (bench/results/)
	@$(LAB) bench $(BENCH_ARGS)

bench-quick: ## The same, shorter: about three minutes
	@$(LAB) bench-quick $(BENCH_ARGS)

lint: ## ruff (style and bugs) and bandit (security scan)
	@$(LAB) lint

# --- Classroom exercises (exercises/README.md) ------------------------------------------
# `make exercise 1` and `make exercise N=1` both check exercises/01-.../exercise.py and say
# what is still wrong. In the first spelling make sees "1" as a second goal: the phony
# numeric targets below do nothing, so only the check runs.
# Hints come one at a time: `make hint 1`, or `make exercise 1 HINT=1`. (`make exercise 1
# --hint` cannot work: make reads --hint as an option of its own and stops.)
EXERCISE_NUMBERS := 1 2 3 4 5 6 7 8 9 10 11 12 13 14
N ?= $(firstword $(filter $(EXERCISE_NUMBERS),$(MAKECMDGOALS)))
.PHONY: exercise exercises hint $(EXERCISE_NUMBERS)

exercises: ## List the classroom exercises
	@$(LAB) exercises

exercise: ## Check your exercise: make exercise 1 (or N=1); HINT=1 shows its next hint instead
	@test -n "$(N)" || { echo "Which exercise? For example: make exercise 1   (make exercises lists them)"; exit 2; }
	@$(LAB) $(if $(filter-out 0 no,$(HINT)),hint $(N),exercise $(N) $(if $(SUBMIT),--submit $(SUBMIT)))

hint: ## The next hint of an exercise, one at a time: make hint 1
	@test -n "$(N)" || { echo "Which exercise? For example: make hint 1   (make exercises lists them)"; exit 2; }
	@$(LAB) hint $(N)

$(EXERCISE_NUMBERS):
	@:
# --- end of the exercises block ----------------------------------------------------------

# --- Classroom mode (README, "Teaching a class") --------------------------------------------
# One machine serves the class on the LAN: `make classroom ARGS="--host 10.0.0.5"`.
.PHONY: classroom classroom-load

classroom: ## Serve the lab to a class on the LAN: a sandbox per student, the instructor's dashboard
	@$(LAB) classroom $(ARGS)

classroom-load: ## Measure a class of 40 students clicking through the labs at once (bench/classroom_load.py)
	@$(LAB) classroom-load $(ARGS)
# --- end of the classroom block ----------------------------------------------------------

# --- Notebooks (notebooks/README.md) -----------------------------------------------------
# lab.py makes the project's Python the Jupyter kernel of .venv and lists .venv's kernels
# first, so a "python3" kernel from the user's own Jupyter configuration cannot shadow it.
# The suite does not need this: tests/course/test_notebooks.py runs its kernels with the
# interpreter that runs pytest.
.PHONY: notebooks

notebooks: ## Open the Jupyter notebooks (notebooks/README.md says in what order)
	@$(LAB) notebooks
# --- end of the notebooks block ----------------------------------------------------------

clean: ## Remove caches and test leftovers (keeps instance/ and the venv)
	rm -rf .pytest_cache .ruff_cache .hypothesis test-artifacts
	find . -name __pycache__ -not -path './.venv/*' -prune -exec rm -rf {} +

distclean: clean ## Also remove instance/ (secrets, databases) and the virtual environment
	rm -rf instance $(VENV)
