# rsguard — `make test` is the one command that runs every test.
GO       ?= go
PKGS     ?= ./...
TESTFLAGS ?=

.PHONY: all build test test-deps lint demo bench soak bench-rs

include Makefile.proto

all: build

build:
	$(GO) build ./...

test-deps:
	./scripts/install-test-deps.sh

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go') | grep -v '\.pb\.go$$' || true); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

# Installs missing test dependencies (as root), checks formatting, vet and
# generated code, then runs every test with the race detector.
test: test-deps lint proto-check
	$(GO) test -race -count=1 -timeout 30m $(TESTFLAGS) $(PKGS)

demo:
	$(GO) run ./cmd/rsguard demo

bench: soak
	RSGUARD_REQUIRE_SPEAKERS=1 $(GO) test -run '^$$' -bench . -count 3 $(PKGS)

# The soak test for 10 minutes of churn instead of the 40 s `make test` runs.
soak:
	RSGUARD_REQUIRE_SPEAKERS=1 RSGUARD_SOAK=10m $(GO) test -race -count=1 -timeout 30m -run '^TestSoak$$' -v ./daemon

# Route-server benchmark: rsguard against BIRD 2, gobgpd and OpenBGPD with
# equivalent filters (see README, "Performance benchmark"). Installs the
# other daemons first. Pick the scenario with RSBENCH_FLAGS, e.g.
#   make bench-rs RSBENCH_FLAGS='-size ixp -runs 5'
RSBENCH_FLAGS ?= -size medium -runs 3
bench-rs:
	./scripts/install-bench-deps.sh
	$(GO) run ./cmd/rsbench $(RSBENCH_FLAGS)
