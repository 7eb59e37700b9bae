# Paredão — the two commands of the README, and the steps they are made of.
#   make run    install what is missing, build, start the embedded mode on http://127.0.0.1:8080/
#   make test   install what is missing, build, start PostgreSQL, Redis and RabbitMQ on loopback,
#               run every test (unit, integration, API in both modes, faults, interop, browser)
#   make run-distributed / make stop   the distributed mode on this machine
.PHONY: run test deps test-deps build web lint unit-test node-test bench microbench fuzz sanitize clean \
        servers integration-test node-test-distributed fault-test run-distributed stop \
        bench-distributed bench-edge bench-bots bench-tracing rules-test

BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
DATA_DIR ?= var/data
JOBS ?= $(shell nproc)

run: deps build web
	./$(BUILD_DIR)/paredao serve --data-dir $(DATA_DIR) $(ARGS)

test: test-deps build web lint unit-test rules-test node-test servers integration-test node-test-distributed \
      fault-test

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

# clang-format and clang-tidy (.clang-format, .clang-tidy): any finding fails.
lint: build
	BUILD_DIR=$(BUILD_DIR) JOBS=$(JOBS) scripts/lint.sh

unit-test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) -L unit

# The monitoring's own files: Prometheus' configuration and rules (every alert's promtool tests),
# Alertmanager's configuration.
rules-test: test-deps
	promtool check config deploy/prometheus/prometheus.yml
	cd deploy/prometheus/tests && promtool test rules *.test.yml
	amtool check-config deploy/alertmanager/alertmanager.yml

node-test: build web
	cd tests && PAREDAO_BIN=$(CURDIR)/$(BUILD_DIR)/paredao node --test --test-concurrency=1 \
	  api/ interop/ browser/ ops/

# The servers of the distributed mode, as local processes on loopback (deploy/local/servers.sh).
SERVERS_ENV = eval "$$(deploy/local/servers.sh env | sed 's/^/export /')"
servers: test-deps
	deploy/local/servers.sh start

integration-test: build servers
	$(SERVERS_ENV) && cd $(BUILD_DIR) && ctest --output-on-failure -L "^(postgres|redis|rabbitmq)$$"

# The same black-box API suite, against a distributed stack per file (2 api copies behind HAProxy,
# worker, reconciler); the embedded-only files (restart durability, serve's command line) apart.
DISTRIBUTED_API_TESTS = $(filter-out api/durability.test.mjs api/serve_cli.test.mjs \
                          api/connection_caps.test.mjs api/data_dir_faults.test.mjs, \
                          $(patsubst tests/%,%,$(wildcard tests/api/*.test.mjs)))
node-test-distributed: build web servers
	$(SERVERS_ENV) && cd tests && PAREDAO_MODE=distributed PAREDAO_BIN=$(CURDIR)/$(BUILD_DIR)/paredao \
	  node --test --test-concurrency=1 $(DISTRIBUTED_API_TESTS)

fault-test: build servers
	$(SERVERS_ENV) && cd tests && PAREDAO_MODE=distributed PAREDAO_BIN=$(CURDIR)/$(BUILD_DIR)/paredao \
	  node --test --test-concurrency=1 distributed/

run-distributed: test-deps build web
	deploy/local/stack.sh start

stop:
	deploy/local/stack.sh stop

bench: test-deps build
	bench/http_bench.sh

bench-distributed: test-deps build
	bench/distributed_bench.sh

# What a bot farm on one core gets at the defaults, from 1, 16 and 256 networks, beside a fan.
bench-bots: test-deps build
	bench/bots_bench.sh

# Tracing's cost: votes/s without export, exported at the default ratio, and everything sampled.
bench-tracing: test-deps build
	bench/tracing_bench.sh

# The edge's cost: defences on (many networks through a trusted proxy) against off, same run.
bench-edge: test-deps build
	bench/edge_bench.sh

microbench: build
	./$(BUILD_DIR)/bench/paredao_microbench

# libFuzzer (clang) on the parsers of untrusted input, FUZZ_SECONDS each.
FUZZ_SECONDS ?= 60
fuzz:
	@scripts/install-deps.sh --fuzz
	CC=clang CXX=clang++ cmake -S . -B build-fuzz -DPAREDAO_FUZZ_ONLY=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build build-fuzz -j $(JOBS)
	for target in fuzz_altcha_verify fuzz_new_poll fuzz_rfc3339 fuzz_proxy_header; do \
	  mkdir -p build-fuzz/corpus/$$target && \
	  ./build-fuzz/tests/fuzz/$$target -max_total_time=$(FUZZ_SECONDS) \
	    build-fuzz/corpus/$$target tests/fuzz/seeds/$$target || exit 1; \
	done

# The whole test suite against a build with AddressSanitizer and UndefinedBehaviorSanitizer: unit,
# adapters, the API in both modes, faults and shutdowns.
SANITIZERS = ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1
sanitize: test-deps web servers
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DPAREDAO_BUILD_BENCH=OFF \
	  -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -O1"
	cmake --build build-asan -j $(JOBS)
	cd build-asan && ctest --output-on-failure -j $(JOBS) -L unit
	$(SERVERS_ENV) && cd build-asan && $(SANITIZERS) ctest --output-on-failure -L "^(postgres|redis|rabbitmq)$$"
	cd tests && $(SANITIZERS) PAREDAO_BIN=$(CURDIR)/build-asan/paredao \
	  node --test --test-concurrency=1 api/ interop/ browser/
	$(SERVERS_ENV) && cd tests && $(SANITIZERS) PAREDAO_MODE=distributed \
	  PAREDAO_BIN=$(CURDIR)/build-asan/paredao node --test --test-concurrency=1 \
	  $(DISTRIBUTED_API_TESTS) distributed/

clean:
	rm -rf $(BUILD_DIR) build-asan build-fuzz web/dist
