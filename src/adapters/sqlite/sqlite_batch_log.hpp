#pragma once
#include <filesystem>
#include <memory>

#include "adapters/sqlite/sqlite_connection.hpp"
#include "app/ports/batch_log.hpp"

namespace paredao {

// The embedded BatchLog: one SQLite transaction per batch. Within it each vote is appended
// (vote ids are unique by construction, so they are not looked up; each row carries the running
// maximum of the challenge expiries, for the replay guard's restore) and the hourly and per-minute
// rollups are updated; COMMIT with synchronous=FULL makes it durable. A transaction that fails
// before its COMMIT is rolled back: kNotDurable, nothing of it stored; an I/O error at COMMIT is
// kInDoubt (its frames may be in the WAL, and found again after a crash). It also copies the WAL
// back into the database (a checkpoint) whenever it has grown past a few megabytes, between two
// transactions, so that the WAL is reused from its start instead of growing. Owns its connection;
// used by one thread at a time (the vote pipeline's) after construction.
class SqliteBatchLog final : public BatchLog {
 public:
  explicit SqliteBatchLog(const std::filesystem::path& database);

  BatchFate write(const VoteBatch& batch) override;

 private:
  // Checkpoints when the WAL holds kCheckpointFrames pages or more.
  void checkpoint_if_long();
  BatchFate write_batch(const VoteBatch& batch);

  sqlite::Connection connection_;
  std::unique_ptr<sqlite::Statement> insert_vote_;
  std::unique_ptr<sqlite::Statement> add_hourly_, add_minute_;
  // Prepared once: sqlite3_exec would parse these again for every batch.
  std::unique_ptr<sqlite::Statement> begin_, commit_, rollback_;
  // About 4 MB of WAL, some thousands of votes: a checkpoint then takes a few milliseconds.
  static constexpr int kCheckpointFrames = 1000;
  int wal_frames_ = 0;  // pages in the WAL after the last commit
  // The latest challenge expiry of every vote written so far (schema version 3).
  std::int64_t expiry_horizon_ms_ = 0;
};

}  // namespace paredao
