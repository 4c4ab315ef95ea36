PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
TEST_INSTALLED := $(VENV)/.test-installed
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check

.PHONY: install install-test serve test test-fast lint token keys bench load policy

GRAPHIQL_ASSETS := gateway/assets/vendor

# The runtime's pinned dependencies, and the project itself installed editable: .venv/bin/huitong runs this checkout.
$(INSTALLED): requirements.lock pyproject.toml | $(GRAPHIQL_ASSETS)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Huitong needs Python 3.11 or newer")'
	@$(PYTHON) -m venv $(VENV)
	@$(PIP) -r requirements.lock >&2
	@$(PIP) --no-deps -e . >&2
	@touch $@

# GraphiQL's files, from the npm registry, each checked against the hash pinned in the lock (the standard library
# only, so before the virtualenv exists); GraphiQL's page is served from them, never from a CDN.
$(GRAPHIQL_ASSETS): gateway/assets/graphiql.lock.json gateway/assets/fetch.py gateway/assets/pins.py
	@$(PYTHON) -m gateway.assets.fetch
	@touch $@

$(TEST_INSTALLED): $(INSTALLED) requirements-test.lock
	@$(PIP) -r requirements-test.lock >&2
	@touch $@

install: $(INSTALLED)

install-test: $(TEST_INSTALLED)

# The demo, in development mode (GraphiQL, a development token, suggestions); the server's own default is production.
serve: $(INSTALLED)
	HUITONG_DEV_MODE=$(or $(HUITONG_DEV_MODE),true) $(BIN)/huitong serve

# The browser tests drive Debian's chromium (never a browser downloaded by a test tool), with a CJK font so their
# screenshots show the catalog's Chinese text.
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-zenhei >/dev/null

test: $(TEST_INSTALLED) $(CHROMIUM)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-fast: $(TEST_INSTALLED)
	$(BIN)/python -m pytest -m unit -q $(PYTEST_ARGS)

lint: $(TEST_INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/mypy

# Prints the token alone: TOKEN=$$(make -s token DEPT=market-regulation)
token: $(INSTALLED)
	@$(BIN)/huitong token --dept $(or $(DEPT),civil-affairs) $(if $(SUB),--sub $(SUB))

keys: $(INSTALLED)
	@$(BIN)/huitong keys

bench: $(TEST_INSTALLED)
	$(BIN)/python -m benchmarks.federation

load: $(TEST_INSTALLED)
	$(BIN)/python -m benchmarks.load --duration $(or $(DURATION),60) --connections $(or $(CONNECTIONS),16)

policy: $(INSTALLED)
	$(BIN)/huitong policy $(or $(ARGS),check)
