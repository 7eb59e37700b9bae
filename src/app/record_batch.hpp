#pragma once
// The worker's use case: batches from the queue into the history, then into the live counters.
#include <chrono>
#include <functional>
#include <span>
#include <string_view>
#include <vector>

#include "app/ports/live_counters.hpp"
#include "app/ports/tracer.hpp"
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
// Several batches handled together share one transaction of the history (fewer, larger
// transactions: the history's cost is mostly per transaction); each keeps its own outcome.
class RecordBatch {
 public:
  // Told how long each step took: "history" (the transaction of every batch) and "counters"
  // (each batch applied), so that an operator sees which store is slow.
  using StepObserver = std::function<void(std::string_view step, std::chrono::duration<double>)>;

  // With a tracer, each batch is a span continuing the trace its message carried (the api's
  // publish), with a span for its PostgreSQL transaction and one for its Redis step; log lines
  // written meanwhile carry the batch's trace.
  RecordBatch(VoteHistory& history, LiveCounters& counters, StepObserver observe = nullptr,
              Tracer* tracer = nullptr)
      : history_(history), counters_(counters), observe_(std::move(observe)), tracer_(tracer) {}

  // One outcome per batch, in order.
  std::vector<BatchOutcome> handle_all(std::span<const VoteBatch> batches);
  BatchOutcome handle(const VoteBatch& batch) { return handle_all(std::span(&batch, 1)).front(); }

 private:
  VoteHistory& history_;
  LiveCounters& counters_;
  StepObserver observe_;
  Tracer* tracer_;
};

}  // namespace paredao
