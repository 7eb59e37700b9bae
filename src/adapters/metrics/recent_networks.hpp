#pragma once
// The networks seen doing something lately (past the human pace), for a gauge: how many in the
// last minute. Bounded: past `capacity` networks, the expired ones are dropped, and if none is,
// new ones are not remembered (the gauge then reads the capacity, which says enough).
#include <chrono>
#include <cstddef>
#include <mutex>
#include <unordered_map>

#include "domain/network.hpp"

namespace paredao {

// Thread-safe.
class RecentNetworks {
 public:
  using Clock = std::chrono::steady_clock;
  explicit RecentNetworks(std::size_t capacity = 100000) : capacity_(capacity) {}
  void note(const Network& network, Clock::time_point now);
  // How many networks were noted within `window` before `now`; forgets the older ones.
  std::size_t count_within(Clock::duration window, Clock::time_point now);

 private:
  const std::size_t capacity_;
  std::mutex mutex_;
  std::unordered_map<Network, Clock::time_point, NetworkHash> last_seen_;  // guarded by mutex_
};

}  // namespace paredao
