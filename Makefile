# Two commands for a newcomer: `make run` and `make test` (see README.md).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
DEV := DJANGO_DEBUG=true

.PHONY: run setup install migrate demo test test-fast lint format check-deploy bench clean

run: setup demo
	scripts/run-dev.sh

$(PY):
	$(PYTHON) -m venv $(VENV)

install: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml constraints.txt | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $@

setup: install
	$(DEV) $(PY) manage.py migrate --noinput
	$(DEV) $(PY) manage.py load_policy_profiles

demo: setup
	$(DEV) $(PY) manage.py load_demo

# The whole suite: unit, API, real Celery worker and Chromium journeys. Uses DATABASE_URL/REDIS_URL when set.
test: install
	$(PY) -m pytest

test-fast: install
	$(PY) -m pytest -m "not e2e and not worker" -x -q

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(DEV) $(PY) manage.py makemigrations --check --dry-run

format: install
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

check-deploy: install
	DJANGO_SECRET_KEY=$$(head -c 48 /dev/urandom | base64) DJANGO_ALLOWED_HOSTS=portal.example.org \
	  $(PY) manage.py check --deploy --fail-level WARNING

# Precision/recall of each post check on its labelled corpus; approval queue at two sizes side by side.
bench: install
	$(PY) bench/bench_checks.py

clean:
	rm -rf var/static var/broker var/log
