#include "app/issue_challenge.hpp"

namespace paredao {

IssueChallenge::IssueChallenge(const PollCatalog& catalog, HumanVerifier& verifier,
                               const Clock& clock, PaceLedger& pace, ChallengePolicy policy)
    : catalog_(catalog), verifier_(verifier), clock_(clock), pace_(pace), policy_(policy) {}

void IssueChallenge::issue(std::string_view poll_id, const Network& network, Done done) const {
  auto poll = catalog_.find(poll_id);
  if (!poll) {
    done(Error{ErrorCode::kNotFound, "no poll with id '" + std::string(poll_id) + "'"});
    return;
  }
  const auto now = clock_.now();
  if (poll->status_at(now) != PollStatus::kOpen) {
    done(Error{ErrorCode::kPollNotOpen,
               "the poll is " + std::string(to_string(poll->status_at(now)))});
    return;
  }
  pace_.admit({{PaceEvent::kChallenge, network, policy_.limit}},
              [this, poll = std::move(poll), now,
               done = std::move(done)](Result<std::vector<PaceAdmission>> answers) {
                if (!answers.ok()) {
                  done(answers.error());
                  return;
                }
                const auto& admission = answers.value().front();
                if (!admission.admitted) {
                  done(Error{ErrorCode::kRateLimited,
                             "more than " + std::to_string(policy_.limit) +
                                 " challenges in 60 seconds from this network",
                             admission.retry_after});
                  return;
                }
                const auto pace = admission.before + 1;
                const auto work = work_for_pace(pace, policy_.work);
                const auto human = policy_.work.human_pace;
                done(IssuedChallenge{.document = verifier_.issue_challenge(poll->id, now, work),
                                     .work = work,
                                     .pace = pace,
                                     .over_human_pace = human > 0 && pace > human,
                                     .crossed_human_pace = human > 0 && pace == human + 1});
              });
}

}  // namespace paredao
