# Roost: `make run` serves the app on http://127.0.0.1:5000 (SQLite); `make test` runs every test.
# Both install whatever is missing first: Python packages into .venv, front-end packages from npm.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 5000
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_INSTALL := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends
VENDOR := static/vendor

.PHONY: run test install install-test system-packages browser migrate clean bench bench-seed bench-large

run: install migrate
	SECURE_COOKIES=false $(VENV)/bin/flask --app wsgi run --host 127.0.0.1 --port $(PORT)

test: install-test browser
	$(VENV)/bin/pytest $(PYTEST_ARGS)

install: $(VENV)/.installed $(VENDOR)/.installed

install-test: install $(VENV)/.installed-test

migrate: install
	$(VENV)/bin/flask --app wsgi db upgrade

# Benchmarks on the local PostgreSQL and Redis (see bench/README.md): `small` end to end, then `large`.
bench: $(VENV)/.installed-bench
	$(PY) bench/generate.py --size small
	$(PY) bench/load.py --size small

bench-seed: $(VENV)/.installed-bench
	$(PY) bench/generate.py --size seed
	$(PY) bench/load.py --size seed

bench-large: $(VENV)/.installed-bench
	$(PY) bench/generate.py --size large
	$(PY) bench/load.py --size large

$(VENV)/.installed-bench: bench/requirements.txt $(VENV)/.installed-test
	$(PY) -m pip install --quiet -r bench/requirements.txt
	touch $@

# Debian packages the project needs to build: venv support, Node's npm.
system-packages:
	@$(PYTHON) -c "import ensurepip, venv" 2>/dev/null || { $(SUDO) apt-get update && $(APT_INSTALL) python3-venv; }
	@command -v npm >/dev/null || { $(SUDO) apt-get update && $(APT_INSTALL) nodejs npm; }

$(VENV)/.installed: requirements.txt | system-packages
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.package-lock.json: package.json package-lock.json | system-packages
	npm ci --no-audit --no-fund

# Front-end packages are copied from node_modules, never committed.
$(VENDOR)/.installed: node_modules/.package-lock.json
	mkdir -p $(VENDOR)/htmx $(VENDOR)/pico $(VENDOR)/sortable
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	cp node_modules/@picocss/pico/css/pico.min.css $(VENDOR)/pico/
	cp node_modules/sortablejs/Sortable.min.js $(VENDOR)/sortable/
	mkdir -p $(VENDOR)/chartjs
	cp node_modules/chart.js/dist/chart.umd.min.js $(VENDOR)/chartjs/
	touch $@

# Browser tests drive Debian's Chromium (Playwright cannot download browsers here).
browser:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update && $(APT_INSTALL) chromium; }

clean:
	rm -rf $(VENV) node_modules $(VENDOR) .pytest_cache
