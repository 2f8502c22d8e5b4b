# Notification service: `make run` starts it with everything it needs; `make test` runs every suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PORT ?= 8001
DB_NAME ?= notifications
PRIMARY ?= postgres://postgres@127.0.0.1:5432
STANDBY ?= postgres://postgres@127.0.0.1:5433
DATABASE_URL ?= $(PRIMARY)/$(DB_NAME)
STANDBY_DATABASE_URL ?= $(STANDBY)/$(DB_NAME)
RABBITMQ_URL ?= amqp://guest:guest@127.0.0.1:5672
ADMIN_KEY_FILE := .run/admin-api-key

.PHONY: help deps packages setup build run migrate test test-unit test-integration test-e2e \
	test-faults test-faults-ci test-coverage lint typecheck depcheck compose-check clean \
	bench bench-soak

help: ## this list
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

deps: node_modules/.installed ## install npm dependencies (npm ci) when package-lock.json changed

node_modules/.installed: package.json package-lock.json
	@command -v node >/dev/null || { echo "Node.js >= 20.19 is required (https://nodejs.org)"; exit 1; }
	npm ci --no-audit --no-fund
	@touch $@

packages: ## install the Debian tools the tests use (promtool, docker-compose) when missing
	@bash scripts/setup.sh --packages --only-packages

setup: ## make sure PostgreSQL (primary + standby) and RabbitMQ run here, and the database exists
	@SETUP_DATABASES=$(DB_NAME) bash scripts/setup.sh

build: deps ## compile TypeScript to dist/
	npm run build

migrate: build ## apply pending migrations to DATABASE_URL
	@DATABASE_URL=$(DATABASE_URL) npm run --silent migrate

$(ADMIN_KEY_FILE):
	@mkdir -p $(dir $@)
	@node -e "process.stdout.write('nsk_admin_' + require('node:crypto').randomBytes(24).toString('base64url'))" > $@

run: setup migrate $(ADMIN_KEY_FILE) ## start the service with PostgreSQL primary + standby, RabbitMQ and (without SMTP_HOST) a local SMTP sink
	@DATABASE_URL=$(DATABASE_URL) STANDBY_DATABASE_URL=$(STANDBY_DATABASE_URL) RABBITMQ_URL=$(RABBITMQ_URL) \
		PORT=$(PORT) ADMIN_API_KEY=$$(cat $(ADMIN_KEY_FILE)) bash scripts/run.sh

test: deps packages setup build lint typecheck depcheck compose-check test-unit test-integration test-e2e test-faults-ci ## every check and suite (a representative part of the fault suite)

test-unit: deps ## unit tests (no I/O)
	npm run --silent test:unit

test-integration: deps setup ## adapters against the real PostgreSQL and RabbitMQ
	npm run --silent test:integration

test-e2e: build setup ## the built service as a process, driven over HTTP
	npm run --silent test:e2e

test-faults: build setup ## every fault scenario of RELIABILITY.md, with private servers where a scenario stops one
	npm run --silent test:faults

test-faults-ci: build setup ## the representative part of the fault suite that make test runs
	npm run --silent test:faults:ci

test-coverage: build setup ## unit, integration and e2e suites under c8 (the e2e service processes included)
	npx c8 --config config/c8.json bash -c 'npm run --silent test:unit && npm run --silent test:integration && npm run --silent test:e2e'

lint: deps ## eslint
	npm run --silent lint

typecheck: deps ## tsc --noEmit over src and tests
	npm run --silent typecheck

depcheck: deps ## the dependency rule: domain and application import no package and no outer layer
	npm run --silent depcheck

compose-check: packages ## docker-compose.yml is valid
	docker-compose -f docker-compose.yml config -q

bench: build setup ## benchmark: raw SMTP/RabbitMQ/PostgreSQL bounds, then the service end to end (BENCH_* knobs; writes docs/benchmarks.md)
	node --import tsx bench/run.ts

bench-soak: build setup ## the 10-minute soak at 50% of the maximum measured in the same run (BENCH_SOAK_SECONDS)
	BENCH_PHASES=soak node --import tsx bench/run.ts

clean: ## remove build output
	rm -rf dist coverage
