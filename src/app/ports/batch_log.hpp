#pragma once
// Where batches of accepted votes are made durable: the only thing the vote pipeline
// (app/vote_pipeline.hpp) asks of a storage technology.
#include <optional>
#include <string>
#include <vector>

#include "app/ports/tracer.hpp"
#include "domain/tally.hpp"
#include "domain/time.hpp"

namespace paredao {

// A vote that passed every check and now has to be made durable.
struct AcceptedVote {
  std::string vote_id;
  std::string poll_id;
  std::string candidate_id;
  TimePoint accepted_at;
  std::string challenge_id;        // the burned human-check challenge, kept for replay protection
  TimePoint challenge_expires_at;  // after which the challenge id no longer needs remembering
  std::string network;             // the client's network, as a CIDR (the edge; the audit)
  VoteState state = VoteState::kCounted;  // quarantined when the edge holds it apart
  std::string reason;                     // why it is held ("pace", "watched"); empty if counted
  TraceContext trace;                     // the request that carried it; tracing only, never stored
};

// Votes made durable together: one transaction, one message of the queue. `batch_id` is unique
// (a UUIDv7) and a redelivered message carries the same id and votes.
struct VoteBatch {
  std::string batch_id;
  std::vector<AcceptedVote> votes;
  // The span that made it durable, which the worker's spans continue (a message header; not part
  // of the batch's identity: a redelivery may carry another).
  TraceContext trace;
};

enum class BatchFate {
  kDurable,     // stored: it survives a crash of any process and will be counted exactly once
  kNotDurable,  // certainly not stored: none of its votes can ever count
  kInDoubt,     // may or may not be stored (sent, then no confirmation): claim neither outcome
};

// For logs and spans: "durable", "not_durable", "in_doubt".
constexpr const char* fate_name(BatchFate fate) {
  switch (fate) {
    case BatchFate::kDurable:
      return "durable";
    case BatchFate::kNotDurable:
      return "not_durable";
    case BatchFate::kInDoubt:
      return "in_doubt";
  }
  return "";
}

// Makes one batch durable as a unit (all its votes or none). Blocking; called from one thread
// at a time (the pipeline's).
class BatchLog {
 public:
  virtual ~BatchLog() = default;
  virtual BatchFate write(const VoteBatch& batch) = 0;
  // Called on the same thread when no batch came for a while: a log may read what its store
  // said meanwhile (a broker that blocks publishers, or stopped blocking them).
  virtual void idle() {}
};

// Settles a batch whose fate is in doubt (distributed mode: published, never confirmed) where the
// batches are recorded. Blocking; one thread at a time per instance.
class BatchSettlement {
 public:
  virtual ~BatchSettlement() = default;
  // Unless the batch was already recorded, records it as cancelled, so that it can never count.
  // True when it is cancelled (its votes will never count) — also when an earlier call whose
  // answer was lost cancelled it — false when it was recorded (they count), nullopt when the
  // store cannot be reached (nothing known; call again).
  virtual std::optional<bool> cancel_unless_recorded(const std::string& batch_id) = 0;
};

}  // namespace paredao
