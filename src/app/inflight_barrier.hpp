#pragma once
// The distributed mode's PipelineBarrier: every batch answered 202 is registered (after the
// broker's confirmation, before the answer); a batch is done once the history holds it
// (decision 0013).
#include <chrono>
#include <functional>
#include <mutex>
#include <set>

#include "app/periodic_task.hpp"
#include "app/ports/inflight_batches.hpp"
#include "app/ports/vote_review.hpp"

namespace paredao {

// The pipeline's registration: forwards to the shared registry and remembers what this copy
// registered until the history holds it, so that a registry that lost its data (a Redis restart)
// gets it back at the next sweep. Thread-safe.
class OwnInflightBatches final : public InflightBatches {
 public:
  explicit OwnInflightBatches(InflightBatches& shared) : shared_(shared) {}
  bool add(std::span<const std::string> batch_ids) override;
  std::optional<RegistryTime> now() override { return shared_.now(); }
  std::optional<std::vector<RegisteredBatch>> registered_until(std::int64_t ms,
                                                               std::size_t limit) override {
    return shared_.registered_until(ms, limit);
  }
  bool remove(std::span<const std::string> batch_ids) override;
  // What this copy registered and has not seen recorded yet.
  std::vector<std::string> pending() const;

 private:
  InflightBatches& shared_;
  mutable std::mutex mutex_;
  std::set<std::string> pending_;  // guarded by mutex_
};

struct InflightBarrierSettings {
  std::chrono::milliseconds pause{25};  // between two looks while waiting
  // A registry younger than this may still lack what some copy waits for (it just started
  // again): every copy registers its pending batches again at each sweep (every second).
  std::chrono::milliseconds grace{2500};
  // A batch registered longer ago and still not recorded is given up on (a message the workers
  // dead-lettered): reported, and no longer waited for, so that it cannot block every review.
  std::chrono::milliseconds stuck_after{std::chrono::minutes(10)};
  std::size_t chunk = 1000;  // batches per look: bounded round trips whatever the backlog
};

// Thread-safe, blocking.
class InflightBarrier final : public PipelineBarrier {
 public:
  using OnStuck = std::function<void(const RegisteredBatch&)>;
  // `registry`: a connection of its own (not the pipeline's). `own`: this copy's registrations.
  InflightBarrier(InflightBatches& registry, RecordedBatchLookup& history, OwnInflightBatches* own,
                  InflightBarrierSettings settings, OnStuck on_stuck);
  // Takes the registry's time T, then waits until every batch registered by T is in the
  // history, removing those it finds there.
  bool wait_until_recorded(std::chrono::milliseconds limit) override;
  // Registers again this copy's batches not recorded yet, then removes the batches registered
  // more than `age` ago that the history holds, so that the registry stays as small as the
  // pipeline's lag. False when a store failed.
  bool sweep(std::chrono::milliseconds age);

 private:
  // Looks at the batches registered by `until` (oldest first, a chunk at a time): true when none
  // is left unrecorded, nullopt when a store failed.
  std::optional<bool> settle_until(std::int64_t until, std::int64_t now);

  InflightBatches& registry_;
  RecordedBatchLookup& history_;
  OwnInflightBatches* own_;
  const InflightBarrierSettings settings_;
  const OnStuck on_stuck_;
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
