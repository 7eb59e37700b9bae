#pragma once
// The complete history of accepted votes in the distributed mode (PostgreSQL), written by the
// workers and read by the reconciler.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "app/ports/batch_log.hpp"
#include "app/ports/tally_store.hpp"

namespace paredao {

// A recorded batch and the counts it added to one poll.
struct RecordedBatch {
  std::string batch_id;
  TimePoint recorded_at;
  std::vector<TallyDelta> deltas;
  TraceContext trace;  // of the message that carried it, when recorded with one
};

// What the history knows of one poll at one instant.
struct PollHistory {
  PollTally counts;                   // by candidate and hour
  std::vector<RecordedBatch> recent;  // batches recorded since the `since` asked for
};

// A challenge used by a recorded vote and still unexpired: it must stay burned.
struct UsedChallenge {
  std::string poll_id;
  std::string challenge_id;
  TimePoint expires_at;
};

// A challenge that more than one recorded vote used: a human check accepted twice.
struct ChallengeUsedTwice {
  std::string poll_id;
  std::string challenge_id;
  std::int64_t votes = 0;
  bool operator==(const ChallengeUsedTwice&) const = default;
};

struct DoubleUseAudit {
  std::vector<ChallengeUsedTwice> found;
  TimePoint checked_until;  // the recording time up to which it looked: the next `recorded_after`
};

// Blocking, for one thread at a time per instance. Also settles batches in doubt
// (BatchSettlement: a batch cancelled there is never recorded afterwards).
class VoteHistory : public BatchSettlement {
 public:
  // Records each batch: its votes not stored yet, the hourly counts of exactly those, and the
  // batch with those counts; all the batches in one transaction (all or none). Returns, for each
  // batch in the order given, the counts it added when it was first recorded — the same on
  // every later call for that batch id, which then changes nothing — or nullopt when the store
  // cannot be reached (nothing was recorded; retry later). A batch given twice is recorded once.
  virtual std::optional<std::vector<std::vector<TallyDelta>>> record_all(
      std::span<const VoteBatch> batches) = 0;
  // record_all of one batch.
  std::optional<std::vector<TallyDelta>> record(const VoteBatch& batch) {
    auto recorded = record_all(std::span(&batch, 1));
    if (!recorded) return std::nullopt;
    return std::move(recorded->front());
  }
  // The challenges of recorded votes that have not expired at `now`.
  virtual std::optional<std::vector<UsedChallenge>> unexpired_challenges(TimePoint now) = 0;
  // Every challenge recorded by more than one vote: in the whole history when `recorded_after`
  // is nullopt (exact; a full scan), else among the votes of batches recorded after it and the
  // votes accepted within `around` of them (a challenge's life: a second use lies within it).
  // nullopt when the store cannot be reached.
  virtual std::optional<DoubleUseAudit> challenges_used_twice(
      std::optional<TimePoint> recorded_after, std::chrono::milliseconds around) = 0;
  // Every poll id that has a poll or recorded votes.
  virtual std::optional<std::vector<std::string>> poll_ids() = 0;
  // The poll's counts and the batches recorded for it since `since`, read from one snapshot
  // (a batch is in `recent` if and only if it is in `counts`, for batches since `since`).
  virtual std::optional<PollHistory> history_of(std::string_view poll_id, TimePoint since) = 0;
};

}  // namespace paredao
