#pragma once
#include <span>
#include <string_view>
#include <vector>

#include "domain/time.hpp"

namespace paredao {

enum class BurnResult { kFirstUse, kAlreadyUsed, kUnavailable };

// Makes human-check challenges single-use within one process. Thread-safe, non-blocking.
class ReplayGuard {
 public:
  virtual ~ReplayGuard() = default;
  // Records `challenge_id` as used until `expires_at`. Returns kFirstUse exactly once per id
  // (among calls before its expiry, and since its last release), kAlreadyUsed afterwards, and
  // kUnavailable when it cannot remember more (memory bound reached).
  virtual BurnResult burn(std::string_view challenge_id, TimePoint expires_at, TimePoint now) = 0;
  // Forgets a burn, so that the challenge may be used again. Only for the caller whose burn()
  // returned kFirstUse, once, when its vote is known not to count.
  virtual void release(std::string_view challenge_id) = 0;
};

// One use of a challenge on the shared guard. `token` tells this use from any other of the same
// challenge (another api copy burning it at the same moment): a release removes only its own.
struct ChallengeUse {
  std::string_view poll_id;
  std::string_view challenge_id;
  TimePoint expires_at;
  std::string_view token;
};

// The same rule shared by every process of a deployment (distributed mode), checked a batch at a
// time: one round trip burns every challenge of a batch of votes. Blocking; one thread at a time.
class SharedReplayGuard {
 public:
  virtual ~SharedReplayGuard() = default;
  // One result per use, in order. kUnavailable for all when the store failed or answered an
  // error: then each of them may or may not be burned (release them to be sure).
  virtual std::vector<BurnResult> burn_all(std::span<const ChallengeUse> uses, TimePoint now) = 0;
  // Removes each use's burn if, and only if, it is still the one burned with that use's token;
  // a use that is not burned, or burned by another token, is left as it is. False when the store
  // could not be reached or answered an error (then each may or may not be released: retry).
  virtual bool release_all(std::span<const ChallengeUse> uses) = 0;
};

}  // namespace paredao
