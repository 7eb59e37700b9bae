#include "adapters/metrics/recent_networks.hpp"

#include <algorithm>

namespace paredao {

void RecentNetworks::note(const Network& network, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (const auto found = seen_.find(network); found != seen_.end()) {
    // Quiet for a minute: counted from zero again, as if first seen now.
    if (now - found->second.last > std::chrono::minutes(1)) found->second.notes = 0;
    found->second.last = now;
    ++found->second.notes;
    return;
  }
  if (seen_.size() >= capacity_) {
    forget_before(now - std::chrono::minutes(1));
    if (seen_.size() >= capacity_) return;
  }
  seen_.emplace(network, Seen{.last = now, .notes = 1});
}

void RecentNetworks::forget_before(Clock::time_point oldest) {
  std::erase_if(seen_, [oldest](const auto& entry) { return entry.second.last < oldest; });
}

std::size_t RecentNetworks::count_within(Clock::duration window, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  forget_before(now - window);
  return seen_.size();
}

std::vector<RecentNetworks::Busy> RecentNetworks::busiest(std::size_t n, Clock::duration window,
                                                          Clock::time_point now) {
  std::lock_guard lock(mutex_);
  forget_before(now - window);
  std::vector<Busy> all;
  all.reserve(seen_.size());
  for (const auto& [network, seen] : seen_) all.push_back({network, seen.notes});
  const auto keep = std::min(n, all.size());
  std::partial_sort(all.begin(), all.begin() + std::ptrdiff_t(keep), all.end(),
                    [](const Busy& a, const Busy& b) { return a.challenges > b.challenges; });
  all.resize(keep);
  return all;
}

}  // namespace paredao
