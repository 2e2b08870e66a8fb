# certportal: `make run` starts the portal with demo data; `make test` runs the whole suite.
# Both install what is missing first (Debian packages, a virtual environment), so they work on a
# fresh Debian 12 machine with Python 3.11.

PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Debian packages: WeasyPrint (Pango, HarfBuzz's subsetter: without it a Chinese page takes ~10 s),
# a Chinese font, Redis, gettext for the translations; the tests add Chromium and pdftotext.
RUN_PACKAGES := redis-server fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 \
	fontconfig gettext
TEST_PACKAGES := $(RUN_PACKAGES) chromium poppler-utils
BENCH_PACKAGES := $(RUN_PACKAGES) wrk

.PHONY: help run prod prod-prepare test bench lint format messages system-run system-test system-bench system-venv prepare clean

help:
	@echo "make run    - set everything up and start the portal at http://127.0.0.1:$(PORT) with demo data"
	@echo "make prod   - production on this machine: gunicorn, a worker and beat (see docs/deployment.md)"
	@echo "make test   - set everything up and run the whole test suite (lint, unit, worker, browser)"
	@echo "make bench  - run the benchmark (results in var/bench/results.json)"
	@echo "make lint   - ruff check and format check, mypy, the layers (import-linter), the templates' layout (djlint)"
	@echo "make messages - update the translation catalogues after changing strings"

define install_debian_packages
	@if command -v dpkg-query >/dev/null 2>&1; then \
	  missing=""; \
	  for p in $(1); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	  done; \
	  if [ -n "$$missing" ]; then \
	    echo "Installing Debian packages:$$missing"; \
	    $(SUDO) apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	  fi; \
	else \
	  echo "Not a Debian system: please install the equivalents of: $(1)"; \
	fi
endef

system-run:
	$(call install_debian_packages,$(RUN_PACKAGES))

system-test:
	$(call install_debian_packages,$(TEST_PACKAGES))

system-bench:
	$(call install_debian_packages,$(BENCH_PACKAGES))

system-venv:
	$(call install_debian_packages,python3-venv)

# The virtual environment is rebuilt only when a requirements file changes.
$(VENV)/.runtime: requirements.txt
	@$(PYTHON) -c "import ensurepip" 2>/dev/null || $(MAKE) --no-print-directory system-venv
	@[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

# Database, translations, static files and the demo signing certificate of the certificate PDFs (under
# var/signing/): each step is quick when there is nothing to do.
prepare:
	$(PY) manage.py compilemessages --ignore=$(VENV) --ignore=var -v 0
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py createcachetable
	$(PY) manage.py collectstatic --no-input -v 0
	$(PY) manage.py make_signing_certificate

# Links and QR codes in e-mails and PDFs point at the port the portal runs on, unless SITE_URL is set.
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: system-run $(VENV)/.runtime prepare
	$(PY) manage.py seed_demo --with-pdfs
	$(PY) manage.py runportal --port $(PORT)

# Production on this machine (docs/deployment.md): the environment holds the configuration
# (CERTPORTAL_PRODUCTION=1, SECRET_KEY_FILE, DATABASE_URL, ALLOWED_HOSTS, ...). `prod-prepare` checks
# it, migrates and collects static files (also the step of every upgrade under systemd); `prod` then
# runs gunicorn, one Celery worker and Celery beat in the foreground until Ctrl-C.
prod-prepare: system-run $(VENV)/.runtime
	@[ "$$CERTPORTAL_PRODUCTION" = 1 ] || { echo "make prod needs CERTPORTAL_PRODUCTION=1 and the variables in docs/deployment.md"; exit 1; }
	$(PY) manage.py compilemessages --ignore=$(VENV) --ignore=var -v 0
	$(PY) manage.py check --deploy --fail-level WARNING
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py createcachetable
	$(PY) manage.py collectstatic --no-input -v 0

prod: prod-prepare
	$(PY) manage.py runproduction

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/djlint templates --check
	$(VENV)/bin/djlint templates --lint

format: $(VENV)/.dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	$(VENV)/bin/djlint templates --reformat

messages: $(VENV)/.dev
	$(PY) manage.py makemessages -l zh_Hans -l en --ignore=$(VENV) --ignore=var --ignore=static/vendor --ignore=tests --no-obsolete
	$(PY) manage.py makemessages -d djangojs -l zh_Hans -l en --ignore=$(VENV) --ignore=var --ignore=static/vendor --ignore=tests --no-obsolete

# pytest exits with 5 when it collected nothing: the suite is never empty, so that fails too.
test: system-test $(VENV)/.dev lint
	$(PY) manage.py compilemessages --ignore=$(VENV) --ignore=var -v 0
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py make_signing_certificate
	$(PY) manage.py check --fail-level WARNING
	@$(VENV)/bin/pytest $(PYTEST_ARGS); status=$$?; \
	  if [ $$status -eq 5 ]; then echo "pytest collected no tests: failing, the suite must not be empty"; fi; \
	  exit $$status

bench: system-bench $(VENV)/.dev prepare
	$(PY) manage.py bench

clean:
	rm -rf var/static var/log var/test-*.sqlite3
