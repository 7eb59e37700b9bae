#pragma once
// Use case: a viewer's vote, from the request to the durable record.
#include <functional>
#include <optional>
#include <string>

#include "app/poll_catalog.hpp"
#include "app/ports/clock.hpp"
#include "app/ports/human_verifier.hpp"
#include "app/ports/id_generator.hpp"
#include "app/ports/replay_guard.hpp"
#include "app/ports/vote_log.hpp"
#include "app/read_results.hpp"
#include "app/result.hpp"

namespace paredao {

// A vote as received; a field is nullopt when missing or not a string.
struct VoteRequest {
  std::string poll_id;
  std::optional<std::string> candidate_id;
  std::optional<std::string> altcha;
};

struct VoteReceipt {
  std::string vote_id;
  PollCatalog::PollPtr poll;
  std::string candidate_id;
  TimePoint accepted_at;
  std::optional<ResultsView> results;  // nullopt when the poll hides partial results
};

using VoteCallback = std::function<void(Result<VoteReceipt>)>;

// Thread-safe, non-blocking.
class CastVote {
 public:
  CastVote(const PollCatalog& catalog, const HumanVerifier& verifier, ReplayGuard& replay_guard,
           VoteLog& log, IdGenerator& ids, const Clock& clock, const ReadResults& results);

  // Checks the vote in the contract's order (poll, fields, status, candidate, human check),
  // burns the challenge, and appends the vote to the log. `done` runs exactly once: at once on
  // the calling thread for a refusal, or on a vote-log thread once the vote is durable or failed.
  // A success means the vote is durable and will be counted exactly once.
  void cast(VoteRequest request, VoteCallback done);

 private:
  const PollCatalog& catalog_;
  const HumanVerifier& verifier_;
  ReplayGuard& replay_guard_;
  VoteLog& log_;
  IdGenerator& ids_;
  const Clock& clock_;
  const ReadResults& results_;
};

}  // namespace paredao
