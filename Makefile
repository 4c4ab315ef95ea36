PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: serve test token bench load lint policy

$(INSTALLED): requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Huitong needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $@

serve: $(INSTALLED)
	$(BIN)/python -m cli serve

# The policy page's browser test drives Debian's chromium (never a browser downloaded by a test tool),
# with a CJK font so its screenshot shows the catalog's Chinese text.
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-zenhei >/dev/null

test: $(INSTALLED) $(CHROMIUM)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

token: $(INSTALLED)
	$(BIN)/python -m cli token --dept $(or $(DEPT),civil-affairs) $(if $(ROLES),--roles $(ROLES))

bench: $(INSTALLED)
	$(BIN)/python -m benchmarks.federation

load: $(INSTALLED)
	$(BIN)/python -m benchmarks.load --duration $(or $(DURATION),60) --connections $(or $(CONNECTIONS),16)

policy: $(INSTALLED)
	$(BIN)/python -m cli policy $(or $(ARGS),check)
