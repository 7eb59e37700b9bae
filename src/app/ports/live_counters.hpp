#pragma once
// The live counters of the distributed mode (Redis), written by the workers once per batch and
// audited and repaired by the reconciler.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "app/ports/tally_store.hpp"

namespace paredao {

enum class ApplyStatus { kApplied, kAlreadyApplied, kUnavailable };

// Batches missing from a read of the counters.
struct UnappliedBatches {
  std::vector<std::string> missing;        // not applied at all
  std::vector<std::string> applied_after;  // applied since the read (a worker meanwhile)
  bool operator==(const UnappliedBatches&) const = default;
};

// A poll's counts as read at one instant, with how many batches had been applied to it by then
// (each batch's mark records its own number in that sequence): a batch numbered past `applied`
// was applied after this read.
struct LiveTally {
  PollTally counts;
  std::int64_t applied = 0;
};
enum class ReplaceStatus { kReplaced, kChanged, kUnavailable };

// Blocking, for one thread at a time per instance.
class LiveCounters {
 public:
  virtual ~LiveCounters() = default;
  // Adds the counts of batch `batch_id` unless that batch was already applied: the check and
  // the additions are one atomic step, so a batch is counted at most once however often it is
  // applied.
  virtual ApplyStatus apply_once(std::string_view batch_id, std::span<const TallyDelta> deltas) = 0;
  // The counts of a poll as the counters hold them now (empty when none), read atomically with
  // the number of batches applied to it so far.
  virtual std::optional<LiveTally> read(std::string_view poll_id) = 0;
  // Which of `batch_ids` had not been applied as of a read whose `applied` was `as_of`.
  virtual std::optional<UnappliedBatches> unapplied(std::string_view poll_id,
                                                    std::span<const std::string> batch_ids,
                                                    std::int64_t as_of) = 0;
  // Whether the store still holds what was marked intact (false after it lost its data: a
  // restart without persistence, a flush, a failover to an empty replica).
  virtual std::optional<bool> intact() = 0;
  virtual bool mark_intact() = 0;
  // Atomically, and only if the poll's counters still equal `expected` (else kChanged, nothing
  // done): sets them to `truth` and marks `batch_ids` as applied, so that those batches, already
  // included in `truth`, are not added again when their worker gets to them.
  virtual ReplaceStatus replace_if_unchanged(std::string_view poll_id, const PollTally& expected,
                                             const PollTally& truth,
                                             std::span<const std::string> batch_ids) = 0;
};

}  // namespace paredao
