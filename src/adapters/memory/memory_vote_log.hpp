#pragma once
#include <mutex>
#include <vector>

#include "app/ports/tally_store.hpp"
#include "app/ports/vote_log.hpp"

namespace paredao {

// A VoteLog for unit tests: appends are "durable" at once (or fail when `fail` is set), counted
// into the given TallyStore, and kept in `votes` for inspection. Callbacks run on the caller's
// thread, which real logs never do.
class MemoryVoteLog final : public VoteLog {
 public:
  explicit MemoryVoteLog(TallyStore& tallies) : tallies_(tallies) {}

  void append(AcceptedVote vote, AppendCallback done) override;
  bool healthy() const override { return !fail; }

  std::vector<AcceptedVote> votes;
  bool fail = false;

 private:
  TallyStore& tallies_;
};

}  // namespace paredao
