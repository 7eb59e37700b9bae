#include "app/record_batch.hpp"

#include <optional>

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

namespace {

const char* outcome_name(BatchOutcome outcome) {
  switch (outcome) {
    case BatchOutcome::kCounted:
      return "counted";
    case BatchOutcome::kAlreadyDone:
      return "already_done";
    case BatchOutcome::kRetryLater:
      return "retry_later";
  }
  return "";
}

}  // namespace

std::vector<BatchOutcome> RecordBatch::handle_all(std::span<const VoteBatch> batches) {
  std::vector<BatchOutcome> outcomes(batches.size(), BatchOutcome::kRetryLater);
  // One span per batch, children of what their messages carried.
  std::vector<std::unique_ptr<Span>> spans;
  if (tracer_) {
    spans.reserve(batches.size());
    for (const auto& batch : batches) {
      spans.push_back(tracer_->start("record votes", SpanKind::kConsumer, batch.trace));
      spans.back()->set_attribute("paredao.batch_id", batch.batch_id);
      spans.back()->set_attribute("paredao.batch_votes", std::int64_t(batch.votes.size()));
    }
  }
  const auto finish = [&] {
    for (std::size_t i = 0; i < spans.size(); ++i) {
      spans[i]->set_attribute("paredao.outcome", outcome_name(outcomes[i]));
      if (outcomes[i] == BatchOutcome::kRetryLater) spans[i]->set_error("a store is unreachable");
      spans[i]->end();
    }
    return outcomes;
  };
  const auto deltas = [&] {
    const StepTimer timer(observe_, "history");
    // One transaction for every batch: a child of the first sampled batch's span (else of the
    // first's), linked to the other sampled ones, so that each sampled vote's trace reaches it.
    std::unique_ptr<Span> step;
    std::optional<TraceScope> scope;
    if (!spans.empty()) {
      std::size_t parent = 0;
      while (parent < spans.size() && !spans[parent]->context().sampled) ++parent;
      if (parent == spans.size()) parent = 0;
      std::vector<TraceContext> others;
      for (std::size_t i = 0; i < spans.size(); ++i) {
        if (i != parent && spans[i]->context().sampled) others.push_back(spans[i]->context());
      }
      step = tracer_->start("postgres record batches", SpanKind::kClient, spans[parent]->context(),
                            others);
      step->set_attribute("db.system", "postgresql");
      step->set_attribute("paredao.batches", std::int64_t(batches.size()));
      scope.emplace(step->context());
    }
    auto recorded = history_.record_all(batches);
    if (step && !recorded) step->set_error("PostgreSQL is unreachable");
    return recorded;
  }();
  if (!deltas) return finish();
  const StepTimer timer(observe_, "counters");
  for (std::size_t i = 0; i < batches.size(); ++i) {
    const auto& batch_deltas = (*deltas)[i];
    if (batch_deltas.empty()) {  // nothing to count (all duplicates)
      outcomes[i] = BatchOutcome::kAlreadyDone;
      continue;
    }
    std::unique_ptr<Span> step;
    std::optional<TraceScope> scope;
    if (!spans.empty()) {
      step = tracer_->start("redis apply batch", SpanKind::kClient, spans[i]->context());
      step->set_attribute("db.system", "redis");
      scope.emplace(step->context());
    }
    const auto applied = counters_.apply_once(batches[i].batch_id, batch_deltas);
    // The counters are down: the rest stay kRetryLater rather than each waiting on them.
    if (applied == ApplyStatus::kUnavailable) {
      if (step) step->set_error("Redis is unreachable");
      break;
    }
    outcomes[i] =
        applied == ApplyStatus::kApplied ? BatchOutcome::kCounted : BatchOutcome::kAlreadyDone;
  }
  return finish();
}

}  // namespace paredao
