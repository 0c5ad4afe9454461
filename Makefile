# Two verbs matter: `make run` (install + start the app on the sample data) and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501

.PHONY: run test install install-dev prepare browser ingest bench lint clean

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

## Part of the install: convert the model once and build the sample database (if empty), so the
## first page view does not wait for either (~1.5 min on 2 cores, paid once here instead).
prepare: install
	HF_HUB_OFFLINE=1 $(PY) -m ingest prepare

## Debian's Chromium for the end-to-end tests (Playwright cannot download browsers here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

run: prepare
	HF_HUB_OFFLINE=1 $(PY) -m streamlit run app.py --server.port $(PORT) --server.headless true

test: install-dev browser
	HF_HUB_OFFLINE=1 $(PY) -m pytest

ingest: install
	HF_HUB_OFFLINE=1 $(PY) -m ingest add $(FILES)

bench: install-dev
	HF_HUB_OFFLINE=1 $(PY) benchmarks/bench_ingest.py
	HF_HUB_OFFLINE=1 $(PY) benchmarks/bench_extract.py
	HF_HUB_OFFLINE=1 $(PY) benchmarks/bench_embed.py
	HF_HUB_OFFLINE=1 $(PY) benchmarks/bench_dashboard.py

clean:
	rm -rf $(VENV) data/atlas.duckdb data/atlas.duckdb.wal data/cache
