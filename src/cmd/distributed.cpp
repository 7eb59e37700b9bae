#include "cmd/distributed.hpp"

#include <csignal>
#include <stdexcept>

#include "adapters/logging/json_log.hpp"
#include "adapters/postgres/pg_schema.hpp"

namespace paredao {

void require_schema(pg::Connection& connection) {
  const int version = pg::schema_version(connection);
  if (version < pg::latest_schema_version()) {
    throw std::runtime_error("the PostgreSQL schema is at version " + std::to_string(version) +
                             ", this binary needs " + std::to_string(pg::latest_schema_version()) +
                             ": run 'paredao migrate' first");
  }
}

namespace {
sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}
}  // namespace

void block_stop_signals() {
  const auto set = stop_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

bool wait_for_stop_signal(std::chrono::milliseconds timeout) {
  const auto set = stop_signals();
  const timespec limit{long(timeout.count() / 1000), long(timeout.count() % 1000) * 1000000};
  const int signal = sigtimedwait(&set, nullptr, &limit);
  if (signal > 0) log::info("stopping", {{"signal", signal}});
  return signal > 0;
}

void wait_for_stop_signal() {
  while (!wait_for_stop_signal(std::chrono::hours(1))) {
  }
}

}  // namespace paredao
