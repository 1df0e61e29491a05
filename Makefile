# cbec-clearance: local development without Docker (see docs/operations.md).
#
#   make setup        .venv + editable install (when pyproject.toml changed) + Kafka jars + Chromium
#                     (Debian's, for the browser tests of the console: apt-get when /usr/bin/chromium is missing)
#   make test         setup, start Kafka + PostgreSQL (not the services), run pytest
#   make test-unit    the unit tests only (no Kafka, no PostgreSQL)
#   make lint         ruff and mypy (strict on shared/, the domains and the settings), as .ci/run runs them
#   make lock         write requirements.lock again (every package pinned) after a dependency changed
#   make infra        Kafka + PostgreSQL only;  make infra-down stops them
#   make up / down    the whole stack (Kafka, PostgreSQL, gateway, management, notification, monitor,
#                     console on http://127.0.0.1:8084/)
#   make up PROFILE=secure   the same with Kafka SASL/SCRAM + ACLs, no topic auto-creation
#                     (default PROFILE=open: the local demo, PLAINTEXT and open to anyone)
#                     KAFKA_NODES=3: a 3-broker Kafka cluster (replication 3, min.insync.replicas 2)
#   make demo         up in the sandbox (CBEC_SANDBOX=1), then `cbec demo`
#   make bench        up, then the whole-journey benchmark (scripts/bench_journey.py)
#   make status / logs
#   make reset        down, then delete the run dir and the PostgreSQL data
#   make soak         scripts/soak.py: JOURNEYS (100000) journeys while everything is killed, on
#                     a Kafka cluster and a PostgreSQL of its own (SOAK_ARGS for more flags)

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := test

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.cbec-installed
# the official AsyncAPI parser, for the contract test of docs/asyncapi.json (needs node and npm)
ASYNCAPI_PARSER := tests/contract/asyncapi/node_modules/.package-lock.json

KAFKA_PORT ?= 9092
PGPORT ?= 5432
export KAFKA_PORT PGPORT
# unset: the size started last (deploy/kafka/kafka.sh remembers it), else one node
ifdef KAFKA_NODES
export KAFKA_NODES
endif

JOURNEYS ?= 100000
SOAK_ARGS ?=

# open: the local demo (Kafka PLAINTEXT, no ACLs); secure: deploy/kafka/secure/ (README, "Identity")
PROFILE ?= open
CBEC_PROFILE ?= $(PROFILE)
export CBEC_PROFILE

PYTEST_ARGS ?=

.PHONY: setup up demo down status logs test test-unit lint lock infra infra-down reset kafka-jars chromium bench soak

setup: $(STAMP) kafka-jars $(ASYNCAPI_PARSER) chromium

$(PY):
	$(PYTHON) -m venv $(VENV)

# Re-install only when pyproject.toml or the lock is newer than the stamp. requirements.lock pins
# every package the install resolves to (`make lock` writes it again after a dependency changes).
$(STAMP): pyproject.toml requirements.lock | $(PY)
	$(PY) -m pip install -q --disable-pip-version-check -c requirements.lock -e '.[dev]'
	@touch $@

lock: | $(PY)
	$(PY) -m pip install -q --disable-pip-version-check -e '.[dev]'
	$(PY) -m pip freeze --exclude-editable | grep -v '^cbec-clearance' > requirements.lock

# ruff (style, imports, bugbear, async) and mypy (strict on shared/ and the domains) — .ci/run runs it
lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m mypy shared services/gateway/domain services/management/domain services/notification/domain \
	    services/*/settings.py services/configuration_doc.py

$(ASYNCAPI_PARSER): tests/contract/asyncapi/package-lock.json
	npm ci --prefix tests/contract/asyncapi --no-audit --no-fund --ignore-scripts --loglevel=error

# tests/browser drive Debian's Chromium through Playwright (whose own browser download cannot work offline)
CHROMIUM ?= /usr/bin/chromium
chromium:
	@[ -x $(CHROMIUM) ] || { sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); echo "installing Debian's chromium (apt-get)"; \
	    $$sudo apt-get update -qq && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

kafka-jars:
	@deploy/kafka/kafka.sh fetch >/dev/null

infra:
	@deploy/kafka/kafka.sh start --no-wait
	@deploy/postgres/postgres.sh start
	@deploy/kafka/kafka.sh wait

infra-down:
	@deploy/postgres/postgres.sh stop
	@deploy/kafka/kafka.sh stop

up: setup
	@deploy/stack.sh up

# the demo runs in the sandbox (docs/sandbox.md): its list is inspected, then released; another is rejected
demo: export CBEC_SANDBOX ?= 1
demo: up
	@set -a; f=$${CBEC_RUN_DIR:-.run}/secrets.env; [ -f "$$f" ] && . "$$f"; set +a; $(VENV)/bin/cbec demo

down:
	@deploy/stack.sh down

status:
	@deploy/stack.sh status || true

logs:
	@deploy/stack.sh logs

test: setup infra
	KAFKA_BOOTSTRAP_SERVERS=$$(deploy/kafka/kafka.sh bootstrap) \
	DATABASE_URL=postgresql://postgres@127.0.0.1:$(PGPORT)/cbec \
	$(PY) -m pytest -q $(PYTEST_ARGS)

# The whole journey at load on the running stack, then the bare three-hop limit (BENCH_ARGS=--journeys 20000 --rate 1000).
# The bench is one ERP per role sending the nation's peak: the gateway's per-sender quota (100 messages/s
# a sender) would cap it at ~65 journeys/s, so a stack it starts has the quota off (docs/benchmarks.md).
BENCH_ARGS ?= --journeys 20000
bench: export GATEWAY_SENDER_RATE ?= 0
bench: up
	$(PY) scripts/bench_journey.py $(BENCH_ARGS)

# the unit tests alone: no Kafka, no PostgreSQL, seconds
test-unit: $(STAMP)
	$(PY) -m pytest -q tests/unit $(PYTEST_ARGS)

soak: setup
	$(PY) scripts/soak.py --journeys $(JOURNEYS) $(SOAK_ARGS)

reset: down
	rm -rf "$$(deploy/postgres/postgres.sh datadir)" "$${CBEC_RUN_DIR:-.run}"
