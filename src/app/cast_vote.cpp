#include "app/cast_vote.hpp"

namespace paredao {

CastVote::CastVote(const PollCatalog& catalog, const HumanVerifier& verifier,
                   VotePipeline& pipeline, IdGenerator& ids, const Clock& clock,
                   const ReadResults& results, PaceLedger& pace, VotePolicy policy)
    : catalog_(catalog),
      verifier_(verifier),
      pipeline_(pipeline),
      ids_(ids),
      clock_(clock),
      results_(results),
      pace_(pace),
      policy_(policy) {}

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

  auto network = request.network;
  if (policy_.limit == 0 && policy_.quarantine_pace == 0) {
    // Neither defence: the network's votes need not be counted.
    return submit(std::move(poll), now, std::move(*request.candidate_id), std::move(proof).value(),
                  {.network = network}, request.trace, std::move(done));
  }
  auto admitted = [this, poll = std::move(poll), now, candidate = std::move(*request.candidate_id),
                   proof = std::move(proof).value(), network, trace = request.trace,
                   done = std::move(done)](Result<std::vector<PaceAdmission>> answers) mutable {
    if (!answers.ok()) return done(answers.error());
    const auto& admission = answers.value().front();
    if (!admission.admitted) {
      return done(Error{
          ErrorCode::kRateLimited,
          "more than " + std::to_string(policy_.limit) + " votes in 60 seconds from this network",
          admission.retry_after});
    }
    // What no person would do: more than quarantine_pace votes in the minute before this one.
    const bool past_pace =
        policy_.quarantine_pace > 0 && admission.before > policy_.quarantine_pace;
    // The crossing itself, once per network and window: the one log line of it.
    const bool crossing = past_pace && admission.before == policy_.quarantine_pace + 1;
    submit(std::move(poll), now, std::move(candidate), std::move(proof),
           {.network = network,
            .state = past_pace ? VoteState::kQuarantined : VoteState::kCounted,
            .reason = past_pace ? "pace" : "",
            .admission = PaceRecord{PaceEvent::kVote, network, admission.second},
            .crossing = crossing},
           trace, std::move(done));
  };
  pace_.admit({{PaceEvent::kVote, network, policy_.limit}}, std::move(admitted));
}

void CastVote::submit(PollCatalog::PollPtr poll, TimePoint now, std::string candidate_id,
                      HumanProof proof, EdgeVerdict verdict, const TraceContext& trace,
                      VoteCallback done) {
  // The pace first (the contract's order), then production's watch list.
  if (verdict.state == VoteState::kCounted && poll->watches(verdict.network)) {
    verdict.state = VoteState::kQuarantined;
    verdict.reason = "watched";
  }
  AcceptedVote vote{.vote_id = ids_.vote_id(now),
                    .poll_id = poll->id,
                    .candidate_id = std::move(candidate_id),
                    .accepted_at = now,
                    .challenge_id = std::move(proof.challenge_id),
                    .challenge_expires_at = proof.expires_at,
                    .network = verdict.network.cidr(),
                    .state = verdict.state,
                    .reason = std::move(verdict.reason),
                    .trace = trace};
  const auto admission = verdict.admission;
  VoteReceipt receipt{.vote_id = vote.vote_id,
                      .poll = std::move(poll),
                      .candidate_id = vote.candidate_id,
                      .accepted_at = now,
                      .held_reason = vote.reason,
                      .first_held = verdict.crossing};
  pipeline_.submit(std::move(vote), [this, receipt = std::move(receipt), admission,
                                     done = std::move(done)](AppendStatus status) mutable {
    // A vote known not to count takes back its place in the network's limit; one in doubt
    // keeps it (it may count).
    if (admission && (status == AppendStatus::kDuplicate || status == AppendStatus::kUnavailable)) {
      pace_.forget({*admission});
    }
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
