#include "adapters/sqlite/sqlite_batch_log.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <tuple>

#include "adapters/sqlite/sqlite_schema.hpp"

namespace paredao {

SqliteBatchLog::SqliteBatchLog(const std::filesystem::path& database) : connection_(database) {
  sqlite::apply_schema(connection_);
  begin_ = std::make_unique<sqlite::Statement>(connection_.handle(), "BEGIN IMMEDIATE");
  commit_ = std::make_unique<sqlite::Statement>(connection_.handle(), "COMMIT");
  rollback_ = std::make_unique<sqlite::Statement>(connection_.handle(), "ROLLBACK");
  insert_vote_ = std::make_unique<sqlite::Statement>(
      connection_.handle(), "INSERT INTO votes VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  sqlite::Statement newest(connection_.handle(),
                           "SELECT expiry_horizon_ms FROM votes ORDER BY rowid DESC LIMIT 1");
  if (newest.next_row()) expiry_horizon_ms_ = newest.integer(0);
  add_hourly_ =
      std::make_unique<sqlite::Statement>(connection_.handle(), sqlite::kAddToHourlyTally);
  add_minute_ =
      std::make_unique<sqlite::Statement>(connection_.handle(), sqlite::kAddToMinuteTally);
  // Installing a WAL hook turns SQLite's automatic checkpoint off; ours only records the WAL's
  // length, for checkpoint_if_long().
  sqlite3_wal_hook(
      connection_.handle(),
      [](void* frames, sqlite3*, const char*, int wal_frames) {
        *static_cast<int*>(frames) = wal_frames;
        return SQLITE_OK;
      },
      &wal_frames_);
}

void SqliteBatchLog::checkpoint_if_long() {
  if (wal_frames_ < kCheckpointFrames) return;
  // On the committer's own thread, between two transactions, so that no commit can slip in while
  // the WAL is copied: the checkpoint completes and the next transaction restarts the WAL from
  // its beginning. (A checkpointer on another thread never caught up with a busy committer: the
  // WAL grew without end, and every commit paid for growing the file.) A failure (busy, disk) is
  // retried after the next commit.
  if (connection_.exec("PRAGMA wal_checkpoint(PASSIVE)") == SQLITE_OK) wal_frames_ = 0;
}

BatchFate SqliteBatchLog::write(const VoteBatch& batch) {
  checkpoint_if_long();
  return write_batch(batch);
}

BatchFate SqliteBatchLog::write_batch(const VoteBatch& batch) {
  if (begin_->run() != SQLITE_DONE) return BatchFate::kNotDurable;
  try {
    auto& insert_vote = *insert_vote_;
    // Keys borrow the batch's strings: a batch has a handful of distinct keys and many votes.
    std::map<std::tuple<std::string_view, std::int64_t, VoteState, std::string_view>, std::int64_t>
        counts;
    // The counted votes per poll, minute and candidate.
    std::map<std::tuple<std::string_view, std::int64_t, std::string_view>, std::int64_t> minutes;
    for (const auto& vote : batch.votes) {
      const std::int64_t expires_ms = vote.challenge_expires_at.time_since_epoch().count();
      // Raised even if the transaction then fails: a horizon too late only lengthens the
      // restore's reading, one too early would lose challenges.
      expiry_horizon_ms_ = std::max(expiry_horizon_ms_, expires_ms);
      insert_vote.bind_borrowed(1, vote.vote_id)
          .bind_borrowed(2, vote.poll_id)
          .bind_borrowed(3, vote.candidate_id)
          .bind(4, std::int64_t(vote.accepted_at.time_since_epoch().count()))
          .bind_borrowed(5, vote.challenge_id)
          .bind(6, expires_ms)
          .bind(7, expiry_horizon_ms_)
          .bind_borrowed(8, vote.network)
          .bind(9, std::int64_t(vote.state));
      if (vote.reason.empty()) {
        insert_vote.bind_null(10);
      } else {
        insert_vote.bind_borrowed(10, vote.reason);
      }
      const int inserted = insert_vote.step();
      insert_vote.reset();
      if (inserted != SQLITE_DONE) throw std::runtime_error("insert vote failed");
      ++counts[{vote.poll_id, unix_seconds(hour_start(vote.accepted_at)), vote.state,
                vote.candidate_id}];
      if (vote.state == VoteState::kCounted) {
        ++minutes[{vote.poll_id, unix_seconds(minute_start(vote.accepted_at)), vote.candidate_id}];
      }
    }
    auto& add_hourly = *add_hourly_;
    for (const auto& [key, votes] : counts) {
      const auto& [poll_id, hour, state, candidate_id] = key;
      add_hourly.bind_borrowed(1, poll_id).bind(2, hour).bind(4, votes);
      // Held votes under their own key (domain/tally.hpp), in no count of the candidate's.
      if (state == VoteState::kCounted) {
        add_hourly.bind_borrowed(3, candidate_id);
      } else {
        add_hourly.bind(3, tally_key(state, candidate_id));
      }
      const int added = add_hourly.step();
      add_hourly.reset();
      if (added != SQLITE_DONE) throw std::runtime_error("update rollup failed");
    }
    auto& add_minute = *add_minute_;
    for (const auto& [key, votes] : minutes) {
      const auto& [poll_id, minute, candidate_id] = key;
      add_minute.bind_borrowed(1, poll_id).bind(2, minute).bind_borrowed(3, candidate_id);
      const int added = add_minute.bind(4, votes).step();
      add_minute.reset();
      if (added != SQLITE_DONE) throw std::runtime_error("update minute rollup failed");
    }
    const int committed = commit_->run();
    if (committed == SQLITE_DONE) return BatchFate::kDurable;
    // An I/O error at COMMIT (an fsync that failed, say) may come after the WAL frames were
    // written: after a crash the transaction could be found again. Claim neither outcome.
    // A full disk fails before the commit frame: certainly not stored.
    if ((committed & 0xff) == SQLITE_IOERR && committed != SQLITE_IOERR_SHORT_READ) {
      rollback_->run();
      return BatchFate::kInDoubt;
    }
  } catch (const std::exception&) {
    // rolled back below
  }
  rollback_->run();
  return BatchFate::kNotDurable;
}

}  // namespace paredao
