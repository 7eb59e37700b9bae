#pragma once
// Use case: hand a viewer a human-check challenge for an open poll, asking the work its
// network's pace calls for (the contract's "The edge").
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "app/poll_catalog.hpp"
#include "app/ports/clock.hpp"
#include "app/ports/human_verifier.hpp"
#include "app/ports/pace_ledger.hpp"
#include "app/result.hpp"
#include "domain/pace.hpp"

namespace paredao {

// How long a challenge may be used after it is issued: long enough for a phone to solve it and
// a fan to choose, short enough that a farmed stock of solved challenges goes stale.
inline constexpr std::chrono::seconds kChallengeLifetime{300};

struct ChallengePolicy {
  WorkPolicy work;
  std::uint32_t limit = 600;  // --challenge-limit: per network in any 60 s; 0: none
};

struct IssuedChallenge {
  std::string document;
  std::uint32_t work = 0;  // the solution's counter is below this
  std::uint32_t pace = 0;  // challenges issued to the network in the window, this one included
  // The network is past the human pace (this challenge asked more than the base work).
  bool over_human_pace = false;
  // This challenge took the network past the human pace (once per crossing).
  bool crossed_human_pace = false;
};

// Thread-safe, non-blocking.
class IssueChallenge {
 public:
  using Done = std::function<void(Result<IssuedChallenge>)>;
  IssueChallenge(const PollCatalog& catalog, HumanVerifier& verifier, const Clock& clock,
                 PaceLedger& pace, ChallengePolicy policy);
  // The challenge for a client of `network`; or kNotFound / kPollNotOpen (at once), kRateLimited
  // (with its retry_after) past the limit, kUnavailable when the pace cannot be read. `done`
  // runs exactly once, on any thread.
  void issue(std::string_view poll_id, const Network& network, Done done) const;

 private:
  const PollCatalog& catalog_;
  HumanVerifier& verifier_;
  const Clock& clock_;
  PaceLedger& pace_;
  const ChallengePolicy policy_;
};

}  // namespace paredao
