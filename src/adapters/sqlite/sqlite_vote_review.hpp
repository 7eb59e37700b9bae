#pragma once
// Production's review of held votes in the embedded mode's SQLite file: a connection of its
// own (the vote pipeline keeps writing on its own), one transaction per decision.
#include <filesystem>
#include <mutex>

#include "adapters/sqlite/sqlite_connection.hpp"
#include "app/ports/vote_review.hpp"

namespace paredao {

class SqliteVoteReview final : public VoteReview {
 public:
  // The schema must exist (the poll repository applies it first).
  explicit SqliteVoteReview(std::filesystem::path database);
  std::optional<HeldVotes> held(std::string_view poll_id) override;
  std::optional<DecisionOutcome> decide(std::string_view poll_id, ReviewAction action,
                                        const HeldFilter& filter, TimePoint at,
                                        std::string_view decision_id) override;
  // Each audit reads on a connection of its own, in one read transaction (a snapshot): the
  // pipeline goes on committing meanwhile, and the audit lists the votes of that snapshot.
  std::unique_ptr<AuditReader> audit(std::string_view poll_id) override;
  // The votes are stored in arrival order (their rowid), which is their accepted_at order to
  // within a batch: the first one since `since` is found by bisecting the rowids, and only the
  // votes after it are read. No index on accepted_at: the vote path would pay for it.
  std::optional<std::vector<MinuteTally>> counted_by_minute(std::string_view poll_id,
                                                            TimePoint since) override;

 private:
  std::optional<DecisionOutcome> decide_in_transaction(std::string_view poll_id,
                                                       ReviewAction action,
                                                       const HeldFilter& filter, TimePoint at);

  const std::filesystem::path database_;
  std::mutex mutex_;
  sqlite::Connection connection_;  // guarded by mutex_
};

}  // namespace paredao
