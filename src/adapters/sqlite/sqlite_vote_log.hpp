#pragma once
#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <vector>

#include "adapters/sqlite/sqlite_connection.hpp"
#include "app/ports/tally_store.hpp"
#include "app/ports/vote_log.hpp"
#include "app/vote_batcher.hpp"

namespace paredao {

struct SqliteVoteLogSettings {
  std::size_t max_pending = 100000;  // votes waiting beyond this are refused (back-pressure)
  std::size_t max_batch = 20000;     // votes per transaction at most
};

// What one commit did, for metrics.
struct BatchReport {
  std::size_t votes = 0;
  double seconds = 0;
  bool committed = false;
};

// The embedded VoteLog. One committer thread owns a SQLite connection and group-commits: every
// vote queued while the previous transaction was being written goes into the next one, so the
// batch grows with the load and each voter waits for at most about two commits. Within the
// transaction each vote is appended (vote ids are unique by construction, so they are not
// looked up: this log never reports kDuplicate; it carries the running maximum of the challenge
// expiries, for the replay guard's restore) and the hourly rollup is updated; after COMMIT
// the same counts are applied to the live TallyStore, then the callbacks run. A failed
// transaction is rolled back and every vote in it is reported kUnavailable: nothing of it is
// counted. The committer also copies the WAL back into the database (a checkpoint) whenever it
// has grown past a few megabytes, between two transactions, so that the WAL is reused from its
// start instead of growing.
class SqliteVoteLog final : public VoteLog {
 public:
  using BatchObserver = std::function<void(const BatchReport&)>;

  SqliteVoteLog(const std::filesystem::path& database, TallyStore& tallies,
                SqliteVoteLogSettings settings, BatchObserver observer = {});
  ~SqliteVoteLog() override;

  void append(AcceptedVote vote, AppendCallback done) override;
  bool healthy() const override { return healthy_.load(); }

  // Commits every vote already queued, then stops; later appends are kUnavailable. Idempotent.
  void stop();

 private:
  // The batcher's writer: one transaction per batch, then the live counts.
  void write(std::vector<VoteBatcher::Pending>& batch, std::vector<AppendStatus>& statuses);
  // Checkpoints when the WAL holds kCheckpointFrames pages or more.
  void checkpoint_if_long();
  // Writes one batch; fills `statuses` (one per vote) and `deltas` (only for stored votes).
  bool write_batch(const std::vector<VoteBatcher::Pending>& batch,
                   std::vector<AppendStatus>& statuses, std::vector<TallyDelta>& deltas);

  TallyStore& tallies_;
  BatchObserver observer_;
  sqlite::Connection connection_;                   // batcher thread only (after construction)
  std::unique_ptr<sqlite::Statement> insert_vote_;  // batcher thread only
  std::unique_ptr<sqlite::Statement> add_hourly_;   // batcher thread only
  // Prepared once: sqlite3_exec would parse these again for every batch.
  std::unique_ptr<sqlite::Statement> begin_, commit_, rollback_;  // batcher thread only
  std::atomic<bool> healthy_{true};
  // About 4 MB of WAL, some thousands of votes: a checkpoint then takes a few milliseconds.
  static constexpr int kCheckpointFrames = 1000;
  int wal_frames_ = 0;   // pages in the WAL after the last commit; batcher thread only
  // The latest challenge expiry of every vote written so far (schema version 3); batcher thread.
  std::int64_t expiry_horizon_ms_ = 0;
  VoteBatcher batcher_;  // last: its thread writes through everything above
};

}  // namespace paredao
