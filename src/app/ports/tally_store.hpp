#pragma once
#include <optional>
#include <span>
#include <string>
#include <unordered_map>

#include "domain/tally.hpp"

namespace paredao {

// Counts to add: `votes` votes for `candidate_id` of `poll_id` in the hour starting at `hour`
// (unix seconds).
struct TallyDelta {
  std::string poll_id;
  std::string candidate_id;
  std::int64_t hour = 0;
  std::int64_t votes = 0;
  bool operator==(const TallyDelta&) const = default;
};

using TallyMap = std::unordered_map<std::string, PollTally>;  // by poll id

// The live counters. Thread-safe.
class TallyStore {
 public:
  virtual ~TallyStore() = default;
  // Adds the deltas. Only the vote pipeline (or the worker consuming the queue) calls this, once
  // per durable batch, so that every durable vote is counted once.
  virtual void apply(std::span<const TallyDelta> deltas) = 0;
  // A copy of every poll's counts, or nullopt if the store cannot be read right now.
  virtual std::optional<TallyMap> read_all() const = 0;
};

}  // namespace paredao
