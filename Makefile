# The platform's commands. `make run` and `make test` are the two that matter.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
# uv from PATH, else the one pip installs as a module (`make` installs it if missing).
UV ?= $(or $(shell command -v uv 2>/dev/null),$(PYTHON) -m uv)
PYTEST_WORKERS ?= 2
# make faults: how many kill/restart cycles, and seconds of writes around each database restart.
FAULT_CYCLES ?= 5
FAULT_LOAD_S ?= 10
# make fuzz: schemathesis examples per operation (make test runs 5).
FUZZ_EXAMPLES ?= 100
# make load: concurrencies, seconds at each, and a running gateway to drive instead of starting one.
LOAD_USERS ?= 5,20,50
LOAD_STEP_S ?= 30
LOAD_URL ?=

.PHONY: help run demo test lint fmt migrate token admin db-stop clean uv sync bench faults load fuzz deploy-check

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

uv:
	@$(UV) --version >/dev/null 2>&1 || { \
		echo "uv not found: installing it with pip"; \
		$(PYTHON) -m pip install --quiet --user uv 2>/dev/null \
		|| $(PYTHON) -m pip install --quiet uv 2>/dev/null \
		|| $(PYTHON) -m pip install --quiet --user --break-system-packages uv; }

sync: uv
	@$(UV) sync --frozen

run: sync ## install, start the database, migrate, start the four services (demo data on the first start)
	@$(UV) run civil run

demo: sync ## start again from empty databases and load the tianmen-2020 demo dataset
	@$(UV) run civil run --demo

test: sync ## install and run every test against PostgreSQL (TEST_DATABASE_URL or embedded)
	@$(UV) run pytest -n $(PYTEST_WORKERS) --dist loadfile

acceptance: sync ## only the demo acceptance (part of make test): load the dataset, check every 2020 figure
	@$(UV) run pytest -v tests/test_demo_acceptance.py

lint: sync ## ruff, mypy and the import contracts
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run mypy
	$(UV) run lint-imports

fmt: sync ## format and fix what ruff can
	$(UV) run ruff format .
	$(UV) run ruff check --fix .

deploy-check: sync ## render and validate deploy/k8s, match it to the services, lint the Dockerfiles
	$(UV) run python deploy/check.py
	$(UV) run pytest -q -p no:cacheprovider deploy/tests

bench: sync ## run the benchmarks in bench/ (figures go to BENCHMARKS.md by hand)
	@for name in disbursement_run household_import high_age_run volunteer_import gateway_proxy dashboard; do echo "== bench/$$name.py"; $(UV) run python -m bench.$$name || exit 1; done

faults: sync ## the fault tests, longer: services killed and hung, PostgreSQL restarted under load
	@CIVIL_FAULT_CYCLES=$(FAULT_CYCLES) CIVIL_FAULT_LOAD_S=$(FAULT_LOAD_S) $(UV) run pytest -v -s tests/test_faults_service_down.py tests/test_faults_database_restart.py

fuzz: sync ## schemathesis over every operation of the four services, FUZZ_EXAMPLES each, with the coverage phase
	@CIVIL_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) CIVIL_FUZZ_PHASES=examples,coverage,fuzzing $(UV) run pytest -n $(PYTEST_WORKERS) --dist loadfile services/assistance/tests/test_fuzz.py services/welfare/tests/test_fuzz.py services/governance/tests/test_fuzz.py services/gateway/tests/test_fuzz.py

load: sync ## load test through the gateway (locust) at LOAD_USERS concurrencies; fails on any error
	@$(UV) run python -m bench.load --users $(LOAD_USERS) --step-s $(LOAD_STEP_S) $(if $(LOAD_URL),--url $(LOAD_URL)) $(if $(LOAD_SPAWN_RATE),--spawn-rate $(LOAD_SPAWN_RATE))

migrate: sync ## migrate every service's database to head
	@$(UV) run civil migrate

token: sync ## print a development token (ROLE=admin by default)
	@$(UV) run civil token --role $(or $(ROLE),admin)

admin: sync ## create a gateway administrator (USER_NAME=admin; password asked or CIVIL_ADMIN_PASSWORD)
	@$(UV) run civil create-admin --username $(or $(USER_NAME),admin)

db-stop: sync ## stop the embedded PostgreSQL
	@$(UV) run civil db-stop

clean: ## stop the embedded database and delete .data/
	-@$(UV) run civil db-stop 2>/dev/null
	rm -rf .data
