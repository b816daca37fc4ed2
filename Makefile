# The README's two set-up commands are `make generate` and `make test`; both bootstrap .venv themselves.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
CONFIG ?= config
OUTPUT ?= generated

.PHONY: generate check validate test bench clean conformance conformance-build oracle-build mutation planted

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the package metadata changes; the install is editable, so code edits need none.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

generate: $(VENV)/.installed
	$(BIN)/mirrorgen generate --config $(CONFIG) --output $(OUTPUT)

check: $(VENV)/.installed
	$(BIN)/mirrorgen check --config $(CONFIG) --output $(OUTPUT)

validate: $(VENV)/.installed
	$(BIN)/mirrorgen validate --config $(CONFIG)

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis

# Scale benchmark (issue 6): synthetic inventories of 1k/10k/100k lines against a floor; prints a table and
# writes .cache/bench/results.json. Takes a few minutes. BENCH_ARGS="--sizes 1000 10000 --repeat 3" for less.
bench: $(VENV)/.installed
	$(BIN)/python benchmarks/bench.py $(BENCH_ARGS)

# Prow's own code judges an output tree (tests/conformance, README "Conformance with Prow"). Go's module and build
# caches live under .cache/go, so only the first build downloads and compiles Prow (minutes); later ones take
# seconds. GOTOOLCHAIN=local: build with the machine's Go, never fetch another.
GO ?= $(shell command -v go 2>/dev/null || echo /usr/local/go/bin/go)
# GO_CACHE: the copies `make mutation` and `make planted` test in share the repository's caches through it.
GO_CACHE ?= $(CURDIR)/.cache/go
GO_ENV := GOMODCACHE=$(GO_CACHE)/mod GOCACHE=$(GO_CACHE)/build GOPATH=$(GO_CACHE)/path \
	GOFLAGS=-modcacherw GOTOOLCHAIN=local
CONFORMANCE := .cache/conformance/conformance

conformance-build:
	cd tests/conformance && $(GO_ENV) nice -n 19 $(GO) build -o $(CURDIR)/$(CONFORMANCE) .

# The go-yaml v2 and robfig/cron oracle beside the harness (tests/conformance/oracle; tests/test_go_yaml_oracle.py).
ORACLE := .cache/conformance/oracle

oracle-build:
	cd tests/conformance && $(GO_ENV) nice -n 19 $(GO) build -o $(CURDIR)/$(ORACLE) ./oracle

conformance: conformance-build
	$(CONFORMANCE) --output $(OUTPUT)

$(VENV)/.installed-mutation: pyproject.toml $(VENV)/.installed-test
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,mutation]'
	touch $@

# Mutation testing (issue 18): mutmut over the core modules, one module at a time, each judged by its own tests
# (tests/mutation/run.py); prints a score per module and fails below 85 %. Tens of minutes on two cores, so it is
# not part of .ci/run. MODULES="refs cron" runs some; JOBS=1 runs one mutant at a time (default: one per core); the
# survivors of each module are in .cache/mutation/<module>/.
mutation: $(VENV)/.installed-mutation
	$(BIN)/python tests/mutation/run.py $(if $(JOBS),--jobs $(JOBS)) $(MODULES)

# The audit's seven bugs (issue 18), planted one at a time in a copy; the tests named for each must fail. Minutes.
planted: $(VENV)/.installed-test
	$(BIN)/python tests/mutation/planted.py
