#pragma once
// Keeps an api copy's in-memory PollCatalog equal to the polls in PostgreSQL, and lets a copy
// that changed a poll wait until every live copy shows the change ("status changes show at once
// on every route", whichever copy the load balancer picks).
#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>

#include "adapters/postgres/pg_connection.hpp"
#include "app/poll_catalog.hpp"

namespace paredao {

struct CatalogSyncSettings {
  std::string url;
  std::string instance_id;  // unique per process
  // A copy reports at least this often; one silent for `live_for` is taken as gone.
  std::chrono::milliseconds heartbeat{500};
  std::chrono::milliseconds live_for{3000};
  // The longest an admin change waits for the other copies.
  std::chrono::milliseconds wait_limit{3000};
};

class PgCatalogSync {
 public:
  // Loads the catalog once (throws std::runtime_error when PostgreSQL cannot be read), then
  // follows changes on a thread of its own: LISTEN paredao_polls, with a heartbeat as backstop.
  PgCatalogSync(CatalogSyncSettings settings, PollCatalog& catalog);
  ~PgCatalogSync();
  // Stops following and withdraws this copy from the live ones. Idempotent.
  void stop();

  // Blocks until every live copy has loaded catalog version `version` (or the wait limit passed;
  // returns false then). Called on a blocking thread after a poll change.
  bool wait_until_everywhere(std::int64_t version);

 private:
  void follow();
  // Loads polls and version in one snapshot and reports the version; throws pg::Error.
  void load(pg::Connection& connection);

  const CatalogSyncSettings settings_;
  PollCatalog& catalog_;
  std::int64_t loaded_version_ = -1;  // follower thread only (and the constructor)
  std::atomic<bool> healthy_{true};   // whether the last heartbeat reached PostgreSQL (for its log)
  std::atomic<bool> stopping_{false};
  std::mutex wait_mutex_;
  pg::ReconnectingConnection wait_connection_;  // guarded by wait_mutex_
  std::thread follower_;
};

}  // namespace paredao
