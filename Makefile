# The first Python 3.12 or newer on this machine (python3.12 under pyenv included).
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 python3 $$(ls -d $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3 2>/dev/null); do \
	if $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then echo $$p; break; fi; done)
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help install run migrate superuser test lint format check fuzz ci clean

help:
	@echo "make run     set up and serve on http://$(HOST):$(PORT)/ (SQLite, no other service)"
	@echo "make test    set up and run the test suite (PostgreSQL when DATABASE_URL is set)"
	@echo "make lint    ruff check and format check;  make check: Django checks and migrations"
	@echo "make fuzz    schemathesis against a served copy on PostgreSQL (needs PostgreSQL)"

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

superuser: migrate
	$(BIN)/python manage.py createsuperuser

run: migrate
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

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

ci: lint check test

clean:
	rm -rf $(VENV) .venv-fuzz staticfiles
