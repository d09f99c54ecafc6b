# budgetbeheer — the two commands a new user needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 5000
# two workers (pytest-xdist): the machines here have 2 cores; `make test PYTEST_ARGS=` runs serially
PYTEST_ARGS ?= -n 2

.PHONY: run test check-fast install system-deps lint lint-imports typecheck deptry migration-check bandit pip-audit benchmark bench_runs clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

## make run: set up, migrate the SQLite database under instance/, load demo data, serve on http://127.0.0.1:5000
run: $(STAMP)
	BUDGETBEHEER_ENV=development $(BIN)/budgetbeheer db upgrade
	BUDGETBEHEER_ENV=development $(BIN)/budgetbeheer demo > /dev/null
	@echo ""
	@echo "budgetbeheer runs on http://$(HOST):$(PORT)"
	@echo "Demo log-ins (password for all: demo-wachtwoord):"
	@echo "  klantmanager, klantmanager2 (caseworker), financien, financien2 (finance),"
	@echo "  teamleider (supervisor), accountant (accountant), beheerder (admin)"
	@echo ""
	BUDGETBEHEER_ENV=development $(BIN)/budgetbeheer serve --host $(HOST) --port $(PORT)

## make test: set up (Chromium, hledger and ledger, the test OIDC provider included when missing) and run every test
test: $(STAMP) system-deps
	$(BIN)/pytest $(PYTEST_ARGS)

system-deps:
	@bash scripts/ensure_system_packages.sh
	@bash scripts/ensure_npm_test_packages.sh

## make check-fast: ruff, the layer contract, mypy, deptry, the migration check, bandit and pip-audit (about a minute)
check-fast: $(STAMP) lint lint-imports typecheck deptry migration-check bandit pip-audit

lint:
	$(BIN)/ruff check budgetbeheer tests benchmarks scripts migrations/env.py setup.py

# the layers of docs/architecture.md and no import cycles ([tool.importlinter] in pyproject.toml)
lint-imports:
	$(BIN)/lint-imports

typecheck:
	$(BIN)/mypy

# every import declared in pyproject.toml, every declared dependency used ([tool.deptry])
deptry:
	$(BIN)/deptry .

# security lint ([tool.bandit] in pyproject.toml: what is skipped and why)
bandit:
	$(BIN)/bandit -q -c pyproject.toml -r budgetbeheer

# known vulnerabilities in the installed packages (scripts/pip_audit.sh: what it does where the service is out of reach)
pip-audit:
	@bash scripts/pip_audit.sh $(BIN)

migration-check:
	@tmp=$$(mktemp -d) && BUDGETBEHEER_ENV=test BUDGETBEHEER_DATABASE_URL=sqlite:///$$tmp/check.sqlite3 \
		$(BIN)/budgetbeheer db upgrade >/dev/null && BUDGETBEHEER_ENV=test \
		BUDGETBEHEER_DATABASE_URL=sqlite:///$$tmp/check.sqlite3 $(BIN)/budgetbeheer db check; \
		status=$$?; rm -rf $$tmp; exit $$status

## make benchmark [HOUSEHOLDS=2000] [BENCH_URL=postgresql://...]: every benchmark (never part of make test);
## fewer households is a quick run (results under benchmarks/results/quick/)
HOUSEHOLDS ?= 50000
BENCH_URL ?=
benchmark: $(STAMP)
	$(BIN)/python benchmarks/run_all.py --households $(HOUSEHOLDS) $(if $(BENCH_URL),--database-url $(BENCH_URL))

bench_runs: $(STAMP)
	$(BIN)/python benchmarks/bench_runs.py --households $(HOUSEHOLDS) $(if $(BENCH_URL),--database-url $(BENCH_URL))

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache
