# The platform's commands. `make run` and `make test` are the two that matter.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
# uv from PATH, else the one pip installs as a module (`make` installs it if missing).
UV ?= $(or $(shell command -v uv 2>/dev/null),$(PYTHON) -m uv)
PYTEST_WORKERS ?= 2

.PHONY: help run test lint fmt migrate token admin db-stop clean uv sync bench

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

run: sync ## install, start the database, migrate, start the four services
	@$(UV) run civil run

test: sync ## install and run every test against PostgreSQL (TEST_DATABASE_URL or embedded)
	@$(UV) run pytest -n $(PYTEST_WORKERS) --dist loadfile

lint: sync ## ruff, mypy and the import contracts
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run mypy
	$(UV) run lint-imports

fmt: sync ## format and fix what ruff can
	$(UV) run ruff format .
	$(UV) run ruff check --fix .

bench: sync ## run the benchmarks in bench/ (figures go to BENCHMARKS.md by hand)
	@for name in disbursement_run household_import high_age_run volunteer_import gateway_proxy; do echo "== bench/$$name.py"; $(UV) run python -m bench.$$name || exit 1; done

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
