#pragma once
#include <boost/unordered/unordered_flat_set.hpp>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "app/ports/replay_guard.hpp"

namespace paredao {

// The embedded mode's ReplayGuard: the ids of burned challenges, in memory, each forgotten once
// its challenge has expired (it could not be used again anyway). Memory is bounded: past
// `max_entries` unexpired ids, burn() answers kUnavailable rather than forgetting a live one.
// At start the ids of unexpired challenges are restored from SQLite. Thread-safe.
class MemoryReplayGuard final : public ReplayGuard {
 public:
  explicit MemoryReplayGuard(std::size_t max_entries);

  BurnResult burn(std::string_view challenge_id, TimePoint expires_at, TimePoint now) override;
  void release(std::string_view challenge_id) override;
  std::size_t size() const;

 private:
  // 128 bits standing for an id: the id itself when it is 32 hex digits (a challenge nonce,
  // random), else the first half of its SHA-256. Fixed size: no allocation per id, a trivial hash.
  struct Key {
    std::uint64_t high = 0, low = 0;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& key) const {
      return key.low ^ (key.high * 0x9E3779B97F4A7C15ull);
    }
  };
  static Key key_of(std::string_view id);
  void forget_expired(TimePoint now);  // requires mutex_

  const std::size_t max_entries_;
  mutable std::mutex mutex_;
  // Open addressing: millions of ids without a node each, and a lookup in one or two cache lines
  // (std::unordered_set's node chasing was 3-4 % of the server's CPU per vote).
  boost::unordered_flat_set<Key, KeyHash> used_;  // guarded by mutex_
  // Ids grouped by the second their challenge expires, so expiry is one erase per second. A
  // released id stays listed here until then (erasing it again is harmless: an id burned anew
  // after its release has the same expiry, that of its challenge).
  std::map<std::int64_t, std::vector<Key>> by_expiry_;  // guarded by mutex_
};

}  // namespace paredao
