#include "app/review_held_votes.hpp"

#include <algorithm>

namespace paredao {
namespace {

const Error kStoreDown{ErrorCode::kUnavailable, "the vote store cannot be read now; try again",
                       std::chrono::seconds(1)};

}  // namespace

std::string_view to_string(ReviewAction action) {
  return action == ReviewAction::kRelease ? "release" : "void";
}

ReviewHeldVotes::ReviewHeldVotes(ReviewPorts ports, std::chrono::milliseconds barrier_limit)
    : ports_(ports), barrier_limit_(barrier_limit) {}

Result<PollCatalog::PollPtr> ReviewHeldVotes::settled(std::string_view poll_id) {
  auto poll = ports_.catalog.find(poll_id);
  if (!poll) return Error{ErrorCode::kNotFound, "no poll with id '" + std::string(poll_id) + "'"};
  if (!ports_.barrier.wait_until_recorded(barrier_limit_)) {
    return Error{ErrorCode::kUnavailable,
                 "votes answered moments ago are not all recorded yet (the pipeline is behind);"
                 " try again",
                 std::chrono::seconds(1)};
  }
  return poll;
}

Result<QuarantineView> ReviewHeldVotes::quarantine(std::string_view poll_id) {
  auto poll = settled(poll_id);
  if (!poll.ok()) return poll.error();
  const auto as_of = ports_.clock.now();
  auto held = ports_.review.held(poll_id);
  if (!held) return kStoreDown;
  return QuarantineView{std::move(poll).value(), as_of, std::move(*held)};
}

Result<std::int64_t> ReviewHeldVotes::decide(std::string_view poll_id, ReviewAction action,
                                             const HeldFilter& filter) {
  auto poll = settled(poll_id);
  if (!poll.ok()) return poll.error();
  const auto at = ports_.clock.now();
  const auto decision_id = ports_.ids.vote_id(at);
  const auto outcome = ports_.review.decide(poll_id, action, filter, at, decision_id);
  if (!outcome) return kStoreDown;
  // After the commit: the live counters follow (results and stats may lag; nothing else does).
  if (outcome->votes > 0) ports_.counts.apply(decision_id, outcome->deltas);
  return outcome->votes;
}

Result<std::unique_ptr<AuditReader>> ReviewHeldVotes::audit(std::string_view poll_id) {
  auto poll = settled(poll_id);
  if (!poll.ok()) return poll.error();
  auto reader = ports_.review.audit(poll_id);
  if (!reader) return kStoreDown;
  return reader;
}

Result<MinuteHistory> ReviewHeldVotes::minutes(std::string_view poll_id,
                                               std::optional<TimePoint> since) {
  auto poll = ports_.catalog.find(poll_id);
  if (!poll) return Error{ErrorCode::kNotFound, "no poll with id '" + std::string(poll_id) + "'"};
  const auto as_of = ports_.clock.now();
  const TimePoint earliest = std::chrono::floor<std::chrono::minutes>(as_of) - kHistorySpan;
  const TimePoint from =
      since ? std::max(earliest, TimePoint{std::chrono::floor<std::chrono::minutes>(*since)})
            : earliest;
  auto tallies = ports_.review.counted_by_minute(poll_id, from);
  if (!tallies) return kStoreDown;
  MinuteHistory history{.poll = poll, .as_of = as_of, .by_minute = {}};
  for (const auto& tally : *tallies) {
    MinuteCounts counts{.minute = tally.minute,
                        .total = 0,
                        .by_candidate = std::vector<std::int64_t>(poll->candidates.size(), 0)};
    for (const auto& [candidate, votes] : tally.by_candidate) {
      const auto index = poll->candidate_index(candidate);
      if (!index) continue;  // not a candidate of this poll (never, for counted votes)
      counts.by_candidate[*index] += votes;
      counts.total += votes;
    }
    if (counts.total > 0) history.by_minute.push_back(std::move(counts));
  }
  return history;
}

}  // namespace paredao
