#pragma once
// The edge's memory: per network, the challenges issued and the votes accepted in the last 60
// seconds (domain/pace.hpp). In the distributed mode every api copy shares one ledger, so a
// network meets the same pace and limits whichever copy serves it.
#include <chrono>
#include <cstdint>
#include <functional>
#include <vector>

#include "app/result.hpp"
#include "domain/network.hpp"

namespace paredao {

enum class PaceEvent : std::uint8_t { kChallenge, kVote };

struct PaceRequest {
  PaceEvent event;
  Network network;
  std::uint32_t limit = 0;  // refuse when this many are already in the window; 0: no limit
};

struct PaceAdmission {
  bool admitted = false;
  std::uint32_t before = 0;  // events of that kind from that network in the window, before it
  std::int64_t second = 0;   // admitted: the slot it was recorded in (for forget)
  std::chrono::seconds retry_after{0};  // refused: until one would be admitted
};

// An admitted event to take back.
struct PaceRecord {
  PaceEvent event;
  Network network;
  std::int64_t second;
};

// Thread-safe.
class PaceLedger {
 public:
  using Done = std::function<void(Result<std::vector<PaceAdmission>>)>;
  virtual ~PaceLedger() = default;
  // Judges and records the requests in order, each atomically against every other caller;
  // answers them in order, or fails as a whole with kUnavailable (nothing can be said of what
  // was recorded). `done` runs exactly once, on any thread: at once for a ledger in memory.
  virtual void admit(std::vector<PaceRequest> requests, Done done) = 0;
  // Takes back admitted events that did not happen after all (a vote that was not accepted).
  // Best effort: one the store cannot take back stays counted until it leaves the window.
  virtual void forget(std::vector<PaceRecord> records) = 0;
};

}  // namespace paredao
