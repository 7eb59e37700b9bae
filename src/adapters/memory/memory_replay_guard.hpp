#pragma once
#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

#include "app/ports/replay_guard.hpp"

namespace paredao {

// The embedded mode's ReplayGuard: the ids of burned challenges, in memory, each forgotten once
// its challenge has expired (it could not be used again anyway). Memory is bounded: past
// `max_entries` unexpired ids, burn() answers kUnavailable rather than forgetting a live one.
// At start the vote log restores the ids of unexpired challenges it holds. Thread-safe.
class MemoryReplayGuard final : public ReplayGuard {
 public:
  explicit MemoryReplayGuard(std::size_t max_entries);

  BurnResult burn(std::string_view challenge_id, TimePoint expires_at, TimePoint now) override;
  std::size_t size() const;

 private:
  void forget_expired(TimePoint now);  // requires mutex_

  const std::size_t max_entries_;
  mutable std::mutex mutex_;
  std::unordered_set<std::string> used_;  // guarded by mutex_
  // Ids grouped by the second their challenge expires, so expiry is one erase per second.
  std::map<std::int64_t, std::vector<std::string>> by_expiry_;  // guarded by mutex_
};

}  // namespace paredao
