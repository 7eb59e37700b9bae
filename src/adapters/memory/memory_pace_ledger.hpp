#pragma once
#include <boost/unordered/unordered_flat_map.hpp>
#include <cstddef>
#include <mutex>

#include "app/ports/clock.hpp"
#include "app/ports/pace_ledger.hpp"
#include "domain/pace.hpp"

namespace paredao {

// The embedded mode's PaceLedger: each network's windows in memory, under one lock (a few
// hundred nanoseconds per request). Bounded: windows with nothing left in them are dropped once a
// minute; past `max_windows` live ones (a flood from more networks in one minute than that),
// some are forgotten, and those networks start again from zero (logged, at most once a minute).
class MemoryPaceLedger final : public PaceLedger {
 public:
  MemoryPaceLedger(const Clock& clock, std::size_t max_windows);

  void admit(std::vector<PaceRequest> requests, Done done) override;
  void forget(std::vector<PaceRecord> records) override;
  std::size_t size() const;

 private:
  struct Key {
    PaceEvent event;
    Network network;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& key) const {
      return NetworkHash{}(key.network) * 31 + std::size_t(key.event);
    }
  };
  void make_room(std::int64_t now);  // requires mutex_

  const Clock& clock_;
  const std::size_t max_windows_;
  mutable std::mutex mutex_;
  boost::unordered_flat_map<Key, PaceWindow, KeyHash> windows_;  // guarded by mutex_
  std::int64_t last_sweep_ = 0;                                  // guarded by mutex_
  std::int64_t last_overflow_log_ = 0;                           // guarded by mutex_
};

}  // namespace paredao
