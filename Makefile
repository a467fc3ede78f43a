# Ferry — a Kafka Connect worker with MirrorMaker 2 built in.
# `make help` lists the targets.

GO        ?= go
BIN       := bin
GOLANGCI  := github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v2.15.0
# The real-Kafka end-to-end package took 1,189 s of a 20-minute limit on the
# 2-core CI machine (2026-12-03), and one run went past it: 30 minutes.
TEST_FLAGS ?= -race -count=1 -timeout 30m

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-18s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: build
build: ## Build connect-distributed and connect-mirror-maker into bin/
	$(GO) build -trimpath -o $(BIN)/ ./cmd/connect-distributed ./cmd/connect-mirror-maker

.PHONY: run
run: build ## Start the embedded demo: two in-process Kafka clusters, a worker, data flowing (Ctrl-C stops)
	./$(BIN)/connect-mirror-maker --embedded

# The integration suite: the end-to-end suites against real Apache Kafka
# brokers, the hand-over tests with the real Java Connect worker, and the
# harness's own tests. It needs Java 17+ and Maven (test/kafkaharness).
INTEGRATION_PKGS := ./test/e2e/ ./test/kafkaharness/...

.PHONY: test
test: ## Every test: unit and end-to-end on in-process Kafka, then the integration suite on real Kafka (if Java and Maven are here)
	FERRY_SKIP_KAFKA=1 $(GO) test $(TEST_FLAGS) ./...
	@if command -v java >/dev/null 2>&1 && command -v mvn >/dev/null 2>&1; then \
		$(MAKE) --no-print-directory test-integration; \
	else \
		echo ""; \
		echo "******************************************************************"; \
		echo "*** SKIPPED the integration suite (real Apache Kafka, Java Connect):"; \
		echo "*** java and mvn are needed on PATH. Run 'make test-integration' where they are."; \
		echo "******************************************************************"; \
	fi

.PHONY: test-integration
test-integration: ## Only the integration suite: e2e on real Apache Kafka, hand-over to and from Java Connect
	FERRY_REQUIRE_KAFKA=1 FERRY_TEST_KAFKA=real $(GO) test $(TEST_FLAGS) $(INTEGRATION_PKGS)

# The benchmark (test/bench, docs/benchmarks.md): Ferry's connect-mirror-maker,
# built by the test with go build -trimpath (no -race), against Java's
# MirrorMaker 2 and a null pipeline. FERRY_BENCH_* variables tune it, e.g.
# FERRY_BENCH_SCALE=0.1 for a short run; the JSON report goes to
# test/bench/results/ (FERRY_BENCH_OUT).
.PHONY: bench
bench: ## Benchmark Ferry vs Java MirrorMaker 2 vs a null pipeline on real Kafka 4.3.1, three rounds (about 13 min; Java 17+ and Maven)
	FERRY_BENCH=1 FERRY_REQUIRE_KAFKA=1 FERRY_BENCH_GO=$(GO) $(GO) test -count=1 -timeout 90m -run '^TestBenchmarkMirrorMaker$$' -v ./test/bench/

.PHONY: bench-quick
bench-quick: ## Quick benchmark for regressions: Ferry and the null pipeline on in-process kfake clusters (about 1 min)
	FERRY_BENCH=1 FERRY_BENCH_GO=$(GO) $(GO) test -count=1 -timeout 15m -run '^TestBenchmarkQuick$$' -v ./test/bench/

.PHONY: lint
lint: ## gofmt check, go vet and golangci-lint (pinned; fetched by go run)
	@out=$$(gofmt -l $$(git ls-files -co --exclude-standard '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(GOLANGCI) run ./...
	@if command -v shellcheck >/dev/null 2>&1; then shellcheck .ci/run docs/ops/*.sh; \
	else echo "*** shellcheck not installed: docs/ops scripts NOT checked (CI installs it) ***"; fi

.PHONY: fmt
fmt: ## Format the code
	gofmt -w $$(git ls-files -co --exclude-standard '*.go')

.PHONY: clean
clean: ## Remove build output
	rm -rf $(BIN)
