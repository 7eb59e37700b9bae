#include "adapters/memory/memory_tally_store.hpp"

namespace paredao {

void MemoryTallyStore::apply(std::span<const TallyDelta> deltas) {
  std::lock_guard lock(mutex_);
  for (const auto& delta : deltas) {
    tallies_[delta.poll_id].add(delta.candidate_id, delta.hour, delta.votes);
  }
}

std::optional<TallyMap> MemoryTallyStore::read_all() const {
  std::lock_guard lock(mutex_);
  return tallies_;
}

}  // namespace paredao
