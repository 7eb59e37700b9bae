#pragma once
// The worker's use case: one batch from the queue into the history, then into the live counters.
#include "app/ports/live_counters.hpp"
#include "app/ports/vote_history.hpp"

namespace paredao {

enum class BatchOutcome {
  kCounted,      // recorded and applied now: acknowledge the message
  kAlreadyDone,  // a redelivery of a batch fully handled before: acknowledge
  kRetryLater,   // a store was unreachable: leave the message in the queue
};

// Each step is idempotent, so running it again after a crash at any point counts nothing twice:
// the history keeps each vote once and remembers the batch with the counts it added; the counters
// apply those same counts at most once per batch id. Only after both may the message go.
class RecordBatch {
 public:
  RecordBatch(VoteHistory& history, LiveCounters& counters)
      : history_(history), counters_(counters) {}

  BatchOutcome handle(const VoteBatch& batch);

 private:
  VoteHistory& history_;
  LiveCounters& counters_;
};

}  // namespace paredao
