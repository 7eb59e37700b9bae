#pragma once
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "adapters/sqlite/sqlite_connection.hpp"
#include "app/ports/tally_store.hpp"
#include "app/ports/vote_log.hpp"

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
// transaction each vote is inserted (a vote or challenge already stored is skipped and reported
// kDuplicate) and the hourly rollup is updated; after COMMIT the same counts are applied to the
// live TallyStore, then the callbacks run. A failed transaction is rolled back and every vote in
// it is reported kUnavailable: nothing of it is counted. Checkpoints run on a thread of their own
// so that a commit never waits for the WAL to be copied into the database.
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
  struct Pending {
    AcceptedVote vote;
    AppendCallback done;
  };

  void run();
  // Copies the WAL back into the database file once a second, off the commit path.
  void checkpoint_periodically();
  // Writes one batch; fills `statuses` (one per vote) and `deltas` (only for stored votes).
  bool write_batch(const std::vector<Pending>& batch, std::vector<AppendStatus>& statuses,
                   std::vector<TallyDelta>& deltas);

  TallyStore& tallies_;
  const SqliteVoteLogSettings settings_;
  BatchObserver observer_;
  sqlite::Connection connection_;                   // committer thread only (after construction)
  std::unique_ptr<sqlite::Statement> insert_vote_;  // committer thread only
  std::unique_ptr<sqlite::Statement> add_hourly_;   // committer thread only
  sqlite::Connection checkpoint_connection_;        // checkpointer thread only
  std::atomic<bool> healthy_{true};

  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Pending> queue_;  // guarded by mutex_
  bool stopping_ = false;       // guarded by mutex_
  std::thread committer_;
  std::thread checkpointer_;
};

}  // namespace paredao
