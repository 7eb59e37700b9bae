#pragma once
// The commands of the distributed mode: api, worker, reconcile, migrate.
#include <filesystem>

#include "adapters/amqp/amqp_connection.hpp"
#include "adapters/postgres/pg_connection.hpp"
#include "adapters/redis/redis_connection.hpp"
#include "cmd/config.hpp"

namespace paredao {

// Each returns the process exit code; they run until SIGTERM/SIGINT (but migrate and
// reconcile --check, which finish by themselves).
int run_api(const ApiConfig& config, const std::filesystem::path& executable);
int run_worker(const WorkerConfig& config);
int run_reconcile(const ReconcileConfig& config);
int run_migrate(const MigrateConfig& config);

// Throws std::runtime_error unless the database has this binary's schema version.
void require_schema(pg::Connection& connection);

// Blocks SIGTERM and SIGINT in the calling thread and the threads it starts later, so that
// wait_for_stop_signal() can take them.
void block_stop_signals();
// Waits up to `timeout` for SIGTERM or SIGINT; true when one arrived.
bool wait_for_stop_signal(std::chrono::milliseconds timeout);
// Waits for SIGTERM or SIGINT.
void wait_for_stop_signal();

}  // namespace paredao
