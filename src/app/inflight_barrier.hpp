#pragma once
// The distributed mode's PipelineBarrier: every batch answered 202 is registered (after the
// broker's confirmation, before the answer); a batch is done once the history holds it.
#include <chrono>
#include <mutex>

#include "app/periodic_task.hpp"
#include "app/ports/inflight_batches.hpp"
#include "app/ports/vote_review.hpp"

namespace paredao {

// Thread-safe, blocking.
class InflightBarrier final : public PipelineBarrier {
 public:
  InflightBarrier(InflightBatches& inflight, RecordedBatchLookup& history,
                  std::chrono::milliseconds pause = std::chrono::milliseconds(25));
  // Takes the registry's time T, then waits until every batch registered by T is in the
  // history, removing those it finds there.
  bool wait_until_recorded(std::chrono::milliseconds limit) override;
  // Removes the batches registered more than `age` ago that the history holds, so that the
  // registry stays as small as the pipeline's lag (each api copy calls it every second).
  // False when a store failed.
  bool sweep(std::chrono::milliseconds age);

 private:
  // One look at the batches registered by `until`: true when none is left unrecorded.
  std::optional<bool> settle_until(std::int64_t until);

  InflightBatches& inflight_;
  RecordedBatchLookup& history_;
  const std::chrono::milliseconds pause_;
  std::mutex mutex_;  // one look at a time: the stores' adapters are for one thread at a time
};

// Sweeps the registry every second on a thread of its own (a component of each api copy).
class InflightSweeper {
 public:
  explicit InflightSweeper(InflightBarrier& barrier)
      : task_("inflight-sweep", std::chrono::seconds(1),
              [&barrier] { (void)barrier.sweep(std::chrono::seconds(1)); }) {}
  void stop() { task_.stop(); }

 private:
  PeriodicTask task_;
};

}  // namespace paredao
