# Factcards. `make run` serves the demo on http://127.0.0.1:8000; `make test` runs every test.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
FIXTURES := articles questions quizzes flashcards demo_users classes
# `make run` is for local use: DEBUG on (a development secret key, SQLite) unless you say otherwise.
RUN_ENV := DEBUG=$${DEBUG:-true}

.PHONY: run serve test test-fast lint typecheck format demo-data manage clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime-installed

demo-data: $(VENV)/.runtime-installed
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py loaddata $(FIXTURES)
	$(RUN_ENV) $(BIN)/python manage.py load_demo_activity

# Any management command against the local database: make manage ARGS="bank_stats".
manage: $(VENV)/.runtime-installed
	$(RUN_ENV) $(BIN)/python manage.py $(ARGS)

run: demo-data
	@echo "Factcards on http://127.0.0.1:8000 (demo logins: student / reset-2009, teacher / reset-2009)"
	$(RUN_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

# Production-like: gunicorn, DEBUG off, hashed static files. Needs SECRET_KEY in the environment.
# For a local try it answers on 127.0.0.1 and localhost over plain HTTP unless told otherwise
# (no HTTPS redirect, no HSTS, cookies over HTTP); behind TLS set ALLOWED_HOSTS and leave the
# HTTPS settings at their secure defaults (see README, Security).
SERVE_ENV := ALLOWED_HOSTS=$${ALLOWED_HOSTS:-127.0.0.1,localhost} \
	SESSION_COOKIE_SECURE=$${SESSION_COOKIE_SECURE:-false} CSRF_COOKIE_SECURE=$${CSRF_COOKIE_SECURE:-false} \
	SECURE_SSL_REDIRECT=$${SECURE_SSL_REDIRECT:-false} SECURE_HSTS_SECONDS=$${SECURE_HSTS_SECONDS:-0}
serve: $(VENV)/.runtime-installed
	$(SERVE_ENV) $(BIN)/python manage.py migrate --noinput
	$(SERVE_ENV) $(BIN)/python manage.py collectstatic --noinput
	$(SERVE_ENV) $(BIN)/gunicorn quizsite.wsgi  # sized by gunicorn.conf.py: gthread, one worker per core

test: $(VENV)/.dev-installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Everything but the slow lanes: the browser tests and the fuzzers (schemathesis over the API,
# tests/test_web_fuzz.py). The markers are registered in pyproject.toml and set in tests/conftest.py.
# Spread over one pytest-xdist worker per core (TEST_WORKERS=0 runs in one process), a file's tests
# on one worker, each worker with its own test database.
TEST_WORKERS ?= auto
test-fast: $(VENV)/.dev-installed
	$(BIN)/python -m pytest -m "not browser and not fuzz" -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MAKE) --no-print-directory typecheck

# mypy with the Django and DRF plugins (configured in pyproject.toml). The plugin imports the
# settings, so it runs with DEBUG on, which needs no secret.
typecheck: $(VENV)/.dev-installed
	DEBUG=true $(BIN)/mypy

format: $(VENV)/.dev-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .mypy_cache .hypothesis
