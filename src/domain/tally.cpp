#include "domain/tally.hpp"

#include <algorithm>
#include <numeric>

namespace paredao {
namespace {

std::vector<std::int64_t> in_candidate_order(const Poll& poll, const CountsById& counts,
                                             std::int64_t& total,
                                             VoteState state = VoteState::kCounted) {
  std::vector<std::int64_t> ordered;
  ordered.reserve(poll.candidates.size());
  for (const auto& candidate : poll.candidates) {
    const auto found =
        counts.find(state == VoteState::kCounted ? candidate.id : tally_key(state, candidate.id));
    // Never shown below zero: a release can reach the live counters a moment before the held
    // vote it moved does (that vote's batch is applied after its own commit), for one refresh.
    const std::int64_t votes = found == counts.end() ? 0 : std::max<std::int64_t>(found->second, 0);
    ordered.push_back(votes);
    total += votes;
  }
  return ordered;
}

}  // namespace

std::string tally_key(VoteState state, std::string_view candidate_id) {
  switch (state) {
    case VoteState::kCounted:
      break;
    case VoteState::kQuarantined:
      return "q:" + std::string(candidate_id);
    case VoteState::kVoided:
      return "v:" + std::string(candidate_id);
  }
  return std::string(candidate_id);
}

void PollTally::add(const std::string& candidate_id, std::int64_t hour, std::int64_t votes) {
  by_candidate[candidate_id] += votes;
  by_hour[hour][candidate_id] += votes;
}

std::vector<std::int64_t> project_by_candidate(const Poll& poll, const PollTally* tally) {
  static const CountsById kEmpty;
  std::int64_t total = 0;
  return in_candidate_order(poll, tally ? tally->by_candidate : kEmpty, total);
}

PollCounts project(const Poll& poll, const PollTally* tally) {
  PollCounts counts;
  counts.by_candidate = project_by_candidate(poll, tally);
  counts.total =
      std::accumulate(counts.by_candidate.begin(), counts.by_candidate.end(), std::int64_t{0});
  static const CountsById kEmpty;
  const auto& totals = tally ? tally->by_candidate : kEmpty;
  counts.quarantined_by_candidate =
      in_candidate_order(poll, totals, counts.quarantined, VoteState::kQuarantined);
  counts.voided_by_candidate = in_candidate_order(poll, totals, counts.voided, VoteState::kVoided);
  if (!tally) return counts;
  for (const auto& [hour, by_id] : tally->by_hour) {
    HourCounts hour_counts{.hour = from_unix_seconds(hour)};
    hour_counts.by_candidate = in_candidate_order(poll, by_id, hour_counts.total);
    if (hour_counts.total > 0) counts.by_hour.push_back(std::move(hour_counts));
  }
  return counts;
}

}  // namespace paredao
