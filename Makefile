# The first Python 3.12 or newer on this machine (python3.12 under pyenv included).
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 python3 $$(ls -d $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3 2>/dev/null); do \
	if $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then echo $$p; break; fi; done)
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help install run demo migrate superuser test lint format check fuzz ci clean \
	postman postman-check newman browser screenshots bench

help:
	@echo "make run     set up and serve on http://$(HOST):$(PORT)/ (SQLite, no other service)"
	@echo "make demo    fill the database with demo data and print the demo sign-ins (SIZE=large for load)"
	@echo "make test    set up and run the test suite (PostgreSQL when DATABASE_URL is set)"
	@echo "make lint    ruff check and format check;  make check: Django checks and migrations"
	@echo "make fuzz    schemathesis against a served copy on PostgreSQL (needs PostgreSQL)"
	@echo "make bench   every benchmark in bench/ and one table of ratios and goals (needs PostgreSQL; BENCH_SIZE=full)"
	@echo "make browser install headless Chromium and its driver from Debian's packages (for the browser test)"
	@echo "make screenshots  demo data, then the admin screenshots in docs/screenshots/ (needs the browser)"
	@echo "make postman regenerate the Postman collection in postman/ from the OpenAPI schema (needs Node 20)"
	@echo "make newman  run the Postman collection with newman against the demo data (needs PostgreSQL, Node 20)"

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is required (none found on PATH)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python requirements.txt requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@

install: $(VENV)/.installed

migrate: install
	$(BIN)/python manage.py migrate --noinput
	@# Bank KYC checks IFSC codes against this directory; loaded once, refreshed on demand.
	$(BIN)/python manage.py ifsc_refresh --if-empty || echo "IFSC directory not loaded (no access to the package index?); run 'manage.py ifsc_refresh' later."

superuser: migrate
	$(BIN)/python manage.py createsuperuser

run: migrate
	@echo "Serving on http://$(HOST):$(PORT)/ (API docs /api/v1/docs/, admin /admin/)."
	@echo "An empty system? 'make demo' fills every back office and prints accounts to sign in with."
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Demo data: staff in every role, subscribers, KYC, loans, the ISP tree. Running it again adds nothing.
SIZE ?= small
demo: migrate
	$(BIN)/python manage.py demo_data --size $(SIZE)

test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: install
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

# Schemathesis in its own virtualenv (.venv-fuzz), against a fresh database.
fuzz: install
	.ci/fuzz

# Benchmarks on throwaway PostgreSQL databases (bench_*), ratios against baselines of the same run.
BENCH_SIZE ?= small
bench: install
	$(BIN)/python bench/run.py --size $(BENCH_SIZE)

# Chromium and chromedriver from Debian's packages; nothing is downloaded when they are there.
browser:
	@if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then \
		echo "browser: $$(/usr/bin/chromium --version 2>/dev/null || echo chromium) is installed"; \
	else \
		SUDO=$$([ "$$(id -u)" -ne 0 ] && command -v sudo >/dev/null && echo sudo); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y --no-install-recommends chromium chromium-driver; \
	fi

# The README's screenshots: the admin index and the analytics page, over the demo data.
screenshots: migrate browser
	$(BIN)/python manage.py demo_data --size $(SIZE)
	$(BIN)/python -m tests.browser.screenshots --out docs/screenshots

# The Postman collection (postman/), generated from the OpenAPI schema by
# postman/generate.js with the npm packages pinned in postman/package-lock.json.
POSTMAN_SCHEMA := var/postman/openapi.json

postman/node_modules/.installed: postman/package.json postman/package-lock.json
	npm ci --prefix postman --no-audit --no-fund --loglevel=error
	@touch $@

# Integer bounds in the schema follow the database backend, so the schema is
# always PostgreSQL's, whatever DATABASE_URL says; generating it connects to nothing.
$(POSTMAN_SCHEMA): install FORCE
	@mkdir -p $(dir $@)
	DATABASE_URL=postgres://schema@127.0.0.1:9/schema $(BIN)/python manage.py spectacular --format openapi-json --file $@

postman: postman/node_modules/.installed $(POSTMAN_SCHEMA)
	node postman/generate.js $(POSTMAN_SCHEMA) postman

# Fails when the committed collection or environment differs from a fresh generation.
postman-check: postman/node_modules/.installed $(POSTMAN_SCHEMA)
	@rm -rf var/postman/fresh
	node postman/generate.js $(POSTMAN_SCHEMA) var/postman/fresh
	@for f in platform.postman_collection.json local.postman_environment.json; do \
		diff -q postman/$$f var/postman/fresh/$$f >/dev/null || { \
			echo "postman/$$f is out of date with the OpenAPI schema: run make postman"; \
			diff -u postman/$$f var/postman/fresh/$$f | cut -c1-200 | head -n 40; exit 1; }; \
	done
	@echo "postman: the committed collection matches the schema"

# The collection against the demo data on a fresh PostgreSQL database.
newman: install postman/node_modules/.installed
	.ci/newman

FORCE:

ci: lint check test

clean:
	rm -rf $(VENV) .venv-fuzz staticfiles
