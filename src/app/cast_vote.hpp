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
#include "app/ports/tracer.hpp"
#include "app/read_results.hpp"
#include "app/result.hpp"
#include "app/vote_pipeline.hpp"

namespace paredao {

// A vote as received; a field is nullopt when missing or not a string.
struct VoteRequest {
  std::string poll_id;
  std::optional<std::string> candidate_id;
  std::optional<std::string> altcha;
  Network network;     // the client's (the contract's "The edge")
  TraceContext trace;  // the request's span: the vote's batch continues its trace
};

struct VoteReceipt {
  std::string vote_id;
  PollCatalog::PollPtr poll;
  std::string candidate_id;
  TimePoint accepted_at;
  std::optional<ResultsView> results;  // nullopt when the poll hides partial results
  // Not sent (a held vote is answered exactly like a counted one): for metrics and logs.
  std::string held_reason;  // why the edge held the vote; empty when it counts
  bool first_held = false;  // the network's first vote held in this window (it just crossed)
};

using VoteCallback = std::function<void(Result<VoteReceipt>)>;

// The edge's rules for votes, per network and any 60 s; 0 turns a rule off.
struct VotePolicy {
  std::uint32_t limit = 600;            // --vote-limit: more are answered 429
  std::uint32_t quarantine_pace = 120;  // --quarantine-pace: past it, votes are held ("pace")
};

// Thread-safe, non-blocking.
class CastVote {
 public:
  CastVote(const PollCatalog& catalog, const HumanVerifier& verifier, VotePipeline& pipeline,
           IdGenerator& ids, const Clock& clock, const ReadResults& results, PaceLedger& pace,
           VotePolicy policy);

  // Checks the vote in the contract's order (poll, fields, status, candidate, human check, then
  // the network's vote limit) and hands it to the pipeline, which burns the challenge and makes
  // the vote durable. `done` runs exactly once: at once on the calling thread for a refusal, or on
  // another thread (the pace ledger's, the pipeline's) later. A success means the vote is durable
  // and will be counted exactly once; kUnavailable and kRateLimited mean it was not recorded,
  // its challenge was not used, and its payload may be sent again.
  void cast(VoteRequest request, VoteCallback done);

 private:
  // What the edge decided of a vote that passed every check.
  struct EdgeVerdict {
    Network network;
    VoteState state = VoteState::kCounted;
    std::string reason;
    std::optional<PaceRecord> admission;  // its place in the network's window, if counted there
    bool crossing = false;                // the first vote held since the network crossed
  };
  // Hands a vote that passed every check to the pipeline.
  void submit(PollCatalog::PollPtr poll, TimePoint now, std::string candidate_id, HumanProof proof,
              EdgeVerdict verdict, const TraceContext& trace, VoteCallback done);

  const PollCatalog& catalog_;
  const HumanVerifier& verifier_;
  VotePipeline& pipeline_;
  IdGenerator& ids_;
  const Clock& clock_;
  const ReadResults& results_;
  PaceLedger& pace_;
  const VotePolicy policy_;
};

}  // namespace paredao
