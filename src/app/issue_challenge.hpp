#pragma once
// Use case: hand a viewer a human-check challenge for an open poll.
#include <chrono>
#include <string>

#include "app/poll_catalog.hpp"
#include "app/ports/clock.hpp"
#include "app/ports/human_verifier.hpp"
#include "app/result.hpp"

namespace paredao {

// How long a challenge may be used after it is issued: long enough for a phone to solve it and
// a fan to choose, short enough that a farmed stock of solved challenges goes stale.
inline constexpr std::chrono::seconds kChallengeLifetime{300};

// Thread-safe, non-blocking.
class IssueChallenge {
 public:
  IssueChallenge(const PollCatalog& catalog, HumanVerifier& verifier, const Clock& clock);
  // The challenge document, or kNotFound / kPollNotOpen.
  Result<std::string> issue(std::string_view poll_id) const;

 private:
  const PollCatalog& catalog_;
  HumanVerifier& verifier_;
  const Clock& clock_;
};

}  // namespace paredao
