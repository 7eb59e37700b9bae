#include "adapters/memory/memory_vote_log.hpp"

namespace paredao {

void MemoryVoteLog::append(AcceptedVote vote, AppendCallback done) {
  if (fail) return done(AppendStatus::kUnavailable);
  const TallyDelta delta{vote.poll_id, vote.candidate_id, unix_seconds(hour_start(vote.accepted_at)),
                         1};
  tallies_.apply(std::span(&delta, 1));
  votes.push_back(std::move(vote));
  done(AppendStatus::kDurable);
}

}  // namespace paredao
