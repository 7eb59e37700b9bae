#pragma once
// Vote counts of one poll, by candidate and by UTC hour, keyed by candidate id as stored, and
// their projection onto the poll's candidate order for results and stats.
#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "domain/poll.hpp"

namespace paredao {

using CountsById = std::unordered_map<std::string, std::int64_t>;

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
  std::vector<HourCounts> by_hour;         // oldest first, only hours with votes
};

// Projects a tally onto the poll's candidates, in creation order, zeros included.
PollCounts project(const Poll& poll, const PollTally* tally);
// The same, by candidate only (what results need: no hour is copied).
std::vector<std::int64_t> project_by_candidate(const Poll& poll, const PollTally* tally);

}  // namespace paredao
