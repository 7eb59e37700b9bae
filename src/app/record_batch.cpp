#include "app/record_batch.hpp"

namespace paredao {

namespace {

// Calls `observe` with the time since its construction when it goes out of scope.
class StepTimer {
 public:
  StepTimer(const RecordBatch::StepObserver& observe, std::string_view step)
      : observe_(observe), step_(step) {}
  StepTimer(const StepTimer&) = delete;
  StepTimer& operator=(const StepTimer&) = delete;
  ~StepTimer() {
    if (observe_) observe_(step_, std::chrono::steady_clock::now() - start_);
  }

 private:
  const RecordBatch::StepObserver& observe_;
  std::string_view step_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace

std::vector<BatchOutcome> RecordBatch::handle_all(std::span<const VoteBatch> batches) {
  std::vector<BatchOutcome> outcomes(batches.size(), BatchOutcome::kRetryLater);
  const auto deltas = [&] {
    const StepTimer timer(observe_, "history");
    return history_.record_all(batches);
  }();
  if (!deltas) return outcomes;
  const StepTimer timer(observe_, "counters");
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
