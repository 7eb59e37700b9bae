#include "adapters/metrics/recent_networks.hpp"

namespace paredao {

void RecentNetworks::note(const Network& network, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (const auto found = last_seen_.find(network); found != last_seen_.end()) {
    found->second = now;
    return;
  }
  if (last_seen_.size() >= capacity_) {
    std::erase_if(last_seen_, [now](const auto& entry) {
      return now - entry.second > std::chrono::minutes(1);
    });
    if (last_seen_.size() >= capacity_) return;
  }
  last_seen_.emplace(network, now);
}

std::size_t RecentNetworks::count_within(Clock::duration window, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  std::erase_if(last_seen_, [&](const auto& entry) { return now - entry.second > window; });
  return last_seen_.size();
}

}  // namespace paredao
