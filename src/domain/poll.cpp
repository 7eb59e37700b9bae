#include "domain/poll.hpp"

#include <algorithm>

namespace paredao {

std::string_view to_string(PollStatus status) {
  switch (status) {
    case PollStatus::kDraft:
      return "draft";
    case PollStatus::kOpen:
      return "open";
    case PollStatus::kClosed:
      return "closed";
  }
  return "draft";
}

std::optional<PollStatus> poll_status_from_string(std::string_view text) {
  if (text == "draft") return PollStatus::kDraft;
  if (text == "open") return PollStatus::kOpen;
  if (text == "closed") return PollStatus::kClosed;
  return std::nullopt;
}

PollStatus Poll::status_at(TimePoint t) const {
  if (stored_status == PollStatus::kClosed || (closes_at && t >= *closes_at)) {
    return PollStatus::kClosed;
  }
  if (stored_status == PollStatus::kOpen || (opens_at && t >= *opens_at)) return PollStatus::kOpen;
  return PollStatus::kDraft;
}

std::optional<std::size_t> Poll::candidate_index(std::string_view candidate_id) const {
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (candidates[i].id == candidate_id) return i;
  }
  return std::nullopt;
}

bool Poll::watches(const Network& network) const {
  return std::any_of(watch.begin(), watch.end(),
                     [&](const Network& watched) { return watched.contains(network); });
}

std::optional<Poll> opened(const Poll& poll, TimePoint now) {
  if (poll.status_at(now) != PollStatus::kDraft) return std::nullopt;
  Poll next = poll;
  next.stored_status = PollStatus::kOpen;
  if (!next.opens_at || *next.opens_at > now) next.opens_at = floor_to_second(now);
  return next;
}

std::optional<Poll> closed(const Poll& poll, TimePoint now) {
  if (poll.status_at(now) != PollStatus::kOpen) return std::nullopt;
  Poll next = poll;
  next.stored_status = PollStatus::kClosed;
  if (!next.closes_at || *next.closes_at > now) next.closes_at = ceil_to_second(now);
  return next;
}

}  // namespace paredao
