#pragma once
// Vote counts of one poll, by candidate and by UTC hour, keyed by candidate id as stored, and
// their projection onto the poll's candidate order for results and stats.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "domain/poll.hpp"

namespace paredao {

using CountsById = std::unordered_map<std::string, std::int64_t>;

// What became of a vote answered 202 (the contract's vote guarantee).
enum class VoteState : std::uint8_t { kCounted = 0, kQuarantined = 1, kVoided = 2 };

// The key a vote is tallied under: its candidate's id when it counts; a held one under a key no
// candidate id can be ("q:<id>" quarantined, "v:<id>" voided: ids never hold a colon). Every
// counter store, rollup and audit then keeps held votes with no change of its own, and the
// projection onto the poll's candidates leaves them out of every count.
std::string tally_key(VoteState state, std::string_view candidate_id);

struct PollTally {
  CountsById by_candidate;
  std::map<std::int64_t, CountsById> by_hour;  // key: unix seconds of the hour's start

  void add(const std::string& candidate_id, std::int64_t hour, std::int64_t votes);
  bool operator==(const PollTally&) const = default;
};

struct HourCounts {
  TimePoint hour;
  std::int64_t total = 0;
  std::vector<std::int64_t> by_candidate;  // poll candidate order
};

struct PollCounts {
  std::int64_t total = 0;
  std::vector<std::int64_t> by_candidate;  // poll candidate order, zeros included
  std::vector<HourCounts> by_hour;         // oldest first, only hours with counted votes
  std::int64_t quarantined = 0;            // held apart, in no count above
  std::int64_t voided = 0;
  std::vector<std::int64_t> quarantined_by_candidate;  // poll candidate order
  std::vector<std::int64_t> voided_by_candidate;
};

// Projects a tally onto the poll's candidates, in creation order, zeros included.
PollCounts project(const Poll& poll, const PollTally* tally);
// The same, by candidate only (what results need: no hour is copied).
std::vector<std::int64_t> project_by_candidate(const Poll& poll, const PollTally* tally);

}  // namespace paredao
