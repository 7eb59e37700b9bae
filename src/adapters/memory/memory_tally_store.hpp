#pragma once
#include <mutex>

#include "app/ports/tally_store.hpp"

namespace paredao {

// Live counters in process memory: the embedded mode's TallyStore, rebuilt from SQLite's rollup at
// start. Thread-safe (one mutex; apply() runs once per batch, read_all() once per refresh).
class MemoryTallyStore final : public TallyStore {
 public:
  void apply(std::span<const TallyDelta> deltas) override;
  std::optional<TallyMap> read_all() const override;

 private:
  mutable std::mutex mutex_;
  TallyMap tallies_;  // guarded by mutex_
};

}  // namespace paredao
