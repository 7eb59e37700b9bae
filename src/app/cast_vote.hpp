#pragma once
// Use case: a viewer's vote, from the request to the durable record.
#include <functional>
#include <optional>
#include <string>

#include "app/poll_catalog.hpp"
#include "app/ports/clock.hpp"
#include "app/ports/human_verifier.hpp"
#include "app/ports/id_generator.hpp"
#include "app/read_results.hpp"
#include "app/result.hpp"
#include "app/vote_pipeline.hpp"

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
  CastVote(const PollCatalog& catalog, const HumanVerifier& verifier, VotePipeline& pipeline,
           IdGenerator& ids, const Clock& clock, const ReadResults& results);

  // Checks the vote in the contract's order (poll, fields, status, candidate, human check) and
  // hands it to the pipeline, which burns the challenge and makes the vote durable. `done` runs
  // exactly once: at once on the calling thread for a refusal, or on the pipeline's thread once
  // the vote is durable or failed. A success means the vote is durable and will be counted
  // exactly once; kUnavailable means it was not recorded and its payload may be sent again.
  void cast(VoteRequest request, VoteCallback done);

 private:
  const PollCatalog& catalog_;
  const HumanVerifier& verifier_;
  VotePipeline& pipeline_;
  IdGenerator& ids_;
  const Clock& clock_;
  const ReadResults& results_;
};

}  // namespace paredao
