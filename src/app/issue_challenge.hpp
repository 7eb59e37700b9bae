#pragma once
// Use case: hand a viewer a human-check challenge for an open poll.
#include <string>

#include "app/poll_catalog.hpp"
#include "app/ports/clock.hpp"
#include "app/ports/human_verifier.hpp"
#include "app/result.hpp"

namespace paredao {

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
