# Paredão — the two commands of the README, and the steps they are made of.
#   make run    install what is missing, build, start the embedded mode on http://127.0.0.1:8080/
#   make test   install what is missing, build, run every test (unit, API, interop, browser)
.PHONY: run test deps test-deps build web unit-test node-test bench microbench clean

BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
DATA_DIR ?= var/data
JOBS ?= $(shell nproc)

run: deps build web
	./$(BUILD_DIR)/paredao serve --data-dir $(DATA_DIR) $(ARGS)

test: test-deps build web unit-test node-test

deps:
	@scripts/install-deps.sh

test-deps:
	@scripts/install-deps.sh --test

$(BUILD_DIR)/CMakeCache.txt:
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

build: $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j $(JOBS)

web:
	cd web && npm run build --silent

unit-test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) -L unit

node-test: build web
	cd tests && PAREDAO_BIN=$(CURDIR)/$(BUILD_DIR)/paredao node --test --test-concurrency=1

bench: test-deps build
	bench/http_bench.sh

microbench: build
	./$(BUILD_DIR)/bench/paredao_microbench

clean:
	rm -rf $(BUILD_DIR) web/dist
