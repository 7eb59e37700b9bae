#pragma once
#include <functional>
#include <string>

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
};

enum class AppendStatus {
  kDurable,      // the vote is durable: it survives a crash and will be counted exactly once
  kDuplicate,    // the log already holds this vote or this challenge: not counted again
  kUnavailable,  // the vote could not be made durable: it is not counted
  kInDoubt,      // the log cannot tell whether the vote was made durable: claim neither outcome
};

using AppendCallback = std::function<void(AppendStatus)>;

// The durable record of accepted votes. Implementations group-commit: votes appended together
// become one batch (one transaction, one message), and each callback runs only once its batch is
// durable or has failed.
class VoteLog {
 public:
  virtual ~VoteLog() = default;
  // Never blocks. `done` is called exactly once, from a thread of the log (not the caller's):
  // the caller must hand the result back to its own thread if it needs to.
  virtual void append(AcceptedVote vote, AppendCallback done) = 0;
  // Whether the log can currently make votes durable (for /readyz).
  virtual bool healthy() const = 0;
};

}  // namespace paredao
