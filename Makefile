# Kiroku — the two commands of the quick start are `make run` and `make test`.
SHELL := /bin/bash
PY := .venv/bin/python
UV_VERSION := 0.13.9
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install frontend lint format services-up services-down benchmark clean
NPM_CI := npm ci --prefer-offline --no-audit --no-fund --cache ../.cache/npm

# Virtualenv with exactly the locked dependencies (requirements.lock, hashes checked).
.venv/.synced: requirements.lock
	@command -v uv >/dev/null || python3 -m pip install -q "uv==$(UV_VERSION)"
	@test -x $(PY) || uv venv -q --python python3.11 .venv
	uv pip sync -q --python $(PY) --require-hashes requirements.lock
	@touch $@

install: .venv/.synced

# The staff web app: Django serves frontend/dist. Rebuilt only when its sources change.
FRONTEND_SOURCES := $(shell find frontend/src frontend/scripts -type f 2>/dev/null) \
	frontend/index.html frontend/vite.config.ts frontend/tsconfig.json frontend/package.json
frontend/node_modules/.package-lock.json: frontend/package-lock.json
	cd frontend && $(NPM_CI)
frontend/dist/index.html: frontend/node_modules/.package-lock.json $(FRONTEND_SOURCES)
	cd frontend && npm run build
frontend: frontend/dist/index.html

# Embedded defaults: SQLite, local-disk object store and index under var/, one worker.
run: install frontend
	scripts/services.sh install-tesseract
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py collectstatic --noinput -v0
	@$(PY) manage.py demo_admin
	@echo "Kiroku: http://$(HOST):$(PORT)/  (API docs /api/docs/, health /api/health/)"
	@mkdir -p var
	@bash -c '$(PY) manage.py run_worker & worker=$$!; \
	  $(PY) manage.py watch_scanner_folder & scanner=$$!; \
	  trap "kill $$worker $$scanner 2>/dev/null; wait" EXIT; \
	  .venv/bin/gunicorn dms.wsgi --bind $(HOST):$(PORT) --workers 2 --timeout 600 \
	    --control-socket var/gunicorn-$(PORT).ctl \
	    --access-logfile - --error-logfile -'

# The whole suite against the real services (started here), then the embedded backends.
test: install frontend
	scripts/services.sh up
	scripts/services.sh install-browser
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	cd frontend && npm test
	set -a; eval "$$(scripts/services.sh env)"; set +a; \
	  KIROKU_TEST_REQUIRE_SERVICES=1 .venv/bin/pytest -p no:cacheprovider $(PYTEST_ARGS)
	@echo "== again on the embedded database (SQLite), the quick start's default =="
	set -a; eval "$$(scripts/services.sh env)"; set +a; unset DATABASE_URL; \
	  .venv/bin/pytest -p no:cacheprovider -m "not postgres" tests/jobs tests/documents tests/foundation tests/search tests/approvals tests/accounts tests/ja tests/counterparties

lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format: install
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

services-up:
	scripts/services.sh up

services-down:
	scripts/services.sh down

clean:
	rm -rf var/kiroku.sqlite3 var/objects var/index var/static
