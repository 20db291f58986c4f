# Two commands: `make run` and `make test`. Everything else is a step they use.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/wellrounded

AXE_VERSION := 4.14.1
OIDC_PROVIDER_VERSION := 9.13.3

.PHONY: run worker test fuzz install install-dev chromium axe oidc-provider xmlsec1 lint test-sqlite test-postgres migrate bench clean

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check -c constraints.txt -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PY) -m pip install -q --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py createcachetable

run: migrate
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py seed_demo --if-empty
	@echo "Serving Well-Rounded at http://$(HOST):$(PORT)/  (Ctrl-C stops it)"
	exec $(VENV)/bin/gunicorn wellrounded.wsgi --bind $(HOST):$(PORT) --workers 2 \
		--access-logfile - --graceful-timeout 5

# Sends campaign invitations and reminders (the task queue's database backend); run it next
# to `make run` in a second terminal.
worker: migrate
	exec $(PY) manage.py run_worker

# Debian's Chromium for the browser tests; never a browser downloaded by a test tool.
chromium:
	@if ! command -v chromium >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else echo "Chromium is missing: run 'sudo apt-get install chromium' for the browser tests."; fi; \
	fi

# axe-core from the npm registry, injected into pages by the accessibility browser tests.
axe: node_modules/axe-core/axe.min.js
node_modules/axe-core/axe.min.js:
	npm install --no-save --no-package-lock --no-audit --no-fund --silent axe-core@$(AXE_VERSION)

# A real OpenID Connect provider (npm oidc-provider) that the single sign-on browser test runs
# under the machine's Node.js; installed outside the tracked tree, in var/oidc. The SAML tests
# sign with Debian's xmlsec1 (pysaml2 calls it).
oidc-provider: var/oidc/node_modules/oidc-provider/package.json
var/oidc/node_modules/oidc-provider/package.json:
	mkdir -p var/oidc
	npm install --prefix var/oidc --no-save --no-package-lock --no-audit --no-fund --silent oidc-provider@$(OIDC_PROVIDER_VERSION)

xmlsec1:
	@if ! command -v xmlsec1 >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq xmlsec1 >/dev/null; \
		else echo "xmlsec1 is missing: run 'sudo apt-get install xmlsec1' for the SAML tests."; fi; \
	fi

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/bandit -q -c pyproject.toml -r . -x "*/tests/*,./conftest.py"
	$(PY) manage.py makemigrations --check --dry-run -v0

# Every core (pytest-xdist, a test database per worker). WR_FUZZ_EXAMPLES sets schemathesis's
# examples per operation and role: a few in the default run, many in `make fuzz`.
PYTEST := $(VENV)/bin/pytest -n $${WR_TEST_WORKERS:-auto}
FUZZ_EXAMPLES ?= 500

test-sqlite: install-dev chromium axe oidc-provider xmlsec1
	env -u DATABASE_URL $(PYTEST)

# PostgreSQL when DATABASE_URL is set or a local server answers on 127.0.0.1:5432.
# With CI=true an unreachable server fails the run instead of skipping it.
test-postgres: install-dev chromium axe oidc-provider xmlsec1
	@url="$${DATABASE_URL:-$(PG_URL)}"; \
	if $(PY) -c "import sys,psycopg; psycopg.connect(sys.argv[1].rsplit('/',1)[0]+'/postgres', connect_timeout=3).close()" "$$url" 2>/dev/null; then \
		echo "== PostgreSQL: $$url"; DATABASE_URL="$$url" $(PYTEST); \
	elif [ "$$CI" = "true" ]; then echo "PostgreSQL is not reachable at $$url (CI=true: failing)"; exit 1; \
	else echo "PostgreSQL not reachable at $$url: skipping the PostgreSQL run."; fi

test: lint test-sqlite test-postgres

# The deep API fuzz (run it before resolving any issue that touches the API): schemathesis with
# many examples per operation and role, on SQLite then PostgreSQL when a server answers.
fuzz: install-dev
	env -u DATABASE_URL WR_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PYTEST) wellrounded/tests/test_api_fuzzing.py
	@url="$${DATABASE_URL:-$(PG_URL)}"; \
	if $(PY) -c "import sys,psycopg; psycopg.connect(sys.argv[1].rsplit('/',1)[0]+'/postgres', connect_timeout=3).close()" "$$url" 2>/dev/null; then \
		DATABASE_URL="$$url" WR_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PYTEST) wellrounded/tests/test_api_fuzzing.py; fi

BENCHMARKS := bench/throughput.py bench/profile_checkin.py bench/load.py bench/planner.py bench/signup_timing.py bench/national.py bench/placements.py

# Each benchmark prints its own figures; none is a pass/fail test.
bench: install-dev
	@for script in $(BENCHMARKS); do echo "== $$script"; $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) var
