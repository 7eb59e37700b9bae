#pragma once
// Production's review of held votes in PostgreSQL (the distributed mode), and the lookup of
// recorded batches that the review's barrier needs. Thread-safe (a mutex per instance); each
// audit reads on a connection of its own.
#include <mutex>
#include <string>

#include "adapters/postgres/pg_connection.hpp"
#include "app/ports/inflight_batches.hpp"
#include "app/ports/vote_review.hpp"

namespace paredao {

class PgVoteReview final : public VoteReview, public RecordedBatchLookup {
 public:
  explicit PgVoteReview(const std::string& url)
      : url_(url), connection_(url), decide_connection_(url, kLongStatement) {}
  std::optional<HeldVotes> held(std::string_view poll_id) override;
  // One statement: the votes' states, the rollup, the decision, and the decision's change of
  // counts as an applied batch (for the live counters and the reconciler).
  std::optional<DecisionOutcome> decide(std::string_view poll_id, ReviewAction action,
                                        const HeldFilter& filter, TimePoint at,
                                        std::string_view decision_id) override;
  // A REPEATABLE READ transaction and a cursor: one snapshot, read a page at a time.
  std::unique_ptr<AuditReader> audit(std::string_view poll_id) override;
  // The BRIN index on accepted_at and the day partitions keep it to the recent votes.
  std::optional<std::vector<MinuteTally>> counted_by_minute(std::string_view poll_id,
                                                            TimePoint since) override;
  std::optional<std::vector<std::string>> settled_among(
      std::span<const std::string> batch_ids) override;

 private:
  // Decisions and audits may take minutes (a bot farm's millions of votes); everything else must
  // answer within the connection's usual deadline.
  static constexpr std::chrono::milliseconds kLongStatement{std::chrono::minutes(10)};

  const std::string url_;
  std::mutex mutex_;
  pg::ReconnectingConnection connection_;  // guarded by mutex_: reads, lookups
  std::mutex decide_mutex_;
  pg::ReconnectingConnection decide_connection_;  // guarded by decide_mutex_
};

}  // namespace paredao
