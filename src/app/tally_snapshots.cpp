#include "app/tally_snapshots.hpp"

namespace paredao {

TallySnapshots::TallySnapshots(const TallyStore& store, const Clock& clock)
    : store_(store), clock_(clock), current_(std::make_shared<const TallySnapshot>()) {
  refresh();
}

bool TallySnapshots::refresh() {
  std::lock_guard lock(refresh_mutex_);
  const auto as_of = clock_.now();
  auto tallies = store_.read_all();
  if (!tallies) return false;
  current_.store(std::make_shared<const TallySnapshot>(TallySnapshot{as_of, std::move(*tallies)}));
  return true;
}

}  // namespace paredao
