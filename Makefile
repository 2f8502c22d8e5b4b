# Notification service: `make run` starts it with everything it needs; `make test` runs every suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PORT ?= 8001
ADMIN_KEY_FILE := .run/admin-api-key
FEED_SECRET_FILE := .run/feed-signing-secret
# Recipes that reach the servers run under scripts/with-env.sh: it exports what scripts/setup.sh
# wrote to .run/env (the project's own PostgreSQL primary and standby, its RabbitMQ vhost and
# user), except what the environment or the make command line already sets: with
# `make run DATABASE_URL=...` that database is used and no PostgreSQL of the project's starts.
WITH_ENV := bash scripts/with-env.sh
# A placeholder admin key for `docker-compose config` (it only validates the file).
COMPOSE_CHECK_KEY := compose-check-placeholder-key-0123456789

.PHONY: help deps packages setup build run migrate stop clean-run test test-unit test-integration \
	test-e2e test-browser console-screenshots test-faults test-faults-ci test-coverage lint typecheck depcheck compose-check clean \
	bench bench-soak

help: ## this list
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

deps: node_modules/.installed ## install npm dependencies (npm ci) when package-lock.json changed

node_modules/.installed: package.json package-lock.json
	@command -v node >/dev/null || { echo "Node.js >= 20.19 is required (https://nodejs.org)"; exit 1; }
	npm ci --no-audit --no-fund
	@touch $@

packages: ## install the Debian tools the tests use (promtool, docker-compose, chromium) when missing
	@bash scripts/setup.sh --only-packages

setup: deps ## the project's own PostgreSQL primary + standby (in .run/pg) and RabbitMQ vhost and user; writes .run/env
	@bash scripts/setup.sh

build: deps ## compile TypeScript to dist/
	npm run build

migrate: build setup ## apply pending migrations to DATABASE_URL
	@$(WITH_ENV) npm run --silent migrate

$(ADMIN_KEY_FILE):
	@umask 077 && mkdir -p $(dir $@) && node -e "process.stdout.write('nsk_admin_' + require('node:crypto').randomBytes(24).toString('base64url'))" > $@

$(FEED_SECRET_FILE):
	@umask 077 && mkdir -p $(dir $@) && node -e "process.stdout.write(require('node:crypto').randomBytes(32).toString('hex'))" > $@

run: setup migrate $(ADMIN_KEY_FILE) $(FEED_SECRET_FILE) ## start the service with PostgreSQL primary + standby, RabbitMQ, and local fakes for the providers not configured (SMTP sink, Twilio, FCM, a webhook receiver)
	@$(WITH_ENV) env PORT=$(PORT) ADMIN_API_KEY="$$(cat $(ADMIN_KEY_FILE))" FEED_SIGNING_SECRET="$${FEED_SIGNING_SECRET:-$$(cat $(FEED_SECRET_FILE))}" bash scripts/run.sh

stop: ## stop what make run / make test started here (the project's PostgreSQL servers; not the machine's RabbitMQ)
	@bash scripts/stop.sh

clean-run: ## make stop, then delete the project's RabbitMQ vhost and user and remove .run (data, secrets, mail)
	@bash scripts/stop.sh --clean

test: deps packages setup build lint typecheck depcheck compose-check test-unit test-integration test-e2e test-browser test-faults-ci ## every check and suite (a representative part of the fault suite)

test-unit: deps ## unit tests (no I/O)
	npm run --silent test:unit

test-integration: deps setup ## adapters against the real PostgreSQL and RabbitMQ
	@$(WITH_ENV) npm run --silent test:integration

test-e2e: build setup ## the built service as a process, driven over HTTP
	@$(WITH_ENV) npm run --silent test:e2e

test-browser: build setup packages ## the console (/console) in headless Chromium against the built service (screenshots in .run/console)
	@$(WITH_ENV) npm run --silent test:browser

console-screenshots: build setup packages ## the browser tests, writing each view's screenshot to docs/console (shown in the README)
	@$(WITH_ENV) env CONSOLE_SCREENSHOTS=docs/console npm run --silent test:browser

test-faults: build setup ## every fault scenario, with private servers where a scenario stops one
	@$(WITH_ENV) npm run --silent test:faults

test-faults-ci: build setup ## the representative part of the fault suite that make test runs
	@$(WITH_ENV) npm run --silent test:faults:ci

test-coverage: build setup ## unit, integration and e2e suites under c8 (the e2e service processes included)
	@$(WITH_ENV) npx c8 --config config/c8.json bash -c 'npm run --silent test:unit && npm run --silent test:integration && npm run --silent test:e2e'

lint: deps ## eslint
	npm run --silent lint

typecheck: deps ## tsc --noEmit over src and tests
	npm run --silent typecheck

depcheck: deps ## the dependency rule: domain and application import no package and no outer layer
	npm run --silent depcheck

# Valid with an admin key; refused, naming ADMIN_API_KEY, without one. An empty env file stands
# in for a .env a developer may keep here.
compose-check: packages ## docker-compose.yml is valid, and refused without ADMIN_API_KEY
	@empty=$$(mktemp) && trap 'rm -f "$$empty"' EXIT && \
	ADMIN_API_KEY=$(COMPOSE_CHECK_KEY) docker-compose --env-file "$$empty" -f docker-compose.yml config -q && \
	if out=$$(env -u ADMIN_API_KEY docker-compose --env-file "$$empty" -f docker-compose.yml config -q 2>&1); then \
		echo "compose-check: docker-compose.yml was accepted without ADMIN_API_KEY"; exit 1; fi; \
	grep -q 'set ADMIN_API_KEY' <<<"$$out" || { echo "compose-check: refused, but not for ADMIN_API_KEY: $$out"; exit 1; }

# The ws phase holds thousands of sockets in the service and in its clients' process: the soft
# open-files limit is raised to the hard one for the run (children inherit it).
bench: build setup ## benchmark: raw SMTP/RabbitMQ/PostgreSQL bounds, then the service end to end (BENCH_* knobs; writes docs/benchmarks.md)
	@ulimit -n "$$(ulimit -Hn)" 2>/dev/null || true; $(WITH_ENV) node --import tsx bench/run.ts

bench-soak: build setup ## the 10-minute soak at 50% of the maximum measured in the same run (BENCH_SOAK_SECONDS)
	@$(WITH_ENV) env BENCH_PHASES=soak node --import tsx bench/run.ts

clean: ## remove build output
	rm -rf dist coverage
