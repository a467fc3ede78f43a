# Ferry — a Kafka Connect worker with MirrorMaker 2 built in.
# `make help` lists the targets.

GO        ?= go
BIN       := bin
GOLANGCI  := github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v2.15.0
TEST_FLAGS ?= -race -count=1 -timeout 20m

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

.PHONY: test
test: ## Run every test (unit and end-to-end against in-process Kafka) with the race detector
	$(GO) test $(TEST_FLAGS) ./...

.PHONY: lint
lint: ## gofmt check, go vet and golangci-lint (pinned; fetched by go run)
	@out=$$(gofmt -l $$(git ls-files -co --exclude-standard '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(GOLANGCI) run ./...

.PHONY: fmt
fmt: ## Format the code
	gofmt -w $$(git ls-files -co --exclude-standard '*.go')

.PHONY: clean
clean: ## Remove build output
	rm -rf $(BIN)
