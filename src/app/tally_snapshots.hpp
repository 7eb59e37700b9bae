#pragma once
// Reads come from an immutable snapshot of the live counters, refreshed on a timer, never from
// a scan or a store round-trip per request.
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>

#include "app/periodic_task.hpp"
#include "app/ports/clock.hpp"
#include "app/ports/tally_store.hpp"

namespace paredao {

struct TallySnapshot {
  TimePoint as_of{};
  TallyMap tallies;
};

// Thread-safe: current() is lock-free and may be called from any thread; refresh() is called by
// one timer (it may block on the store, so not from an I/O thread in distributed mode).
class TallySnapshots {
 public:
  TallySnapshots(const TallyStore& store, const Clock& clock);

  std::shared_ptr<const TallySnapshot> current() const { return current_.load(); }
  // Replaces the snapshot with the store's counts. Returns false (keeping the previous snapshot)
  // when the store cannot be read.
  bool refresh();

 private:
  const TallyStore& store_;
  const Clock& clock_;
  // Serializes refreshes (the timer's and the pipeline's): a snapshot read earlier must never be
  // published after one read later, or counts would step back for a moment.
  std::mutex refresh_mutex_;
  std::atomic<std::shared_ptr<const TallySnapshot>> current_;
};

// Refreshes the snapshots on a thread of its own, every `period`, until stopped: reads never lag
// the counters by more than about a period (the contract allows 2 s).
class SnapshotRefresher {
 public:
  explicit SnapshotRefresher(TallySnapshots& snapshots,
                             std::chrono::milliseconds period = std::chrono::milliseconds(250))
      : task_("snapshots", period, [&snapshots] { snapshots.refresh(); }) {}
  void stop() { task_.stop(); }  // idempotent

 private:
  PeriodicTask task_;
};

}  // namespace paredao
