#pragma once
// Use case: a viewer's vote, from the request to the durable record.
#include <functional>
#include <optional>
#include <string>

#include "app/poll_catalog.hpp"
#include "app/ports/clock.hpp"
#include "app/ports/human_verifier.hpp"
#include "app/ports/id_generator.hpp"
#include "app/ports/pace_ledger.hpp"
#include "app/read_results.hpp"
#include "app/result.hpp"
#include "app/vote_pipeline.hpp"

namespace paredao {

// A vote as received; a field is nullopt when missing or not a string.
struct VoteRequest {
  std::string poll_id;
  std::optional<std::string> candidate_id;
  std::optional<std::string> altcha;
  Network network;  // the client's (the contract's "The edge")
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
  // `vote_limit`: votes accepted per network in any 60 s (0: no limit).
  CastVote(const PollCatalog& catalog, const HumanVerifier& verifier, VotePipeline& pipeline,
           IdGenerator& ids, const Clock& clock, const ReadResults& results, PaceLedger& pace,
           std::uint32_t vote_limit);

  // Checks the vote in the contract's order (poll, fields, status, candidate, human check, then
  // the network's vote limit) and hands it to the pipeline, which burns the challenge and makes
  // the vote durable. `done` runs exactly once: at once on the calling thread for a refusal, or on
  // another thread (the pace ledger's, the pipeline's) later. A success means the vote is durable
  // and will be counted exactly once; kUnavailable and kRateLimited mean it was not recorded,
  // its challenge was not used, and its payload may be sent again.
  void cast(VoteRequest request, VoteCallback done);

 private:
  // Hands a vote that passed every check (its place in the network's limit taken) to the pipeline.
  void submit(PollCatalog::PollPtr poll, TimePoint now, std::string candidate_id, HumanProof proof,
              std::optional<PaceRecord> admission, VoteCallback done);

  const PollCatalog& catalog_;
  const HumanVerifier& verifier_;
  VotePipeline& pipeline_;
  IdGenerator& ids_;
  const Clock& clock_;
  const ReadResults& results_;
  PaceLedger& pace_;
  const std::uint32_t vote_limit_;
};

}  // namespace paredao
