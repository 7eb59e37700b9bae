#include "app/issue_challenge.hpp"

namespace paredao {

IssueChallenge::IssueChallenge(const PollCatalog& catalog, HumanVerifier& verifier,
                               const Clock& clock)
    : catalog_(catalog), verifier_(verifier), clock_(clock) {}

Result<std::string> IssueChallenge::issue(std::string_view poll_id) const {
  const auto poll = catalog_.find(poll_id);
  if (!poll) return Error{ErrorCode::kNotFound, "no poll with id '" + std::string(poll_id) + "'"};
  const auto now = clock_.now();
  if (poll->status_at(now) != PollStatus::kOpen) {
    return Error{ErrorCode::kPollNotOpen,
                 "the poll is " + std::string(to_string(poll->status_at(now)))};
  }
  return verifier_.issue_challenge(poll->id, now);
}

}  // namespace paredao
