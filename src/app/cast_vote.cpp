#include "app/cast_vote.hpp"

namespace paredao {

CastVote::CastVote(const PollCatalog& catalog, const HumanVerifier& verifier,
                   VotePipeline& pipeline, IdGenerator& ids, const Clock& clock,
                   const ReadResults& results)
    : catalog_(catalog),
      verifier_(verifier),
      pipeline_(pipeline),
      ids_(ids),
      clock_(clock),
      results_(results) {}

void CastVote::cast(VoteRequest request, VoteCallback done) {
  auto poll = catalog_.find(request.poll_id);
  if (!poll) {
    return done(Error{ErrorCode::kNotFound, "no poll with id '" + request.poll_id + "'"});
  }
  if (!request.candidate_id) {
    return done(Error{ErrorCode::kInvalidRequest, "candidate_id: a string is required"});
  }
  if (!request.altcha) {
    return done(Error{ErrorCode::kInvalidRequest, "altcha: a string is required"});
  }
  // One instant for every check and for the record: the vote counts if, and only if, the poll
  // is open at its accepted_at.
  const auto now = clock_.now();
  if (const auto status = poll->status_at(now); status != PollStatus::kOpen) {
    return done(Error{ErrorCode::kPollNotOpen, "the poll is " + std::string(to_string(status))});
  }
  if (!poll->candidate_index(*request.candidate_id)) {
    return done(Error{ErrorCode::kUnknownCandidate,
                      "no candidate '" + *request.candidate_id + "' in this poll"});
  }
  auto proof = verifier_.verify(*request.altcha, poll->id, now);
  if (!proof.ok()) return done(proof.error());

  AcceptedVote vote{.vote_id = ids_.vote_id(now),
                    .poll_id = poll->id,
                    .candidate_id = std::move(*request.candidate_id),
                    .accepted_at = now,
                    .challenge_id = std::move(proof.value().challenge_id),
                    .challenge_expires_at = proof.value().expires_at};
  VoteReceipt receipt{.vote_id = vote.vote_id,
                      .poll = std::move(poll),
                      .candidate_id = vote.candidate_id,
                      .accepted_at = now};
  pipeline_.submit(std::move(vote), [this, receipt = std::move(receipt),
                                     done = std::move(done)](AppendStatus status) mutable {
    switch (status) {
      case AppendStatus::kDurable:
        receipt.results = results_.visible_results(receipt.poll);
        return done(std::move(receipt));
      case AppendStatus::kDuplicate:
        return done(Error{ErrorCode::kHumanCheckFailed, "this human check was already used"});
      case AppendStatus::kUnavailable:
        return done(Error{ErrorCode::kUnavailable, "the vote could not be recorded; try again"});
      case AppendStatus::kInDoubt:
        return done(Error{ErrorCode::kOutcomeUnknown, "the vote's fate is unknown"});
    }
  });
}

}  // namespace paredao
