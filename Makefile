# RNN Playground: `make app` runs the app, `make room` runs it for a room (replicas behind nginx),
# `make test` runs the whole suite, `make bench` times training, `make load` measures capacity.
# Each target first sets up whatever is missing on a fresh Debian machine with Python 3.11;
# when everything is installed that check takes well under a second.

PYTHON ?= python3
PIP := $(PYTHON) -m pip
STAMP := .make/installed
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)
# The checkout's own code wins over any other editable install of the package.
export PYTHONPATH := $(CURDIR)$(if $(PYTHONPATH),:$(PYTHONPATH))
# Many sessions share two cores: one BLAS thread per process (torch is set to one thread in the app).
export OPENBLAS_NUM_THREADS ?= 1
export OMP_NUM_THREADS ?= 1
# Finds (without importing) every module the app and the tests need.
MODULES := torch streamlit plotly pandas numpy re2 hypothesis locust psutil vega_datasets tqdm pytest pytest_timeout playwright ray playground models
CHECK := import importlib.util as u, sys; sys.exit(any(u.find_spec(m) is None for m in "$(MODULES)".split()))

NGINX := /usr/sbin/nginx
REPLICAS ?= 2
PORT ?= 8080

.PHONY: app room test bench load install browser nginx

app: install
	$(PYTHON) -m streamlit run playground/app.py

# A room: REPLICAS app replicas behind nginx (sticky sessions) on 127.0.0.1:PORT; Ctrl-C stops them all.
room: install nginx
	$(PYTHON) -m deploy.room --replicas $(REPLICAS) --port $(PORT)

test: install browser nginx
	$(PYTHON) -m pytest

bench: install
	$(PYTHON) -m playground bench

# Simulated sessions over Streamlit's own protocol (no browsers): capacity of one server or a room.
# LOAD_ARGS passes options, e.g. make load LOAD_ARGS="--target room --sessions 10,20"; see python -m tools.load --help.
LOAD_ARGS ?= --sessions 10 --duration 30
load: install nginx
	$(PYTHON) -m tools.load $(LOAD_ARGS)

# Install the pinned requirements and this package (editable) when the stamp is missing or
# older than requirements.txt / pyproject.toml, or when a needed module cannot be found.
install:
	@if [ ! -f $(STAMP) ] || [ requirements.txt -nt $(STAMP) ] || [ pyproject.toml -nt $(STAMP) ] \
	    || ! $(PYTHON) -c '$(CHECK)'; then \
		$(PIP) --version >/dev/null 2>&1 || { $(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y python3-pip; }; \
		echo "Installing requirements.txt and the package (editable)"; \
		PIP_BREAK_SYSTEM_PACKAGES=1 $(PIP) install -q --disable-pip-version-check --root-user-action=ignore -r requirements.txt -e . \
		&& mkdir -p $(dir $(STAMP)) && touch $(STAMP); \
	fi

# The room's proxy (and its test) use Debian's nginx, run as a child process, never as a service.
nginx:
	@if [ ! -x $(NGINX) ]; then \
		$(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y nginx; \
	fi

# Browser tests drive Debian's chromium (Playwright cannot download browsers offline).
browser:
	@if [ ! -x $(CHROMIUM) ]; then \
		$(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; \
	fi
