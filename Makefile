# labelchain — one entry point for setup, tests, synth and gates. Every target installs what it needs.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
CDK := node_modules/.bin/cdk

# Offline, quiet CDK/jsii: no telemetry, no notices, no version checks, no IMDS probing.
export CDK_DISABLE_CLI_TELEMETRY := true
export CDK_DISABLE_VERSION_CHECK := 1
export AWS_EC2_METADATA_DISABLED := true
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export JSII_RUNTIME_PACKAGE_CACHE_ROOT := $(CURDIR)/.cache/jsii
export npm_config_update_notifier := false
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: install test test-unit test-sandbox synth check lint typecheck cfn-lint asl demo bench clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

node_modules/.installed: package.json
	npm install --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed

## make test — the whole offline suite. Server-mode tests (a moto server on loopback) run in their own
## pytest processes: moto's backends are process-wide, and a mock_aws test would reset them under the server.
test: install
	$(BIN)/pytest tests --ignore=tests/sandbox/server --ignore=tests/e2e -q
	$(BIN)/pytest tests/sandbox/server -q
	@if [ -d tests/e2e ]; then $(BIN)/pytest tests/e2e -q; fi

test-unit: install
	$(BIN)/pytest tests/unit -q

## make synth — writes cdk.out/<stack>.template.json offline (validation plugin off; cfn-lint covers it)
synth: install
	$(CDK) synth --no-validation --quiet

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy stacks app.py
	$(BIN)/mypy lambdas/labelchain_fn

cfn-lint: synth
	$(BIN)/cfn-lint --ignore-checks W3005 -- cdk.out/*.template.json

asl: synth
	$(PY) scripts/render_asl.py
	$(BIN)/statelint --ignore=FLOAT build/asl.json
	node_modules/.bin/asl-validator --json-path build/asl.json

## make check — every gate: lint, types, tests, synth, cfn-lint, ASL validation
check: lint typecheck test cfn-lint asl

clean:
	rm -rf cdk.out build .pytest_cache .mypy_cache .ruff_cache
