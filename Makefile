# The two commands: `make run` and `make test`. Everything else is what they call.
.PHONY: run test build tools bench

export CARGO_TARGET_DIR ?= $(HOME)/.cache/greenlight/target
TOOLS_PATH := $(HOME)/.cache/greenlight/tools/bin:$(HOME)/.cache/greenlight/tools/node_modules/.bin

## run: install what is missing, build in release mode, serve http://127.0.0.1:3000
run: build
	$(CARGO_TARGET_DIR)/release/greenlight serve

## build: the release binary with its site embedded
build: tools
	PATH="$(TOOLS_PATH):$$PATH" cargo leptos build --release --split --precompress

tools:
	scripts/tools.sh

## test: everything CI runs
test:
	scripts/test.sh

## bench: over 1,000,000 deployments on SQLite, then on a throwaway PostgreSQL: page timings
## and first-load weights, every history filter with its plan, pages under 50 concurrent
## clients beside a static file of their size, and memory; then the engine's figures
## (promotion overhead, instant rollback, cloud calls per promotion), live fleet health (a
## 10,000-instance snapshot, calls per refresh), the live stream with 1,000 clients, and the
## diff of two environments (500 config keys, 1,000 builds between)
bench: build
	scripts/tools.sh --with-bench
	PATH="$(TOOLS_PATH):$$PATH" BENCH_ROWS=1000000 scripts/bench.sh $(CARGO_TARGET_DIR)/release/greenlight
	pg="$$(mktemp -d)/pg"; url="$$(scripts/pg.sh start "$$pg" | tail -1)"; \
	  PATH="$(TOOLS_PATH):$$PATH" BENCH_ROWS=1000000 BENCH_DATABASE_URL="$$url" scripts/bench.sh $(CARGO_TARGET_DIR)/release/greenlight; \
	  status=$$?; scripts/pg.sh stop "$$pg"; exit $$status
	cargo bench -p server --bench engine
	cargo bench -p server --bench fleet
	cargo bench -p server --bench diff
	scripts/bench_live.sh $(CARGO_TARGET_DIR)/release/greenlight
