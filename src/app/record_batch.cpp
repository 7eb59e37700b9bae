#include "app/record_batch.hpp"

namespace paredao {

std::vector<BatchOutcome> RecordBatch::handle_all(std::span<const VoteBatch> batches) {
  std::vector<BatchOutcome> outcomes(batches.size(), BatchOutcome::kRetryLater);
  const auto deltas = history_.record_all(batches);
  if (!deltas) return outcomes;
  for (std::size_t i = 0; i < batches.size(); ++i) {
    const auto& batch_deltas = (*deltas)[i];
    if (batch_deltas.empty()) {  // nothing to count (all duplicates)
      outcomes[i] = BatchOutcome::kAlreadyDone;
      continue;
    }
    const auto applied = counters_.apply_once(batches[i].batch_id, batch_deltas);
    // The counters are down: the rest stay kRetryLater rather than each waiting on them.
    if (applied == ApplyStatus::kUnavailable) break;
    outcomes[i] =
        applied == ApplyStatus::kApplied ? BatchOutcome::kCounted : BatchOutcome::kAlreadyDone;
  }
  return outcomes;
}

}  // namespace paredao
