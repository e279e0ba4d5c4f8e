# Set-up, checks and the demo. Every target installs what it needs, idempotently.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SHARED := ../shared

# command:debian-package pairs the tests need; installed only when the command is missing.
DEBIAN_NEEDS := git:git promtool:prometheus chromium:chromium
# PostgreSQL's server programs live in /usr/lib/postgresql/<major>/bin, off PATH, so they are
# found there (the test fixture looks in the same place).
PG_BIN_GLOB := /usr/lib/postgresql/*/bin/initdb

.PHONY: install demo test lint bench fuzz clean

install: $(STAMP)
	@for pair in $(DEBIAN_NEEDS); do \
		cmd=$${pair%%:*}; pkg=$${pair##*:}; \
		if ! command -v $$cmd >/dev/null 2>&1; then \
			echo "installing Debian package $$pkg"; \
			(apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
				apt-get install -y -qq --no-install-recommends $$pkg) >/dev/null || exit 1; \
		fi; \
	done
	@if ! ls $(PG_BIN_GLOB) >/dev/null 2>&1; then \
		echo "installing Debian package postgresql"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq --no-install-recommends postgresql) >/dev/null || exit 1; \
	fi

$(STAMP): pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@touch $(STAMP)

demo: install
	@echo "== inventory of examples/ (the good example repository) =="
	$(VENV)/bin/gitops-schema inventory examples --exclude seed-as-written
	@echo
	@echo "== inventory of examples/seed-as-written/ (the seed's YAML, defects included) =="
	@$(VENV)/bin/gitops-schema inventory examples/seed-as-written; \
		status=$$?; [ $$status -le 1 ] || exit $$status
	@echo
	@echo "== the Applications the ApplicationSets of examples/ generate, per cluster =="
	$(VENV)/bin/gitops-schema appset generate examples/argocd examples/case3 --repo examples \
		--scm-data examples/offline/pull-requests.json --scm-data examples/offline/scm-repos.json \
		--decision-resources examples/offline/placement-decision.yaml -o table
	@echo
	@echo "== check examples/ (expected: no errors, no warnings) =="
	$(VENV)/bin/gitops-schema check examples --exclude seed-as-written \
		--scm-data examples/offline/pull-requests.json --scm-data examples/offline/scm-repos.json
	@echo
	@echo "== render examples/: the desired state of every cluster, into .demo/rendered/ =="
	rm -rf .demo/rendered
	$(VENV)/bin/gitops-schema render examples --exclude seed-as-written -o .demo/rendered \
		--scm-data examples/offline/pull-requests.json --scm-data examples/offline/scm-repos.json; \
		status=$$?; [ $$status -le 1 ] || exit $$status; \
		echo "(the SCM-discovered repositories are not in examples/: their three apps say so)"
	@echo
	@echo "== envdiff: payment-service across dev, test, staging and prod =="
	$(VENV)/bin/gitops-schema envdiff examples --exclude seed-as-written --app payment-service 2>/dev/null
	@echo
	@echo "== check examples/seed-as-written/ (expected: every defect of SEED.md) =="
	@$(VENV)/bin/gitops-schema check examples/seed-as-written --clusters examples/argocd/clusters; \
		status=$$?; [ $$status -le 1 ] || exit $$status; \
		echo "(exit status $$status: 1 means findings of severity error, as expected here)"
	@echo
	@echo "== a simulated history of examples/ (Argo CD and Flux deliveries) in .demo/history.db =="
	rm -f .demo/history.db
	$(VENV)/bin/gitops-schema demo examples --db sqlite:///.demo/history.db
	@echo "(gitops-schema serve --demo serves the dashboard over it)"

lint: install
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks
	$(VENV)/bin/mypy --strict src
	$(VENV)/bin/lint-imports

test: install lint
	$(VENV)/bin/pytest

# Every parser fed over a million generated inputs (tests/fuzz; `make test` runs them briefly).
FUZZ_EXAMPLES ?= 8000
fuzz: install
	GITOPS_SCHEMA_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) GITOPS_SCHEMA_FUZZ_MIN=1000000 \
		$(VENV)/bin/pytest tests/fuzz -q

bench: install
	@for script in benchmarks/*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache build dist
