#pragma once
#include <filesystem>
#include <mutex>

#include "adapters/sqlite/sqlite_connection.hpp"
#include "app/ports/poll_repository.hpp"

namespace paredao {

// Polls in the embedded SQLite database, on a connection of their own. Blocking; thread-safe.
class SqlitePollRepository final : public PollRepository {
 public:
  explicit SqlitePollRepository(const std::filesystem::path& database);

  std::vector<Poll> load_all() override;
  StoreStatus insert(const Poll& poll) override;
  StoreStatus update(const Poll& poll) override;
  StoreStatus update_watch(const Poll& poll) override;

 private:
  std::mutex mutex_;
  sqlite::Connection connection_;  // guarded by mutex_
};

}  // namespace paredao
