#pragma once
// The networks seen doing something lately (past the human pace), for gauges: how many in the
// last minute, and the busiest of them (how often each was seen since it was last quiet for a
// minute). Bounded: past `capacity` networks, the expired ones are dropped, and if none is,
// new ones are not remembered (the gauge then reads the capacity, which says enough).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <unordered_map>
#include <vector>

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

  struct Busy {
    Network network;
    std::int64_t challenges;  // notes since it was last quiet for `window`
  };
  // The `n` networks noted most often among those noted within `window` before `now`, most
  // first; forgets the older ones.
  std::vector<Busy> busiest(std::size_t n, Clock::duration window, Clock::time_point now);

 private:
  struct Seen {
    Clock::time_point last;
    std::int64_t notes = 0;
  };
  void forget_before(Clock::time_point oldest);  // with mutex_ held

  const std::size_t capacity_;
  std::mutex mutex_;
  std::unordered_map<Network, Seen, NetworkHash> seen_;  // guarded by mutex_
};

}  // namespace paredao
