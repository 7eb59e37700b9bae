#include "adapters/postgres/pg_catalog_sync.hpp"

#include <poll.h>

#include "adapters/logging/json_log.hpp"
#include "adapters/postgres/pg_poll_repository.hpp"

namespace paredao {
namespace {

// The catalog's statements are small: one that takes longer means the server is in trouble, and
// a stop must not wait on it for long.
constexpr std::chrono::milliseconds kStatementDeadline{3000};

}  // namespace

PgCatalogSync::PgCatalogSync(CatalogSyncSettings settings, PollCatalog& catalog)
    : settings_(std::move(settings)),
      catalog_(catalog),
      wait_connection_(settings_.url, kStatementDeadline) {
  try {
    pg::Connection connection(settings_.url);
    load(connection);
  } catch (const pg::Error& e) {
    throw std::runtime_error(std::string("cannot load polls: ") + e.what());
  }
  follower_ = std::thread([this] { follow(); });
}

PgCatalogSync::~PgCatalogSync() { stop(); }

void PgCatalogSync::stop() {
  if (!follower_.joinable()) return;
  stopping_ = true;
  follower_.join();
  try {
    pg::Connection connection(settings_.url, kStatementDeadline);
    connection.exec("DELETE FROM api_instances WHERE instance_id = $1", {settings_.instance_id});
  } catch (const pg::Error&) {
    // it will simply stop counting as live after `live_for`
  }
}

void PgCatalogSync::load(pg::Connection& connection) {
  pg::in_transaction(connection, [&] {
    connection.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
    const auto version = connection.exec("SELECT version FROM catalog_state").integer(0, 0);
    if (version != loaded_version_) {
      for (auto& poll : load_polls(connection)) catalog_.put(std::move(poll));
      loaded_version_ = version;
    }
  });
  connection.exec(
      "INSERT INTO api_instances VALUES ($1, $2, now()) ON CONFLICT (instance_id)"
      " DO UPDATE SET catalog_version = excluded.catalog_version, seen_at = excluded.seen_at",
      {settings_.instance_id, std::to_string(loaded_version_)});
}

void PgCatalogSync::follow() {
  pg::ReconnectingConnection listener(settings_.url, kStatementDeadline);
  bool listening = false;
  auto next_heartbeat = std::chrono::steady_clock::now();
  while (!stopping_) {
    try {
      auto& connection = listener.get();
      if (!listening) {
        connection.exec("LISTEN paredao_polls");
        listening = true;
        next_heartbeat = {};  // reload now: changes may have been missed while disconnected
      }
      // Sleep until a notification arrives, the heartbeat is due, or 100 ms pass (to see stop).
      pollfd socket{PQsocket(connection.handle()), POLLIN, 0};
      ::poll(&socket, 1, 100);
      if (!PQconsumeInput(connection.handle())) throw pg::Error("lost PostgreSQL", "");
      bool changed = false;
      while (PGnotify* notice = PQnotifies(connection.handle())) {
        changed = true;
        PQfreemem(notice);
      }
      const auto now = std::chrono::steady_clock::now();
      if (changed || now >= next_heartbeat) {
        load(connection);
        next_heartbeat = now + settings_.heartbeat;
        if (!healthy_.exchange(true)) log::info("postgres_reachable", {{"role", "catalog"}});
      }
    } catch (const pg::Error& e) {
      listener.drop();
      listening = false;
      if (healthy_.exchange(false)) log::error("postgres_unreachable", {{"error", e.what()}});
      for (int i = 0; i < 5 && !stopping_; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
  }
}

bool PgCatalogSync::wait_until_everywhere(std::int64_t version) {
  const auto deadline = std::chrono::steady_clock::now() + settings_.wait_limit;
  std::lock_guard lock(wait_mutex_);
  while (std::chrono::steady_clock::now() < deadline) {
    try {
      const auto behind = wait_connection_.get().exec(
          "SELECT count(*) FROM api_instances WHERE catalog_version < $1"
          " AND seen_at > now() - $2::int * interval '1 millisecond'",
          {std::to_string(version), std::to_string(settings_.live_for.count())});
      if (behind.integer(0, 0) == 0) return true;
    } catch (const pg::Error&) {
      wait_connection_.drop();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  log::warn("catalog_wait_timeout", {{"version", version}});
  return false;
}

}  // namespace paredao
