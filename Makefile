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

## bench: page timings over 100,000 deployments and the first-load weights, the engine's
## figures (promotion overhead, instant rollback, cloud calls per promotion), live fleet health
## (a 10,000-instance snapshot, calls per refresh), the live stream with 1,000 clients and
## the diff of two environments (500 config keys, 1,000 builds between)
bench: build
	scripts/bench.sh $(CARGO_TARGET_DIR)/release/greenlight
	cargo bench -p server --bench engine
	cargo bench -p server --bench fleet
	cargo bench -p server --bench diff
	scripts/bench_live.sh $(CARGO_TARGET_DIR)/release/greenlight
