#pragma once
#include <chrono>
#include <functional>
#include <mutex>
#include <string>

#include "adapters/postgres/pg_connection.hpp"
#include "app/ports/poll_repository.hpp"

namespace paredao {

// Polls in PostgreSQL, shared by every api copy. Each change takes the next catalog version and
// announces it (NOTIFY paredao_polls) in the same transaction; `after_change` (given the new
// version) then lets the caller wait until every copy shows it. Blocking; thread-safe.
class PgPollRepository final : public PollRepository {
 public:
  using AfterChange = std::function<void(std::int64_t version)>;

  PgPollRepository(std::string url, AfterChange after_change = {});

  std::vector<Poll> load_all() override;
  StoreStatus insert(const Poll& poll) override;
  StoreStatus update(const Poll& poll) override;
  StoreStatus update_watch(const Poll& poll) override;

 private:
  StoreStatus write(const std::function<void(pg::Connection&)>& body);

  AfterChange after_change_;
  std::mutex mutex_;
  pg::ReconnectingConnection connection_;  // guarded by mutex_
};

// Reads every poll with its candidates (creation order). Throws pg::Error.
std::vector<Poll> load_polls(pg::Connection& connection);

}  // namespace paredao
