# Waiter - developer entry points. `make dev` serves the API locally; `make test` runs every check CI runs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Python 3.13 is what Lambda runs; find it on PATH or under pyenv, and say so clearly when there is none.
PYTHON313 ?= $(shell for p in $$(command -v python3.13) $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.13*/bin/python3.13 2>/dev/null | sort -rV); do \
  "$$p" -c 'import sys; assert sys.version_info[:2] == (3, 13)' 2>/dev/null && { echo "$$p"; break; }; done)
VENV := .venv
SAM_VENV := .venv-sam
CHECKOV_VENV := .venv-checkov
PY := $(VENV)/bin/python
SAM := $(SAM_VENV)/bin/sam
ENV ?= dev
PORT ?= 3000
FN ?=
EVENT ?=
REGION ?= us-east-1
WEB_CLIENT ?=
PAYMENTS_KEY ?=
STAMP := $(VENV)/.installed

.PHONY: help dev test lint typecheck unit validate checkov fuzz build deploy invoke openapi openapi-check wsdl wsdl-check asyncapi asyncapi-check clean python313

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

python313:
	@test -n "$(PYTHON313)" && "$(PYTHON313)" -c 'import sys; assert sys.version_info[:2] == (3, 13)' 2>/dev/null || { \
	  echo "error: Python 3.13 not found (Lambda runs python3.13). Install it (e.g. 'pyenv install 3.13') or set PYTHON313=/path/to/python3.13." >&2; exit 1; }

$(STAMP): requirements-dev.txt layers/common/requirements.txt | python313
	@test -x $(PY) || "$(PYTHON313)" -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	@touch $@

$(SAM_VENV)/.installed: | python313
	@test -x $(SAM_VENV)/bin/python || "$(PYTHON313)" -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/pip install -q --disable-pip-version-check aws-sam-cli==1.170.0
	@touch $@

# checkov pins many dependencies of its own, so it gets its own environment (like SAM CLI).
$(CHECKOV_VENV)/.installed: | python313
	@test -x $(CHECKOV_VENV)/bin/python || "$(PYTHON313)" -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install -q --disable-pip-version-check checkov==3.3.30
	@touch $@

dev: $(STAMP) ## serve the API on http://127.0.0.1:$(PORT) (WebSocket: ws://127.0.0.1:PORT+1, web client: http://127.0.0.1:PORT+2/) over an embedded moto, with demo data
	$(PY) -m local.graphiql
	$(PY) -m local.gateway --port $(PORT)

invoke: $(STAMP) ## run one function with an event, no Docker (stream, queue and schedule functions too): make invoke FN=<LogicalId> EVENT=events/<file>.json
	@test -n "$(FN)" -a -n "$(EVENT)" || { echo "usage: make invoke FN=<LogicalId> EVENT=events/<file>.json" >&2; exit 2; }
	$(PY) -m local.invoke $(FN) $(EVENT)

openapi: $(STAMP) ## regenerate openapi.json from the handlers
	$(PY) -m local.openapi

openapi-check: $(STAMP)
	$(PY) -m local.openapi --check

wsdl: $(STAMP) ## regenerate wsdl/pos.wsdl from the SOAP contract (waiter.adapters.soap.pos)
	$(PY) -m local.wsdl

wsdl-check: $(STAMP)
	$(PY) -m local.wsdl --check

asyncapi: $(STAMP) ## regenerate asyncapi.yaml from the domain event models
	$(PY) -m local.asyncapi

asyncapi-check: $(STAMP)
	$(PY) -m local.asyncapi --check

lint: $(STAMP) ## ruff (lint + format check)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(STAMP) ## mypy, strict
	$(VENV)/bin/mypy layers/common/waiter functions local tests bench

validate: $(STAMP) $(SAM_VENV)/.installed ## the template gate: sam validate --lint and cfn-lint with serverless rules
	SAM_CLI_TELEMETRY=0 AWS_DEFAULT_REGION=us-east-1 $(SAM) validate --lint --template template.yaml
	$(VENV)/bin/cfn-lint template.yaml -a cfn_lint_serverless.rules

# Offline: --skip-download keeps checkov from fetching guidelines and policy metadata from its vendor's platform,
# CKV_SKIP_PACKAGE_UPDATE_CHECK from asking PyPI for a newer checkov. A skip is only allowed with its reason next to
# it in template.yaml (docs/deploy.md lists them; tests/contract/test_template.py checks that each has one).
checkov: $(CHECKOV_VENV)/.installed ## checkov on template.yaml: no failed check
	CKV_SKIP_PACKAGE_UPDATE_CHECK=true $(CHECKOV_VENV)/bin/checkov -f template.yaml --framework cloudformation \
	  --quiet --compact --skip-download

fuzz: $(STAMP) openapi-check ## Schemathesis on a local gateway with openapi.json (stateful phase on), as customer, staff, anonymous and admin
	$(PY) -m local.fuzz

build: $(STAMP) $(SAM_VENV)/.installed openapi-check ## sam build (needs python3.13 on PATH, found above)
	SAM_CLI_TELEMETRY=0 PATH="$(dir $(PYTHON313)):$$PATH" $(SAM) build --template template.yaml
	@# the layer: waiter + dependencies for arm64 with unchecked-hash bytecode; each function: its handler only
	$(PY) -m local.build_check .aws-sam/build

deploy: build ## sam build + sam deploy + publish web/: make deploy ENV=dev|prod [WEB_CLIENT=true] [PAYMENTS_KEY=pk_...]
	@case "$(ENV)" in dev|prod) ;; *) echo "error: ENV must be dev or prod (samconfig.toml), not '$(ENV)'" >&2; exit 2;; esac
	SAM_CLI_TELEMETRY=0 $(SAM) deploy --config-env $(ENV) \
	  $(if $(WEB_CLIENT),--parameter-overrides Environment=$(ENV) WebClient=$(WEB_CLIENT))
	@# web/ to the stack's bucket with a config.json from its outputs, then a CloudFront invalidation (no-op without one)
	$(PY) -m local.publish_web --stack waiter-$(ENV) --region $(REGION) --payments-key "$(PAYMENTS_KEY)"

# loadgroup: the browser tests (tests/web, one xdist group) share one worker, one gateway and one Chromium
unit: $(STAMP) ## the test suite only (unit, handler, contract, local-gateway end-to-end and browser tests)
	$(PY) -m local.graphiql
	$(PY) -m pytest -n 2 --dist loadgroup -q

test: lint typecheck openapi-check wsdl-check asyncapi-check validate checkov build unit fuzz ## everything CI runs

clean: ## remove build output and caches
	rm -rf .aws-sam .pytest_cache .mypy_cache .ruff_cache

.PHONY: bench
bench: $(STAMP) $(SAM_VENV)/.installed ## performance budgets P1-P6 -> reports/bench.md, bench.json (BENCH_ARGS="--quick --only P1,P3")
	$(PY) -m bench $(BENCH_ARGS)
