#pragma once
// Use case of the production team: review the votes the edge held apart — see what is held,
// release or void it, read the audit of every vote answered 202 (the contract's "The edge") —
// and read the votes per minute of the last hour from the same store.
#include <chrono>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "app/poll_catalog.hpp"
#include "app/ports/clock.hpp"
#include "app/ports/id_generator.hpp"
#include "app/ports/vote_review.hpp"
#include "app/result.hpp"

namespace paredao {

struct QuarantineView {
  PollCatalog::PollPtr poll;
  TimePoint as_of{};
  HeldVotes held;
};

// The counted votes of one UTC minute, in the poll's candidate order.
struct MinuteCounts {
  TimePoint minute{};
  std::int64_t total = 0;
  std::vector<std::int64_t> by_candidate;
};

struct MinuteHistory {
  PollCatalog::PollPtr poll;
  TimePoint as_of{};
  std::vector<MinuteCounts> by_minute;  // oldest first, only minutes with counted votes
};

struct ReviewPorts {
  const PollCatalog& catalog;
  VoteReview& review;
  PipelineBarrier& barrier;
  ReviewedCounts& counts;
  const Clock& clock;
  IdGenerator& ids;
};

// Blocking (stores, and the wait for the pipeline): run it off the I/O threads. Thread-safe.
// Each call first waits until every vote answered 202 before it is in the store, so that it is
// exact at once (no lag), in any poll status.
class ReviewHeldVotes {
 public:
  explicit ReviewHeldVotes(ReviewPorts ports,
                           std::chrono::milliseconds barrier_limit = std::chrono::seconds(5));
  // kNotFound for an unknown poll; kUnavailable when the store failed or the pipeline is behind.
  Result<QuarantineView> quarantine(std::string_view poll_id);
  // The number of votes moved (0 when none matched: deciding again changes nothing).
  Result<std::int64_t> decide(std::string_view poll_id, ReviewAction action,
                              const HeldFilter& filter);
  Result<std::unique_ptr<AuditReader>> audit(std::string_view poll_id);
  // The counted votes per minute of the last kHistorySpan (or since the minute of `since`, when
  // that is later), from the vote store (the live counters keep hours only): what the console's
  // per-minute chart is made of. A report, so no wait for the pipeline: it lags the live counts
  // by what the store has not recorded yet. kNotFound for an unknown poll; kUnavailable when
  // the store failed.
  static constexpr std::chrono::minutes kHistorySpan{60};
  Result<MinuteHistory> minutes(std::string_view poll_id,
                                std::optional<TimePoint> since = std::nullopt);

 private:
  // The poll, once the store holds every vote answered 202 so far; or why not.
  Result<PollCatalog::PollPtr> settled(std::string_view poll_id);

  ReviewPorts ports_;
  const std::chrono::milliseconds barrier_limit_;
};

}  // namespace paredao
