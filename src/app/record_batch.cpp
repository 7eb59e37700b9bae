#include "app/record_batch.hpp"

namespace paredao {

BatchOutcome RecordBatch::handle(const VoteBatch& batch) {
  const auto deltas = history_.record(batch);
  if (!deltas) return BatchOutcome::kRetryLater;
  if (deltas->empty()) return BatchOutcome::kAlreadyDone;  // nothing to count (all duplicates)
  switch (counters_.apply_once(batch.batch_id, *deltas)) {
    case ApplyStatus::kApplied:
      return BatchOutcome::kCounted;
    case ApplyStatus::kAlreadyApplied:
      return BatchOutcome::kAlreadyDone;
    case ApplyStatus::kUnavailable:
      return BatchOutcome::kRetryLater;
  }
  return BatchOutcome::kRetryLater;
}

}  // namespace paredao
