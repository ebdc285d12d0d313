# The two commands a newcomer needs: `make demo` and `make test`.
# Each sets up the virtualenv (.venv) on first use.
VENV ?= .venv
PY := $(VENV)/bin/python
DEMO_PORT ?= 8765

.PHONY: install demo test lint quality bench clean-demo

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[test,embedded-db]'
	touch $@

install: $(VENV)/.installed

# Serve the fixture site on 127.0.0.1:$(DEMO_PORT), crawl it as outlet "demo"
# into the local database, and show what landed.
# The outlet file names 127.0.0.1:8765; a copy re-pointed at DEMO_PORT is what is crawled.
demo: install
	@outlets=$$(mktemp -d); \
	sed 's/127\.0\.0\.1:8765/127.0.0.1:$(DEMO_PORT)/g' tests/fixtures/outlets/demo.toml > $$outlets/demo.toml; \
	$(PY) -m tests.fixture_server --port $(DEMO_PORT) & server=$$!; \
	trap "kill $$server 2>/dev/null; rm -rf $$outlets" EXIT; sleep 1; \
	export NEWSDESK_OUTLETS_PATH=$$outlets; \
	$(VENV)/bin/newsdesk crawl demo && \
	echo "--- newsdesk articles --outlet demo --limit 3 (bodies cut) ---" && \
	$(VENV)/bin/newsdesk articles --outlet demo --limit 3 | cut -c1-240

test: install
	$(VENV)/bin/pytest -q

lint: install
	$(VENV)/bin/ruff check .

quality: install
	$(PY) benchmarks/quality.py
