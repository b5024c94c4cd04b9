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
export JSII_RUNTIME_PACKAGE_CACHE_ROOT := $(CURDIR)/.cache/jsii
export npm_config_update_notifier := false
export PYTHONDONTWRITEBYTECODE := 1
# The pinned Node 22 (npm package `node`) first: the CDK CLI and jsii (the Python CDK app, the stack tests)
# run on a Node release jsii supports, whatever Node the machine has (Node 20 is past jsii's support).
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)

.PHONY: install test test-unit test-fast test-sandbox synth check lint typecheck cfn-lint asl demo bench faults sandbox clean

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

## make test-fast — the inner loop: pure core, handlers and the stack's template (no sandbox, no CLI), ~1 min
test-fast: install
	$(BIN)/pytest tests/unit/core tests/unit/lambdas tests/unit/stacks -q

## make synth — writes cdk.out/<stack>.template.json offline (validation plugin off; cfn-lint covers it)
synth: install
	$(CDK) synth --no-validation --quiet

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy stacks app.py
	$(BIN)/mypy lambdas/labelchain_fn
	$(BIN)/mypy sandbox labelchain_cli bench demo
	$(BIN)/mypy scripts

cfn-lint: synth
	$(BIN)/cfn-lint --ignore-checks W3005 -- cdk.out/*.template.json

asl: synth
	$(PY) scripts/render_asl.py
	$(BIN)/statelint --ignore=FLOAT build/asl.json
	node_modules/.bin/asl-validator --json-path build/asl.json

## make check — every gate: lint, types, tests, synth, cfn-lint, ASL validation
check: lint typecheck test cfn-lint asl

## make demo — offline, one command: synth, start the sandbox, deploy, replay the AWS blog's warm-start
## experiment on 2,500 generated images; prints the comparison, writes demo-output/ (result.json, report/)
demo: synth
	$(PY) -m demo

## make sandbox — the offline sandbox in the foreground, for your own commands (AWS CLI, boto3, `cdk deploy`):
## synthesizes cdk.out when the app changed, starts the sandbox, deploys cdk.out and prints the `export` lines
## for another shell (endpoint, fake credentials, region); Ctrl-C stops it. SANDBOX_DEPLOY=0 starts it empty
## (then `cdk bootstrap` and `cdk deploy` from the other shell); options via SANDBOX_ARGS, e.g.
## `make sandbox SANDBOX_ARGS="--port 4566 --cold-starts"` (python -m sandbox --help lists them)
SANDBOX_DEPLOY ?= 1
APP_SOURCES := app.py cdk.json $(shell find stacks lambdas -type f \( -name '*.py' -o -name '*.html' \) 2>/dev/null)

cdk.out/manifest.json: $(APP_SOURCES) | install
	$(CDK) synth --no-validation --quiet

sandbox: install $(if $(filter 0,$(SANDBOX_DEPLOY)),,cdk.out/manifest.json)
	$(PY) -m sandbox $(if $(filter 0,$(SANDBOX_DEPLOY)),,--deploy cdk.out) $(SANDBOX_ARGS)

## make bench — figures next to their goals (orchestration cost, latency, manifest throughput, cold start,
## developer loop); writes bench/results.json and the Performance section of README.md. Options via
## BENCH_ARGS, e.g. `make bench BENCH_ARGS=--quick` (no `make test`, 30-day polling run extrapolated)
bench: install
	$(PY) bench/run_all.py $(BENCH_ARGS)

## make faults — the fault sweep: every call site of every handler x (transient error, crash, timeout) in two
## scenarios, plus 50 random double faults (seeded), each run checked against the pipeline's invariants; prints
## the site x fault table, writes build/fault-sweep.json, fails on any violation. Options via FAULTS_ARGS,
## e.g. `make faults FAULTS_ARGS="--only main/record/invoke/crash"` or `FAULTS_ARGS="--seed 7"`
faults: install
	$(PY) -m tests.faults.sweep $(FAULTS_ARGS)

## make scan — security gates: cdk-nag (synth fails on an unacknowledged finding), checkov on the synthesized
## templates with the justified skips of security/checkov.yaml, and the secrets/IAM contract tests
SCAN_VENV := .venv-scan
SCAN_PINS = $(shell $(PYTHON) -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]["scan"])')

$(SCAN_VENV)/.installed: pyproject.toml
	test -x $(SCAN_VENV)/bin/python || $(PYTHON) -m venv $(SCAN_VENV)
	$(SCAN_VENV)/bin/pip install -q $(SCAN_PINS)
	touch $@

.PHONY: scan
scan: synth $(SCAN_VENV)/.installed
	$(SCAN_VENV)/bin/checkov --config-file security/checkov.yaml $(addprefix -f ,$(wildcard cdk.out/*.template.json))
	$(BIN)/pytest tests/reliability/test_security.py tests/reliability/test_iam_contract.py -q

clean:
	rm -rf cdk.out build .pytest_cache .mypy_cache .ruff_cache
