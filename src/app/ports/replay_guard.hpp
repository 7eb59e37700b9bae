#pragma once
#include <span>
#include <string_view>
#include <vector>

#include "domain/time.hpp"

namespace paredao {

enum class BurnResult { kFirstUse, kAlreadyUsed, kUnavailable };

// Makes human-check challenges single-use. Thread-safe, non-blocking.
class ReplayGuard {
 public:
  virtual ~ReplayGuard() = default;
  // Records `challenge_id` as used until `expires_at`. Returns kFirstUse exactly once per id
  // (among calls before its expiry), kAlreadyUsed afterwards, and kUnavailable when it cannot
  // remember more (memory bound reached) or cannot reach its store.
  virtual BurnResult burn(std::string_view challenge_id, TimePoint expires_at, TimePoint now) = 0;
};

}  // namespace paredao

namespace paredao {

struct ChallengeUse {
  std::string_view poll_id;
  std::string_view challenge_id;
  TimePoint expires_at;
};

// The same rule shared by every process of a deployment (distributed mode), checked a batch at a
// time: one round trip burns every challenge of a batch of votes. Blocking; one thread at a time.
class SharedReplayGuard {
 public:
  virtual ~SharedReplayGuard() = default;
  // One result per use, in order (kUnavailable for all when the store cannot be reached).
  virtual std::vector<BurnResult> burn_all(std::span<const ChallengeUse> uses, TimePoint now) = 0;
};

}  // namespace paredao
