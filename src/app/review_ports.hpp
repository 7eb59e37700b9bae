#pragma once
// How a decision of the review reaches the live counters, per mode; and the embedded mode's
// barrier (a 202 follows the commit there).
#include <mutex>

#include "app/ports/live_counters.hpp"
#include "app/ports/vote_review.hpp"
#include "app/tally_snapshots.hpp"

namespace paredao {

// Every vote answered 202 is already committed to the store the review reads.
class CommittedBarrier final : public PipelineBarrier {
 public:
  bool wait_until_recorded(std::chrono::milliseconds) override { return true; }
};

// Adds a decision's counts to the in-memory counters and refreshes the read snapshot, so that
// results and stats show it at once. (After a crash in between, the start rebuilds the counters
// from the store's rollup, which the decision's transaction already changed.)
class LocalReviewedCounts final : public ReviewedCounts {
 public:
  LocalReviewedCounts(TallyStore& store, TallySnapshots& snapshots)
      : store_(store), snapshots_(snapshots) {}
  void apply(std::string_view, std::span<const TallyDelta> deltas) override {
    store_.apply(deltas);
    snapshots_.refresh();
  }

 private:
  TallyStore& store_;
  TallySnapshots& snapshots_;
};

// Applies a decision's counts to the shared live counters once (the decision id is its batch
// id: the reconciler finds it among the recorded batches and repairs a failed apply), then
// refreshes this copy's snapshot.
class SharedReviewedCounts final : public ReviewedCounts {
 public:
  SharedReviewedCounts(LiveCounters& counters, TallySnapshots& snapshots)
      : counters_(counters), snapshots_(snapshots) {}
  void apply(std::string_view decision_id, std::span<const TallyDelta> deltas) override {
    {
      std::lock_guard lock(mutex_);
      (void)counters_.apply_once(decision_id, deltas);  // kUnavailable: the reconciler repairs
    }
    snapshots_.refresh();
  }

 private:
  std::mutex mutex_;
  LiveCounters& counters_;  // guarded by mutex_ (one thread at a time)
  TallySnapshots& snapshots_;
};

}  // namespace paredao
